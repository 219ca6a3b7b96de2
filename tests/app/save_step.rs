//! One step, one transaction: a declined 18-row matrix reaches the disk in
//! one commit, and a step that could not be saved (a full disk) is saved
//! whole by the next step once there is room, with nothing lost.
use std::path::Path;

use kohort::core::{Questionnaire, Step, apply};
use kohort_form::{Answer, AnswerValue, ItemKind};
use kohort_tablet::store::Store;

use kohort_testkit::{consent, create, date, reopen};

fn start(store: &mut Store) -> Questionnaire {
    let q = kohort_testkit::study().questionnaire("baseline").unwrap();
    let (pid, ep) = store
        .enrol("HAB-OSL-0001", "OSL", None, &consent(), date(2025, 1, 1))
        .unwrap();
    let session = store.start_session(pid, ep, &q).unwrap();
    Questionnaire {
        session,
        runner: store.load_session(session).unwrap().into_runner(),
        save_error: None,
        unsaved: Default::default(),
        position_unsaved: false,
        by_staff: false,
        refused: None,
    }
}

fn step(q: &mut Questionnaire, store: &mut Store, s: Step) {
    let applied = apply(&mut q.runner, &mut q.refused, s);
    q.persist(store, &applied.changes);
}

/// Commits in a WAL file: a frame whose header gives the database size
/// after it ends a transaction (SQLCipher leaves frame headers in clear).
fn commits(wal: &Path) -> usize {
    let b = std::fs::read(wal).unwrap_or_default();
    if b.len() < 32 {
        return 0;
    }
    let word = |at: usize| u32::from_be_bytes(b[at..at + 4].try_into().unwrap());
    let frame = 24 + word(8) as usize;
    (32..b.len())
        .step_by(frame)
        .filter(|&at| at + frame <= b.len() && word(at + 4) != 0)
        .count()
}

fn checkpoint(store: &Store) {
    store
        .sql()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
}

#[test]
fn a_declined_matrix_is_one_commit() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let (mut store, _) = create(&db);
    let mut q = start(&mut store);
    let mut rows = Vec::new();
    for _ in 0..500 {
        if let Some(ItemKind::Matrix { rows: r, .. }) = q.runner.current().map(|c| &c.item.kind) {
            rows = r.iter().map(|r| r.id.clone()).collect();
            break;
        }
        step(&mut q, &mut store, Step::Next);
    }
    assert_eq!(rows.len(), 18, "the symptom matrix has 18 rows");
    let matrix = q.runner.position_id().unwrap().to_owned();
    checkpoint(&store);
    let wal = dir.path().join("k.db-wal");
    assert_eq!(commits(&wal), 0);

    step(&mut q, &mut store, Step::Decline(matrix));
    assert!(!q.unsaved());
    assert_eq!(commits(&wal), 1, "18 declines, one transaction");
    let saved = store.load_session(q.session).unwrap().answers;
    for r in &rows {
        assert_eq!(saved.get(r), Some(&Answer::Declined), "{r}");
    }
    // Moving on saves the answers and the position in one commit too.
    step(&mut q, &mut store, Step::Next);
    assert_eq!(commits(&wal), 2);
}

#[test]
fn a_step_that_did_not_save_is_saved_whole_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let (mut store, _) = create(&db);
    let mut q = start(&mut store);
    checkpoint(&store);
    let free: i64 = store
        .sql()
        .query_row("PRAGMA freelist_count", [], |r| r.get(0))
        .unwrap();
    assert_eq!(free, 0);
    // No room to grow: the first step that needs a new page fails.
    let pages: u64 = store
        .sql()
        .query_row("PRAGMA page_count", [], |r| r.get::<_, i64>(0))
        .unwrap() as u64;
    store.limit_size(pages * 4096).unwrap();
    let mut steps = 0;
    while q.save_error.is_none() {
        let Some(id) = q.runner.position_id().map(str::to_owned) else {
            panic!("reached the end without the disk filling up");
        };
        let text = matches!(
            q.runner.current().map(|c| &c.item.kind),
            Some(ItemKind::Text { .. } | ItemKind::LongText { .. })
        );
        let s = if text {
            Step::Set(id, AnswerValue::Text("ord ".repeat(100)))
        } else {
            Step::Decline(id)
        };
        step(&mut q, &mut store, s);
        if q.save_error.is_none() {
            step(&mut q, &mut store, Step::Next);
        }
        steps += 1;
        assert!(steps < 400, "the size cap never bit");
    }
    assert!(q.unsaved());
    let pending = q.unsaved.len();
    assert!(pending > 0);
    let on_disk = store.load_session(q.session).unwrap().answers;
    assert!(on_disk.len() < q.runner.answers().len());

    // Room again: the next step saves everything still pending.
    store.limit_size(1 << 30).unwrap();
    step(&mut q, &mut store, Step::Next);
    assert!(!q.unsaved(), "{:?}", q.save_error);
    drop(store);
    let store = reopen(&db);
    let loaded = store.load_session(q.session).unwrap();
    assert_eq!(&loaded.answers, q.runner.answers());
    assert_eq!(loaded.position.as_deref(), q.runner.position_id());
}
