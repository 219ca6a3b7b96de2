//! Answers, their final states, and validation with a message for the patient.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{Item, ItemKind};

/// A value the respondent gave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerValue {
    /// One option code: single choice, yes/no, scale, a matrix row.
    Code(i64),
    /// Several option codes: multi-choice, kept sorted.
    Codes(Vec<i64>),
    /// Integers, days, sliders, years.
    Int(i64),
    Decimal(f64),
    Text(String),
    Date(NaiveDate),
}

/// What is stored for an item: a value, or the patient's "Vil ikke svare".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Value(AnswerValue),
    Declined,
}

/// How an item ended. Analysis files carry each as a distinct code.
#[derive(Clone, Debug, PartialEq)]
pub enum ItemState {
    Answered(AnswerValue),
    /// The respondent chose "Vil ikke svare / Prefer not to answer".
    Declined,
    /// Shown, and left without an answer.
    Skipped,
    /// Its `show_if` (or its section's) was false.
    NotShown,
    /// The session ended before it was shown.
    NotReached,
    /// A score whose inputs were missing.
    NotComputed,
}

impl ItemState {
    /// Every state's [`ItemState::name`], in the order analysis tables list
    /// them.
    pub const NAMES: [&'static str; 6] = [
        "answered",
        "declined",
        "skipped",
        "not_shown",
        "not_reached",
        "not_computed",
    ];

    /// The code used in analysis files for a missing state (the codebook
    /// documents them); `None` for an answer.
    pub fn missing_code(&self) -> Option<i64> {
        match self {
            ItemState::Answered(_) => None,
            ItemState::Declined => Some(-1),
            ItemState::Skipped => Some(-2),
            ItemState::NotShown => Some(-3),
            ItemState::NotReached => Some(-4),
            ItemState::NotComputed => Some(-5),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            ItemState::Answered(_) => "answered",
            ItemState::Declined => "declined",
            ItemState::Skipped => "skipped",
            ItemState::NotShown => "not_shown",
            ItemState::NotReached => "not_reached",
            ItemState::NotComputed => "not_computed",
        }
    }
}

/// Why a value was not accepted; the patient sees why (in their language,
/// from the app's catalogue) and may still go on without answering.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Invalid {
    #[error("this answer does not fit this question")]
    Wrong,
    #[error("this choice cannot be combined with others")]
    Exclusive,
    #[error("please enter a number in range ({min:?} to {max:?})")]
    Range { min: Option<f64>, max: Option<f64> },
    #[error("please enter a number of days from 0 to {max}")]
    Days { max: i64 },
    #[error("the text is too long (at most {max} characters)")]
    TooLong { max: usize },
    #[error("unknown question: {0}")]
    Unknown(String),
}

fn check_range(v: f64, min: Option<f64>, max: Option<f64>) -> Result<(), Invalid> {
    if min.is_some_and(|m| v < m) || max.is_some_and(|m| v > m) {
        return Err(Invalid::Range { min, max });
    }
    Ok(())
}

/// Checks `value` against the item (or, with `row`, one matrix row) and
/// returns it normalised (sorted codes, trimmed text, whole decimals as is).
pub fn validate(item: &Item, row: bool, value: AnswerValue) -> Result<AnswerValue, Invalid> {
    use AnswerValue as A;
    let wrong = || Invalid::Wrong;
    let code_in = |code: i64| {
        if item.kind.codes().is_some_and(|c| c.contains(&code)) {
            Ok(A::Code(code))
        } else {
            Err(wrong())
        }
    };
    match (&item.kind, value) {
        (ItemKind::Matrix { .. }, A::Code(c)) if row => code_in(c),
        (ItemKind::SingleChoice { .. } | ItemKind::YesNo | ItemKind::Scale { .. }, A::Code(c))
            if !row =>
        {
            code_in(c)
        }
        (ItemKind::MultiChoice { options }, A::Codes(mut codes)) => {
            codes.sort_unstable();
            codes.dedup();
            if codes.iter().any(|c| !options.iter().any(|o| o.code == *c)) {
                return Err(wrong());
            }
            let exclusive = options
                .iter()
                .any(|o| o.exclusive && codes.contains(&o.code));
            if exclusive && codes.len() > 1 {
                return Err(Invalid::Exclusive);
            }
            Ok(A::Codes(codes))
        }
        (ItemKind::Integer { min, max, .. }, A::Int(n)) => {
            check_range(n as f64, *min, *max).map(|_| A::Int(n))
        }
        (ItemKind::Decimal { min, max, .. }, A::Decimal(x)) if x.is_finite() => {
            check_range(x, *min, *max).map(|_| A::Decimal(x))
        }
        (ItemKind::Decimal { min, max, .. }, A::Int(n)) => {
            check_range(n as f64, *min, *max).map(|_| A::Decimal(n as f64))
        }
        (ItemKind::Days { max }, A::Int(n)) => {
            if (0..=*max).contains(&n) {
                Ok(A::Int(n))
            } else {
                Err(Invalid::Days { max: *max })
            }
        }
        (ItemKind::Slider { min, max, .. }, A::Int(n)) => {
            check_range(n as f64, Some(*min as f64), Some(*max as f64)).map(|_| A::Int(n))
        }
        (ItemKind::Year { min, max }, A::Int(n)) => {
            check_range(n as f64, min.map(|m| m as f64), max.map(|m| m as f64)).map(|_| A::Int(n))
        }
        (ItemKind::Text { max_length } | ItemKind::LongText { max_length }, A::Text(t)) => {
            let t = t.trim().to_owned();
            if t.chars().count() > *max_length {
                Err(Invalid::TooLong { max: *max_length })
            } else {
                Ok(A::Text(t))
            }
        }
        (ItemKind::Date, A::Date(d)) => Ok(A::Date(d)),
        _ => Err(wrong()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_list_every_state_in_order() {
        let states = [
            ItemState::Answered(AnswerValue::Int(1)),
            ItemState::Declined,
            ItemState::Skipped,
            ItemState::NotShown,
            ItemState::NotReached,
            ItemState::NotComputed,
        ];
        assert_eq!(states.map(|s| s.name()), ItemState::NAMES);
    }
}
