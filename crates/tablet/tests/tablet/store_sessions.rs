//! Sessions: a paused questionnaire survives closing the database and a
//! changed form file, and resumes where it stood with the same answers.
use std::fs;

use kohort_form::Answer;
use kohort_form::runner::Runner;
use kohort_form::study::load_study;
use kohort_tablet::store::{SessionFilter, SessionStatus, Store, StoreError, demo};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use kohort_testkit::{consent, create, date, reopen};

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn paused_session_resumes_after_reopen_and_form_change() {
    let dir = tempfile::tempdir().unwrap();
    let forms = dir.path().join("forms");
    copy_dir(&kohort_testkit::forms_dir(), &forms);
    let path = dir.path().join("k.db");
    let q = load_study(&forms)
        .unwrap()
        .0
        .questionnaire("baseline")
        .unwrap();

    let (mut store, _) = create(&path);
    let (pid, ep) = store
        .enrol("T-1", "OSL", None, &consent(), date(2025, 1, 1))
        .unwrap();
    let sid = store.start_session(pid, ep, &q).unwrap();
    let mut runner = Runner::new(q.clone());
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut declined = false;
    for _ in 0..25 {
        let item = runner.current().unwrap().item.clone();
        for id in demo::answer_screen(&mut runner, &item, &mut rng) {
            store
                .save_answer(sid, &id, runner.answer(&id).unwrap())
                .unwrap();
        }
        if !declined
            && !item.kind.is_display()
            && matches!(item.kind, kohort_form::ItemKind::SingleChoice { .. })
        {
            runner.decline(&item.id).unwrap();
            store.save_answer(sid, &item.id, &Answer::Declined).unwrap();
            declined = true;
        }
        runner.next();
        let seen = runner.seen().clone();
        store
            .set_position(sid, runner.position_id(), &seen)
            .unwrap();
    }
    assert!(declined && runner.answers().len() > 10);
    // An answer changed and then cleared is gone after reopening.
    let last = runner.answers().keys().last().unwrap().clone();
    runner.clear(&last);
    store.clear_answer(sid, &last).unwrap();
    store.pause_session(sid).unwrap();
    let expected_pos = runner.position_id().map(str::to_owned);
    drop(store);

    // Change an instrument file on disk: the session keeps its pinned copy.
    let first = &q.instruments[0];
    let file = forms.join(format!("{}.json", first.id));
    let text = fs::read_to_string(&file).unwrap();
    fs::write(
        &file,
        text.replacen("\"version\": \"1.0.0\"", "\"version\": \"1.1.0\"", 1),
    )
    .unwrap();
    let changed = load_study(&forms).unwrap().0;
    assert_ne!(changed.instrument(&first.id).unwrap().hash, first.hash);

    let mut store = reopen(&path);
    assert!(matches!(
        store.save_answer(sid, "x", &Answer::Declined),
        Err(StoreError::SessionClosed {
            status: "paused",
            ..
        })
    ));
    store.resume_session(sid).unwrap();
    let loaded = store.load_session(sid).unwrap();
    assert_eq!(loaded.summary.status, SessionStatus::InProgress);
    assert_eq!(&loaded.answers, runner.answers());
    assert_eq!(&loaded.seen, runner.seen());
    assert_eq!(loaded.questionnaire.instruments[0].hash, first.hash);
    assert_eq!(loaded.questionnaire.title, q.title);
    let resumed = loaded.into_runner();
    assert_eq!(resumed.position_id().map(str::to_owned), expected_pos);
    assert_eq!(resumed.progress(), runner.progress());

    store.complete_session(sid).unwrap();
    assert!(matches!(
        store.abandon_session(sid),
        Err(StoreError::SessionClosed { .. })
    ));
    let done = store
        .list_sessions(&SessionFilter {
            status: Some(SessionStatus::Completed),
            participant: Some(pid),
        })
        .unwrap();
    assert_eq!(done.len(), 1);
    assert!(done[0].completed_at.is_some());
    assert_eq!(done[0].answers, runner.answers().len());
    let actions: Vec<String> = kohort_testkit::actions(store.audit_entries().unwrap());
    assert_eq!(
        actions,
        [
            "store_created",
            "enrol",
            "session_start",
            "session_pause",
            "session_resume",
            "session_complete"
        ]
    );
}

#[test]
fn damaged_pin_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    let q = kohort_testkit::study().questionnaire("baseline").unwrap();
    let (mut store, _) = create(&path);
    let (pid, ep) = store
        .enrol("T-1", "OSL", None, &consent(), date(2025, 1, 1))
        .unwrap();
    let sid = store.start_session(pid, ep, &q).unwrap();
    drop(store);
    let by_hand = reopen(&path);
    let conn = by_hand.sql();
    conn.execute(
        "UPDATE instrument_texts SET canonical = replace(canonical, '\"nb\"', '\"nb\" ')
         WHERE hash = (SELECT hash FROM session_instruments WHERE ordinal = 0)",
        [],
    )
    .unwrap();
    conn.execute(
        "UPDATE session_instruments SET hash = 'x' WHERE ordinal = 1",
        [],
    )
    .unwrap();
    drop(by_hand);
    let err = reopen(&path).load_session(sid).unwrap_err();
    assert!(matches!(err, StoreError::PinnedInstrument { .. }), "{err}");
}

#[test]
fn each_instrument_text_is_stored_once_however_many_sessions_pin_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    let q = kohort_testkit::study().questionnaire("baseline").unwrap();
    let (mut store, _) = create(&path);
    let mut sessions = Vec::new();
    for i in 0..5 {
        let (pid, ep) = store
            .enrol(&format!("T-{i}"), "OSL", None, &consent(), date(2025, 1, 1))
            .unwrap();
        sessions.push(store.start_session(pid, ep, &q).unwrap());
    }
    let count = |sql: &str| -> i64 { store.sql().query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        count("SELECT count(*) FROM instrument_texts"),
        q.instruments.len() as i64
    );
    assert_eq!(
        count("SELECT count(*) FROM session_instruments"),
        5 * q.instruments.len() as i64
    );
    for sid in sessions {
        let loaded = store.load_session(sid).unwrap();
        let hashes: Vec<_> = loaded
            .questionnaire
            .instruments
            .iter()
            .map(|i| &i.hash)
            .collect();
        let want: Vec<_> = q.instruments.iter().map(|i| &i.hash).collect();
        assert_eq!(hashes, want);
    }
}

#[test]
fn demo_fills_deterministically() {
    let dir = tempfile::tempdir().unwrap();
    let study = kohort_testkit::study();
    let mut sums = Vec::new();
    let mut labels = Vec::new();
    for n in 0..2 {
        let (mut store, _) = create(&dir.path().join(format!("d{n}.db")));
        sums.push(demo::fill(&mut store, &study, 3, 42).unwrap());
        let ps = store.participants().unwrap();
        labels.push(
            ps.iter()
                .map(|p| (p.study_code.clone(), p.label.clone()))
                .collect::<Vec<_>>(),
        );
        assert!(
            ps.iter()
                .all(|p| p.study_code.starts_with("HAB-OSL-")
                    || p.study_code.starts_with("HAB-BGO-"))
        );
        for s in store.list_sessions(&SessionFilter::default()).unwrap() {
            store.load_session(s.id).unwrap();
        }
        assert_eq!(store.verify_audit().unwrap().map(|n| n > 3), Ok(true));
    }
    assert_eq!(sums[0], sums[1]);
    assert_eq!(labels[0], labels[1]);
    assert!(sums[0].answers > 100);
}

#[test]
fn the_kept_answer_count_follows_saves_changes_and_clears() {
    let dir = tempfile::tempdir().unwrap();
    let q = kohort_testkit::study().questionnaire("baseline").unwrap();
    let (mut store, _) = create(&dir.path().join("k.db"));
    let (pid, ep) = store
        .enrol("T-1", "OSL", None, &consent(), date(2025, 1, 1))
        .unwrap();
    let sid = store.start_session(pid, ep, &q).unwrap();
    let ids: Vec<String> = q.instruments[0]
        .items
        .iter()
        .filter(|i| !i.kind.is_display())
        .take(3)
        .map(|i| i.id.clone())
        .collect();
    let check = |store: &Store, want: i64| {
        let kept: i64 = store
            .sql()
            .query_row("SELECT answer_count FROM sessions", [], |r| r.get(0))
            .unwrap();
        let counted: i64 = store
            .sql()
            .query_row("SELECT count(*) FROM answers", [], |r| r.get(0))
            .unwrap();
        assert_eq!((kept, counted), (want, want));
        let listed = store.list_sessions(&Default::default()).unwrap();
        assert_eq!(listed[0].answers as i64, want);
    };
    check(&store, 0);
    for id in &ids {
        store.save_answer(sid, id, &Answer::Declined).unwrap();
    }
    check(&store, 3);
    // Saving an answer again (an upsert) does not count it twice.
    store.save_answer(sid, &ids[0], &Answer::Declined).unwrap();
    check(&store, 3);
    store.clear_answer(sid, &ids[1]).unwrap();
    check(&store, 2);
}
