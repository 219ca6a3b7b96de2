//! The runner walks a questionnaire the way a patient would.

use std::collections::BTreeMap;
use std::sync::Arc;

use kohort_form::runner::Runner;
use kohort_form::study::Questionnaire;
use kohort_form::{Answer, AnswerValue, ItemState};
use kohort_form::{Respondent, Text, load};

const FORM: &str = r#"{
  "id": "demo", "version": "1.0.0", "respondent": "patient",
  "title": { "nb": "Demo", "en": "Demo" },
  "params": { "cut": 4 },
  "items": [
    { "id": "sec1", "type": "section", "text": { "nb": "Del 1", "en": "Part 1" } },
    { "id": "a", "type": "yes_no", "text": { "nb": "A?", "en": "A?" } },
    { "id": "b", "type": "yes_no", "text": { "nb": "B?", "en": "B?" }, "show_if": "a == 1" },
    { "id": "c", "type": "yes_no", "text": { "nb": "C?", "en": "C?" }, "show_if": "b == 1" },
    { "id": "d", "type": "days", "max": 30, "text": { "nb": "D?", "en": "D?" }, "show_if": "c == 1" },
    { "id": "sec2", "type": "section", "text": { "nb": "Del 2", "en": "Part 2" } },
    { "id": "info", "type": "note", "text": { "nb": "Les dette.", "en": "Read this." } },
    { "id": "m", "type": "matrix", "text": { "nb": "Plager", "en": "Symptoms" },
      "options": [ { "code": 0, "text": { "nb": "Nei", "en": "No" } },
                   { "code": 1, "text": { "nb": "Litt", "en": "A little" } },
                   { "code": 2, "text": { "nb": "Mye", "en": "Much" } } ],
      "rows": [ { "id": "m_sleep", "text": { "nb": "Søvn", "en": "Sleep" } },
                { "id": "m_pain", "text": { "nb": "Smerte", "en": "Pain" } },
                { "id": "m_cough", "text": { "nb": "Hoste", "en": "Cough" } } ] },
    { "id": "multi", "type": "multi_choice", "text": { "nb": "Hvilke?", "en": "Which?" },
      "options": [ { "code": 1, "text": { "nb": "En", "en": "One" } },
                   { "code": 2, "text": { "nb": "To", "en": "Two" } },
                   { "code": 9, "text": { "nb": "Ingen", "en": "None" }, "exclusive": true } ] },
    { "id": "sec3", "type": "section", "text": { "nb": "Del 3", "en": "Part 3" }, "show_if": "selected(multi, 2)" },
    { "id": "e", "type": "text", "text": { "nb": "E?", "en": "E?" } },
    { "id": "f", "type": "integer", "min": 0, "max": 10, "text": { "nb": "F?", "en": "F?" } },
    { "id": "sec4", "type": "section", "text": { "nb": "Slutt", "en": "End" } },
    { "id": "g", "type": "slider", "text": { "nb": "G?", "en": "G?" } },
    { "id": "burden", "type": "score", "expr": "sum(m)" },
    { "id": "high", "type": "score", "expr": "if(burden >= cut, 1, 0)" },
    { "id": "n_rows", "type": "score", "expr": "count(m)" }
  ]
}"#;

pub(crate) fn questionnaire() -> Questionnaire {
    let (inst, problems) = load::instrument_from_bytes("demo.json", FORM.as_bytes());
    let inst = inst.unwrap_or_else(|| panic!("demo form must load: {problems:#?}"));
    Questionnaire {
        form_id: "demo".into(),
        title: Text::new("Demo", "Demo"),
        respondent: Respondent::Patient,
        instruments: vec![Arc::new(inst)],
        params: BTreeMap::new(),
    }
}

fn code(c: i64) -> AnswerValue {
    AnswerValue::Code(c)
}

fn here(r: &Runner) -> String {
    r.position_id().unwrap_or("<end>").to_owned()
}

fn state(r: &Runner, id: &str) -> ItemState {
    r.outcome()
        .into_iter()
        .find(|(v, _)| v == id)
        .map(|(_, s)| s)
        .unwrap_or_else(|| panic!("no variable {id}"))
}

#[test]
fn starts_on_first_question_not_on_a_section() {
    let r = Runner::new(questionnaire());
    assert_eq!(here(&r), "a");
    assert_eq!(
        r.current().map(|c| c.section.nb.clone()),
        Some("Del 1".into())
    );
}

#[test]
fn skip_chain_three_deep_opens_and_closes() {
    let mut r = Runner::new(questionnaire());
    r.set("a", code(1)).unwrap();
    r.next();
    assert_eq!(here(&r), "b");
    r.set("b", code(1)).unwrap();
    r.next();
    r.set("c", code(1)).unwrap();
    r.next();
    assert_eq!(here(&r), "d");
    r.set("d", AnswerValue::Int(12)).unwrap();
    assert!(r.is_visible("d"));

    // "No" to the first question hides the whole chain below it...
    r.set("a", code(0)).unwrap();
    for id in ["b", "c", "d"] {
        assert!(!r.is_visible(id), "{id} should be hidden");
        assert_eq!(state(&r, id), ItemState::NotShown);
    }
    // ...but keeps the answers, so changing back restores them.
    assert_eq!(r.answer("d"), Some(&Answer::Value(AnswerValue::Int(12))));
    r.set("a", code(1)).unwrap();
    assert_eq!(state(&r, "d"), ItemState::Answered(AnswerValue::Int(12)));
}

#[test]
fn back_after_a_change_that_hides_later_items() {
    let mut r = Runner::new(questionnaire());
    r.set("a", code(1)).unwrap();
    r.next();
    r.set("b", code(1)).unwrap();
    r.next();
    r.set("c", code(0)).unwrap();
    r.next();
    assert_eq!(here(&r), "info", "d is hidden because c is no");
    assert!(r.back());
    assert!(r.back());
    assert!(r.back());
    assert_eq!(here(&r), "a");
    assert_eq!(
        r.answer("a"),
        Some(&Answer::Value(code(1))),
        "Back keeps the answer"
    );
    r.set("a", code(0)).unwrap();
    r.next();
    assert_eq!(here(&r), "info", "b and c are skipped after the change");
    assert!(r.back());
    assert_eq!(here(&r), "a", "Back skips the hidden items too");
    assert!(!r.back(), "nothing before the first question");
}

#[test]
fn declined_skipped_not_shown_and_not_reached_are_distinct() {
    let mut r = Runner::new(questionnaire());
    r.decline("a").unwrap();
    r.next();
    assert_eq!(here(&r), "info", "a declined answer does not open b");
    r.next();
    r.next(); // past the matrix without answering it
    assert_eq!(here(&r), "multi");
    let states: BTreeMap<String, ItemState> = r.outcome().into_iter().collect();
    assert_eq!(states["a"], ItemState::Declined);
    assert_eq!(states["b"], ItemState::NotShown);
    assert_eq!(states["m_sleep"], ItemState::Skipped);
    assert_eq!(
        states["multi"],
        ItemState::Skipped,
        "on screen now, no answer"
    );
    assert_eq!(states["e"], ItemState::NotShown, "section 3 needs option 2");
    assert_eq!(states["g"], ItemState::NotReached);
    assert_eq!(states["burden"], ItemState::NotComputed);
    // The codes in the analysis files are distinct too.
    let codes: Vec<i64> = ["a", "m_sleep", "b", "g", "burden"]
        .iter()
        .filter_map(|id| states[*id].missing_code())
        .collect();
    assert_eq!(codes, vec![-1, -2, -3, -4, -5]);
}

#[test]
fn matrix_rows_are_variables_and_scores_add_them() {
    let mut r = Runner::new(questionnaire());
    r.set("m_sleep", code(2)).unwrap();
    r.set("m_pain", code(1)).unwrap();
    assert!(r.set("m_cough", code(7)).is_err(), "7 is not an option");
    assert!(
        r.set("m", code(1)).is_err(),
        "the matrix itself takes no value"
    );
    assert_eq!(
        state(&r, "burden"),
        ItemState::Answered(AnswerValue::Decimal(3.0))
    );
    assert_eq!(
        state(&r, "high"),
        ItemState::Answered(AnswerValue::Decimal(0.0))
    );
    assert_eq!(
        state(&r, "n_rows"),
        ItemState::Answered(AnswerValue::Decimal(2.0))
    );

    // "Vil ikke svare" on the screen declines only the rows left open.
    r.decline("m").unwrap();
    assert_eq!(r.answer("m_sleep"), Some(&Answer::Value(code(2))));
    assert_eq!(r.answer("m_cough"), Some(&Answer::Declined));

    r.set("m_cough", code(2)).unwrap();
    assert_eq!(
        state(&r, "burden"),
        ItemState::Answered(AnswerValue::Decimal(5.0))
    );
    assert_eq!(
        state(&r, "high"),
        ItemState::Answered(AnswerValue::Decimal(1.0))
    );
}

#[test]
fn section_show_if_hides_its_items_and_progress_is_honest() {
    let mut r = Runner::new(questionnaire());
    // Visible screens: a, info, m, multi, g (b–d hidden, section 3 hidden).
    let p = r.progress();
    assert_eq!((p.step, p.total, p.done, p.questions), (1, 5, 0, 4));

    r.set("a", code(1)).unwrap();
    let p = r.progress();
    assert_eq!((p.total, p.done), (6, 1), "b opens, a is done");

    r.set("multi", AnswerValue::Codes(vec![2, 1])).unwrap();
    assert!(r.is_visible("e") && r.is_visible("f"));
    let p = r.progress();
    assert_eq!((p.total, p.done), (8, 2), "section 3 adds two screens");

    r.decline("b").unwrap();
    r.next();
    r.next();
    let p = r.progress();
    assert_eq!(here(&r), "info");
    assert_eq!((p.step, p.done), (3, 3), "declined counts as done");

    r.set("multi", AnswerValue::Codes(vec![1])).unwrap();
    assert!(!r.is_visible("e"));
    assert_eq!(r.progress().total, 6);
}

#[test]
fn out_of_range_numbers_are_refused_with_the_range_without_blocking() {
    let mut r = Runner::new(questionnaire());
    for (id, v) in [("a", code(1)), ("b", code(1)), ("c", code(1))] {
        r.set(id, v).unwrap();
    }
    let err = r.set("d", AnswerValue::Int(45)).unwrap_err();
    assert_eq!(err, kohort_form::Invalid::Days { max: 30 });
    assert_eq!(r.answer("d"), None, "nothing stored");
    r.set("d", AnswerValue::Int(17)).unwrap();
    assert_eq!(r.answer("d"), Some(&Answer::Value(AnswerValue::Int(17))));

    // Next is never blocked by a missing or refused answer.
    let mut r = Runner::new(questionnaire());
    let mut screens = 0;
    while !r.at_end() {
        r.next();
        screens += 1;
    }
    assert_eq!(screens, 5);
    assert!(r.current().is_none());
}

#[test]
fn exclusive_option_and_empty_values() {
    let mut r = Runner::new(questionnaire());
    assert!(r.set("multi", AnswerValue::Codes(vec![1, 9])).is_err());
    r.set("multi", AnswerValue::Codes(vec![9])).unwrap();
    r.set("multi", AnswerValue::Codes(vec![])).unwrap();
    assert_eq!(r.answer("multi"), None, "an empty selection is no answer");
    r.set("e", AnswerValue::Text("  hei  ".into())).unwrap();
    assert_eq!(
        r.answer("e"),
        Some(&Answer::Value(AnswerValue::Text("hei".into())))
    );
    assert!(
        r.set("f", AnswerValue::Text("3".into())).is_err(),
        "wrong type"
    );
    assert!(r.set("nope", AnswerValue::Int(1)).is_err());
}

#[test]
fn resume_lands_on_the_saved_screen_with_answers() {
    let mut r = Runner::new(questionnaire());
    r.set("a", code(0)).unwrap();
    r.next();
    r.next();
    r.set("m_pain", code(1)).unwrap();
    let (answers, seen) = (r.answers().clone(), r.seen().clone());
    let position = r.position_id().map(str::to_owned);
    assert_eq!(position.as_deref(), Some("m"));

    let r2 = Runner::resume(questionnaire(), answers, position.as_deref(), seen);
    assert_eq!(here(&r2), "m");
    assert_eq!(r2.answer("m_pain"), Some(&Answer::Value(code(1))));
    assert_eq!(state(&r2, "a"), ItemState::Answered(code(0)));
    assert_eq!(r2.progress().step, 3);
}

#[test]
fn resume_without_position_after_screens_were_seen_stands_at_the_end() {
    let mut r = Runner::new(questionnaire());
    while !r.at_end() {
        r.next();
    }
    assert_eq!(r.position_id(), None);
    let r2 = Runner::resume(questionnaire(), r.answers().clone(), None, r.seen().clone());
    assert!(
        r2.at_end(),
        "a finished session must not restart at question 1"
    );
    let fresh = Runner::resume(questionnaire(), BTreeMap::new(), None, Default::default());
    assert_eq!(
        here(&fresh),
        "a",
        "nothing seen yet: start at the beginning"
    );
}
