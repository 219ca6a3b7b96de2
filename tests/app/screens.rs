//! Screens that hold up in the clinic: every question opens at its top,
//! a cue says when answers continue below, and scrolling never picks an
//! answer.

use std::path::Path;

use chrono::Days;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use kohort::core::ManualClock;
use kohort::ui::app::{App, Screen};
use kohort_form::Lang;

use crate::support::{harness_on, tap, type_into};
use kohort_testkit::{PASS, consent, date};

/// A tablet with one participant `days` into treatment, unlocked on the
/// participant's page.
fn on_participant_page(db: &Path, size: [f32; 2], days: u64) -> Harness<'static, App> {
    let anchor = date(2023, 1, 6);
    {
        let (mut store, _) = kohort_testkit::create(db);
        store
            .enrol("HAB-OSL-0001", "OSL", Some("Ola"), &consent(), anchor)
            .unwrap();
    }
    let clock = ManualClock::on(anchor + Days::new(days));
    let mut h = harness_on(db, size, &clock, |a| a);
    h.run();
    type_into(&mut h, "Staff passphrase", PASS);
    tap(&mut h, "Unlock");
    tap(&mut h, "HAB-OSL-0001 · Ola");
    h
}

fn question_text(h: &Harness<'_, App>) -> String {
    let q = h.state().patient().expect("a questionnaire");
    let item = q.runner.current().expect("a question").item;
    item.text
        .as_ref()
        .expect("question text")
        .get(Lang::Nb)
        .to_owned()
}

#[test]
fn a_question_opens_at_its_top_after_the_staff_page_was_scrolled() {
    let dir = tempfile::tempdir().unwrap();
    // Three years in: a timeline longer than the screen.
    let mut h = on_participant_page(&dir.path().join("t.db"), [1280.0, 520.0], 1100);
    let give = "Give to patient: 36 months";
    // Scroll the page down as far as a finger would.
    for _ in 0..10 {
        h.get_by_label(give).scroll_down();
        h.run();
    }
    let heading = h.get_by_label("Participant HAB-OSL-0001").rect();
    assert!(
        heading.bottom() < 0.0,
        "the page did not scroll: {heading:?}"
    );
    tap(&mut h, give);
    assert!(matches!(h.state().screen, Screen::Patient(_)));
    let text = question_text(&h);
    let r = h.get_by_label(&text).rect();
    assert!(
        r.top() >= 0.0 && r.bottom() <= 520.0,
        "question 1 is out of sight: {r:?}"
    );
}

#[test]
fn a_cue_shows_while_answers_continue_below() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = on_participant_page(&dir.path().join("t.db"), [1280.0, 800.0], 10);
    tap(&mut h, "Give to patient: Baseline");
    walk_to(&mut h, "i_symptoms");
    h.get_by_label("Flere svar nedenfor ↓");
    // Scrolled to the last row, nothing is hidden any more.
    let last = "Nummenhet eller prikking";
    let rows = h.query_all_by_label_contains(last).count();
    assert!(rows > 0);
    h.get_all_by_label_contains(last)
        .last()
        .unwrap()
        .scroll_to_me();
    h.run();
    assert!(h.query_by_label("Flere svar nedenfor ↓").is_none());
}

/// Scrolled to the bottom of a long question, the next question and the
/// first again (Back) each open at their top. A short window and the
/// largest text make every question longer than the screen.
#[test]
fn each_question_opens_at_its_top_after_the_last_was_scrolled() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = on_participant_page(&dir.path().join("t.db"), [1280.0, 520.0], 10);
    tap(&mut h, "Give to patient: Baseline");
    walk_to(&mut h, "b_living");
    h.get_by_label("Større tekst").click();
    h.run();
    let text = question_text(&h);
    let top = h.get_by_label(&text).rect().top();
    h.get_by_label("Annet").scroll_to_me();
    h.run();
    assert!(h.get_by_label(&text).rect().top() < top, "did not scroll");
    for step in ["Neste →", "← Tilbake"] {
        tap(&mut h, step);
        let text = question_text(&h);
        let r = h.get_by_label(&text).rect();
        assert!(
            (r.top() - top).abs() < 1.0,
            "{text} opened at {r:?}, not {top}"
        );
    }
}

/// Taps Next until the questionnaire shows item `id`.
fn walk_to(h: &mut Harness<'_, App>, id: &str) {
    for _ in 0..200 {
        let at = h
            .state()
            .patient()
            .unwrap()
            .runner
            .position_id()
            .map(str::to_owned);
        if at.as_deref() == Some(id) {
            return;
        }
        tap(h, "Neste →");
    }
    panic!("never reached {id}");
}

/// A finger that drags the question to scroll it picks no answer, even
/// when the drag starts on one.
#[test]
fn scrolling_by_dragging_over_an_answer_does_not_choose_it() {
    use eframe::egui::{Event, Modifiers, PointerButton, TouchDeviceId, TouchId, TouchPhase, vec2};
    let dir = tempfile::tempdir().unwrap();
    let mut h = on_participant_page(&dir.path().join("t.db"), [1280.0, 520.0], 10);
    tap(&mut h, "Give to patient: Baseline");
    walk_to(&mut h, "b_living");
    // The first answer: on a 520-point screen the row of read-aloud and
    // contrast buttons above the question leaves the second one under the
    // bottom bar.
    let option = "I egen bolig som jeg eier";
    let start = h.get_by_label(option).rect().center();
    let end = start - vec2(0.0, 120.0);
    let button = |pos, pressed| Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    };
    // A finger, as the tablet reports it: touches, and the pointer they move.
    let touch = |phase, pos| Event::Touch {
        device_id: TouchDeviceId(1),
        id: TouchId(1),
        phase,
        pos,
        force: None,
    };
    h.event(touch(TouchPhase::Start, start));
    h.event(Event::PointerMoved(start));
    h.event(button(start, true));
    h.run();
    for k in 1..=6 {
        let at = start - vec2(0.0, 20.0 * k as f32);
        h.event(touch(TouchPhase::Move, at));
        h.event(Event::PointerMoved(at));
        h.run();
    }
    h.event(touch(TouchPhase::End, end));
    h.event(button(end, false));
    h.run();
    let moved = start.y - h.get_by_label(option).rect().center().y;
    assert!(moved > 60.0, "the question did not scroll ({moved})");
    let q = h.state().patient().unwrap();
    assert_eq!(q.runner.answer("b_living"), None, "a drag chose an answer");
    // A tap still chooses.
    tap(&mut h, option);
    assert!(
        h.state()
            .patient()
            .unwrap()
            .runner
            .answer("b_living")
            .is_some()
    );
}

/// Types `text` on the in-app keyboard, key by key.
fn tap_keys(h: &mut Harness<'_, App>, text: &str) {
    for c in text.chars() {
        let key = if c == ' ' {
            "Mellomrom".to_owned()
        } else {
            c.to_string()
        };
        tap(h, &key);
    }
}

/// A tablet with one participant, its baseline paused: the hand-back.
fn handed_back(db: &Path, clock: &ManualClock, delay: bool) -> Harness<'static, App> {
    let anchor = date(2025, 1, 6);
    {
        let (mut store, _) = kohort_testkit::create(db);
        store
            .enrol("HAB-OSL-0001", "OSL", Some("Ola"), &consent(), anchor)
            .unwrap();
    }
    let study = std::sync::Arc::new(kohort_testkit::study());
    let app = App::with_clock(study, db.to_owned(), clock.clone());
    let app = if delay {
        app
    } else {
        app.without_unlock_delay()
    };
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(|_| app);
    // In bokmål, the staff language of a tablet nobody changed.
    h.run();
    type_into(&mut h, "Passordfrase for personalet", PASS);
    tap(&mut h, "Lås opp");
    tap(&mut h, "HAB-OSL-0001 · Ola");
    tap(&mut h, "Gi til pasienten: Oppstart");
    tap(&mut h, "Pause");
    assert!(matches!(h.state().screen, Screen::HandBack { .. }));
    h
}

/// A wrong passphrase says how long to wait, the button waits too, and
/// the wait ends by itself.
#[test]
fn a_wrong_try_at_the_hand_back_waits_then_ends() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut h = handed_back(&dir.path().join("t.db"), &clock, true);
    tap_keys(&mut h, "wrong");
    tap(&mut h, "Lås opp");
    h.get_by_label("Feil passordfrase. Vent 1 s før neste forsøk.");
    assert!(h.get_by_label("Lås opp").accesskit_node().is_disabled());
    clock.advance(std::time::Duration::from_millis(1100));
    h.run();
    h.get_by_label("Feil passordfrase. Prøv igjen.");
    tap_keys(&mut h, "again");
    assert!(!h.get_by_label("Lås opp").accesskit_node().is_disabled());
    assert!(matches!(h.state().screen, Screen::HandBack { .. }));
}

/// The recovery key is shown large, saved to a stick as a file, and the
/// set-up goes on only when two of its groups are typed back right.
#[test]
fn the_recovery_key_is_saved_and_two_groups_asked_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let mut h = crate::support::harness(&db, [1280.0, 800.0], |a| a);
    h.run();
    type_into(&mut h, "Tablet name", "Oslo 1");
    type_into(&mut h, "Staff passphrase", PASS);
    type_into(&mut h, "Passphrase again", PASS);
    tap(&mut h, "Create");
    let (ask, key) = match &h.state().screen {
        Screen::Recovery(d) => (d.ask, d.key.to_string()),
        _ => panic!("no recovery key screen"),
    };
    let groups: Vec<&str> = key.split('-').collect();
    assert_eq!(groups.len(), 13);
    h.get_by_label(groups[0]);
    let found = crate::layout::problems(h.output(), 1280.0);
    assert!(found.is_empty(), "{found:?}");
    let go = "I have noted it: continue";
    assert!(h.get_by_label(go).accesskit_node().is_disabled());
    type_into(&mut h, &format!("Group {}", ask[0] + 1), groups[ask[0]]);
    type_into(&mut h, &format!("Group {}", ask[1] + 1), "XXXX");
    assert!(
        h.get_by_label(go).accesskit_node().is_disabled(),
        "a wrong group"
    );
    // Saving to a stick (here a folder) writes the key into a file.
    let stick = dir.path().join("stick");
    std::fs::create_dir(&stick).unwrap();
    let saved = h
        .state_mut()
        .core_mut()
        .save_recovery_key(&stick, &key)
        .unwrap();
    assert!(std::fs::read_to_string(saved).unwrap().contains(&key));
    h.get_by_label(&format!("Group {}", ask[1] + 1)).focus();
    h.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::A);
    h.run();
    h.get_by_label(&format!("Group {}", ask[1] + 1))
        .type_text(&groups[ask[1]].to_lowercase());
    h.run();
    tap(&mut h, go);
    assert!(matches!(h.state().screen, Screen::Staff));
}
