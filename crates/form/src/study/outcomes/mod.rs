//! The study's own report: the outcomes it follows from the first to the
//! last measurement (`outcomes` in `study.json`) and the variables its
//! symptom figures draw (`report`). Read and checked here; the research
//! store computes the report from them.

mod figures;
mod read;

pub(super) use read::read;

use crate::Text;
use crate::expr::{self, Env, Expr, Node, V};

/// What an outcome measures, which decides the row of the report's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutcomeKind {
    /// Yes or no (1 or 0): changes from one state to the other are counted.
    Binary,
    /// A number such as days of use: means at the first and last
    /// measurement and the SD of the change.
    Count,
    /// Points on an ordered scale: a change of at least `min_change` points
    /// counts, either way.
    Scale,
}

impl OutcomeKind {
    pub fn name(self) -> &'static str {
        match self {
            OutcomeKind::Binary => "binary",
            OutcomeKind::Count => "count",
            OutcomeKind::Scale => "scale",
        }
    }
}

/// Which way is favourable. For a binary outcome yes counts as 1 and no as
/// 0, so `Lower` says that "no" is the favourable state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

/// Where an outcome's value comes from.
#[derive(Clone, Debug)]
pub enum Source {
    Variable(String),
    Expression(Expr),
}

/// A cut that makes a number a yes or no ("more than 12 of 30 days").
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Threshold {
    MoreThan(f64),
    AtLeast(f64),
    LessThan(f64),
    AtMost(f64),
}

impl Threshold {
    const KEYS: [&'static str; 4] = ["more_than", "at_least", "less_than", "at_most"];

    pub fn holds(self, x: f64) -> bool {
        match self {
            Threshold::MoreThan(t) => x > t,
            Threshold::AtLeast(t) => x >= t,
            Threshold::LessThan(t) => x < t,
            Threshold::AtMost(t) => x <= t,
        }
    }

    /// The cut in words, as the report's definitions give it.
    pub fn words(self) -> (&'static str, f64) {
        match self {
            Threshold::MoreThan(t) => ("more than", t),
            Threshold::AtLeast(t) => ("at least", t),
            Threshold::LessThan(t) => ("less than", t),
            Threshold::AtMost(t) => ("at most", t),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Outcome {
    pub id: String,
    pub label: Text,
    /// A footnote: how the outcome is defined, in words.
    pub note: Option<Text>,
    pub kind: OutcomeKind,
    pub source: Source,
    pub threshold: Option<Threshold>,
    pub better: Option<Better>,
    /// For a scale: the smallest change in points that counts.
    pub min_change: Option<f64>,
    /// The forms whose sessions are measurements of it, in protocol order
    /// (every timepoint asking its variables when the file names none).
    pub timepoints: Vec<String>,
    /// The variables it reads, each once; an expression's slots are their
    /// places here.
    pub(super) names: Vec<String>,
    /// The expression with its names resolved to those slots.
    pub(super) resolved: Option<Node>,
}

/// One session's answers by variable name, as an outcome reads them: an
/// answered value, else [`V::Missing`].
pub trait Values {
    fn value(&self, name: &str) -> V;
    fn answered(&self, name: &str) -> bool;
    fn declined(&self, name: &str) -> bool;
}

/// [`Values`] by the slots an outcome's expression was resolved to.
struct Slots<'a> {
    names: &'a [String],
    values: &'a dyn Values,
}

impl Slots<'_> {
    fn name(&self, slot: u32) -> Option<&str> {
        self.names.get(slot as usize).map(String::as_str)
    }
}

impl Env for Slots<'_> {
    fn value(&self, slot: u32) -> V {
        self.name(slot).map_or(V::Missing, |n| self.values.value(n))
    }
    fn answered(&self, slot: u32) -> bool {
        self.name(slot).is_some_and(|n| self.values.answered(n))
    }
    fn declined(&self, slot: u32) -> bool {
        self.name(slot).is_some_and(|n| self.values.declined(n))
    }
}

impl Outcome {
    /// The variables the outcome reads, each once.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }

    /// The outcome in one session: 1 or 0 for a binary outcome, the number
    /// otherwise; `None` when the session did not measure it. An
    /// expression measures it when it has a value and at least one variable
    /// it names was answered (so `count_true(..)` over questions nobody
    /// answered is not a "no").
    pub fn value(&self, values: &dyn Values) -> Option<f64> {
        let v = match (&self.source, &self.resolved) {
            (Source::Variable(name), _) => values.value(name),
            (Source::Expression(_), Some(ast)) => {
                if !self.names().any(|n| values.answered(n)) {
                    return None;
                }
                let slots = Slots {
                    names: &self.names,
                    values,
                };
                expr::eval(ast, &slots)
            }
            (Source::Expression(_), None) => return None,
        };
        let x = match v {
            V::Bool(b) => return Some(f64::from(u8::from(b))),
            V::Num(x) if x.is_finite() => x,
            _ => return None,
        };
        match (self.kind, self.threshold) {
            (OutcomeKind::Binary, Some(t)) => Some(f64::from(u8::from(t.holds(x)))),
            (OutcomeKind::Binary, None) if x == 0.0 || x == 1.0 => Some(x),
            (OutcomeKind::Binary, None) => None,
            _ => Some(x),
        }
    }
}

/// The report's symptom figures.
#[derive(Clone, Debug, Default)]
pub struct Figures {
    pub symptoms: Option<SymptomFigure>,
    pub prevalence: Option<PrevalenceFigure>,
}

/// The distribution of a matrix's rows at one timepoint, in bands of codes.
#[derive(Clone, Debug)]
pub struct SymptomFigure {
    pub matrix: String,
    pub timepoint: String,
    pub bands: Vec<Band>,
}

#[derive(Clone, Debug)]
pub struct Band {
    pub label: Text,
    pub codes: Vec<i64>,
}

/// The share answering yes to each variable at two timepoints.
#[derive(Clone, Debug)]
pub struct PrevalenceFigure {
    pub variables: Vec<PrevalenceItem>,
    pub from: String,
    pub to: String,
}

/// A yes/no variable of the prevalence figure, with a short label for it
/// (the question's text when none is given).
#[derive(Clone, Debug)]
pub struct PrevalenceItem {
    pub variable: String,
    pub label: Option<Text>,
}
