//! The nurse's side of the whole app on a real database: enrol, hand the
//! baseline over and complete it, watch the schedule move through time,
//! fill in clinician forms, record an end of treatment, and the idle lock.

use std::path::Path;
use std::time::Duration;

use chrono::{Days, NaiveDate};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kohort::core::ManualClock;
use kohort::ui::app::{App, Screen};
use kohort_form::schedule::{Row, State};

use crate::support::{tap, type_into};
use kohort_testkit::PASS;

fn day0() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 6).expect("a date")
}

fn harness(db: &Path, clock: &ManualClock) -> Harness<'static, App> {
    // Taller than a tablet: a harness cannot scroll a long timeline into
    // view the way a finger does.
    crate::support::harness_on(db, [1280.0, 1400.0], clock, |a| a)
}

/// Moves the app's day and reads the staff screens again.
fn move_to(h: &mut Harness<'_, App>, clock: &ManualClock, day: NaiveDate) {
    clock.set_today(day);
    h.state_mut().refresh();
    h.run();
}

fn set_up(h: &mut Harness<'_, App>) {
    h.run();
    type_into(h, "Tablet name", "Test tablet");
    type_into(h, "Staff passphrase", PASS);
    type_into(h, "Passphrase again", PASS);
    tap(h, "Create");
    crate::support::note_recovery_key(h);
}

fn enrol(h: &mut Harness<'_, App>, code: &str) {
    tap(h, "Enrol participant");
    type_into(h, "Study code", code);
    tap(h, "OSL");
    tap(h, "Enrol");
}

/// The schedule rows of the only participant's current episode.
fn rows(h: &Harness<'_, App>) -> Vec<Row> {
    let c = h.state().clinic();
    let p = &c.participants[0];
    let e = c.current_episode(p.id).expect("an episode");
    c.rows(e.id).expect("a schedule").clone().expect("no error")
}

fn state_of(h: &Harness<'_, App>, title: &str) -> State {
    rows(h)
        .into_iter()
        .find(|r| r.title(kohort_form::Lang::En) == title)
        .unwrap_or_else(|| panic!("no row {title}"))
        .state
}

/// Taps Next until the form is done (patient or staff mode).
fn answer_through(h: &mut Harness<'_, App>) {
    let mut screens = 0;
    while let Some(q) = h.state().patient() {
        // Clinician forms are in the staff's language.
        let next = if q.by_staff { "Next →" } else { "Neste →" };
        tap(h, next);
        screens += 1;
        assert!(screens < 500, "the questionnaire never ends");
    }
}

#[test]
fn a_nurse_follows_a_participant_through_the_schedule() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tablet.db");
    let clock = ManualClock::on(day0());
    let mut h = harness(&db, &clock);
    set_up(&mut h);

    // A wrong study code is refused before anything is stored.
    tap(&mut h, "Enrol participant");
    type_into(&mut h, "Study code", "12345");
    h.get_by_label_contains("must look like HAB-{site}-####");
    assert!(h.state().clinic().participants.is_empty());

    enrol(&mut h, "HAB-OSL-0001");
    assert_eq!(h.state().clinic().participants.len(), 1);
    assert_eq!(state_of(&h, "Baseline"), State::Open);
    h.get_by_label("Participant HAB-OSL-0001");

    // The baseline goes to the patient and comes back completed.
    tap(&mut h, "Give to patient: Baseline");
    assert!(matches!(h.state().screen, Screen::Patient(_)));
    answer_through(&mut h);
    h.get_by_label("Takk for svarene dine!");
    type_into(&mut h, "Passphrase", PASS);
    tap(&mut h, "Unlock");
    assert!(matches!(h.state().screen, Screen::Staff));
    assert!(matches!(state_of(&h, "Baseline"), State::Completed { .. }));

    // The 3-month timepoint is upcoming, with its target and window.
    let m03 = rows(&h).into_iter().find(|r| r.form == "m03").unwrap();
    assert_eq!(m03.state, State::Upcoming);
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
    assert_eq!(m03.target, Some(d(2025, 4, 6)));
    assert_eq!(
        (m03.opens, m03.closes),
        (Some(d(2025, 3, 23)), Some(d(2025, 5, 6)))
    );
    tap(&mut h, "HAB-OSL-0001");
    h.get_by_label("upcoming, opens 23/03/2025");
    h.get_by_label("06/04/2025");

    // Twenty days on, the first medication registration is due: fill it in
    // in staff mode, and record two adverse events.
    move_to(&mut h, &clock, day0() + Days::new(20));
    h.run();
    assert_eq!(state_of(&h, "Medication registration 1"), State::Open);
    tap(&mut h, "Fill in: Medication registration 1");
    assert!(h.state().patient().is_some_and(|p| p.by_staff));
    answer_through(&mut h);
    assert!(
        matches!(h.state().screen, Screen::Staff),
        "staff mode returns to staff"
    );
    assert!(matches!(
        state_of(&h, "Medication registration 1"),
        State::Completed { .. }
    ));
    // The first event is paused half-way: it can be continued, and a new
    // one can still be recorded beside it.
    tap(&mut h, "Record new: Serious adverse event");
    tap(&mut h, "Pause");
    assert!(matches!(h.state().screen, Screen::Staff));
    h.get_by_label("Record new: Serious adverse event");
    tap(&mut h, "Continue: Serious adverse event 1");
    answer_through(&mut h);
    tap(&mut h, "Record new: Serious adverse event");
    answer_through(&mut h);
    for n in ["Serious adverse event 1", "Serious adverse event 2"] {
        assert!(matches!(state_of(&h, n), State::Completed { .. }), "{n}");
    }
    h.get_by_label("Record new: Serious adverse event");

    // At 100 days the 3-month form is open; the patient is in hospital.
    move_to(&mut h, &clock, day0() + Days::new(100));
    h.run();
    assert_eq!(state_of(&h, "3 months"), State::Open);
    tap(&mut h, "Mark missed: 3 months");
    h.get_by_label("Mark 3 months as missed");
    tap(&mut h, "In hospital or an institution");
    type_into(&mut h, "Reason", "Ward 3");
    tap(&mut h, "Save missed");
    assert_eq!(
        state_of(&h, "3 months"),
        State::Missed {
            code: Some(2),
            reason: "Ward 3".into()
        }
    );
    h.get_by_label("missed: In hospital or an institution – Ward 3");

    // The treatment ends: both end-of-treatment forms are due and the later
    // timepoints are not applicable.
    tap(&mut h, "Record end of treatment…");
    // The end date is today unless changed, with a tap.
    h.get_by_label("End date: 16 April 2025");
    tap(&mut h, "Treatment completed");
    tap(&mut h, "Record end of treatment");
    assert_eq!(h.state().error(), None);
    let rows = rows(&h);
    let ends: Vec<&Row> = rows
        .iter()
        .filter(|r| {
            matches!(
                r.kind,
                kohort_form::schedule::Kind::Event(kohort_form::study::Trigger::EndOfTreatment)
            )
        })
        .collect();
    assert_eq!(ends.len(), 2);
    assert!(ends.iter().all(|r| r.state == State::Open), "{ends:?}");
    for form in ["m06", "m12", "m24", "m36", "m48"] {
        let r = rows.iter().find(|r| r.form == form).unwrap();
        assert_eq!(r.state, State::NotApplicable, "{form}");
    }
    assert!(h.query_all_by_label("not applicable").count() >= 5);
    h.get_by_label_contains("Treatment ended 16 April 2025");

    // Everything the nurse did is in the audit log.
    drop(h);
    let store = kohort_testkit::reopen(&db);
    let actions: Vec<String> = kohort_testkit::actions(store.audit_entries().unwrap());
    for a in ["enrol", "session_complete", "mark_missed", "episode_end"] {
        assert!(actions.iter().any(|x| x == a), "{a} not audited");
    }
}

#[test]
fn idle_staff_screens_lock() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tablet.db");
    let clock = ManualClock::new();
    let mut h = crate::support::harness_on(&db, [1280.0, 800.0], &clock, |a| {
        a.with_idle_lock(Duration::from_secs(300))
    });
    set_up(&mut h);
    assert!(matches!(h.state().screen, Screen::Staff));
    clock.advance(Duration::from_secs(299));
    h.run();
    assert!(
        matches!(h.state().screen, Screen::Staff),
        "locked too early"
    );
    clock.advance(Duration::from_secs(2));
    h.run();
    assert!(matches!(h.state().screen, Screen::Unlock(_)));
    h.get_by_label_contains("Locked after a while without use");
    assert!(h.query_by_label("Enrol participant").is_none());
    type_into(&mut h, "Staff passphrase", PASS);
    tap(&mut h, "Unlock");
    assert!(matches!(h.state().screen, Screen::Staff));
}

/// eframe runs no ui pass while the window is hidden, only `logic`: the
/// lock must happen there, so a staff page left open and minimised is
/// locked when the window shows again, before a frame draws staff data.
#[test]
fn a_hidden_staff_window_locks_while_hidden() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tablet.db");
    let clock = ManualClock::new();
    let mut h = crate::support::harness_on(&db, [1280.0, 800.0], &clock, |a| {
        a.with_idle_lock(Duration::from_secs(300))
    });
    set_up(&mut h);
    enrol(&mut h, "HAB-OSL-0003");
    assert!(matches!(h.state().screen, Screen::Staff));

    // Minimised: the stale input of the last frame must not count as a
    // touch, however often logic runs.
    let mut hidden = egui::RawInput::default();
    hidden
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .minimized = Some(true);
    let ctx = h.ctx.clone();
    for _ in 0..3 {
        clock.advance(Duration::from_secs(120));
        let _ = ctx.run_logic(&hidden, |ctx| h.state_mut().tick(ctx));
    }
    assert!(matches!(h.state().screen, Screen::Unlock(_)));
    assert_eq!(
        h.state().clinic().participants.len(),
        0,
        "staff data still in memory"
    );

    // Shown again: the unlock screen, nothing of the participant.
    h.run();
    h.get_by_label_contains("Locked after a while without use");
    assert!(h.query_by_label_contains("HAB-OSL-0003").is_none());
}

#[test]
fn a_withdrawal_stops_collection() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tablet.db");
    let clock = ManualClock::on(day0());
    let mut h = harness(&db, &clock);
    set_up(&mut h);
    enrol(&mut h, "HAB-OSL-0002");
    tap(&mut h, "Withdraw consent…");
    h.get_by_label("Withdraw consent");
    tap(&mut h, "Confirm withdrawal");
    assert_eq!(h.state().error(), None);
    assert_eq!(state_of(&h, "Baseline"), State::Withdrawn);
    assert!(h.query_by_label("Give to patient: Baseline").is_none());
    h.get_by_label_contains("Consent withdrawn on 6 January 2025");
}

/// A clinician form opens in the staff look: no text-size or language
/// buttons, "Not recorded / unknown" instead of "Prefer not to answer".
#[test]
fn clinician_forms_open_in_the_staff_layout() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tablet.db");
    let clock = ManualClock::on(day0());
    let mut h = harness(&db, &clock);
    set_up(&mut h);
    enrol(&mut h, "HAB-OSL-0004");
    move_to(&mut h, &clock, day0() + Days::new(20));
    tap(&mut h, "Fill in: Medication registration 1");
    assert!(h.state().patient().is_some_and(|p| p.by_staff));
    while h.query_by_label("Not recorded / unknown").is_none() {
        tap(&mut h, "Next →"); // past notes and section titles
    }
    assert!(h.query_by_label("Vil ikke svare").is_none());
    assert!(h.query_by_label("Prefer not to answer").is_none());
    assert!(h.query_by_label("Større tekst").is_none());
    assert!(h.query_by_label("Bokmål").is_none());
    assert!(h.query_by_label("Nynorsk").is_none());
}

/// A demo tablet's staff screens say, on every page, that its data is
/// synthetic; a real tablet's never do.
#[test]
fn a_demo_tablet_says_so_on_every_staff_page() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let (mut store, _) = kohort_testkit::create(&db);
    kohort_tablet::store::demo::fill(&mut store, &kohort_testkit::study(), 2, 3).unwrap();
    store.mark_demo().unwrap();
    drop(store);
    let clock = ManualClock::new();
    let mut h = harness(&db, &clock);
    h.run();
    type_into(&mut h, "Staff passphrase", PASS);
    tap(&mut h, "Unlock");
    for page in ["Today", "Data manager", "Settings"] {
        tap(&mut h, page);
        h.get_by_label_contains("DEMO TABLET");
    }

    let real = dir.path().join("real.db");
    drop(kohort_testkit::create(&real));
    let mut h = harness(&real, &clock);
    h.run();
    type_into(&mut h, "Staff passphrase", PASS);
    tap(&mut h, "Unlock");
    h.get_by_label("Today");
    assert!(h.query_by_label_contains("DEMO TABLET").is_none());
}

/// Staff change the passphrase on the settings page; a mismatch or a weak
/// one is refused with words, the new one unlocks, the old one does not.
#[test]
fn staff_change_the_passphrase_in_settings() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let clock = ManualClock::new();
    let mut h = harness(&db, &clock);
    set_up(&mut h);
    tap(&mut h, "Settings");
    type_into(&mut h, "New staff passphrase", "otter lamp gravel sunday");
    type_into(&mut h, "New passphrase again", "otter lamp gravel monday");
    tap(&mut h, "Change passphrase");
    h.get_by_label_contains("The two passphrases differ");
    type_into(&mut h, "New staff passphrase", "aaaaaaaa");
    type_into(&mut h, "New passphrase again", "aaaaaaaa");
    tap(&mut h, "Change passphrase");
    h.get_by_label_contains("too easy to guess");
    type_into(&mut h, "New staff passphrase", "otter lamp gravel sunday");
    type_into(&mut h, "New passphrase again", "otter lamp gravel sunday");
    tap(&mut h, "Change passphrase");
    h.get_by_label_contains("Passphrase changed");
    tap(&mut h, "Lock");
    type_into(&mut h, "Staff passphrase", PASS);
    tap(&mut h, "Unlock");
    assert!(
        h.query_by_label("Today").is_none(),
        "the old passphrase opened it"
    );
    drop(h);
    let mut locked = kohort_tablet::store::Store::open(&db).unwrap();
    locked.set_delay(kohort_tablet::store::Delay::None);
    let store = locked.unlock("otter lamp gravel sunday").unwrap();
    let actions = kohort_testkit::actions(store.audit_entries().unwrap());
    assert!(actions.contains(&"passphrase_changed".to_owned()));
}

/// The settings page shows this tablet's fingerprint, for the research
/// store to check before it trusts the tablet's batches.
#[test]
fn settings_show_the_tablet_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let clock = ManualClock::new();
    let mut h = harness(&db, &clock);
    set_up(&mut h);
    tap(&mut h, "Settings");
    let fp = h.state().clinic().device_fingerprint.clone();
    assert_eq!(fp.len(), 19, "{fp}");
    h.get_by_label(&format!("Fingerprint: {fp}"));
}
