//! Nurse workflow facts in the store: occurrences, missed marks, anchor
//! corrections, episodes and consent withdrawal, each audited.
use kohort_tablet::store::{SessionFilter, SessionStatus, StoreError};

use kohort_testkit::{consent, create, date, reopen};

fn actions(store: &kohort_tablet::store::Store) -> Vec<String> {
    kohort_testkit::actions(store.audit_entries().unwrap())
}

#[test]
fn occurrences_and_missed_marks_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    let study = kohort_testkit::study();
    let (mut store, _) = create(&path);
    let (pid, ep) = store
        .enrol("T-1", "OSL", None, &consent(), date(2025, 1, 1))
        .unwrap();
    let ae = study.questionnaire("adverse_event").unwrap();
    let first = store.start_occurrence(pid, ep, &ae, 0).unwrap();
    let second = store.start_occurrence(pid, ep, &ae, 1).unwrap();
    store
        .mark_missed(ep, "m03", 0, None, "  admitted to hospital ")
        .unwrap();
    drop(store);

    let store = reopen(&path);
    let sessions = store.list_sessions(&SessionFilter::default()).unwrap();
    let occ = |id| sessions.iter().find(|s| s.id == id).unwrap().occurrence;
    assert_eq!((occ(first), occ(second)), (0, 1));
    let missed = store.missed(ep).unwrap();
    assert_eq!(missed.len(), 1);
    assert_eq!(
        (missed[0].form_id.as_str(), missed[0].reason.as_str()),
        ("m03", "admitted to hospital")
    );
    assert!(actions(&store).contains(&"mark_missed".to_owned()));
}

#[test]
fn a_missed_mark_needs_a_reason_and_an_uncompleted_form() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = create(&dir.path().join("k.db"));
    let study = kohort_testkit::study();
    let (pid, ep) = store
        .enrol("T-1", "OSL", None, &consent(), date(2025, 1, 1))
        .unwrap();
    assert!(matches!(
        store.mark_missed(ep, "m03", 0, None, "   "),
        Err(StoreError::Refused(_))
    ));
    let sid = store
        .start_session(pid, ep, &study.questionnaire("baseline").unwrap())
        .unwrap();
    store.complete_session(sid).unwrap();
    let err = store
        .mark_missed(ep, "baseline", 0, None, "no show")
        .unwrap_err();
    assert!(err.to_string().contains("completed"), "{err}");
    assert!(store.missed(ep).unwrap().is_empty());
}

#[test]
fn the_anchor_can_be_corrected_until_the_baseline_is_completed() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = create(&dir.path().join("k.db"));
    let study = kohort_testkit::study();
    let (pid, ep) = store
        .enrol("T-1", "OSL", None, &consent(), date(2025, 1, 1))
        .unwrap();
    store.set_anchor(ep, date(2025, 1, 8), "baseline").unwrap();
    assert_eq!(
        store.episodes(pid).unwrap()[0].anchor_date,
        date(2025, 1, 8)
    );
    let audit = store.audit_entries().unwrap();
    let last = audit.last().unwrap();
    assert_eq!(last.action, "anchor_set");
    assert!(last.subject.contains("from=2025-01-01 to=2025-01-08"));

    let sid = store
        .start_session(pid, ep, &study.questionnaire("baseline").unwrap())
        .unwrap();
    store.complete_session(sid).unwrap();
    let err = store
        .set_anchor(ep, date(2025, 1, 2), "baseline")
        .unwrap_err();
    assert!(matches!(err, StoreError::Refused(_)), "{err}");
    assert_eq!(
        store.episodes(pid).unwrap()[0].anchor_date,
        date(2025, 1, 8)
    );
}

#[test]
fn a_new_episode_needs_the_last_one_ended_before_its_anchor() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = create(&dir.path().join("k.db"));
    let (pid, ep) = store
        .enrol("T-1", "OSL", None, &consent(), date(2025, 1, 1))
        .unwrap();
    assert!(matches!(
        store.start_episode(pid, date(2025, 6, 1)),
        Err(StoreError::Refused(_))
    ));
    assert!(matches!(
        store.end_episode(
            ep,
            date(2024, 12, 31),
            kohort_form::schedule::EndType::DroppedOut
        ),
        Err(StoreError::Refused(_))
    ));
    store
        .end_episode(
            ep,
            date(2025, 5, 1),
            kohort_form::schedule::EndType::DroppedOut,
        )
        .unwrap();
    assert!(matches!(
        store.start_episode(pid, date(2025, 5, 1)),
        Err(StoreError::Refused(_))
    ));
    let second = store.start_episode(pid, date(2025, 9, 1)).unwrap();
    let eps = store.episodes(pid).unwrap();
    assert_eq!(eps.len(), 2);
    assert_eq!(eps[0].end_date, Some(date(2025, 5, 1)));
    assert_eq!(
        eps[0].end_type,
        Some(kohort_form::schedule::EndType::DroppedOut)
    );
    assert_eq!((eps[1].id, eps[1].end_date), (second, None));
}

#[test]
fn withdrawal_stops_collection_and_keeps_answers() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = create(&dir.path().join("k.db"));
    let study = kohort_testkit::study();
    let q = study.questionnaire("baseline").unwrap();
    let (pid, ep) = store
        .enrol("T-1", "OSL", None, &consent(), date(2025, 1, 1))
        .unwrap();
    let sid = store.start_session(pid, ep, &q).unwrap();
    let answer = kohort_form::Answer::Declined;
    store.save_answer(sid, "bg_gender", &answer).unwrap();
    store.pause_session(sid).unwrap();

    store.withdraw_consent(pid, date(2025, 2, 1)).unwrap();
    let p = &store.participants().unwrap()[0];
    assert_eq!(
        p.consent.as_ref().unwrap().withdrawn_at,
        Some(date(2025, 2, 1))
    );
    let s = store.load_session(sid).unwrap();
    assert_eq!(s.summary.status, SessionStatus::Abandoned);
    assert_eq!(s.answers.len(), 1, "answers given before are kept");
    let err = store.start_session(pid, ep, &q).unwrap_err();
    assert!(err.to_string().contains("withdrawn"), "{err}");
    assert!(actions(&store).contains(&"consent_withdrawn".to_owned()));
}

#[test]
fn settings_are_kept_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    let (mut store, _) = create(&path);
    assert_eq!(store.setting("idle_lock_minutes").unwrap(), None);
    store.set_setting("idle_lock_minutes", "5").unwrap();
    store.set_setting("idle_lock_minutes", "10").unwrap();
    drop(store);
    let store = reopen(&path);
    assert_eq!(
        store.setting("idle_lock_minutes").unwrap().as_deref(),
        Some("10")
    );
    assert_eq!(
        actions(&store).iter().filter(|a| *a == "setting").count(),
        2
    );
}
