//! The check of every page left for after the unlock (the app's way in):
//! a changed page is still found, at the unlock when it reads the page,
//! otherwise by the check that follows.
use kohort_tablet::store::{StoreError, key_file_of};

use super::store_tamper::filled;
use kohort_testkit::unlock_checking_later as unlock_later;

#[test]
fn a_changed_page_is_found_at_the_unlock_or_by_the_check_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path());
    let original = std::fs::read(&path).unwrap();
    let keys = std::fs::read(key_file_of(&path)).unwrap();
    let page = 4096;
    let (mut at_unlock, mut after) = (0, 0);
    for p in 0..original.len() / page {
        let mut bytes = original.clone();
        bytes[p * page + 1000 + p % 7] ^= 0x01;
        std::fs::write(&path, &bytes).unwrap();
        std::fs::write(key_file_of(&path), &keys).unwrap();
        match unlock_later(&path) {
            (Err(StoreError::TamperedFile(_)), true) => at_unlock += 1,
            (Err(StoreError::TamperedFile(_)), false) => after += 1,
            other => panic!("page {p}: {other:?}"),
        }
    }
    // The first page at the unlock, pages the first screen does not read
    // after it.
    assert!(at_unlock > 0 && after > 0, "{at_unlock} and {after}");
    std::fs::write(&path, &original).unwrap();
    std::fs::write(key_file_of(&path), &keys).unwrap();
    assert!(matches!(unlock_later(&path), (Ok(()), false)));
}
