//! What the staff screens show, computed from a real store without the
//! GUI: today's work across participants, counts per site, occurrences of
//! repeatable forms, missed marks and withdrawal in the schedule.
use kohort::core::Clinic;
use kohort_form::schedule::State;

use kohort_testkit::{consent, create, date};

#[test]
fn todays_work_puts_started_then_late_then_open_across_participants() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = create(&dir.path().join("k.db"));
    let study = kohort_testkit::study();
    let today = date(2025, 6, 1);
    let baseline = study.questionnaire("baseline").unwrap();
    // Open baseline; late baseline; a paused baseline.
    let (_, _) = store
        .enrol("HAB-OSL-0001", "OSL", None, &consent(), date(2025, 5, 25))
        .unwrap();
    let (_, _) = store
        .enrol("HAB-BGO-0002", "BGO", None, &consent(), date(2025, 3, 1))
        .unwrap();
    let (p3, e3) = store
        .enrol("HAB-OSL-0003", "OSL", None, &consent(), date(2025, 5, 20))
        .unwrap();
    let s = store.start_session(p3, e3, &baseline).unwrap();
    store
        .save_answer(s, "a_born_norway", &kohort_form::Answer::Declined)
        .unwrap();
    store.pause_session(s).unwrap();

    let clinic = Clinic::load(&store, &study, today).unwrap();
    let work: Vec<(&str, &str)> = clinic
        .work()
        .iter()
        .map(|w| (w.participant.study_code.as_str(), w.row.form.as_str()))
        .filter(|(_, f)| *f == "baseline")
        .collect();
    assert_eq!(
        &work[..],
        &[
            ("HAB-OSL-0003", "baseline"),
            ("HAB-BGO-0002", "baseline"),
            ("HAB-OSL-0001", "baseline"),
        ]
    );
    let paused = &clinic.work()[0];
    match paused.row.state {
        State::Paused {
            progress: Some(p),
            days_late: None,
        } => assert!(p > 0.0 && p < 0.05, "{p}"),
        ref s => panic!("{s:?}"),
    }
    let sites = clinic.sites(&study);
    assert_eq!(sites[0].site, "OSL");
    assert_eq!((sites[0].participants, sites[0].paused), (2, 1));
    // BGO-0002: the baseline and the first medication registration are late.
    assert_eq!((sites[1].site.as_str(), sites[1].late), ("BGO", 2));
}

#[test]
fn repeatable_forms_count_occurrences_and_marks_and_withdrawal_settle_states() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = create(&dir.path().join("k.db"));
    let study = kohort_testkit::study();
    let today = date(2025, 6, 1);
    let (pid, ep) = store
        .enrol("HAB-OSL-0001", "OSL", None, &consent(), date(2025, 1, 6))
        .unwrap();
    let sae = study.questionnaire("adverse_event").unwrap();
    let clinic = Clinic::load(&store, &study, today).unwrap();
    let rows = clinic.rows(ep).unwrap().as_ref().unwrap();
    let new_sae = rows.iter().find(|r| r.form == "adverse_event").unwrap();
    assert_eq!(clinic.next_occurrence(ep, new_sae), 0);
    let first = store.start_occurrence(pid, ep, &sae, 0).unwrap();
    store.complete_session(first).unwrap();
    store
        .mark_missed(ep, "baseline", 0, None, "Did not come")
        .unwrap();

    let clinic = Clinic::load(&store, &study, today).unwrap();
    let rows = clinic.rows(ep).unwrap().as_ref().unwrap();
    let new_sae = rows
        .iter()
        .find(|r| r.form == "adverse_event" && r.occurrence.is_none())
        .unwrap();
    assert_eq!(clinic.next_occurrence(ep, new_sae), 1);
    let baseline = rows.iter().find(|r| r.form == "baseline").unwrap();
    assert_eq!(
        baseline.state,
        State::Missed {
            code: None,
            reason: "Did not come".into()
        }
    );

    store.withdraw_consent(pid, today).unwrap();
    let clinic = Clinic::load(&store, &study, today).unwrap();
    let rows = clinic.rows(ep).unwrap().as_ref().unwrap();
    assert!(clinic.work().is_empty());
    assert!(rows.iter().all(|r| r.state != State::Available));
    let m03 = rows.iter().find(|r| r.form == "m03").unwrap();
    assert_eq!(m03.state, State::Withdrawn);
    assert!(matches!(
        rows.iter().find(|r| r.form == "baseline").unwrap().state,
        State::Missed { .. }
    ));
}

#[test]
fn a_new_episode_has_its_own_schedule_and_the_old_one_leaves_the_work_list() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = create(&dir.path().join("k.db"));
    let study = kohort_testkit::study();
    let (pid, first) = store
        .enrol("HAB-OSL-0001", "OSL", None, &consent(), date(2024, 1, 8))
        .unwrap();
    store
        .end_episode(
            first,
            date(2024, 6, 1),
            kohort_form::schedule::EndType::DroppedOut,
        )
        .unwrap();
    let second = store.start_episode(pid, date(2025, 5, 20)).unwrap();
    let clinic = Clinic::load(&store, &study, date(2025, 6, 1)).unwrap();
    assert_eq!(clinic.current_episode(pid).unwrap().id, second);
    // The first episode's end forms were never collected, but it is closed:
    // only the new baseline (and what else is due now) is work.
    let work = clinic.work();
    assert!(work.iter().all(|w| w.episode == second));
    assert!(work.iter().any(|w| w.row.form == "baseline"));
    let old = clinic.rows(first).unwrap().as_ref().unwrap();
    let m12 = old.iter().find(|r| r.form == "m12").unwrap();
    assert_eq!(m12.state, State::NotApplicable);
}

/// A form begun after its window closed and paused stays late: shown as
/// paused and late, counted in both columns of its site.
#[test]
fn a_paused_late_form_is_counted_late() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = create(&dir.path().join("k.db"));
    let study = kohort_testkit::study();
    let (p, e) = store
        .enrol("HAB-OSL-0001", "OSL", None, &consent(), date(2025, 1, 1))
        .unwrap();
    let today = date(2025, 9, 1);
    let before = Clinic::load(&store, &study, today).unwrap();
    let late_before = before.sites(&study)[0].late;
    assert!(late_before >= 2, "baseline and more are late");

    let s = store
        .start_session(p, e, &study.questionnaire("baseline").unwrap())
        .unwrap();
    store
        .save_answer(s, "a_born_norway", &kohort_form::Answer::Declined)
        .unwrap();
    store.pause_session(s).unwrap();
    let clinic = Clinic::load(&store, &study, today).unwrap();
    let work = clinic.work();
    let baseline = work.iter().find(|w| w.row.form == "baseline").unwrap();
    let late = baseline.row.state.days_late().unwrap();
    assert!(late > 200, "{late}");
    assert!(
        baseline
            .row
            .state
            .label(kohort_form::Lang::En)
            .starts_with("paused (")
    );
    assert!(
        baseline
            .row
            .state
            .label(kohort_form::Lang::En)
            .ends_with(&format!("late {late} d"))
    );
    let osl = &clinic.sites(&study)[0];
    assert_eq!((osl.late, osl.paused), (late_before, 1));
}
