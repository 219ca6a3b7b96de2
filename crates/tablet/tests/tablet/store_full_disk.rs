//! A full disk while saving: a clear error, and the answers saved before it
//! stay intact and readable.
use kohort_form::{Answer, AnswerValue};
use kohort_tablet::store::StoreError;

use kohort_testkit::{consent, create, date, reopen};

#[test]
fn full_disk_gives_a_clear_error_and_keeps_earlier_answers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    let q = kohort_testkit::study().questionnaire("baseline").unwrap();
    let (mut store, _) = create(&path);
    let (pid, ep) = store
        .enrol("T-1", "OSL", None, &consent(), date(2025, 1, 1))
        .unwrap();
    let sid = store.start_session(pid, ep, &q).unwrap();
    for i in 0..10 {
        store
            .save_answer(
                sid,
                &format!("early{i}"),
                &Answer::Value(AnswerValue::Int(i)),
            )
            .unwrap();
    }
    let size = std::fs::metadata(&path).unwrap().len()
        + std::fs::metadata(dir.path().join("k.db-wal"))
            .unwrap()
            .len();
    // SQLite's page cap stands in for a full device: same SQLITE_FULL path.
    store.limit_size(size + 16 * 1024).unwrap();
    let big = "x".repeat(2000);
    let mut saved = 0;
    let err = loop {
        match store.save_answer(
            sid,
            &format!("late{saved}"),
            &Answer::Value(AnswerValue::Text(big.clone())),
        ) {
            Ok(()) => saved += 1,
            Err(e) => break e,
        }
        assert!(saved < 1000, "the size cap never bit");
    };
    assert!(matches!(err, StoreError::DiskFull), "{err}");
    assert!(err.to_string().contains("disk is full"));
    // Still usable for reading, and the failed save left nothing half-written.
    let loaded = store.load_session(sid).unwrap();
    assert_eq!(loaded.answers.len(), 10 + saved);
    drop(store);
    let store = reopen(&path);
    let loaded = store.load_session(sid).unwrap();
    for i in 0..10 {
        assert_eq!(
            loaded.answers[&format!("early{i}")],
            Answer::Value(AnswerValue::Int(i))
        );
    }
    assert_eq!(store.verify_audit().unwrap(), Ok(3));
}
