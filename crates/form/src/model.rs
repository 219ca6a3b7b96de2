//! The instrument model: immutable values built by the loader.

use std::collections::BTreeMap;

use crate::expr::Expr;
use crate::text::Text;

/// Who fills in a form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Respondent {
    Patient,
    Clinician,
}

impl Respondent {
    pub fn as_str(self) -> &'static str {
        match self {
            Respondent::Patient => "patient",
            Respondent::Clinician => "clinician",
        }
    }
}

/// One questionnaire module, as loaded from one file.
#[derive(Clone, Debug)]
pub struct Instrument {
    pub id: String,
    pub version: String,
    pub title: Text,
    pub respondent: Respondent,
    pub params: BTreeMap<String, f64>,
    pub licensed_slot: Option<LicensedSlot>,
    pub items: Vec<Item>,
    /// SHA-256 (hex) over the canonical JSON of the file.
    pub hash: String,
    /// The canonical JSON itself: sessions pin it so a paused session never
    /// breaks when the form file changes.
    pub canonical: String,
}

/// Marks an instrument whose wording is a placeholder for a licensed text.
#[derive(Clone, Debug)]
pub struct LicensedSlot {
    pub instrument: String,
    pub note: String,
}

#[derive(Clone, Debug)]
pub struct Item {
    pub id: String,
    pub kind: ItemKind,
    pub text: Option<Text>,
    pub help: Option<Text>,
    pub show_if: Option<Expr>,
    /// A picture shown beside the question.
    pub image: Option<Picture>,
}

#[derive(Clone, Debug)]
pub struct Choice {
    pub code: i64,
    pub text: Text,
    /// A multi-choice option that excludes every other ("none of these").
    pub exclusive: bool,
    /// A picture shown beside the option.
    pub image: Option<Picture>,
}

/// A picture beside a question or an option, for easier reading: a PNG or
/// SVG file under the study's `media/` folder, with words saying what it
/// shows in every language (for a screen reader, and when it cannot be
/// shown).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picture {
    /// Relative to the study folder, e.g. `media/syringe.png`.
    pub file: String,
    pub alt: Text,
}

#[derive(Clone, Debug)]
pub struct Row {
    pub id: String,
    pub text: Text,
}

#[derive(Clone, Debug)]
pub enum ItemKind {
    Section,
    Note,
    SingleChoice {
        options: Vec<Choice>,
    },
    MultiChoice {
        options: Vec<Choice>,
    },
    YesNo,
    Scale {
        options: Vec<Choice>,
    },
    Integer {
        min: Option<f64>,
        max: Option<f64>,
        unit: Option<Text>,
    },
    Decimal {
        min: Option<f64>,
        max: Option<f64>,
        unit: Option<Text>,
    },
    Days {
        max: i64,
    },
    Slider {
        min: i64,
        max: i64,
        min_label: Option<Text>,
        max_label: Option<Text>,
    },
    Date,
    Year {
        min: Option<i64>,
        max: Option<i64>,
    },
    Text {
        max_length: usize,
    },
    LongText {
        max_length: usize,
    },
    Matrix {
        options: Vec<Choice>,
        rows: Vec<Row>,
    },
    Score {
        expr: Expr,
        options: Vec<Choice>,
        unit: Option<Text>,
    },
}

/// The type names used in form files, in the order the README lists them.
pub const TYPE_NAMES: &[&str] = &[
    "section",
    "note",
    "single_choice",
    "multi_choice",
    "yes_no",
    "scale",
    "integer",
    "decimal",
    "days",
    "slider",
    "date",
    "year",
    "text",
    "long_text",
    "matrix",
    "score",
];

impl ItemKind {
    pub fn type_name(&self) -> &'static str {
        match self {
            ItemKind::Section => "section",
            ItemKind::Note => "note",
            ItemKind::SingleChoice { .. } => "single_choice",
            ItemKind::MultiChoice { .. } => "multi_choice",
            ItemKind::YesNo => "yes_no",
            ItemKind::Scale { .. } => "scale",
            ItemKind::Integer { .. } => "integer",
            ItemKind::Decimal { .. } => "decimal",
            ItemKind::Days { .. } => "days",
            ItemKind::Slider { .. } => "slider",
            ItemKind::Date => "date",
            ItemKind::Year { .. } => "year",
            ItemKind::Text { .. } => "text",
            ItemKind::LongText { .. } => "long_text",
            ItemKind::Matrix { .. } => "matrix",
            ItemKind::Score { .. } => "score",
        }
    }

    /// The option codes a choice-like item can take (yes/no included).
    pub fn codes(&self) -> Option<Vec<i64>> {
        match self {
            ItemKind::SingleChoice { options }
            | ItemKind::MultiChoice { options }
            | ItemKind::Scale { options }
            | ItemKind::Matrix { options, .. } => Some(options.iter().map(|o| o.code).collect()),
            ItemKind::YesNo => Some(vec![YES, NO]),
            _ => None,
        }
    }

    /// Items that hold no answer of their own.
    pub fn is_display(&self) -> bool {
        matches!(self, ItemKind::Section | ItemKind::Note)
    }
}

/// Codes of a `yes_no` item.
pub const YES: i64 = 1;
pub const NO: i64 = 0;

/// The options of a choice-like item, with yes/no spelled out.
pub fn choices(kind: &ItemKind) -> Vec<Choice> {
    match kind {
        ItemKind::SingleChoice { options }
        | ItemKind::MultiChoice { options }
        | ItemKind::Scale { options }
        | ItemKind::Matrix { options, .. }
        | ItemKind::Score { options, .. } => options.clone(),
        ItemKind::YesNo => vec![
            Choice {
                code: YES,
                text: Text::new("Ja", "Yes"),
                exclusive: false,
                image: None,
            },
            Choice {
                code: NO,
                text: Text::new("Nei", "No"),
                exclusive: false,
                image: None,
            },
        ],
        _ => Vec::new(),
    }
}

impl Instrument {
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// Every analysis variable of the instrument in order: questions, matrix
    /// rows (not the matrix itself) and scores.
    pub fn variables(&self) -> impl Iterator<Item = Variable<'_>> {
        self.items.iter().flat_map(|item| {
            let vars: Vec<Variable<'_>> = match &item.kind {
                ItemKind::Section | ItemKind::Note => Vec::new(),
                ItemKind::Matrix { rows, .. } => rows
                    .iter()
                    .map(|row| Variable {
                        id: &row.id,
                        item,
                        row: Some(row),
                    })
                    .collect(),
                _ => vec![Variable {
                    id: &item.id,
                    item,
                    row: None,
                }],
            };
            vars
        })
    }
}

/// One column of the dataset: an item, or one row of a matrix.
#[derive(Clone, Copy, Debug)]
pub struct Variable<'a> {
    pub id: &'a str,
    pub item: &'a Item,
    pub row: Option<&'a Row>,
}
