//! No plaintext on disk: answers and labels carrying a marker string never
//! appear in the database, its -wal/-shm files, or the temp directories.
use std::fs;
use std::path::Path;
use std::time::SystemTime;

use kohort_form::{Answer, AnswerValue};

use kohort_testkit::{consent, create, date, reopen};

const MARKER: &str = "QXMARKER7731";

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Files directly in `dir` (and below, when `deep`) changed since `since`.
fn scan(dir: &Path, since: SystemTime, deep: bool, hits: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let Ok(meta) = e.metadata() else { continue };
        if meta.is_dir() {
            if deep {
                scan(&e.path(), since, deep, hits);
            }
            continue;
        }
        let fresh = meta.modified().map(|m| m >= since).unwrap_or(true);
        if !fresh || meta.len() > 64 << 20 {
            continue;
        }
        if let Ok(bytes) = fs::read(e.path())
            && (contains(&bytes, MARKER.as_bytes())
                || contains(&bytes, MARKER.to_lowercase().as_bytes()))
        {
            hits.push(e.path().display().to_string());
        }
    }
}

#[test]
fn no_marker_reaches_the_disk() {
    let start = SystemTime::now();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    let q = kohort_testkit::study().questionnaire("baseline").unwrap();
    let (mut store, _) = create(&path);
    let (pid, ep) = store
        .enrol(
            "T-1",
            "OSL",
            Some(&format!("label {MARKER}")),
            &consent(),
            date(2025, 1, 1),
        )
        .unwrap();
    let sid = store.start_session(pid, ep, &q).unwrap();
    for i in 0..50 {
        let text = format!("free text {i} {MARKER} æøå");
        store
            .save_answer(
                sid,
                &format!("t{i}"),
                &Answer::Value(AnswerValue::Text(text)),
            )
            .unwrap();
    }
    // Overwrites and deletes leave no old plaintext behind either.
    store.save_answer(sid, "t0", &Answer::Declined).unwrap();
    store.clear_answer(sid, "t1").unwrap();
    let seen = [format!("pos {MARKER}")].into_iter().collect();
    store
        .set_position(sid, Some(&format!("pos {MARKER}")), &seen)
        .unwrap();
    // A missed reason may say why a patient could not come: sealed too.
    store
        .mark_missed(ep, "m03", 0, None, &format!("in hospital {MARKER}"))
        .unwrap();
    // Check the -wal file while it is still full, before the closing checkpoint.
    let mut hits = Vec::new();
    scan(dir.path(), start, true, &mut hits);
    assert!(hits.is_empty(), "marker found in {hits:?}");
    drop(store);

    let store = reopen(&path);
    let loaded = store.load_session(sid).unwrap();
    assert_eq!(loaded.answers.len(), 49);
    assert!(
        store.participants().unwrap()[0]
            .label
            .as_deref()
            .unwrap()
            .contains(MARKER)
    );
    drop(store);

    let mut hits = Vec::new();
    scan(dir.path(), start, true, &mut hits);
    scan(&std::env::temp_dir(), start, false, &mut hits);
    assert!(hits.is_empty(), "marker found in {hits:?}");
}
