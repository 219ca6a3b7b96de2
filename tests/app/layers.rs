//! The one-way house holds: each crate depends only on the layers below
//! it, and the screens reach no database, file or network directly.

use std::path::Path;

use kohort_testkit::repo_root;

/// The `kohort-*` crates a crate's manifest depends on (not dev-only).
fn our_dependencies(crate_dir: &str) -> Vec<String> {
    let text = std::fs::read_to_string(repo_root().join(crate_dir).join("Cargo.toml")).unwrap();
    let deps = text
        .split("\n[")
        .find(|s| s.starts_with("dependencies]"))
        .unwrap_or("");
    let mut out: Vec<String> = deps
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| n.starts_with("kohort-"))
        .map(str::to_owned)
        .collect();
    out.sort();
    out
}

#[test]
fn crates_depend_only_downwards() {
    assert_eq!(our_dependencies("crates/form"), Vec::<String>::new());
    assert_eq!(our_dependencies("crates/files"), Vec::<String>::new());
    assert_eq!(our_dependencies("crates/speech"), Vec::<String>::new());
    assert_eq!(our_dependencies("crates/batch"), ["kohort-form"]);
    assert_eq!(
        our_dependencies("crates/tablet"),
        ["kohort-batch", "kohort-files", "kohort-form"]
    );
    assert_eq!(
        our_dependencies("crates/research"),
        ["kohort-batch", "kohort-files", "kohort-form"]
    );
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn screens_reach_no_database_file_or_network() {
    let mut files = Vec::new();
    rust_files(&repo_root().join("src/ui"), &mut files);
    assert!(files.len() > 10);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for word in ["rusqlite", "std::fs", "ureq"] {
            assert!(!text.contains(word), "{} uses {word}", f.display());
        }
    }
}

#[test]
fn no_source_file_is_longer_than_600_lines() {
    let mut files = Vec::new();
    rust_files(&repo_root().join("src"), &mut files);
    for c in std::fs::read_dir(repo_root().join("crates")).unwrap() {
        rust_files(&c.unwrap().path().join("src"), &mut files);
    }
    for f in files {
        let n = std::fs::read_to_string(&f).unwrap().lines().count();
        assert!(n <= 600, "{} has {n} lines", f.display());
    }
}
