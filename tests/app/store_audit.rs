//! The audit chain: hashes and keyed links, checked by the CLI with the
//! passphrase. Someone who holds the passphrase and edits the database by
//! hand (the only way in now that the file is encrypted) still breaks it:
//! an edited, removed or recomputed entry, a truncated or empty log.
use std::process::Command;

use kohort_tablet::store::{Store, entry_hash};

use kohort_testkit::{PASS, consent, create, date, reopen};

fn cli_verify(path: &std::path::Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kohort"))
        .args(["audit", "verify", "--db"])
        .arg(path)
        .env("KOHORT_PASSPHRASE", PASS)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// A tablet with four audit entries.
fn tablet(path: &std::path::Path) -> Store {
    let (mut store, _) = create(path);
    for i in 0..3 {
        store
            .enrol(&format!("T-{i}"), "OSL", None, &consent(), date(2025, 1, 1))
            .unwrap();
    }
    store
}

#[test]
fn edited_entry_breaks_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    let store = tablet(&path);
    assert_eq!(store.verify_audit().unwrap(), Ok(4));
    drop(store);
    let (ok, out) = cli_verify(&path);
    assert!(ok && out.contains("4 audit entries"), "{out}");

    let store = reopen(&path);
    // The table refuses edits; a tamperer has to drop the trigger first.
    assert!(
        store
            .sql()
            .execute("UPDATE audit SET actor = 'patient' WHERE seq = 3", [])
            .is_err()
    );
    store
        .sql()
        .execute_batch(
            "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'patient' WHERE seq = 3;",
        )
        .unwrap();
    assert_eq!(store.verify_audit().unwrap().unwrap_err().seq, 3);
    drop(store);
    let (ok, out) = cli_verify(&path);
    assert!(!ok && out.contains("entry 3"), "{out}");
}

#[test]
fn removed_entry_breaks_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let store = tablet(&dir.path().join("k.db"));
    store
        .sql()
        .execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2;")
        .unwrap();
    assert_eq!(store.verify_audit().unwrap().unwrap_err().seq, 3);
}

#[test]
fn a_chain_rebuilt_without_the_key_or_truncated_does_not_verify() {
    let dir = tempfile::tempdir().unwrap();
    let store = tablet(&dir.path().join("k.db"));
    let conn = store.sql();
    conn.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
        .unwrap();
    // Edit entry 3 and recompute every hash from there, as one could
    // without the key: the keyed links give it away.
    conn.execute("UPDATE audit SET actor = 'patient' WHERE seq = 3", [])
        .unwrap();
    let rows: Vec<(i64, String, String, String, String)> = conn
        .prepare("SELECT seq, at, actor, action, subject FROM audit ORDER BY seq")
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut prev = kohort_tablet::store::GENESIS.to_owned();
    for (seq, at, actor, action, subject) in rows {
        let hash = entry_hash(&prev, seq, &at, &actor, &action, &subject);
        conn.execute(
            "UPDATE audit SET prev_hash = ?2, hash = ?3 WHERE seq = ?1",
            rusqlite::params![seq, prev, hash],
        )
        .unwrap();
        prev = hash;
    }
    let broken = store.verify_audit().unwrap().unwrap_err();
    assert_eq!(broken.seq, 3);
    assert!(broken.reason.contains("keyed link"), "{broken}");

    // Truncated to nothing, or to its tail: not verified either.
    conn.execute("DELETE FROM audit WHERE seq < 3", []).unwrap();
    assert!(store.verify_audit().unwrap().is_err());
    conn.execute("DELETE FROM audit", []).unwrap();
    let empty = store.verify_audit().unwrap().unwrap_err();
    assert!(empty.reason.contains("empty"), "{empty}");
}

#[test]
fn export_refuses_to_seal_when_the_chain_does_not_verify() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    let mut store = kohort_testkit::tablet(&path);
    let study = kohort_testkit::study();
    kohort_tablet::store::demo::fill(&mut store, &study, 2, 7).unwrap();
    store
        .sql()
        .execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2;")
        .unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let err = kohort_tablet::sync::export(&mut store, &out).unwrap_err();
    assert!(
        matches!(err, kohort_tablet::sync::ExportError::AuditBroken(_)),
        "{err}"
    );
    assert!(err.to_string().contains("nothing was sealed"), "{err}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    assert!(store.batches().unwrap().is_empty());
}

#[test]
fn demo_batches_are_marked_and_refused_by_the_research_store_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let keys = kohort_testkit::research_keys();
    let study = kohort_testkit::study();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let mut store = kohort_testkit::tablet(&dir.path().join("demo.db"));
    kohort_tablet::store::demo::fill(&mut store, &study, 2, 7).unwrap();
    store.mark_demo().unwrap();
    assert!(store.is_demo().unwrap());
    kohort_tablet::sync::export(&mut store, &out).unwrap();

    let research = dir.path().join("research");
    let report = kohort_research::import_dir(&keys, &out, &research).unwrap();
    let refused: Vec<_> = report.refused().collect();
    assert_eq!(refused.len(), 1);
    assert!(refused[0].1.contains("demo tablet"), "{}", refused[0].1);
    let opts = kohort_research::ImportOptions {
        allow_demo: true,
        enrol_unknown: true,
    };
    let report = kohort_research::import_dir_with(&keys, &out, &research, &opts).unwrap();
    assert_eq!(report.refused().count(), 0);
    assert_eq!(
        report
            .devices
            .values()
            .map(|d| d.imported_now)
            .sum::<usize>(),
        1
    );
}
