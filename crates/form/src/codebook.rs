//! The codebook for researchers: every analysis variable of a study with its
//! instrument, the forms that ask it, its texts, type, range, codes, skip
//! condition and score expression, and the missing-data codes. Markdown for
//! reading and review, CSV for tools. Generated from the forms, never edited.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use crate::answer::ItemState;
use crate::model::{Instrument, Item, ItemKind, choices};
use crate::study::{Offset, Study, Trigger, Window};
use crate::text::Text;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Csv,
}

pub fn render(study: &Study, format: Format) -> String {
    match format {
        Format::Markdown => markdown(study),
        Format::Csv => csv(study),
    }
}

/// The missing-data states with the code analysis files use for each, what
/// it means, and which variables can have it.
fn missing() -> Vec<(i64, &'static str, &'static str, &'static str)> {
    let described = [
        (
            ItemState::Declined,
            "The respondent chose \"Vil ikke svare\" (prefer not to answer).",
            "questions",
        ),
        (
            ItemState::Skipped,
            "Shown, but left without an answer.",
            "questions",
        ),
        (
            ItemState::NotShown,
            "Not asked: its skip condition (or its section's) was false.",
            "variables with a skip condition",
        ),
        (
            ItemState::NotReached,
            "The session ended before the question was shown.",
            "questions",
        ),
        (
            ItemState::NotComputed,
            "A score whose inputs were missing.",
            "scores",
        ),
    ];
    described
        .into_iter()
        .filter_map(|(s, meaning, applies)| Some((s.missing_code()?, s.name(), meaning, applies)))
        .collect()
}

/// Everything the codebook says about one variable.
struct Entry<'a> {
    id: &'a str,
    inst: &'a Instrument,
    item: &'a Item,
    /// The matrix a row belongs to.
    matrix: Option<&'a str>,
    asked_in: Vec<&'a str>,
    nb: String,
    en: String,
    range: String,
    unit: Option<Text>,
    /// Option codes, or for a slider the labels of its two ends.
    labels: Vec<(i64, Text, bool)>,
    asked_if: Option<String>,
}

impl Entry<'_> {
    fn is_score(&self) -> bool {
        matches!(self.item.kind, ItemKind::Score { .. })
    }

    fn expr(&self) -> Option<&str> {
        match &self.item.kind {
            ItemKind::Score { expr, .. } => Some(&expr.source),
            _ => None,
        }
    }

    /// The missing-data codes this variable can hold.
    fn missing_codes(&self) -> Vec<(i64, &'static str)> {
        let codes: &[i64] = match (self.is_score(), self.asked_if.is_some()) {
            (true, true) => &[-3, -5],
            (true, false) => &[-5],
            (false, true) => &[-1, -2, -3, -4],
            (false, false) => &[-1, -2, -4],
        };
        missing()
            .into_iter()
            .filter(|(c, ..)| codes.contains(c))
            .map(|(c, name, ..)| (c, name))
            .collect()
    }
}

fn en(t: &Text) -> &str {
    t.en.as_deref().unwrap_or_default()
}

fn num(v: Option<f64>) -> String {
    v.map_or_else(|| "…".to_owned(), |v| v.to_string())
}

fn range(kind: &ItemKind) -> (String, Option<Text>) {
    match kind {
        ItemKind::Integer { min, max, unit } | ItemKind::Decimal { min, max, unit } => {
            (format!("{}–{}", num(*min), num(*max)), unit.clone())
        }
        ItemKind::Days { max } => (format!("0–{max}"), Some(Text::new("dager", "days"))),
        ItemKind::Slider { min, max, .. } => (format!("{min}–{max}"), None),
        ItemKind::Year { min, max } => (
            format!(
                "{}–{}",
                num(min.map(|m| m as f64)),
                num(max.map(|m| m as f64))
            ),
            None,
        ),
        ItemKind::Text { max_length } | ItemKind::LongText { max_length } => {
            (format!("at most {max_length} characters"), None)
        }
        ItemKind::Date => ("YYYY-MM-DD".to_owned(), None),
        ItemKind::Score { unit, .. } => (String::new(), unit.clone()),
        _ => (String::new(), None),
    }
}

/// The value labels of a variable: option codes with their texts and
/// whether the option is exclusive; for a slider, its two ends.
pub fn labels(kind: &ItemKind) -> Vec<(i64, Text, bool)> {
    match kind {
        ItemKind::Slider {
            min,
            max,
            min_label,
            max_label,
        } => [(*min, min_label), (*max, max_label)]
            .into_iter()
            .filter_map(|(v, t)| Some((v, t.clone()?, false)))
            .collect(),
        _ => choices(kind)
            .into_iter()
            .map(|c| (c.code, c.text, c.exclusive))
            .collect(),
    }
}

/// `show_if` of an item combined with that of its section.
fn conditions(inst: &Instrument) -> HashMap<&str, Option<String>> {
    let mut out = HashMap::new();
    let mut section = None;
    for item in &inst.items {
        if matches!(item.kind, ItemKind::Section) {
            section = item.show_if.as_ref();
        }
        let own = item.show_if.as_ref();
        let cond = match (section, own) {
            (Some(s), Some(o)) if !std::ptr::eq(s, o) => Some(format!("({s}) and ({o})")),
            (Some(e), _) | (None, Some(e)) => Some(e.to_string()),
            (None, None) => None,
        };
        out.insert(item.id.as_str(), cond);
    }
    out
}

fn entries(study: &Study) -> Vec<Entry<'_>> {
    entries_of(
        study
            .instruments
            .iter()
            .map(|i| (&**i, study.forms_using(&i.id))),
    )
}

/// Entries of the given instruments, each with the forms that ask it.
fn entries_of<'a>(
    instruments: impl Iterator<Item = (&'a Instrument, Vec<&'a str>)>,
) -> Vec<Entry<'a>> {
    let mut out = Vec::new();
    for (inst, asked_in) in instruments {
        let conds = conditions(inst);
        for var in inst.variables() {
            let item = var.item;
            let (mut nb, mut en_text) = item
                .text
                .as_ref()
                .map_or_else(Default::default, |t| (t.nb.clone(), en(t).to_owned()));
            if let Some(row) = var.row {
                nb = format!("{nb} — {}", row.text.nb);
                en_text = format!("{en_text} — {}", en(&row.text));
            }
            let (range, unit) = range(&item.kind);
            out.push(Entry {
                id: var.id,
                inst,
                item,
                matrix: var.row.map(|_| item.id.as_str()),
                asked_in: asked_in.clone(),
                nb,
                en: en_text,
                range,
                unit,
                labels: labels(&item.kind),
                asked_if: conds.get(item.id.as_str()).cloned().flatten(),
            });
        }
    }
    out
}

/// Escapes what Markdown would otherwise format. Underscores are left alone:
/// inside a word (`end_patient`) they never start emphasis.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// "nb / en", or one of them when they are the same or English is missing.
fn both(t: &Text) -> String {
    match t.en.as_deref() {
        Some(e) if !e.is_empty() && e != t.nb => format!("{} / {e}", t.nb),
        _ => t.nb.clone(),
    }
}

fn window(w: Window) -> String {
    format!("−{}/+{} days", w.before_days, w.after_days)
}

fn offset(o: Offset) -> String {
    match o {
        Offset::Days(d) => format!("day {d}"),
        Offset::Months(m) => format!("month {m}"),
    }
}

fn every(o: Offset) -> String {
    match o {
        Offset::Days(d) => format!("every {d} days"),
        Offset::Months(m) => format!("every {m} months"),
    }
}

/// When each form is due, in words.
fn when(study: &Study) -> Vec<(&crate::study::Form, String)> {
    let mut out = Vec::new();
    for t in &study.timepoints {
        let w = format!("{} ({})", offset(t.offset), window(t.window));
        out.push((&t.form, w));
    }
    for r in &study.recurring {
        let w = format!(
            "{}, then {} ({})",
            offset(r.first),
            every(r.every),
            window(r.window)
        );
        out.push((&r.form, w));
    }
    for e in &study.events {
        let trigger = match e.trigger {
            Trigger::EndOfTreatment => "when treatment ends",
            Trigger::Manual => "when staff start it",
        };
        let repeat = if e.repeatable { ", repeatable" } else { "" };
        out.push((&e.form, format!("{trigger}{repeat}")));
    }
    out
}

/// Each param of an instrument with its default and the forms that override it.
fn params(study: &Study, inst: &Instrument) -> Vec<String> {
    inst.params
        .iter()
        .map(|(name, default)| {
            let mut overrides: BTreeMap<String, Vec<&str>> = BTreeMap::new();
            for form in study.forms() {
                let uses = form.instruments.contains(&inst.id);
                if let Some(v) = form.params.get(name).filter(|v| uses && *v != default) {
                    overrides.entry(v.to_string()).or_default().push(&form.id);
                }
            }
            let mut line = format!("`{name}` = {default}");
            for (v, forms) in overrides {
                let _ = write!(line, "; {v} in {}", forms.join(", "));
            }
            line
        })
        .collect()
}

fn markdown(study: &Study) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# Codebook: {} ({} {})\n",
        md(en(&study.title)),
        study.id,
        study.version
    );
    let _ = writeln!(
        o,
        "{}. Generated from the form files by `kohort forms codebook`: do not edit by hand.\n",
        md(&study.title.nb)
    );
    let _ = writeln!(
        o,
        "Every form is dated from the anchor date (day 0): {}.\n",
        md(&both(&study.anchor))
    );
    o.push_str("## Missing-data codes\n\n");
    o.push_str("No question is mandatory. Every variable holds a value or one of these codes.\n\n");
    o.push_str("| code | state | meaning | can occur in |\n|---:|---|---|---|\n");
    for (code, name, meaning, applies) in missing() {
        let _ = writeln!(o, "| {code} | {} | {} | {applies} |", md(name), md(meaning));
    }
    o.push_str("\n## Forms\n\n| form | title | respondent | when | instruments |\n");
    o.push_str("|---|---|---|---|---|\n");
    for (form, w) in when(study) {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {w} | {} |",
            md(&form.id),
            md(&both(&form.title)),
            form.respondent.as_str(),
            md(&form.instruments.join(", "))
        );
    }
    let entries = entries(study);
    for inst in &study.instruments {
        let _ = writeln!(
            o,
            "\n## {} {}: {}\n",
            md(&inst.id),
            inst.version,
            md(&both(&inst.title))
        );
        let asked = study.forms_using(&inst.id).join(", ");
        let _ = writeln!(
            o,
            "Respondent: {}. Asked in: {}.",
            inst.respondent.as_str(),
            md(&asked)
        );
        let params = params(study, inst);
        if !params.is_empty() {
            let _ = writeln!(o, "Params: {}.", params.join("; "));
        }
        if let Some(slot) = &inst.licensed_slot {
            let _ = writeln!(
                o,
                "Licensed slot for {}: {}",
                md(&slot.instrument),
                md(&slot.note)
            );
        }
        for e in entries.iter().filter(|e| std::ptr::eq(e.inst, &**inst)) {
            entry_md(&mut o, e);
        }
    }
    o
}

fn entry_md(o: &mut String, e: &Entry<'_>) {
    let _ = writeln!(o, "\n### `{}`\n", e.id);
    if !e.nb.is_empty() {
        let _ = writeln!(o, "- nb: {}", md(&e.nb));
    }
    if !e.en.is_empty() {
        let _ = writeln!(o, "- en: {}", md(&e.en));
    }
    let ty = match (e.matrix, &e.item.kind) {
        (Some(m), _) => format!("matrix (row of `{m}`)"),
        (None, ItemKind::MultiChoice { .. }) => "multi_choice (any number of the codes)".to_owned(),
        (None, kind) => kind.type_name().to_owned(),
    };
    let _ = writeln!(o, "- Type: {ty}");
    let range: Vec<String> = [Some(e.range.clone()), e.unit.as_ref().map(both)]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect();
    if !range.is_empty() {
        let _ = writeln!(o, "- Range: {}", md(&range.join(" ")));
    }
    if !e.labels.is_empty() {
        let what = match e.item.kind {
            ItemKind::Slider { .. } => "End labels",
            _ => "Codes",
        };
        let _ = writeln!(o, "- {what}:");
        for (code, text, exclusive) in &e.labels {
            let excl = if *exclusive { " (exclusive)" } else { "" };
            let _ = writeln!(o, "  - {code}: {}{excl}", md(&both(text)));
        }
    }
    if let Some(cond) = &e.asked_if {
        let _ = writeln!(o, "- Asked if: `{cond}`");
    }
    if let Some(expr) = e.expr() {
        let _ = writeln!(o, "- Score: `{expr}`");
    }
}

/// CSV as analysis tools read it: RFC 4180, CRLF line ends, fields
/// quoted only where they must be.
pub fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

/// The text a [`csv_writer`] wrote.
pub fn csv_text(w: csv::Writer<Vec<u8>>) -> String {
    // Every field written was a `&str`, so the bytes are UTF-8.
    w.into_inner()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

const CSV_COLUMNS: &[&str] = &[
    "variable",
    "instrument",
    "instrument_version",
    "asked_in",
    "type",
    "matrix",
    "question_nb",
    "question_en",
    "range",
    "unit_nb",
    "unit_en",
    "labels_nb",
    "labels_en",
    "exclusive_codes",
    "asked_if",
    "score",
    "missing_codes",
];

fn csv(study: &Study) -> String {
    csv_rows(entries(study))
}

/// The CSV codebook of any set of instruments (the research store's pinned
/// versions), each with the forms that asked it.
pub fn csv_of<'a>(instruments: impl Iterator<Item = (&'a Instrument, Vec<&'a str>)>) -> String {
    csv_rows(entries_of(instruments))
}

fn csv_rows(entries: Vec<Entry<'_>>) -> String {
    let mut o = csv_writer();
    // Writing into memory cannot fail.
    let _ = o.write_record(CSV_COLUMNS);
    for e in entries {
        let labels = |lang: fn(&Text) -> &str| {
            e.labels
                .iter()
                .map(|(code, text, _)| format!("{code}={}", lang(text)))
                .collect::<Vec<_>>()
                .join(" | ")
        };
        let missing = e
            .missing_codes()
            .iter()
            .map(|(c, name)| format!("{c}={name}"))
            .collect::<Vec<_>>()
            .join(" | ");
        let row = [
            e.id.to_owned(),
            e.inst.id.clone(),
            e.inst.version.clone(),
            e.asked_in.join(" "),
            e.item.kind.type_name().to_owned(),
            e.matrix.unwrap_or_default().to_owned(),
            e.nb.clone(),
            e.en.clone(),
            e.range.clone(),
            e.unit.as_ref().map(|u| u.nb.clone()).unwrap_or_default(),
            e.unit
                .as_ref()
                .map(|u| en(u).to_owned())
                .unwrap_or_default(),
            labels(|t| &t.nb),
            labels(en),
            e.labels
                .iter()
                .filter(|(_, _, exclusive)| *exclusive)
                .map(|(code, ..)| code.to_string())
                .collect::<Vec<_>>()
                .join(" "),
            e.asked_if.clone().unwrap_or_default(),
            e.expr().unwrap_or_default().to_owned(),
            missing,
        ];
        let _ = o.write_record(&row);
    }
    csv_text(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        let mut w = csv_writer();
        w.write_record(["plain", "a, b", "say \"hi\"", "two\nlines", ""])
            .unwrap_or_default();
        assert_eq!(
            csv_text(w),
            "plain,\"a, b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n"
        );
    }

    #[test]
    fn missing_codes_come_from_the_runner() {
        let codes: Vec<i64> = missing().iter().map(|m| m.0).collect();
        assert_eq!(codes, [-1, -2, -3, -4, -5]);
    }

    #[test]
    fn markdown_escapes_formatting() {
        assert_eq!(md("a*b_c|d"), "a\\*b_c\\|d");
    }
}
