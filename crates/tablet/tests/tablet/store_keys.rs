//! Keys: wrong passphrases, the recovery key, passphrase changes, and
//! ciphertexts moved between rows.
use std::time::Duration;

use kohort_form::{Answer, AnswerValue};
use kohort_tablet::store::{Delay, Store, StoreError};
use rusqlite::Connection;

use kohort_testkit::{PASS, consent, create, date, reopen};

#[test]
fn wrong_passphrase_is_refused_delayed_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    drop(create(&path));
    let locked = Store::open(&path).unwrap();
    let refused = locked.unlock("not the passphrase").err().unwrap();
    assert!(matches!(
        refused.error,
        StoreError::WrongPassphrase { retry_after } if retry_after == Duration::from_secs(1)
    ));
    // Even the right passphrase must wait out the delay.
    let refused = refused.locked.unlock(PASS).err().unwrap();
    assert!(matches!(refused.error, StoreError::TooSoon(_)));
    let mut locked = refused.locked;
    locked.set_delay(Delay::None);
    for wrong in ["", "correct horse battery ", "CORRECT HORSE BATTERY"] {
        let r = locked.unlock(wrong).err().unwrap();
        assert!(matches!(r.error, StoreError::WrongPassphrase { .. }));
        locked = r.locked;
    }
    let store = locked.unlock(PASS).unwrap();
    // The failures are counted in the key file while locked, and written
    // to the (encrypted) audit log as one entry at the next unlock.
    let failed: Vec<String> = store
        .audit_entries()
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "unlock_failed")
        .map(|e| e.subject)
        .collect();
    assert_eq!(failed, ["failures=4"]);
    assert_eq!(store.verify_audit().unwrap(), Ok(2));
}

#[test]
fn recovery_key_opens_and_passphrase_change_rewraps() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    let (mut store, recovery) = create(&path);
    let (pid, _) = store
        .enrol("T-1", "OSL", Some("Ola"), &consent(), date(2025, 1, 1))
        .unwrap();
    drop(store);

    let mut locked = Store::open(&path).unwrap();
    locked.set_delay(Delay::None);
    let r = locked
        .unlock_with_recovery("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA")
        .err()
        .unwrap();
    assert!(matches!(r.error, StoreError::WrongRecoveryKey));
    let printed = recovery.to_printable();
    let mut store = r.locked.unlock_with_recovery(&printed).unwrap();
    assert_eq!(
        store.participants().unwrap()[0].label.as_deref(),
        Some("Ola")
    );
    assert!(matches!(
        store.change_passphrase("short"),
        Err(StoreError::WeakPassphrase)
    ));
    store.change_passphrase("a brand new passphrase").unwrap();
    let mut locked = store.lock();
    locked.set_delay(Delay::None);
    let r = locked.unlock(PASS).err().unwrap();
    assert!(matches!(r.error, StoreError::WrongPassphrase { .. }));
    let store = r.locked.unlock("a brand new passphrase").unwrap();
    assert_eq!(store.participants().unwrap()[0].id, pid);
    // The recovery key still works after the change (only the passphrase wrap changed).
    let store = store.lock().unlock_with_recovery(&printed).unwrap();
    let actions: Vec<String> = kohort_testkit::actions(store.audit_entries().unwrap());
    assert!(actions.contains(&"passphrase_changed".to_owned()));
    assert!(actions.contains(&"unlock_with_recovery_key".to_owned()));
}

fn swap(conn: &Connection, table: &str, key: &str, column: &str, a: &str, b: &str) {
    let get = |id: &str| -> Vec<u8> {
        conn.query_row(
            &format!("SELECT {column} FROM {table} WHERE {key} = ?1"),
            [id],
            |r| r.get(0),
        )
        .unwrap()
    };
    let (va, vb) = (get(a), get(b));
    let set = |id: &str, v: &[u8]| {
        conn.execute(
            &format!("UPDATE {table} SET {column} = ?2 WHERE {key} = ?1"),
            rusqlite::params![id, v],
        )
        .unwrap()
    };
    set(a, &vb);
    set(b, &va);
}

#[test]
fn swapped_ciphertexts_fail_to_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    let study = kohort_testkit::study();
    let q = study.questionnaire("baseline").unwrap();
    let (mut store, _) = create(&path);
    let (p1, e1) = store
        .enrol("T-1", "OSL", Some("Kari"), &consent(), date(2025, 1, 1))
        .unwrap();
    let (p2, e2) = store
        .enrol("T-2", "BGO", Some("Per"), &consent(), date(2025, 1, 1))
        .unwrap();
    let s1 = store.start_session(p1, e1, &q).unwrap();
    let s2 = store.start_session(p2, e2, &q).unwrap();
    store
        .save_answer(s1, "item_a", &Answer::Value(AnswerValue::Int(1)))
        .unwrap();
    store.save_answer(s2, "item_a", &Answer::Declined).unwrap();
    drop(store);

    // Someone holding the passphrase edits the database by hand: the
    // sealed values still name their row.
    let by_hand = reopen(&path);
    let conn = by_hand.sql();
    let value = |s: uuid::Uuid| -> Vec<u8> {
        conn.query_row(
            "SELECT value FROM answers WHERE session = ?1",
            [s.to_string()],
            |r| r.get(0),
        )
        .unwrap()
    };
    let (v1, v2) = (value(s1), value(s2));
    conn.execute(
        "UPDATE answers SET value = ?2 WHERE session = ?1",
        rusqlite::params![s1.to_string(), v2],
    )
    .unwrap();
    conn.execute(
        "UPDATE answers SET value = ?2 WHERE session = ?1",
        rusqlite::params![s2.to_string(), v1],
    )
    .unwrap();
    swap(
        conn,
        "participants",
        "id",
        "label",
        &p1.to_string(),
        &p2.to_string(),
    );
    drop(by_hand);

    let store = reopen(&path);
    for s in [s1, s2] {
        let err = store.load_session(s).unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Tampered {
                    table: "answers",
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("moved from another row"));
    }
    let err = store.participants().unwrap_err();
    assert!(matches!(
        err,
        StoreError::Tampered {
            table: "participants",
            column: "label",
            ..
        }
    ));
}

#[cfg(unix)]
#[test]
fn a_new_database_and_its_wal_are_readable_by_the_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    let (mut store, _) = create(&path);
    store
        .enrol("T-1", "OSL", Some("Ola"), &consent(), date(2025, 1, 1))
        .unwrap();
    for file in [path.clone(), dir.path().join("k.db-wal")] {
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", file.display());
    }
    drop(store);
    // Creating over an existing file is refused and leaves it alone.
    assert!(matches!(
        Store::create(&path, "again", PASS).err().unwrap(),
        StoreError::Exists(_)
    ));
}
