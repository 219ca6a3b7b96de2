//! Someone with the database file but not the key: they can read nothing
//! and change nothing without Kohort refusing the file. Every edit here is
//! to raw bytes, since SQL needs the key.
use std::path::{Path, PathBuf};

use kohort_form::schedule::EndType;
use kohort_form::{Answer, AnswerValue};
use kohort_tablet::store::{Delay, Store, StoreError, key_file_of, write_legacy};
use rusqlite::Connection;

use kohort_testkit::{PASS, consent, create, date, reopen};

const CODE: &str = "HAB-OSL-4711";

/// A database with the facts the issue found readable: a study code with a
/// form id and dates, a death, a withdrawal, free text.
pub(crate) fn filled(dir: &Path) -> PathBuf {
    let path = dir.join("k.db");
    let q = kohort_testkit::study().questionnaire("baseline").unwrap();
    let (mut store, _) = create(&path);
    let (pid, ep) = store
        .enrol(
            CODE,
            "OSL",
            Some("Kari Nordmann"),
            &consent(),
            date(2025, 1, 7),
        )
        .unwrap();
    let sid = store.start_session(pid, ep, &q).unwrap();
    store
        .save_answer(sid, "e_heroin", &Answer::Value(AnswerValue::Int(17)))
        .unwrap();
    store
        .save_answer(
            sid,
            "free",
            &Answer::Value(AnswerValue::Text("sov på gata i Grønland".into())),
        )
        .unwrap();
    store
        .end_episode(ep, date(2025, 9, 30), EndType::Died)
        .unwrap();
    store.withdraw_consent(pid, date(2025, 10, 2)).unwrap();
    drop(store);
    path
}

fn unlock(path: &Path) -> Result<Store, StoreError> {
    let mut locked = Store::open(path)?;
    locked.set_delay(Delay::None);
    locked.unlock(PASS).map_err(|r| r.error)
}

fn assert_tampered(path: &Path, what: &str) {
    match unlock(path) {
        Err(e @ StoreError::TamperedFile(_)) => {
            assert!(
                e.to_string().contains("changed without the key"),
                "{what}: {e}"
            );
        }
        Err(other) => panic!("{what}: refused, but as {other:?}"),
        Ok(_) => panic!("{what}: the changed file was accepted"),
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn nothing_of_the_application_is_readable_in_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path());
    // Keep a -wal with content: open, write, and copy before closing.
    let mut store = reopen(&path);
    store.set_setting("retention_days", "45").unwrap();
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let p = entry.unwrap().path();
        if !p.to_string_lossy().ends_with(".keys") {
            bytes.push((p.clone(), std::fs::read(&p).unwrap()));
        }
    }
    drop(store);
    assert!(
        bytes
            .iter()
            .any(|(p, _)| p.to_string_lossy().ends_with("-wal"))
    );
    for needle in [
        CODE,
        "Kari Nordmann",
        "baseline",
        "2025-01-07",
        "2025-10-02",
        "died",
        "retention_days",
        "consent",
        "CREATE TABLE",
        "SQLite format 3",
        "Gr\u{f8}nland",
    ] {
        for (p, b) in &bytes {
            assert!(
                !contains(b, needle.as_bytes()),
                "{needle:?} readable in {}",
                p.display()
            );
        }
    }
}

#[test]
fn sqlite_without_the_key_cannot_read_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path());
    let conn = Connection::open(&path).unwrap();
    let err = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap_err();
    assert!(err.to_string().contains("not a database"), "{err}");
    drop(conn);
    // A wrong key reads nothing either.
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\"", "00".repeat(32)))
        .unwrap();
    assert!(
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r
            .get::<_, i64>(0))
            .is_err()
    );
    drop(conn);
    assert_eq!(
        unlock(&path).unwrap().participants().unwrap()[0].study_code,
        CODE
    );
}

#[test]
fn a_changed_byte_on_any_page_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path());
    let original = std::fs::read(&path).unwrap();
    let page = 4096;
    assert_eq!(original.len() % page, 0);
    let pages = original.len() / page;
    assert!(pages >= 10, "{pages} pages");
    // The salt at the start, a byte in every page's content, and the HMAC
    // at the end of a page.
    let mut spots = vec![0, 20];
    spots.extend((0..pages).map(|p| p * page + 1000 + p % 7));
    spots.push(2 * page - 10);
    for at in spots {
        let mut bytes = original.clone();
        bytes[at] ^= 0x01;
        std::fs::write(&path, &bytes).unwrap();
        assert_tampered(&path, &format!("byte {at}"));
    }
    // A page swapped for another, or a page cut off the end.
    let mut bytes = original.clone();
    let (a, b) = (3 * page, 5 * page);
    let tmp = bytes[a..a + page].to_vec();
    bytes.copy_within(b..b + page, a);
    bytes[b..b + page].copy_from_slice(&tmp);
    std::fs::write(&path, &bytes).unwrap();
    assert_tampered(&path, "swapped pages");
    std::fs::write(&path, &original[..original.len() - page]).unwrap();
    assert_tampered(&path, "a page cut off");

    std::fs::write(&path, &original).unwrap();
    assert_eq!(
        unlock(&path).unwrap().participants().unwrap()[0].study_code,
        CODE
    );
}

#[test]
fn a_changed_byte_in_the_write_ahead_log_is_refused_or_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path());
    let mut store = reopen(&path);
    store.set_setting("retention_days", "45").unwrap();
    let wal = dir.path().join("k.db-wal");
    let saved_db = std::fs::read(&path).unwrap();
    let saved_wal = std::fs::read(&wal).unwrap();
    // Leave without the closing checkpoint, as a killed program would.
    std::mem::forget(store);
    let copy = tempfile::tempdir().unwrap();
    let db = copy.path().join("k.db");
    std::fs::copy(key_file_of(&path), key_file_of(&db)).unwrap();
    let frame = 24 + 4096;
    assert!(saved_wal.len() >= 32 + frame);
    // A byte of a frame's page: the page's HMAC fails, or SQLite's frame
    // checksum ends the log there (the frames after it are not applied).
    // Either way no changed page is ever read as data.
    for at in [32 + 24 + 100, 32 + frame + 24 + 3000, saved_wal.len() - 50] {
        std::fs::write(&db, &saved_db).unwrap();
        let mut bytes = saved_wal.clone();
        bytes[at] ^= 0x40;
        std::fs::write(copy.path().join("k.db-wal"), &bytes).unwrap();
        match unlock(&db) {
            Err(StoreError::TamperedFile(_)) => {}
            Err(other) => panic!("wal byte {at}: {other:?}"),
            Ok(store) => {
                assert_eq!(store.verify_audit().unwrap().map(|_| ()), Ok(()));
                let value = store.setting("retention_days").unwrap();
                assert!(matches!(value.as_deref(), None | Some("45")), "{value:?}");
            }
        }
    }
}

fn edit_key_file(path: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let kf = key_file_of(path);
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&kf).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(&kf, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
}

#[test]
fn key_file_edits_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path());
    let kf = key_file_of(&path);
    let original = std::fs::read(&kf).unwrap();

    // A weaker key derivation (to guess faster): the key no longer matches.
    edit_key_file(&path, |v| v["kdf"]["m_cost"] = 8.into());
    assert!(matches!(
        unlock(&path).err().unwrap(),
        StoreError::WrongPassphrase { .. }
    ));

    // A key derivation that would take all memory is refused, not run.
    std::fs::write(&kf, &original).unwrap();
    edit_key_file(&path, |v| v["kdf"]["m_cost"] = (u32::MAX).into());
    let err = unlock(&path).err().unwrap();
    assert!(
        matches!(&err, StoreError::KeyFile(m) if m.contains("never uses")),
        "{err:?}"
    );

    // A damaged wrap with the right passphrase is told apart.
    std::fs::write(&kf, &original).unwrap();
    edit_key_file(&path, |v| {
        let w = v["passphrase"]["wrapped"].as_str().unwrap().to_owned();
        let flipped = if w.starts_with('0') { "1" } else { "0" };
        v["passphrase"]["wrapped"] = format!("{flipped}{}", &w[1..]).into();
    });
    let err = unlock(&path).err().unwrap();
    assert!(
        matches!(err, StoreError::DamagedKeyWrap("passphrase")),
        "{err:?}"
    );
    assert!(err.to_string().contains("damaged"));

    // The authenticated part changed (here: the recovery wrap swapped for
    // one an attacker made), with the passphrase wrap intact.
    std::fs::write(&kf, &original).unwrap();
    edit_key_file(&path, |v| v["recovery"]["wrapped"] = "00".repeat(60).into());
    let err = unlock(&path).err().unwrap();
    assert!(
        matches!(&err, StoreError::TamperedFile(m) if m.contains("key file")),
        "{err:?}"
    );

    // Another database's key file (its own passphrase is known to the
    // attacker): the wrap opens, the database does not.
    let other = dir.path().join("other.db");
    drop(create(&other));
    std::fs::copy(key_file_of(&other), &kf).unwrap();
    assert_tampered(&path, "another database's key file");

    // Missing or not a key file.
    std::fs::remove_file(&kf).unwrap();
    let err = Store::open(&path).err().unwrap();
    assert!(matches!(err, StoreError::MissingKeyFile(_)), "{err:?}");
    std::fs::write(&kf, b"{\"format\": 1}").unwrap();
    assert!(matches!(
        Store::open(&path).err().unwrap(),
        StoreError::KeyFile(_)
    ));
    std::fs::write(&kf, vec![b' '; 1 << 20]).unwrap();
    assert!(matches!(
        Store::open(&path).err().unwrap(),
        StoreError::KeyFile(_)
    ));

    std::fs::write(&kf, &original).unwrap();
    let store = unlock(&path).unwrap();
    assert_eq!(store.participants().unwrap()[0].study_code, CODE);
    assert!(store.verify_audit().unwrap().is_ok());
}

fn digest(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn a_foreign_sqlite_file_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str); 3] = [
        (
            "app.db",
            "PRAGMA journal_mode = WAL; PRAGMA application_id = 1234;
             CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('mine');",
        ),
        (
            "v5.db",
            "PRAGMA user_version = 5; CREATE TABLE notes (t TEXT);",
        ),
        ("v0.db", "CREATE TABLE device (id INTEGER);"),
    ];
    for (name, sql) in cases {
        let path = dir.path().join(name);
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(sql).unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").ok();
        drop(conn);
        let before = digest(&path);
        let listing = |d: &Path| {
            let mut n: Vec<String> = std::fs::read_dir(d)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            n.sort();
            n
        };
        let files = listing(dir.path());
        let err = Store::open(&path).err().unwrap();
        assert!(matches!(err, StoreError::NotKohort(_)), "{name}: {err:?}");
        assert_eq!(digest(&path), before, "{name} was written to");
        assert_eq!(listing(dir.path()), files, "{name}: files appeared");
    }
    // Not SQLite at all, and no key file: told plainly.
    let path = dir.path().join("photo.jpg");
    std::fs::write(&path, b"\xff\xd8\xff\xe0 not a database").unwrap();
    let err = Store::open(&path).err().unwrap();
    assert!(matches!(err, StoreError::MissingKeyFile(_)), "{err:?}");
}

#[test]
fn every_earlier_schema_converts_on_first_unlock() {
    for version in 1..=5 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let (device, recovery) = write_legacy(&path, version, PASS).unwrap();
        // A wrong passphrase leaves the plain file as it was.
        let before = std::fs::read(&path).unwrap();
        let mut locked = Store::open(&path).unwrap();
        locked.set_delay(Delay::None);
        let r = locked.unlock("not the passphrase").err().unwrap();
        assert!(matches!(r.error, StoreError::WrongPassphrase { .. }));
        assert!(before.starts_with(b"SQLite format 3\0"));
        assert!(!key_file_of(&path).exists());

        let store = r.locked.unlock(PASS).unwrap();
        assert_eq!(store.device().unwrap().id, device, "schema {version}");
        assert_eq!(
            store.application_id().unwrap(),
            Some(kohort_tablet::store::APPLICATION_ID)
        );
        // The old unkeyed chain is keyed and still verifies.
        assert_eq!(store.verify_audit().unwrap(), Ok(1), "schema {version}");
        if version >= 4 {
            assert_eq!(
                store.setting("retention_days").unwrap().as_deref(),
                Some("30")
            );
        }
        drop(store);
        let now = std::fs::read(&path).unwrap();
        assert!(!now.starts_with(b"SQLite format 3\0"), "schema {version}");
        assert!(!dir.path().join("old.db.converting").exists());
        // Argon2id was raised on the way.
        let kf: serde_json::Value =
            serde_json::from_slice(&std::fs::read(key_file_of(&path)).unwrap()).unwrap();
        assert_eq!(kf["kdf"]["m_cost"], 64 * 1024);
        assert_eq!(kf["kdf"]["t_cost"], 3);
        // Both keys still open it.
        let store = reopen(&path);
        let store = store
            .lock()
            .unlock_with_recovery(&recovery.to_printable())
            .unwrap();
        assert_eq!(store.device().unwrap().id, device);
    }
}

#[test]
fn a_legacy_database_opened_with_the_recovery_key_converts_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let (device, recovery) = write_legacy(&path, 5, PASS).unwrap();
    let mut locked = Store::open(&path).unwrap();
    locked.set_delay(Delay::None);
    let store = locked
        .unlock_with_recovery(&recovery.to_printable())
        .unwrap();
    assert_eq!(store.device().unwrap().id, device);
    drop(store);
    // The old passphrase wrap was carried over and still opens it.
    assert_eq!(reopen(&path).device().unwrap().id, device);
}
