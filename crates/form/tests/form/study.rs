//! The HAB study as shipped in `forms/`: protocol, content and derived
//! scores, checked from the loaded study and through the real runner.

use std::collections::HashSet;

use kohort_form::runner::Runner;
use kohort_form::study::{Offset, Study, Trigger, Window, load_study};
use kohort_form::{AnswerValue, ItemState};
use kohort_form::{Instrument, ItemKind, Respondent, Text, choices};

fn study() -> Study {
    let dir = crate::repo_root().join("forms");
    match load_study(&dir) {
        Ok((study, _warnings)) => study,
        Err(e) => panic!("{e}: {:#?}", e.0),
    }
}

fn instrument<'a>(study: &'a Study, id: &str) -> &'a Instrument {
    study
        .instrument(id)
        .unwrap_or_else(|| panic!("no instrument '{id}'"))
}

fn window(before_days: u32, after_days: u32) -> Window {
    Window {
        before_days,
        after_days,
    }
}

#[test]
fn seven_patient_timepoints_with_offsets_and_windows() {
    let study = study();
    let expected = [
        ("baseline", Offset::Days(0), window(7, 30)),
        ("m03", Offset::Months(3), window(14, 30)),
        ("m06", Offset::Months(6), window(14, 30)),
        ("m12", Offset::Months(12), window(30, 60)),
        ("m24", Offset::Months(24), window(30, 60)),
        ("m36", Offset::Months(36), window(30, 60)),
        ("m48", Offset::Months(48), window(30, 60)),
    ];
    let got: Vec<_> = study
        .timepoints
        .iter()
        .map(|t| (t.form.id.as_str(), t.offset, t.window))
        .collect();
    assert_eq!(got, expected);
    assert!(
        study
            .timepoints
            .iter()
            .all(|t| t.form.respondent == Respondent::Patient)
    );
}

#[test]
fn medication_recurs_from_one_month_every_three_months() {
    let study = study();
    let med = study
        .recurring
        .iter()
        .find(|r| r.form.id == "medication")
        .expect("a recurring medication form");
    assert_eq!(med.first, Offset::Months(1));
    assert_eq!(med.every, Offset::Months(3));
    assert_eq!(med.form.respondent, Respondent::Clinician);
}

#[test]
fn end_of_treatment_and_adverse_event_forms() {
    let study = study();
    let event = |id: &str| {
        study
            .events
            .iter()
            .find(|e| e.form.id == id)
            .unwrap_or_else(|| panic!("no event form '{id}'"))
    };
    let (patient, clinician) = (event("end_patient"), event("end_clinician"));
    assert_eq!(patient.trigger, Trigger::EndOfTreatment);
    assert_eq!(patient.form.respondent, Respondent::Patient);
    assert_eq!(clinician.trigger, Trigger::EndOfTreatment);
    assert_eq!(clinician.form.respondent, Respondent::Clinician);
    let adverse = event("adverse_event");
    assert_eq!(adverse.trigger, Trigger::Manual);
    assert!(adverse.repeatable);
    assert_eq!(adverse.form.respondent, Respondent::Clinician);
}

fn check_text(missing: &mut Vec<String>, place: String, text: Option<&Text>) {
    let Some(t) = text else { return };
    let en = t.en.as_deref().unwrap_or_default();
    if t.nb.trim().is_empty() || en.trim().is_empty() {
        missing.push(place);
    }
}

#[test]
fn every_text_is_in_bokmal_and_english() {
    let study = study();
    let mut missing = Vec::new();
    for form in study.forms() {
        check_text(&mut missing, form.id.clone(), Some(&form.title));
    }
    for inst in &study.instruments {
        check_text(&mut missing, inst.id.clone(), Some(&inst.title));
        for item in &inst.items {
            let at = |what: &str| format!("{}/{}{what}", inst.id, item.id);
            if !matches!(item.kind, ItemKind::Score { .. }) {
                assert!(item.text.is_some(), "{} has no text", at(""));
            }
            check_text(&mut missing, at(""), item.text.as_ref());
            check_text(&mut missing, at(" help"), item.help.as_ref());
            for c in choices(&item.kind) {
                check_text(
                    &mut missing,
                    at(&format!(" option {}", c.code)),
                    Some(&c.text),
                );
            }
            match &item.kind {
                ItemKind::Matrix { rows, .. } => {
                    for row in rows {
                        check_text(
                            &mut missing,
                            at(&format!(" row {}", row.id)),
                            Some(&row.text),
                        );
                    }
                }
                ItemKind::Integer { unit, .. }
                | ItemKind::Decimal { unit, .. }
                | ItemKind::Score { unit, .. } => {
                    check_text(&mut missing, at(" unit"), unit.as_ref())
                }
                ItemKind::Slider {
                    min_label,
                    max_label,
                    ..
                } => {
                    check_text(&mut missing, at(" min_label"), min_label.as_ref());
                    check_text(&mut missing, at(" max_label"), max_label.as_ref());
                }
                _ => {}
            }
        }
    }
    assert!(missing.is_empty(), "texts without nb or en: {missing:#?}");
}

#[test]
fn variable_names_are_unique_across_the_study() {
    let study = study();
    let mut seen = HashSet::new();
    let mut twice = Vec::new();
    for inst in &study.instruments {
        for var in inst.variables() {
            if !seen.insert(var.id) {
                twice.push(var.id);
            }
        }
    }
    assert!(twice.is_empty(), "used more than once: {twice:?}");
    assert!(seen.len() > 100, "only {} variables", seen.len());
}

#[test]
fn eighteen_symptom_rows_rated_zero_to_four() {
    let study = study();
    let item = instrument(&study, "physical_symptoms")
        .item("i_symptoms")
        .expect("the symptom matrix");
    let ItemKind::Matrix { options, rows } = &item.kind else {
        panic!("i_symptoms is not a matrix");
    };
    assert_eq!(rows.len(), 18);
    let codes: Vec<i64> = options.iter().map(|o| o.code).collect();
    assert_eq!(codes, [0, 1, 2, 3, 4]);
}

#[test]
fn thirty_day_items_exist_with_max_thirty() {
    let study = study();
    let expected = [
        "e_heroin",
        "e_opioids",
        "e_methbup",
        "e_cocaine",
        "e_crack",
        "e_amphetamine",
        "e_benzo",
        "e_cannabis",
        "e_alcohol",
        "e_other",
        "f_crime_days",
    ];
    let mut days = Vec::new();
    for inst in &study.instruments {
        for item in &inst.items {
            if let ItemKind::Days { max } = item.kind {
                assert_eq!(max, 30, "{} counts days of the last 30", item.id);
                days.push(item.id.as_str());
            }
        }
    }
    assert_eq!(days, expected);
}

#[test]
fn health_profile_is_a_licensed_slot_with_five_dimensions_and_a_scale() {
    let study = study();
    let inst = instrument(&study, "health_today");
    assert!(inst.licensed_slot.is_some(), "marked as a licensed slot");
    let dimensions: Vec<Vec<i64>> = inst
        .items
        .iter()
        .filter_map(|i| match &i.kind {
            ItemKind::SingleChoice { options } | ItemKind::Scale { options } => {
                Some(options.iter().map(|o| o.code).collect())
            }
            _ => None,
        })
        .collect();
    assert_eq!(dimensions, vec![vec![1, 2, 3, 4, 5]; 5]);
    let sliders: Vec<(i64, i64)> = inst
        .items
        .iter()
        .filter_map(|i| match i.kind {
            ItemKind::Slider { min, max, .. } => Some((min, max)),
            _ => None,
        })
        .collect();
    assert_eq!(sliders, [(0, 100)]);
}

fn is_score(study: &Study, id: &str) -> bool {
    study.instruments.iter().any(|inst| {
        inst.variables()
            .any(|v| v.id == id && matches!(v.item.kind, ItemKind::Score { .. }))
    })
}

#[test]
fn baseline_is_long_enough_to_be_real() {
    let study = study();
    let outcome = runner(&study, "baseline").outcome();
    let questions = outcome
        .iter()
        .filter(|(id, _)| !is_score(&study, id))
        .count();
    let q = study.questionnaire("baseline").expect("baseline");
    let from_forms: usize = q
        .instruments
        .iter()
        .map(|i| {
            i.variables()
                .filter(|v| !matches!(v.item.kind, ItemKind::Score { .. }))
                .count()
        })
        .sum();
    eprintln!(
        "baseline: {questions} question variables, {} with scores",
        outcome.len()
    );
    assert_eq!(questions, from_forms);
    assert!(questions > 90, "baseline has only {questions} questions");
}

// ---- derived scores, through the real runner ----

fn runner(study: &Study, form: &str) -> Runner {
    Runner::new(study.questionnaire(form).expect("form exists"))
}

fn state(r: &Runner, id: &str) -> ItemState {
    r.outcome()
        .into_iter()
        .find(|(v, _)| v == id)
        .unwrap_or_else(|| panic!("no variable '{id}'"))
        .1
}

/// A score's value, `None` when it is not computed.
fn score(r: &Runner, id: &str) -> Option<f64> {
    match state(r, id) {
        ItemState::Answered(AnswerValue::Decimal(v)) => Some(v),
        ItemState::NotComputed => None,
        other => panic!("score '{id}' is {other:?}"),
    }
}

fn set(r: &mut Runner, id: &str, value: AnswerValue) {
    r.set(id, value)
        .unwrap_or_else(|e| panic!("cannot set {id}: {e}"));
}

fn decline(r: &mut Runner, id: &str) {
    r.decline(id)
        .unwrap_or_else(|e| panic!("cannot decline {id}: {e}"));
}

/// Days variable and its frequent-use flag.
const SUBSTANCES: [(&str, &str); 10] = [
    ("e_heroin", "e_freq_heroin"),
    ("e_opioids", "e_freq_opioids"),
    ("e_methbup", "e_freq_methbup"),
    ("e_cocaine", "e_freq_cocaine"),
    ("e_crack", "e_freq_crack"),
    ("e_amphetamine", "e_freq_amph"),
    ("e_benzo", "e_freq_benzo"),
    ("e_cannabis", "e_freq_cannabis"),
    ("e_alcohol", "e_freq_alcohol"),
    ("e_other", "e_freq_other"),
];

#[test]
fn frequent_use_means_more_than_twelve_days() {
    let study = study();
    for (days, flag) in SUBSTANCES {
        let mut r = runner(&study, "baseline");
        set(&mut r, days, AnswerValue::Int(12));
        assert_eq!(score(&r, flag), Some(0.0), "{days} = 12");
        set(&mut r, days, AnswerValue::Int(13));
        assert_eq!(score(&r, flag), Some(1.0), "{days} = 13");
        decline(&mut r, days);
        assert_eq!(score(&r, flag), None, "{days} declined");
    }
}

#[test]
fn frequent_polysubstance_needs_two_substances() {
    let study = study();
    let mut r = runner(&study, "baseline");
    for (days, _) in SUBSTANCES {
        set(&mut r, days, AnswerValue::Int(0));
    }
    set(&mut r, "e_heroin", AnswerValue::Int(20));
    assert_eq!(score(&r, "e_n_frequent"), Some(1.0));
    assert_eq!(score(&r, "e_polysubstance"), Some(0.0), "one substance");
    set(&mut r, "e_cocaine", AnswerValue::Int(13));
    assert_eq!(score(&r, "e_n_frequent"), Some(2.0));
    assert_eq!(score(&r, "e_polysubstance"), Some(1.0), "two substances");
    set(&mut r, "e_benzo", AnswerValue::Int(12));
    assert_eq!(
        score(&r, "e_n_frequent"),
        Some(2.0),
        "12 days is not frequent"
    );

    let mut all_declined = runner(&study, "baseline");
    for (days, flag) in SUBSTANCES {
        decline(&mut all_declined, days);
        assert_eq!(score(&all_declined, flag), None);
    }
    assert_eq!(score(&all_declined, "e_n_frequent"), None);
    assert_eq!(score(&all_declined, "e_polysubstance"), None);

    // Partly answered: counted among the substances answered.
    let mut partly = runner(&study, "baseline");
    set(&mut partly, "e_heroin", AnswerValue::Int(25));
    decline(&mut partly, "e_cocaine");
    assert_eq!(score(&partly, "e_freq_cocaine"), None);
    assert_eq!(score(&partly, "e_n_frequent"), Some(1.0));
    assert_eq!(score(&partly, "e_polysubstance"), Some(0.0));
    set(&mut partly, "e_benzo", AnswerValue::Int(30));
    assert_eq!(score(&partly, "e_polysubstance"), Some(1.0));
}

const SYMPTOMS: &str = "i_symptoms";

fn symptom_rows(study: &Study) -> Vec<String> {
    match &instrument(study, "physical_symptoms")
        .item(SYMPTOMS)
        .expect("matrix")
        .kind
    {
        ItemKind::Matrix { rows, .. } => rows.iter().map(|r| r.id.clone()).collect(),
        _ => panic!("not a matrix"),
    }
}

/// Rates the rows so that they add up to `total` (each 0–4).
fn rate_symptoms(r: &mut Runner, rows: &[String], total: i64) {
    let mut left = total;
    for row in rows {
        let rating = left.min(4);
        set(r, row, AnswerValue::Code(rating));
        left -= rating;
    }
    assert_eq!(left, 0, "{total} is more than the rows can add up to");
}

/// The code of the severity class labelled `en`.
fn class(study: &Study, en: &str) -> f64 {
    let item = instrument(study, "physical_symptoms")
        .item("i_burden_class")
        .expect("severity class");
    choices(&item.kind)
        .iter()
        .find(|c| c.text.en.as_deref() == Some(en))
        .unwrap_or_else(|| panic!("no class '{en}'"))
        .code as f64
}

#[test]
fn symptom_burden_and_severity_class_at_the_cut_offs() {
    let study = study();
    let params = &instrument(&study, "physical_symptoms").params;
    let (moderate, severe) = (params["sev_moderate"] as i64, params["sev_severe"] as i64);
    let rows = symptom_rows(&study);
    let (mild_c, moderate_c, severe_c) = (
        class(&study, "Mild"),
        class(&study, "Moderate"),
        class(&study, "Severe"),
    );
    for (total, expected) in [
        (0, mild_c),
        (moderate - 1, mild_c),
        (moderate, moderate_c),
        (severe - 1, moderate_c),
        (severe, severe_c),
        (72, severe_c),
    ] {
        let mut r = runner(&study, "baseline");
        rate_symptoms(&mut r, &rows, total);
        assert_eq!(score(&r, "i_burden"), Some(total as f64));
        assert_eq!(
            score(&r, "i_burden_class"),
            Some(expected),
            "burden {total}"
        );
    }

    let mut declined = runner(&study, "baseline");
    decline(&mut declined, SYMPTOMS);
    assert!(
        rows.iter()
            .all(|row| state(&declined, row) == ItemState::Declined)
    );
    assert_eq!(score(&declined, "i_burden"), None);
    assert_eq!(score(&declined, "i_burden_class"), None);

    // Partly answered: the sum of the rows answered; the rest declined.
    let mut partly = runner(&study, "baseline");
    rate_symptoms(&mut partly, &rows[..5], moderate);
    decline(&mut partly, SYMPTOMS);
    assert_eq!(
        state(&partly, &rows[0]),
        ItemState::Answered(AnswerValue::Code(4))
    );
    assert_eq!(state(&partly, &rows[17]), ItemState::Declined);
    assert_eq!(score(&partly, "i_burden"), Some(moderate as f64));
    assert_eq!(score(&partly, "i_burden_class"), Some(moderate_c));
}

const YES: AnswerValue = AnswerValue::Code(1);
const NO: AnswerValue = AnswerValue::Code(0);

/// Every yes/no question of an instrument.
fn yes_no_items(study: &Study, instrument_id: &str) -> Vec<String> {
    instrument(study, instrument_id)
        .items
        .iter()
        .filter(|i| matches!(i.kind, ItemKind::YesNo))
        .map(|i| i.id.clone())
        .collect()
}

#[test]
fn number_of_long_term_conditions() {
    let study = study();
    let conditions = yes_no_items(&study, "long_term_conditions");
    assert_eq!(conditions.len(), 11);
    let mut r = runner(&study, "baseline");
    for c in &conditions {
        set(&mut r, c, NO);
    }
    assert_eq!(score(&r, "i_n_conditions"), Some(0.0));
    for c in &conditions[..3] {
        set(&mut r, c, YES);
    }
    assert_eq!(score(&r, "i_n_conditions"), Some(3.0));

    let mut declined = runner(&study, "baseline");
    for c in &conditions {
        decline(&mut declined, c);
    }
    assert_eq!(score(&declined, "i_n_conditions"), None);

    let mut partly = runner(&study, "baseline");
    set(&mut partly, &conditions[0], YES);
    set(&mut partly, &conditions[4], YES);
    set(&mut partly, &conditions[5], NO);
    decline(&mut partly, &conditions[6]);
    assert_eq!(score(&partly, "i_n_conditions"), Some(2.0));
}

/// Checks an "any of these" flag over yes/no questions.
fn check_any(study: &Study, flag: &str, items: &[&str]) {
    let mut r = runner(study, "baseline");
    for i in items {
        set(&mut r, i, NO);
    }
    assert_eq!(score(&r, flag), Some(0.0), "{flag}: all no");
    for i in items {
        set(&mut r, i, YES);
        assert_eq!(score(&r, flag), Some(1.0), "{flag}: {i} yes");
        set(&mut r, i, NO);
    }

    let mut declined = runner(study, "baseline");
    for i in items {
        decline(&mut declined, i);
    }
    assert_eq!(score(&declined, flag), None, "{flag}: all declined");

    let mut partly = runner(study, "baseline");
    set(&mut partly, items[0], NO);
    decline(&mut partly, items[1]);
    assert_eq!(
        score(&partly, flag),
        Some(0.0),
        "{flag}: one no, rest missing"
    );
    set(&mut partly, items[items.len() - 1], YES);
    assert_eq!(
        score(&partly, flag),
        Some(1.0),
        "{flag}: one yes, rest missing"
    );
}

#[test]
fn any_crime_committed() {
    let study = study();
    let crimes = [
        "f_crime_property",
        "f_crime_drug",
        "f_crime_violence",
        "f_crime_traffic",
        "f_crime_other",
    ];
    check_any(&study, "f_any_crime", &crimes);
}

#[test]
fn any_victimisation() {
    let study = study();
    let victim = ["f_victim_theft", "f_victim_violence", "f_victim_threats"];
    check_any(&study, "f_any_victim", &victim);
}

#[test]
fn suicide_question_is_ever_at_baseline_and_since_at_follow_ups() {
    let study = study();
    let base = runner(&study, "baseline");
    assert!(base.is_visible("g_suicide_ever"));
    assert!(!base.is_visible("g_suicide_since"));
    assert_eq!(state(&base, "g_suicide_since"), ItemState::NotShown);
    for form in ["m03", "m48", "end_patient"] {
        let r = runner(&study, form);
        assert!(!r.is_visible("g_suicide_ever"), "{form}");
        assert!(r.is_visible("g_suicide_since"), "{form}");
        assert_eq!(state(&r, "g_suicide_ever"), ItemState::NotShown, "{form}");
    }
}

#[test]
fn the_site_in_a_study_code_must_be_the_site_chosen() {
    let (study, _) = load_study(&crate::repo_root().join("forms")).unwrap();
    assert_eq!(study.check_code_at("HAB-OSL-0013", Some("OSL")), Ok(()));
    let wrong = study
        .check_code_at("HAB-OSL-0013", Some("BGO"))
        .unwrap_err()
        .to_string();
    assert!(
        wrong.contains("site OSL") && wrong.contains("BGO"),
        "{wrong}"
    );
    assert!(
        study.check_code("HAB-TRD-0001").is_err(),
        "not a site of the study"
    );
    assert!(study.check_code("HAB-OSL-001").is_err());
    assert_eq!(study.check_code("HAB-BGO-0001"), Ok(()));
    let reasons: Vec<i64> = study.missed_reasons.iter().map(|r| r.code).collect();
    assert_eq!(reasons, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(
        study.missed_reason(3).map(|t| t.nb.as_str()),
        Some("I fengsel")
    );
}
