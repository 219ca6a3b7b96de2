# Sourced by the screenshot scripts, from the checkout's root: builds as
# `cargo run` does (./target unless CARGO_TARGET_DIR says otherwise) and
# copies the binary into a private temporary folder, so a rebuild meanwhile
# cannot swap it. Sets $tmp (removed on exit) and $bin (the copy).
target="${CARGO_TARGET_DIR:-target}"
cargo build --quiet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin="$tmp/kohort"
cp "$target/debug/kohort" "$bin"
