//! The app core without a screen: every action a person takes, as the
//! screens and the command line call it, with its typed errors.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{Days, NaiveDate};
use zeroize::Zeroizing;

use kohort::core::{
    Access, Core, CoreError, Credential, Enrolment, ErrorKind, IdleCheck, ManualClock, Outcome,
    Step,
};
use kohort_form::AnswerValue;
use kohort_form::schedule::State;
use kohort_tablet::store::{BatchState, SessionStatus};
use kohort_tablet::sync::Exported;
use kohort_testkit::{PASS, consent, research_keys};

fn day0() -> NaiveDate {
    kohort_testkit::date(2025, 1, 6)
}

fn core(db: &Path, clock: &ManualClock) -> Core {
    Core::new(
        Arc::new(kohort_testkit::study()),
        db.to_owned(),
        Arc::new(clock.clone()),
    )
    .without_unlock_delay()
}

fn pass(p: &str) -> Credential {
    Credential::Passphrase(Zeroizing::new(p.to_owned()))
}

fn enrolment(code: &str) -> Enrolment {
    Enrolment {
        study_code: code.into(),
        site: "OSL".into(),
        label: Some("Kari".into()),
        consent: kohort_tablet::store::Consent {
            date: day0(),
            ..consent()
        },
        anchor: day0(),
        started_before_consent: false,
    }
}

/// The state of a form in HAB-OSL-0001's current episode.
fn state_of(c: &Core, form: &str) -> State {
    let clinic = c.clinic();
    let p = clinic
        .participants
        .iter()
        .find(|p| p.study_code == "HAB-OSL-0001")
        .expect("HAB-OSL-0001");
    let e = clinic.current_episode(p.id).expect("an episode");
    let rows = clinic.rows(e.id).unwrap().as_ref().unwrap();
    rows.iter()
        .find(|r| r.form == form)
        .unwrap_or_else(|| panic!("no row {form}"))
        .state
        .clone()
}

/// Steps through a questionnaire to its end with Next only.
fn next_to_the_end(c: &mut Core) -> Outcome {
    for _ in 0..1000 {
        let out = c.step(Step::Next).unwrap();
        if matches!(out, Outcome::HandBack { .. }) {
            return out;
        }
    }
    panic!("the questionnaire never ends");
}

#[test]
fn set_up_lock_unlock_and_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let clock = ManualClock::on(day0());
    let mut c = core(&db, &clock);
    assert_eq!(c.access(), Access::SetUp);
    assert_eq!(
        c.enrol(&enrolment("HAB-OSL-0001")).unwrap_err().kind(),
        ErrorKind::Locked
    );
    let weak = c.set_up("Tablet", "short").unwrap_err();
    assert_eq!(weak.kind(), ErrorKind::Invalid, "{weak}");
    let recovery = c.set_up("Tablet", PASS).unwrap();
    assert_eq!(c.access(), Access::Open);

    c.lock();
    assert_eq!(c.access(), Access::Locked);
    let wrong = c.unlock(pass("not the passphrase")).unwrap_err();
    assert_eq!(wrong.kind(), ErrorKind::WrongCredentials, "{wrong}");
    c.unlock(Credential::Recovery(recovery)).unwrap();
    assert_eq!(c.access(), Access::Open);
    c.lock();
    c.unlock(pass(PASS)).unwrap();

    // The command line's way in is the same.
    c.lock();
    drop(c);
    assert!(kohort::core::unlock(&db, pass(PASS)).is_ok());
    assert_eq!(
        kohort::core::unlock(&db, pass("wrong wrong wrong"))
            .err()
            .map(|e| e.kind()),
        Some(ErrorKind::WrongCredentials)
    );
}

#[test]
fn a_nurse_s_actions_from_enrolment_to_withdrawal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let clock = ManualClock::on(day0());
    let mut c = core(&db, &clock);
    c.set_up("Tablet", PASS).unwrap();

    // Enrol: a code of the wrong shape is refused before anything is stored.
    let bad = c.enrol(&enrolment("12345")).unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::Invalid, "{bad}");
    // The site in the code is the site chosen.
    let other_site = Enrolment {
        site: "BGO".into(),
        ..enrolment("HAB-OSL-0001")
    };
    let bad = c.enrol(&other_site).unwrap_err();
    assert!(bad.to_string().contains("site OSL"), "{bad}");
    // Treatment before consent is confirmed, or refused.
    let early = Enrolment {
        anchor: day0() - Days::new(10),
        ..enrolment("HAB-OSL-0009")
    };
    let unconfirmed = c.enrol(&early).unwrap_err();
    assert!(
        unconfirmed.to_string().contains("before the consent"),
        "{unconfirmed}"
    );
    c.enrol(&Enrolment {
        started_before_consent: true,
        ..early
    })
    .unwrap();
    let participant = c.enrol(&enrolment("HAB-OSL-0001")).unwrap();
    let dup = c.enrol(&enrolment("HAB-OSL-0001")).unwrap_err();
    assert_eq!(dup.kind(), ErrorKind::Refused, "{dup}");
    let episode = c.clinic().current_episode(participant).unwrap().id;

    // Hand the baseline over: the patient answers one question, pauses.
    c.start(participant, episode, "baseline", 0).unwrap();
    let q = c.questionnaire().unwrap();
    assert!(!q.by_staff);
    let first = q.runner.position_id().unwrap().to_owned();
    let out = c
        .step(Step::Set(first.clone(), AnswerValue::Code(1)))
        .unwrap();
    assert!(matches!(out, Outcome::Answering { invalid: None, .. }));
    let out = c.step(Step::Decline("nothing-on-screen".into())).unwrap();
    assert!(matches!(out, Outcome::Answering { .. }));
    let out = c.step(Step::Pause).unwrap();
    assert_eq!(
        out,
        Outcome::HandBack {
            finished: false,
            unsaved: false
        }
    );
    // The hand-back locks the tablet.
    assert_eq!(c.access(), Access::Locked);
    assert!(c.questionnaire().is_none());

    // Staff unlocks; the baseline is paused; resumed, it is finished.
    c.unlock(pass(PASS)).unwrap();
    assert!(matches!(state_of(&c, "baseline"), State::Paused { .. }));
    let session = c
        .clinic()
        .sessions
        .iter()
        .find(|s| s.status == SessionStatus::Paused)
        .unwrap()
        .id;
    c.resume(session).unwrap();
    assert_eq!(c.questionnaire().unwrap().runner.answers().len(), 1);
    let out = next_to_the_end(&mut c);
    assert_eq!(
        out,
        Outcome::HandBack {
            finished: true,
            unsaved: false
        }
    );
    c.unlock(pass(PASS)).unwrap();
    assert!(matches!(state_of(&c, "baseline"), State::Completed { .. }));

    // After the baseline the anchor date cannot be corrected.
    let refused = c.set_anchor(episode, day0() + Days::new(1)).unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Refused, "{refused}");

    // A clinician form opens for staff and returns to the staff screens.
    clock.set_today(day0() + Days::new(100));
    c.refresh();
    c.start(participant, episode, "medication", 1).unwrap();
    assert!(c.questionnaire().unwrap().by_staff);
    next_to_the_end(&mut c);
    assert_eq!(c.access(), Access::Open);
    assert!(c.questionnaire().is_none());

    // Missed, end of treatment, a new episode, withdrawal, a setting.
    assert_eq!(
        c.mark_missed(episode, "m03", 0, Some(99), "")
            .unwrap_err()
            .kind(),
        ErrorKind::Invalid
    );
    c.mark_missed(episode, "m03", 0, Some(2), "").unwrap();
    assert!(matches!(
        state_of(&c, "m03"),
        State::Missed { code: Some(2), .. }
    ));
    let unknown = c
        .start(participant, episode, "no-such-form", 0)
        .unwrap_err();
    assert!(matches!(unknown, CoreError::NoSuchForm(_)));
    c.end_episode(
        episode,
        day0() + Days::new(100),
        kohort_form::schedule::EndType::DroppedOut,
    )
    .unwrap();
    assert_eq!(state_of(&c, "m06"), State::NotApplicable);
    let second = c.new_episode(participant, day0() + Days::new(120)).unwrap();
    assert_eq!(c.clinic().current_episode(participant).unwrap().id, second);
    c.withdraw(participant, day0() + Days::new(130)).unwrap();
    assert_eq!(state_of(&c, "baseline"), State::Withdrawn);
    let after = c.start(participant, second, "baseline", 0).unwrap_err();
    assert_eq!(after.kind(), ErrorKind::Refused, "{after}");
    c.set_idle_lock(10).unwrap();
    assert_eq!(c.clinic().idle_lock_minutes, 10);
    assert_eq!(
        c.set_idle_lock(10_000).unwrap_err().kind(),
        ErrorKind::Invalid
    );
}

#[test]
fn a_data_manager_seals_delivers_confirms_and_purges() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    {
        let mut store = kohort_testkit::tablet(&db);
        kohort_tablet::store::demo::fill(&mut store, &kohort_testkit::study(), 3, 7).unwrap();
    }
    let clock = ManualClock::new();
    let mut c = core(&db, &clock);
    c.unlock(pass(PASS)).unwrap();
    let waiting = c.status().unwrap().unbatched;
    assert!(waiting > 0);

    let Exported::Batch { seq, sessions, .. } = c.seal().unwrap() else {
        panic!("nothing sealed");
    };
    assert_eq!((seq, sessions), (1, waiting));
    assert_eq!(c.seal().unwrap(), Exported::Nothing);

    // Deliver to a folder on the worker; the core records what arrives.
    let missing = c.deliver_to_folder(dir.path().join("no-stick")).unwrap();
    assert!(missing);
    let stick = kohort_testkit::stick();
    let usb = stick.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    wait_for_delivery(&mut c);
    assert!(c.delivery().unwrap().progress.failed.is_some());
    assert!(c.deliver_to_folder(usb.clone()).unwrap());
    assert_eq!(
        c.deliver_to_folder(usb.clone()).unwrap_err().kind(),
        ErrorKind::Refused,
        "a second delivery while one runs"
    );
    wait_for_delivery(&mut c);
    assert_eq!(c.delivery().unwrap().progress.failed, None);
    assert_eq!(c.status().unwrap().batches[0].state, BatchState::Delivered);

    // The research store's receipt confirms it; a purge with 0 days.
    crate::support::enrol_signers(&dir.path().join("research"), &usb);
    let report =
        kohort_research::import_dir(&research_keys(), &usb, &dir.path().join("research")).unwrap();
    let receipt = report
        .devices
        .values()
        .next()
        .unwrap()
        .receipt
        .clone()
        .unwrap();
    let confirmed = c.apply_receipt(&receipt).unwrap();
    assert_eq!(confirmed.newly, [1]);
    assert_eq!(c.purge().unwrap().purged.sessions, 0, "kept 30 days");
    c.set_retention(0).unwrap();
    assert_eq!(c.purge().unwrap().purged.sessions, waiting);
    assert_eq!(c.status().unwrap().batches[0].state, BatchState::Purged);
    let unreadable = c
        .apply_receipt(&dir.path().join("none.receipt"))
        .unwrap_err();
    assert_eq!(unreadable.kind(), ErrorKind::Refused, "{unreadable}");
}

fn wait_for_delivery(c: &mut Core) {
    for _ in 0..500 {
        c.poll_delivery();
        if !c.delivery().unwrap().is_running() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("the delivery never ended");
}

#[test]
fn the_idle_lock_follows_the_clock_and_spares_the_patient() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let clock = ManualClock::on(day0());
    let mut c = core(&db, &clock).with_idle_lock(Duration::from_secs(60));
    c.set_up("Tablet", PASS).unwrap();
    let participant = c.enrol(&enrolment("HAB-OSL-0001")).unwrap();
    let episode = c.clinic().current_episode(participant).unwrap().id;

    clock.advance(Duration::from_secs(50));
    assert!(matches!(c.lock_if_idle(), IdleCheck::Remaining(d) if d == Duration::from_secs(10)));
    c.touch();
    clock.advance(Duration::from_secs(50));
    assert!(matches!(c.lock_if_idle(), IdleCheck::Remaining(_)));

    // A patient holding the tablet is never locked out.
    c.start(participant, episode, "baseline", 0).unwrap();
    clock.advance(Duration::from_secs(3600));
    assert!(matches!(c.lock_if_idle(), IdleCheck::NotWatching));
    c.step(Step::Pause).unwrap();
    c.unlock(pass(PASS)).unwrap();

    // A clinician form left open is paused, then the tablet locks.
    clock.set_today(day0() + Days::new(100));
    c.refresh();
    c.start(participant, episode, "medication", 1).unwrap();
    clock.advance(Duration::from_secs(61));
    assert!(matches!(c.lock_if_idle(), IdleCheck::Locked(None)));
    assert_eq!(c.access(), Access::Locked);
    assert!(matches!(c.lock_if_idle(), IdleCheck::NotWatching));
    c.unlock(pass(PASS)).unwrap();
    assert!(
        c.clinic()
            .sessions
            .iter()
            .any(|s| s.form_id == "medication" && s.status == SessionStatus::Paused)
    );
}
