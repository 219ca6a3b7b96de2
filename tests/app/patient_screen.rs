//! The patient screen driven by taps, over the real runner (no database).

use std::collections::BTreeMap;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kohort::core::{Change, Refused, apply};
use kohort::ui::patient::{PatientView, patient_ui};
use kohort_form::runner::Runner;
use kohort_form::{Answer, AnswerValue, ItemState};
use kohort_form::{Lang, Text};

const FORM: &str = r#"{
  "id": "short", "version": "1.0.0", "respondent": "patient",
  "title": { "nb": "Kort skjema", "en": "Short form" },
  "items": [
    { "id": "s1", "type": "section", "text": { "nb": "Om deg", "en": "About you" } },
    { "id": "q_home", "type": "yes_no", "text": { "nb": "Har du et sted å bo?", "en": "Do you have a place to live?" } },
    { "id": "q_where", "type": "single_choice", "show_if": "q_home == 1",
      "text": { "nb": "Hvor bor du?", "en": "Where do you live?" },
      "options": [ { "code": 1, "text": { "nb": "Egen bolig", "en": "Own home" } },
                   { "code": 2, "text": { "nb": "Hos familie", "en": "With family" } } ] },
    { "id": "q_days", "type": "days", "max": 30,
      "text": { "nb": "De siste 30 dagene: hvor mange dager?", "en": "In the last 30 days: how many days?" } },
    { "id": "q_sym", "type": "matrix", "text": { "nb": "Plager", "en": "Symptoms" },
      "options": [ { "code": 0, "text": { "nb": "Nei", "en": "No" } },
                   { "code": 1, "text": { "nb": "Ja, litt", "en": "Yes, a little" } } ],
      "rows": [ { "id": "q_sym_sleep", "text": { "nb": "Søvn", "en": "Sleep" } },
                { "id": "q_sym_pain", "text": { "nb": "Smerte", "en": "Pain" } } ] }
  ]
}"#;

struct Screen {
    runner: Runner,
    view: PatientView,
    saved: Vec<Change>,
    refused: Option<Refused>,
}

fn harness() -> Harness<'static, Screen> {
    let q = kohort_testkit::questionnaire("short.json", FORM, Text::new("Kort", "Short"));
    let screen = Screen {
        runner: Runner::new(q),
        view: PatientView::default(),
        saved: Vec::new(),
        refused: None,
    };
    Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(
            |ui, s: &mut Screen| {
                for step in patient_ui(ui, &s.runner, &mut s.view) {
                    let applied = apply(&mut s.runner, &mut s.refused, step);
                    s.view
                        .stepped(applied.invalid, applied.next_skips, applied.retype);
                    s.saved.extend(applied.changes);
                }
            },
            screen,
        )
}

fn tap(h: &mut Harness<'_, Screen>, label: &str) {
    h.get_by_label(label).click();
    h.run();
}

fn here(h: &Harness<'_, Screen>) -> String {
    h.state().runner.position_id().unwrap_or("<end>").to_owned()
}

#[test]
fn a_short_questionnaire_is_completed_by_taps_only() {
    let mut h = harness();
    h.run();
    h.get_by_label("Har du et sted å bo?");
    tap(&mut h, "Ja");
    tap(&mut h, "Neste →");
    tap(&mut h, "Hos familie");
    tap(&mut h, "Neste →");
    tap(&mut h, "1");
    tap(&mut h, "7");
    tap(&mut h, "Neste →");
    h.get_all_by_label("Ja, litt").next().unwrap().click();
    h.run();
    h.get_all_by_label("Nei").last().unwrap().click();
    h.run();
    tap(&mut h, "Neste →");

    let s = h.state();
    assert!(s.runner.at_end());
    assert!(s.saved.contains(&Change::Finished));
    let a = s.runner.answers();
    assert_eq!(a["q_home"], Answer::Value(AnswerValue::Code(1)));
    assert_eq!(a["q_where"], Answer::Value(AnswerValue::Code(2)));
    assert_eq!(a["q_days"], Answer::Value(AnswerValue::Int(17)));
    assert_eq!(a["q_sym_sleep"], Answer::Value(AnswerValue::Code(1)));
    assert_eq!(a["q_sym_pain"], Answer::Value(AnswerValue::Code(0)));
    // Every answer was handed to the store as it was given.
    let saved: Vec<&str> = s
        .saved
        .iter()
        .filter_map(|c| match c {
            Change::Answer(id, Some(_)) => Some(id.as_str()),
            _ => None,
        })
        .collect();
    assert!(
        saved.contains(&"q_days") && saved.contains(&"q_sym_pain"),
        "{saved:?}"
    );
}

#[test]
fn number_pad_refuses_45_and_a_second_next_skips_it_out_loud() {
    let mut h = harness();
    h.run();
    tap(&mut h, "Nei");
    tap(&mut h, "Neste →");
    assert_eq!(here(&h), "q_days", "q_where is hidden after No");
    h.get_by_label("0–30 dager");
    tap(&mut h, "4");
    tap(&mut h, "5");
    h.get_by_label("Skriv et antall dager fra 0 til 30.");
    assert_eq!(h.state().runner.answer("q_days"), None, "45 is not stored");
    tap(&mut h, "Slett");
    assert_eq!(
        h.state().runner.answer("q_days"),
        Some(&Answer::Value(AnswerValue::Int(4)))
    );
    tap(&mut h, "Tøm");
    assert_eq!(h.state().runner.answer("q_days"), None);
    tap(&mut h, "4");
    tap(&mut h, "5");
    // The first Next stays: the message stays and says what Next will do.
    tap(&mut h, "Neste →");
    assert_eq!(here(&h), "q_days");
    h.get_by_label("Skriv et antall dager fra 0 til 30.");
    h.get_by_label("Trykk «Neste» en gang til for å gå videre uten å svare.");
    // The second goes on; nothing was saved and the item ends skipped.
    tap(&mut h, "Neste →");
    assert_eq!(here(&h), "q_sym", "Next is never blocked twice");
    assert_eq!(h.state().runner.answer("q_days"), None);
    let states: BTreeMap<String, ItemState> = h.state().runner.outcome().into_iter().collect();
    assert_eq!(states["q_days"], ItemState::Skipped);
    // A value fixed before Next goes on at once.
    tap(&mut h, "← Tilbake");
    tap(&mut h, "4");
    tap(&mut h, "5");
    tap(&mut h, "Slett");
    tap(&mut h, "Neste →");
    assert_eq!(here(&h), "q_sym");
}

#[test]
fn show_if_hides_after_a_change_and_back_still_works() {
    let mut h = harness();
    h.run();
    tap(&mut h, "Ja");
    tap(&mut h, "Neste →");
    tap(&mut h, "Egen bolig");
    tap(&mut h, "← Tilbake");
    assert_eq!(here(&h), "q_home");
    tap(&mut h, "Nei");
    tap(&mut h, "Neste →");
    assert_eq!(here(&h), "q_days");
    tap(&mut h, "← Tilbake");
    assert_eq!(here(&h), "q_home");
    h.get_by_label("Har du et sted å bo?");
    assert_eq!(
        h.state().runner.answer("q_where"),
        Some(&Answer::Value(AnswerValue::Code(1))),
        "the hidden answer is kept for if the patient changes back"
    );
}

#[test]
fn prefer_not_to_answer_is_stored_as_declined_and_language_switches() {
    let mut h = harness();
    h.run();
    tap(&mut h, "English");
    assert_eq!(h.state().view.lang, Lang::En);
    h.get_by_label("Do you have a place to live?");
    tap(&mut h, "Prefer not to answer");
    assert_eq!(h.state().runner.answer("q_home"), Some(&Answer::Declined));
    assert!(
        h.state()
            .saved
            .contains(&Change::Answer("q_home".into(), Some(Answer::Declined)))
    );
    tap(&mut h, "Next →");
    assert_eq!(here(&h), "q_days");
    h.get_by_label("Question 2 of about 3");
    tap(&mut h, "Bokmål");
    h.get_by_label("Spørsmål 2 av omtrent 3");
    tap(&mut h, "Nynorsk");
    h.get_by_label("Spørsmål 2 av om lag 3");
    // Nynorsk where the form has it, bokmål where it has not.
    tap(&mut h, "Neste →");
    assert_eq!(here(&h), "q_sym");
    h.get_by_label("Plager");
}

#[test]
fn declining_and_undoing_clears_what_was_typed() {
    let mut h = harness();
    h.run();
    tap(&mut h, "Nei");
    tap(&mut h, "Neste →");
    tap(&mut h, "1");
    tap(&mut h, "7");
    assert_eq!(
        h.state().runner.answer("q_days"),
        Some(&Answer::Value(AnswerValue::Int(17)))
    );
    tap(&mut h, "Vil ikke svare");
    assert_eq!(h.state().runner.answer("q_days"), Some(&Answer::Declined));
    tap(&mut h, "Vil ikke svare");
    assert_eq!(h.state().runner.answer("q_days"), None);
    assert_eq!(h.state().view.buffer, "", "the pad no longer shows 17");
    assert!(h.query_by_label("17").is_none());
}

#[test]
fn past_the_end_the_patient_can_finish_or_go_back() {
    let mut h = harness();
    h.run();
    for _ in 0..3 {
        tap(&mut h, "Neste →");
    }
    assert!(h.state().runner.at_end());
    h.get_by_label("Du har kommet til slutten av skjemaet.");
    tap(&mut h, "Fullfør");
    let finished = h
        .state()
        .saved
        .iter()
        .filter(|c| **c == Change::Finished)
        .count();
    assert_eq!(finished, 2, "finishing again retries the completion");
    tap(&mut h, "← Tilbake");
    assert_eq!(here(&h), "q_sym");
}
