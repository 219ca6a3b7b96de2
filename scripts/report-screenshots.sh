#!/usr/bin/env bash
# Screenshots of each section of the study report of a demo store, taken in
# headless Chromium: OUTDIR/report-<section>.png.
# Usage: scripts/report-screenshots.sh OUTDIR [PARTICIPANTS] [-- REPORT OPTIONS]
# Needs: chromium and python3 (apt-get install chromium python3).
# Makes a practice key, a demo tablet with PARTICIPANTS (default 60)
# participants, exports and imports its batch, writes the report (kept in
# OUTDIR/report/), then shoots each <section> of report.html on its own.
set -euo pipefail
out=${1:?usage: scripts/report-screenshots.sh OUTDIR [PARTICIPANTS] [-- REPORT OPTIONS]}
shift
participants=60
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
  participants=$1
  shift
fi
[ "${1:-}" = "--" ] && shift
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$(dirname "$0")/.."
forms=$(pwd)/forms
. scripts/private-binary.sh

cd "$tmp"
"$bin" store keygen --out keys --study hab >/dev/null
export KOHORT_PASSPHRASE=practice-passphrase-for-the-report
"$bin" demo --db demo.db --participants "$participants" --forms "$forms" >/dev/null
"$bin" device set-research-key keys/research.pub --db demo.db >/dev/null
"$bin" export --db demo.db --to incoming >/dev/null
fp=$("$bin" device show --db demo.db | sed -n 's/^fingerprint: //p')
unset KOHORT_PASSPHRASE
"$bin" store devices add "$fp" --site Oslo --name "Demo tablet" --store store >/dev/null
"$bin" store import --key keys --in incoming --store store --allow-demo >/dev/null
rm -rf "$out/report"
"$bin" store report --store store --forms "$forms" --out "$out/report" "$@"

chrome() {
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$tmp/profile" "$@" 2>/dev/null
}

# One page per section: the report with every other section hidden, and a
# line of script (the report itself runs none) telling the page's height.
width=1120
for id in $(grep -o '<section id="[a-z]*"' "$out/report/report.html" | cut -d'"' -f2); do
  python3 - "$out/report/report.html" "$tmp/$id.html" "$id" <<'EOF'
import re, sys
src, dst, keep = sys.argv[1:]
page = open(src, encoding="utf-8").read()
page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
hide = "header, nav, section:not(#%s) { display: none; } main { padding-top: 4px; padding-bottom: 12px; }" % keep
page = page.replace("</style>", hide + "</style>", 1)
page = page.replace("</body>", "<script>document.body.dataset.h = document.documentElement.scrollHeight;</script></body>", 1)
open(dst, "w", encoding="utf-8").write(page)
EOF
  height=$(chrome --window-size="$width,200" --dump-dom "file://$tmp/$id.html" | sed -n 's/.*data-h="\([0-9]*\)".*/\1/p' | head -1)
  chrome --screenshot="$out/report-$id.png" --window-size="$width,${height:-1200}" "file://$tmp/$id.html" >/dev/null
  echo "wrote $out/report-$id.png (${height:-?} px high)"
done
