//! The outcomes and figures the HAB study declares for its report, and what
//! an outcome's value is in one session.

use std::collections::HashMap;

use kohort_form::expr::V;
use kohort_form::study::{Better, OutcomeKind, Source, Study, Threshold, Values, load_study};

fn study() -> Study {
    load_study(&crate::repo_root().join("forms")).unwrap().0
}

/// A session's answers: numbers by variable, declined ones apart.
#[derive(Default)]
struct Answers {
    values: HashMap<&'static str, f64>,
    declined: Vec<&'static str>,
}

impl Answers {
    fn with(pairs: &[(&'static str, f64)]) -> Self {
        Answers {
            values: pairs.iter().copied().collect(),
            declined: Vec::new(),
        }
    }
}

impl Values for Answers {
    fn value(&self, name: &str) -> V {
        self.values.get(name).map_or(V::Missing, |x| V::Num(*x))
    }
    fn answered(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }
    fn declined(&self, name: &str) -> bool {
        self.declined.contains(&name)
    }
}

#[test]
fn the_evaluation_reports_outcomes_are_declared_with_their_kinds() {
    let study = study();
    let got: Vec<(&str, OutcomeKind, Option<Better>)> = study
        .outcomes
        .iter()
        .map(|o| (o.id.as_str(), o.kind, o.better))
        .collect();
    use Better::{Higher, Lower};
    use OutcomeKind::{Binary, Count, Scale};
    assert_eq!(
        got,
        [
            ("stable_housing", Binary, Some(Higher)),
            ("work", Binary, Some(Higher)),
            ("money_food", Scale, Some(Higher)),
            ("money_other", Scale, Some(Higher)),
            ("crime_victim", Binary, Some(Lower)),
            ("crime_committed", Binary, Some(Lower)),
            ("frequent_heroin", Binary, Some(Lower)),
            ("frequent_cocaine", Binary, Some(Lower)),
            ("frequent_benzo", Binary, Some(Lower)),
            ("frequent_polysubstance", Binary, Some(Lower)),
            ("heroin_days", Count, Some(Lower)),
            ("cocaine_days", Count, Some(Lower)),
            ("benzo_days", Count, Some(Lower)),
        ]
    );
    let all: Vec<&str> = study
        .timepoints
        .iter()
        .map(|t| t.form.id.as_str())
        .collect();
    for o in &study.outcomes {
        // Without a list, every timepoint asking the variables counts.
        assert_eq!(o.timepoints, all, "{}", o.id);
        assert!(!o.label.nb.is_empty() && o.label.en.is_some(), "{}", o.id);
    }
    let heroin = &study.outcomes[6];
    assert!(matches!(&heroin.source, Source::Variable(v) if v == "e_heroin"));
    assert_eq!(heroin.threshold, Some(Threshold::MoreThan(12.0)));
    assert_eq!(study.outcomes[2].min_change, Some(2.0));
}

#[test]
fn the_symptom_figures_name_the_matrix_and_the_long_term_conditions() {
    let study = study();
    let s = study.figures.symptoms.as_ref().unwrap();
    assert_eq!(
        (s.matrix.as_str(), s.timepoint.as_str()),
        ("i_symptoms", "baseline")
    );
    let bands: Vec<&[i64]> = s.bands.iter().map(|b| b.codes.as_slice()).collect();
    assert_eq!(bands, [&[0][..], &[1, 2], &[3, 4]]);
    let p = study.figures.prevalence.as_ref().unwrap();
    assert_eq!((p.from.as_str(), p.to.as_str()), ("baseline", "m12"));
    assert_eq!(p.variables.len(), 11);
    assert!(p.variables.iter().all(|v| v.variable.starts_with("i_lt_")));
}

#[test]
fn a_threshold_makes_a_yes_or_no_and_an_unanswered_variable_no_value() {
    let study = study();
    let o = |id: &str| study.outcomes.iter().find(|o| o.id == id).unwrap();
    let heroin = o("frequent_heroin");
    assert_eq!(
        heroin.value(&Answers::with(&[("e_heroin", 13.0)])),
        Some(1.0)
    );
    assert_eq!(
        heroin.value(&Answers::with(&[("e_heroin", 12.0)])),
        Some(0.0)
    );
    assert_eq!(heroin.value(&Answers::default()), None);
    // A yes/no item is 1 or 0 as it is.
    let housing = o("stable_housing");
    assert_eq!(
        housing.value(&Answers::with(&[("b_stable", 1.0)])),
        Some(1.0)
    );
    assert_eq!(
        housing.value(&Answers::with(&[("b_stable", 0.0)])),
        Some(0.0)
    );
    // A count is the number.
    assert_eq!(
        o("heroin_days").value(&Answers::with(&[("e_heroin", 7.0)])),
        Some(7.0)
    );
    // An expression: a choice among codes.
    let work = o("work");
    assert_eq!(work.value(&Answers::with(&[("c_work", 2.0)])), Some(1.0));
    assert_eq!(work.value(&Answers::with(&[("c_work", 5.0)])), Some(0.0));
    assert_eq!(work.value(&Answers::default()), None);
}

#[test]
fn polysubstance_use_needs_an_answered_substance_and_two_on_more_than_12_days() {
    let study = study();
    let poly = study
        .outcomes
        .iter()
        .find(|o| o.id == "frequent_polysubstance")
        .unwrap();
    let two = Answers::with(&[("e_heroin", 20.0), ("e_benzo", 13.0), ("e_cocaine", 2.0)]);
    assert_eq!(poly.value(&two), Some(1.0));
    let one = Answers::with(&[("e_heroin", 20.0), ("e_benzo", 12.0)]);
    assert_eq!(poly.value(&one), Some(0.0));
    // Nobody answered a substance: not a "no", not measured at all.
    let none = Answers {
        declined: vec!["e_heroin"],
        ..Answers::default()
    };
    assert_eq!(poly.value(&none), None);
}
