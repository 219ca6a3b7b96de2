//! The runner's incremental updates (only the items a change can reach are
//! re-evaluated; progress is kept, not walked) always agree with a runner
//! built afresh from the same answers, which takes the full pass. Random
//! edits and moves on every shipped form and on the demo form.

use std::sync::OnceLock;

use chrono::NaiveDate;
use proptest::prelude::*;

use kohort_form::runner::Runner;
use kohort_form::study::{Questionnaire, load_study};
use kohort_form::{AnswerValue, ItemKind};

/// Every questionnaire to try: the demo form, then each shipped form.
fn questionnaires() -> &'static [Questionnaire] {
    static ALL: OnceLock<Vec<Questionnaire>> = OnceLock::new();
    ALL.get_or_init(|| {
        let (study, _) = load_study(&super::repo_root().join("forms")).unwrap();
        let mut all = vec![super::runner::questionnaire()];
        all.extend(study.forms().filter_map(|f| study.questionnaire(&f.id)));
        all
    })
}

/// A variable that can take an answer, and what kind of answer.
struct Var {
    id: String,
    kind: ItemKind,
    row: bool,
}

fn vars(q: &Questionnaire) -> Vec<Var> {
    let mut out = Vec::new();
    for item in q.instruments.iter().flat_map(|i| i.items.iter()) {
        match &item.kind {
            ItemKind::Matrix { rows, .. } => {
                out.push(Var {
                    id: item.id.clone(),
                    kind: item.kind.clone(),
                    row: false,
                });
                out.extend(rows.iter().map(|r| Var {
                    id: r.id.clone(),
                    kind: item.kind.clone(),
                    row: true,
                }))
            }
            ItemKind::Section | ItemKind::Note | ItemKind::Score { .. } => {}
            kind => out.push(Var {
                id: item.id.clone(),
                kind: kind.clone(),
                row: false,
            }),
        }
    }
    out
}

/// An answer for the variable from a random seed; some are out of range on
/// purpose (the runner refuses them and must stay as it was).
fn value(var: &Var, seed: u32) -> AnswerValue {
    let n = i64::from(seed % 64) - 4;
    match &var.kind {
        ItemKind::MultiChoice { options } => AnswerValue::Codes(
            options
                .iter()
                .enumerate()
                .filter(|(i, _)| seed >> (i % 16) & 1 == 1)
                .map(|(_, o)| o.code)
                .collect(),
        ),
        kind if var.row || kind.codes().is_some() => {
            let codes = kind.codes().unwrap_or_default();
            match codes.get(seed as usize % (codes.len() + 1)) {
                Some(&c) => AnswerValue::Code(c),
                None => AnswerValue::Code(n),
            }
        }
        ItemKind::Decimal { .. } => AnswerValue::Decimal(n as f64 / 2.0),
        ItemKind::Text { .. } | ItemKind::LongText { .. } => {
            AnswerValue::Text(if seed.is_multiple_of(3) {
                String::new()
            } else {
                "x".into()
            })
        }
        ItemKind::Date => AnswerValue::Date(
            NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(u64::from(seed % 900)),
        ),
        ItemKind::Year { .. } => AnswerValue::Int(1940 + n),
        _ => AnswerValue::Int(n),
    }
}

fn same_as_fresh(r: &Runner, q: &Questionnaire, vars: &[Var]) -> Result<(), TestCaseError> {
    let fresh = Runner::resume(
        q.clone(),
        r.answers().clone(),
        r.position_id(),
        r.seen().clone(),
    );
    for v in vars {
        prop_assert_eq!(r.is_visible(&v.id), fresh.is_visible(&v.id), "{}", v.id);
    }
    let (a, b) = (r.progress(), fresh.progress());
    prop_assert_eq!(
        (a.total, a.done, a.questions),
        (b.total, b.done, b.questions)
    );
    // A fresh runner moves off a screen that an edit hid, and marks the
    // next one seen; compare the step and the outcome (skipped versus not
    // reached) only where both stand on the same screen.
    if r.position_id() == fresh.position_id() {
        prop_assert_eq!(a.step, b.step);
        prop_assert_eq!(r.outcome(), fresh.outcome());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn incremental_matches_full_pass(
        form in any::<prop::sample::Index>(),
        ops in prop::collection::vec((0u8..10, any::<prop::sample::Index>(), any::<u32>()), 1..120),
    ) {
        let all = questionnaires();
        let q = &all[form.index(all.len())];
        let vars = vars(q);
        let mut r = Runner::new(q.clone());
        for (op, which, seed) in ops {
            let var = &vars[which.index(vars.len())];
            match op {
                0..=4 => {
                    let _ = r.set(&var.id, value(var, seed));
                }
                5 => {
                    let _ = r.decline(&var.id);
                }
                6 => r.clear(&var.id),
                7 | 8 => r.next(),
                _ => {
                    r.back();
                }
            }
            same_as_fresh(&r, q, &vars)?;
        }
    }
}
