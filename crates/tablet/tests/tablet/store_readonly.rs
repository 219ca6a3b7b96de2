//! Commands that only look open the database read-only: nothing is
//! written to it, no -wal or -shm appears, and on a folder that cannot be
//! written (read-only media) it still opens.
use std::path::Path;

use kohort_tablet::store::{Delay, Store, StoreError, key_file_of, write_legacy};

use kohort_testkit::{PASS, consent, create, date};

fn listing(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

fn unlock_ro(path: &Path, pass: &str) -> Result<Store, StoreError> {
    let mut locked = Store::open(path)?;
    locked.set_delay(Delay::None);
    locked.unlock_read_only(pass).map_err(|r| r.error)
}

#[test]
fn a_read_only_unlock_writes_nothing_to_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    let (mut store, _) = create(&path);
    store
        .enrol("HAB-OSL-0001", "OSL", None, &consent(), date(2025, 1, 1))
        .unwrap();
    drop(store);
    let db_before = std::fs::read(&path).unwrap();
    let key_before = std::fs::read(key_file_of(&path)).unwrap();
    let files = listing(dir.path());
    assert!(!files.iter().any(|f| f.ends_with("-wal")), "{files:?}");

    let mut store = unlock_ro(&path, PASS).unwrap();
    assert_eq!(store.participants().unwrap().len(), 1);
    assert!(store.verify_audit().unwrap().is_ok());
    assert!(store.batches().unwrap().is_empty());
    assert!(store.set_setting("retention_days", "40").is_err());
    drop(store);
    assert_eq!(std::fs::read(&path).unwrap(), db_before);
    assert_eq!(listing(dir.path()), files);
    assert_eq!(std::fs::read(key_file_of(&path)).unwrap(), key_before);

    // A wrong passphrase is still counted where the key file can be written.
    let err = unlock_ro(&path, "not the passphrase").err().unwrap();
    assert!(matches!(err, StoreError::WrongPassphrase { .. }), "{err:?}");
    let kf: serde_json::Value =
        serde_json::from_slice(&std::fs::read(key_file_of(&path)).unwrap()).unwrap();
    assert_eq!(kf["failed_unlocks"], 1);
    assert_eq!(std::fs::read(&path).unwrap(), db_before);
}

#[cfg(unix)]
#[test]
fn it_opens_on_a_folder_that_cannot_be_written() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    drop(create(&path));
    let ro = dir.path().join("stick");
    std::fs::create_dir(&ro).unwrap();
    let copy = ro.join("k.db");
    std::fs::copy(&path, &copy).unwrap();
    std::fs::copy(key_file_of(&path), key_file_of(&copy)).unwrap();
    let mode = |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m));
    mode(&copy, 0o444).unwrap();
    mode(&key_file_of(&copy), 0o444).unwrap();
    mode(&ro, 0o555).unwrap();
    // Root writes through permissions: then this checks the same path as
    // above; as any other user the folder is truly read-only.
    let store = unlock_ro(&copy, PASS);
    mode(&ro, 0o755).unwrap();
    let store = store.unwrap();
    assert!(store.verify_audit().unwrap().is_ok());
    drop(store);
    let left = listing(&ro);
    assert!(
        !left
            .iter()
            .any(|f| f.ends_with("-wal") || f.ends_with("-shm")),
        "{left:?}"
    );
}

#[test]
fn a_database_from_before_encryption_needs_a_writing_unlock_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    write_legacy(&path, 5, PASS).unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = unlock_ro(&path, PASS).err().unwrap();
    assert!(matches!(err, StoreError::NeedsWrite(_)), "{err:?}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}
