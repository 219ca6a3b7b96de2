//! What the Debian package ships from the command line: the man pages in
//! packaging/debian/man/ match the commands, and `--version` answers.
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn pages(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "1"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

#[test]
fn man_pages_are_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kohort"))
        .args(["manpage", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let fresh = pages(dir.path());
    let shipped = pages(&kohort_testkit::repo_root().join("packaging/debian/man"));
    assert!(fresh.contains_key("kohort.1") && fresh.contains_key("kohort-store-import.1"));
    let names = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&shipped),
        names(&fresh),
        "man pages added or removed: run `cargo run -- manpage --out packaging/debian/man` \
         (and delete the stale ones)"
    );
    for (name, text) in &fresh {
        assert!(
            shipped[name] == *text,
            "packaging/debian/man/{name} is out of date: run `cargo run -- manpage --out packaging/debian/man`"
        );
    }
    // The page documents what clap cannot see.
    assert!(fresh["kohort.1"].contains("KOHORT_PASSPHRASE"));
}

#[test]
fn version_names_the_package_version() {
    let out = Command::new(env!("CARGO_BIN_EXE_kohort"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("kohort {}", env!("CARGO_PKG_VERSION"))
    );
}
