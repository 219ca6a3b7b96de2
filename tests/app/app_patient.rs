//! The whole app on a real database: set-up, enrolment, handing a
//! questionnaire to the patient, pausing, and resuming in a new app.

use std::path::Path;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kohort::ui::app::{App, Screen};
use kohort_form::{Answer, AnswerValue};
use kohort_tablet::store::Store;

use crate::support::{tap, type_into};
use kohort_testkit::PASS;

fn harness(db: &Path) -> Harness<'static, App> {
    crate::support::harness(db, [1280.0, 800.0], |a| a)
}

fn position(h: &Harness<'_, App>) -> Option<String> {
    h.state()
        .patient()
        .and_then(|p| p.runner.position_id().map(str::to_owned))
}

/// First start: set-up, recovery key, enrol, and hand over the baseline.
fn set_up_and_start(h: &mut Harness<'_, App>) {
    h.run();
    type_into(h, "Tablet name", "Test tablet");
    type_into(h, "Staff passphrase", PASS);
    type_into(h, "Passphrase again", PASS);
    tap(h, "Create");
    h.get_by_label("Recovery key");
    crate::support::note_recovery_key(h);
    tap(h, "Enrol participant");
    type_into(h, "Study code", "HAB-OSL-0001");
    tap(h, "OSL");
    type_into(h, "Label (optional, sealed)", "Ola N.");
    tap(h, "Enrol");
    h.get_by_label("HAB-OSL-0001 · Ola N.");
    tap(h, "Give to patient: Baseline");
    assert!(
        matches!(h.state().screen, Screen::Patient(_)),
        "{:?}",
        h.state().error()
    );
}

/// A new app on an existing database: unlock and resume the baseline.
fn unlock_and_resume(db: &Path) -> Harness<'static, App> {
    let mut h = harness(db);
    h.run();
    type_into(&mut h, "Staff passphrase", PASS);
    tap(&mut h, "Unlock");
    tap(&mut h, "HAB-OSL-0001 · Ola N.");
    tap(&mut h, "Resume with patient: Baseline");
    h
}

#[test]
fn pause_close_and_resume_on_the_same_question() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tablet.db");
    {
        let mut h = harness(&db);
        set_up_and_start(&mut h);
        h.get_by_label("Er du født i Norge?");
        tap(&mut h, "Ja");
        tap(&mut h, "Neste →");
        tap(&mut h, "Vil ikke svare");
        tap(&mut h, "Neste →");
        assert_eq!(position(&h).as_deref(), Some("a_birth_year"));
        tap(&mut h, "1");
        tap(&mut h, "9");
        assert!(
            h.query_by_label_contains("Skriv et tall").is_none(),
            "no warning while the year is still being typed"
        );
        tap(&mut h, "8");
        tap(&mut h, "0");
        tap(&mut h, "Pause");
        h.get_by_label("Svarene dine er lagret.");
        assert!(
            h.query_by_label("Enrol participant").is_none(),
            "no staff screen behind"
        );
    }
    // The answers are on disk, sealed: read them back with the store itself.
    {
        let store = Store::open(&db).unwrap().unlock(PASS).unwrap();
        let sessions = store.list_sessions(&Default::default()).unwrap();
        assert_eq!(sessions.len(), 1);
        let s = store.load_session(sessions[0].id).unwrap();
        assert_eq!(
            s.answers["a_born_norway"],
            Answer::Value(AnswerValue::Code(1))
        );
        assert_eq!(
            s.answers["a_gender"],
            Answer::Declined,
            "Vil ikke svare is stored as declined"
        );
        assert_eq!(
            s.answers["a_birth_year"],
            Answer::Value(AnswerValue::Int(1980))
        );
    }
    // A new app on the same database: unlock, resume, same question.
    let mut h = unlock_and_resume(&db);
    assert_eq!(position(&h).as_deref(), Some("a_birth_year"));
    h.get_by_label("Hvilket år er du født?");
    h.get_by_label("1980");
    tap(&mut h, "← Tilbake");
    assert_eq!(position(&h).as_deref(), Some("a_gender"));
}

#[test]
fn a_killed_app_resumes_where_the_patient_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tablet.db");
    {
        let mut h = harness(&db);
        set_up_and_start(&mut h);
        tap(&mut h, "Nei");
        tap(&mut h, "Neste →");
        tap(&mut h, "Kvinne");
        // No pause: the harness is dropped as if the process died.
    }
    let h = unlock_and_resume(&db);
    assert_eq!(position(&h).as_deref(), Some("a_gender"));
    let p = h.state().patient().unwrap();
    assert_eq!(
        p.runner.answer("a_gender"),
        Some(&Answer::Value(AnswerValue::Code(2)))
    );
}

#[test]
fn only_the_staff_passphrase_leaves_patient_mode() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tablet.db");
    let mut h = harness(&db);
    set_up_and_start(&mut h);
    // Nothing of the staff side is reachable from patient mode.
    for staff_only in ["Lock", "Enrol participant", "HAB-OSL-0001 · Ola N."] {
        assert!(
            h.query_by_label(staff_only).is_none(),
            "{staff_only} reachable"
        );
    }
    tap(&mut h, "Pause");
    type_into(&mut h, "Passphrase", "wrong passphrase");
    tap(&mut h, "Unlock");
    assert!(matches!(h.state().screen, Screen::HandBack { .. }));
    h.get_by_label_contains("Wrong passphrase");
    assert!(h.query_by_label("Enrol participant").is_none());
    type_into(&mut h, "Passphrase", PASS);
    tap(&mut h, "Unlock");
    assert!(matches!(h.state().screen, Screen::Staff));
    h.get_by_label("Enrol participant");
}

#[test]
fn finishing_shows_thanks_and_completes_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tablet.db");
    let mut h = harness(&db);
    set_up_and_start(&mut h);
    let mut screens = 0;
    while h.state().patient().is_some() {
        tap(&mut h, "Neste →");
        screens += 1;
        assert!(screens < 500, "the questionnaire never ends");
    }
    h.get_by_label("Takk for svarene dine!");
    drop(h);
    let store = Store::open(&db).unwrap().unlock(PASS).unwrap();
    let sessions = store.list_sessions(&Default::default()).unwrap();
    assert_eq!(
        sessions[0].status,
        kohort_tablet::store::SessionStatus::Completed
    );
}

#[test]
fn staff_can_unlock_the_hand_back_screen_with_the_in_app_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tablet.db");
    let mut h = harness(&db);
    set_up_and_start(&mut h);
    tap(&mut h, "Pause");
    // The keyboard is open from the start: no physical one is needed.
    for c in PASS.chars() {
        let key = if c == ' ' {
            "Space".to_owned()
        } else {
            c.to_string()
        };
        tap(&mut h, &key);
    }
    tap(&mut h, "Unlock");
    assert!(
        matches!(h.state().screen, Screen::Staff),
        "a tablet without a keyboard can still be unlocked"
    );
}
