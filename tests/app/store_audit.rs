//! The audit chain: verified without the passphrase, from the CLI too, and
//! an edited entry is reported as the first broken link.
use std::process::Command;

use kohort_tablet::store::Store;
use rusqlite::Connection;

use kohort_testkit::{consent, create, date};

fn cli_verify(path: &std::path::Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kohort"))
        .args(["audit", "verify", "--db"])
        .arg(path)
        .env_remove("KOHORT_PASSPHRASE")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn edited_entry_breaks_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    let (mut store, _) = create(&path);
    for i in 0..3 {
        store
            .enrol(&format!("T-{i}"), "OSL", None, &consent(), date(2025, 1, 1))
            .unwrap();
    }
    drop(store);
    // Locked: no passphrase needed.
    assert_eq!(Store::open(&path).unwrap().verify_audit().unwrap(), Ok(4));
    let (ok, out) = cli_verify(&path);
    assert!(ok && out.contains("4 audit entries"), "{out}");

    let conn = Connection::open(&path).unwrap();
    // The table refuses edits; a tamperer has to drop the trigger first.
    assert!(
        conn.execute("UPDATE audit SET actor = 'patient' WHERE seq = 3", [])
            .is_err()
    );
    conn.execute_batch(
        "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'patient' WHERE seq = 3;",
    )
    .unwrap();
    drop(conn);
    let broken = Store::open(&path)
        .unwrap()
        .verify_audit()
        .unwrap()
        .unwrap_err();
    assert_eq!(broken.seq, 3);
    let (ok, out) = cli_verify(&path);
    assert!(!ok && out.contains("entry 3"), "{out}");
}

#[test]
fn removed_entry_breaks_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    let (mut store, _) = create(&path);
    for i in 0..3 {
        store
            .enrol(&format!("T-{i}"), "OSL", None, &consent(), date(2025, 1, 1))
            .unwrap();
    }
    drop(store);
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2;")
        .unwrap();
    drop(conn);
    let broken = Store::open(&path)
        .unwrap()
        .verify_audit()
        .unwrap()
        .unwrap_err();
    assert_eq!(broken.seq, 3);
}
