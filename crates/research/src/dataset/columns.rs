//! The variable columns of one form's files: every variable of every known
//! version of its instruments (the study's, then older pinned ones), in
//! codebook order, typed from the codebook, never from the values.

use std::collections::{BTreeMap, HashSet};

use kohort_form::study::{Form, Study};
use kohort_form::{Instrument, ItemKind, Variable};

use super::table::{Column, Kind, Level};

/// Names no tool accepts as a variable (SPSS, Stata and SAS keywords, R's
/// reserved words), compared without case.
const RESERVED: &[&str] = &[
    "all",
    "and",
    "by",
    "eq",
    "ge",
    "gt",
    "le",
    "lt",
    "ne",
    "not",
    "or",
    "to",
    "with",
    "_all",
    "_b",
    "byte",
    "_coef",
    "_cons",
    "double",
    "float",
    "if",
    "in",
    "int",
    "long",
    "_n",
    "_pi",
    "_pred",
    "_rc",
    "_skip",
    "strl",
    "using",
    "_error_",
    "_n_",
    "_numeric_",
    "_character_",
    "_temporary_",
    "_null_",
    "else",
    "repeat",
    "while",
    "function",
    "for",
    "next",
    "break",
    "true",
    "false",
    "null",
    "inf",
    "nan",
    "na",
];

/// The longest name Stata, SAS and SPSS all accept.
pub const MAX_NAME: usize = 32;

/// Column names given out in one file, unique without regard to case.
#[derive(Default)]
pub struct Names {
    used: HashSet<String>,
}

impl Names {
    /// `wanted`, or the nearest free name: a reserved word or a taken name
    /// gets a trailing `_`, a long one is cut to [`MAX_NAME`] characters
    /// (then numbered when that is taken).
    pub fn claim(&mut self, wanted: &str) -> String {
        let mut name: String = wanted.chars().take(MAX_NAME).collect();
        if self.taken(&name) && name.len() < MAX_NAME {
            name.push('_');
        }
        let stem: String = name.chars().take(MAX_NAME - 3).collect();
        let mut n = 1;
        while self.taken(&name) {
            n += 1;
            name = format!("{stem}_{n}");
        }
        self.used.insert(name.to_lowercase());
        name
    }

    fn taken(&self, name: &str) -> bool {
        let low = name.to_lowercase();
        self.used.contains(&low)
            || RESERVED.contains(&low.as_str())
            || low.starts_with("str") && low[3..].chars().all(|c| c.is_ascii_digit())
    }
}

/// One column of a form's wide file and where its cells come from.
#[derive(Clone, Debug)]
pub struct VarColumn {
    pub column: Column,
    /// The analysis variable (`id` in the form file).
    pub var: String,
    /// For a multi-choice 0/1 column, the option code it stands for.
    pub option: Option<i64>,
}

/// The versions of an instrument to take columns from: the study's first,
/// then the pinned ones, newest first.
fn versions<'a>(
    study: &'a Study,
    pinned: &'a BTreeMap<(String, String), Instrument>,
    id: &str,
) -> Vec<&'a Instrument> {
    let mut out: Vec<&Instrument> = study
        .instruments
        .iter()
        .filter(|i| i.id == id)
        .map(|i| &**i)
        .collect();
    let mut older: Vec<&Instrument> = pinned.values().filter(|i| i.id == id).collect();
    older.sort_by_key(|i| std::cmp::Reverse(semver_key(&i.version)));
    for i in older {
        if !out.iter().any(|o| o.version == i.version) {
            out.push(i);
        }
    }
    out
}

pub fn semver_key(v: &str) -> Vec<u64> {
    v.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

/// The instruments a form asks, with every version known.
pub fn form_instruments<'a>(
    study: &'a Study,
    form: &Form,
    pinned: &'a BTreeMap<(String, String), Instrument>,
) -> Vec<(String, Vec<&'a Instrument>)> {
    form.instruments
        .iter()
        .map(|id| (id.clone(), versions(study, pinned, id)))
        .collect()
}

struct Found {
    var: String,
    kind: Kind,
    level: Level,
    labels: Vec<(i64, String)>,
    options: Vec<(i64, String)>,
    label: String,
    free_text: bool,
}

fn found(v: &Variable<'_>) -> Found {
    let text = |t: &Option<kohort_form::Text>| t.as_ref().map(|t| t.nb.clone()).unwrap_or_default();
    let mut label = text(&v.item.text);
    if let Some(row) = v.row {
        label = format!("{label} — {}", row.text.nb);
    }
    let labels: Vec<(i64, String)> = kohort_form::codebook::labels(&v.item.kind)
        .into_iter()
        .map(|(c, t, _)| (c, t.nb))
        .collect();
    let (kind, level) = match &v.item.kind {
        ItemKind::SingleChoice { .. } | ItemKind::YesNo => (Kind::Integer, Level::Nominal),
        ItemKind::Scale { .. } | ItemKind::Matrix { .. } => (Kind::Integer, Level::Ordinal),
        ItemKind::Score { options, .. } if !options.is_empty() => (Kind::Integer, Level::Ordinal),
        ItemKind::Integer { .. }
        | ItemKind::Days { .. }
        | ItemKind::Year { .. }
        | ItemKind::Slider { .. } => (Kind::Integer, Level::Scale),
        ItemKind::Decimal { .. } | ItemKind::Score { .. } => (Kind::Number, Level::Scale),
        ItemKind::Date => (Kind::Date, Level::Scale),
        ItemKind::MultiChoice { .. }
        | ItemKind::Text { .. }
        | ItemKind::LongText { .. }
        | ItemKind::Section
        | ItemKind::Note => (Kind::Text, Level::Nominal),
    };
    let multi = matches!(v.item.kind, ItemKind::MultiChoice { .. });
    Found {
        var: v.id.to_owned(),
        kind,
        level,
        // A slider's end labels are not codes; a multi-choice value is a list.
        labels: if matches!(v.item.kind, ItemKind::Slider { .. }) || multi {
            Vec::new()
        } else {
            labels.clone()
        },
        options: if multi { labels } else { Vec::new() },
        label,
        free_text: matches!(
            v.item.kind,
            ItemKind::Text { .. } | ItemKind::LongText { .. }
        ),
    }
}

/// Two versions disagree: integer and number make a number, anything
/// else is read as text.
fn merge(a: &mut Found, b: Found) {
    if a.kind != b.kind {
        a.kind = match (a.kind, b.kind) {
            (Kind::Integer | Kind::Number, Kind::Integer | Kind::Number) => Kind::Number,
            _ => Kind::Text,
        };
        if a.kind == Kind::Text {
            a.labels.clear();
            a.level = Level::Nominal;
        }
    }
    for o in b.options {
        if !a.options.iter().any(|x| x.0 == o.0) {
            a.options.push(o);
        }
    }
    a.free_text |= b.free_text;
}

/// The variable columns of a form, named with `names` (which already holds
/// the file's own columns).
pub fn form_columns(
    study: &Study,
    form: &Form,
    pinned: &BTreeMap<(String, String), Instrument>,
    names: &mut Names,
) -> Vec<VarColumn> {
    let mut all: Vec<Found> = Vec::new();
    for (_, versions) in form_instruments(study, form, pinned) {
        for inst in versions {
            for v in inst.variables() {
                let f = found(&v);
                match all.iter_mut().find(|x| x.var == f.var) {
                    Some(x) => merge(x, f),
                    None => all.push(f),
                }
            }
        }
    }
    let mut out = Vec::new();
    for f in all {
        let name = names.claim(&f.var);
        out.push(VarColumn {
            column: Column {
                name: name.clone(),
                label: f.label.clone(),
                kind: f.kind,
                level: f.level,
                labels: f.labels,
                codes: true,
                miss: None,
                free_text: f.free_text,
            },
            var: f.var.clone(),
            option: None,
        });
        for (code, text) in &f.options {
            let suffix = if *code < 0 {
                format!("m{}", code.unsigned_abs())
            } else {
                code.to_string()
            };
            out.push(VarColumn {
                column: Column {
                    name: names.claim(&format!("{name}___{suffix}")),
                    label: format!("{} — {text}", f.label),
                    kind: Kind::Integer,
                    level: Level::Nominal,
                    labels: vec![(0, "not chosen".into()), (1, "chosen".into())],
                    codes: true,
                    miss: None,
                    free_text: false,
                },
                var: f.var.clone(),
                option: Some(*code),
            });
        }
    }
    // Reason columns are named last, so a variable keeps its own name.
    for c in &mut out {
        if c.option.is_none() {
            c.column.miss = Some(names.claim(&format!("{}_miss", c.column.name)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_avoid_keywords_clashes_and_length() {
        let mut n = Names::default();
        assert_eq!(n.claim("session_id"), "session_id");
        assert_eq!(n.claim("Session_ID"), "Session_ID_");
        assert_eq!(n.claim("in"), "in_");
        assert_eq!(n.claim("str12"), "str12_");
        let long = "a".repeat(40);
        assert_eq!(n.claim(&long), "a".repeat(32));
        let again = n.claim(&long);
        assert_eq!(again, format!("{}_2", "a".repeat(29)));
        assert!(again.len() <= MAX_NAME);
    }
}
