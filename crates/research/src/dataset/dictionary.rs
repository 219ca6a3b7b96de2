//! The codebooks beside the data: `codebook.csv` (every variable of every
//! known instrument version), `codebook_forms.csv` (when each form is due:
//! a file of its own, as two tables in one CSV break readers) and a
//! REDCap-layout `data_dictionary.csv`.

use kohort_form::codebook::{csv_of, csv_text, csv_writer, labels};
use kohort_form::study::{Offset, Study, Trigger};
use kohort_form::{Instrument, ItemKind};

use super::model::Data;

pub fn codebook(study: &Study, data: &Data) -> String {
    let mut all: Vec<&Instrument> = study.instruments.iter().map(|i| &**i).collect();
    for i in data.instruments.values() {
        if !all.iter().any(|a| a.id == i.id && a.version == i.version) {
            all.push(i);
        }
    }
    csv_of(all.into_iter().map(|i| (i, study.forms_using(&i.id))))
}

fn offset(o: Offset) -> (String, String) {
    match o {
        Offset::Days(d) => (d.to_string(), "days".into()),
        Offset::Months(m) => (m.to_string(), "months".into()),
    }
}

pub fn forms(study: &Study) -> String {
    let mut w = csv_writer();
    let header = [
        "form",
        "title_nb",
        "title_en",
        "respondent",
        "kind",
        "offset",
        "offset_unit",
        "every",
        "every_unit",
        "window_before_days",
        "window_after_days",
        "repeatable",
        "instruments",
    ];
    // Writing into memory cannot fail.
    let _ = w.write_record(header);
    let mut row = |f: &kohort_form::study::Form, kind: &str, rest: [String; 7]| {
        let mut r = vec![
            f.id.clone(),
            f.title.nb.clone(),
            f.title.en.clone().unwrap_or_default(),
            f.respondent.as_str().to_owned(),
            kind.to_owned(),
        ];
        r.extend(rest);
        r.push(f.instruments.join(" "));
        let _ = w.write_record(&r);
    };
    for t in &study.timepoints {
        let (o, u) = offset(t.offset);
        let (b, a) = (t.window.before_days, t.window.after_days);
        let no = String::new;
        row(
            &t.form,
            "timepoint",
            [o, u, no(), no(), b.to_string(), a.to_string(), "0".into()],
        );
    }
    for r in &study.recurring {
        let (o, u) = offset(r.first);
        let (e, eu) = offset(r.every);
        let (b, a) = (r.window.before_days, r.window.after_days);
        row(
            &r.form,
            "recurring",
            [o, u, e, eu, b.to_string(), a.to_string(), "1".into()],
        );
    }
    for e in &study.events {
        let kind = match e.trigger {
            Trigger::EndOfTreatment => "end_of_treatment",
            Trigger::Manual => "manual",
        };
        let no = String::new;
        let rep = u8::from(e.repeatable).to_string();
        row(&e.form, kind, [no(), no(), no(), no(), no(), no(), rep]);
    }
    csv_text(w)
}

const REDCAP: &[&str] = &[
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
];

fn num(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// REDCap's data dictionary layout, one row per variable of the study's
/// instruments (Kohort's skip conditions are kept in their own syntax).
pub fn redcap(study: &Study) -> String {
    let mut w = csv_writer();
    let _ = w.write_record(REDCAP);
    for inst in &study.instruments {
        for v in inst.variables() {
            let kind = &v.item.kind;
            let choices = labels(kind)
                .iter()
                .map(|(c, t, _)| format!("{c}, {}", t.nb))
                .collect::<Vec<_>>()
                .join(" | ");
            let (ty, validation, min, max) = match kind {
                ItemKind::SingleChoice { .. }
                | ItemKind::Scale { .. }
                | ItemKind::Matrix { .. } => ("radio", "", String::new(), String::new()),
                ItemKind::MultiChoice { .. } => ("checkbox", "", String::new(), String::new()),
                ItemKind::YesNo => ("yesno", "", String::new(), String::new()),
                ItemKind::Integer { min, max, .. } => ("text", "integer", num(*min), num(*max)),
                ItemKind::Decimal { min, max, .. } => ("text", "number", num(*min), num(*max)),
                ItemKind::Days { max } => ("text", "integer", "0".into(), max.to_string()),
                ItemKind::Year { min, max } => (
                    "text",
                    "integer",
                    num(min.map(|m| m as f64)),
                    num(max.map(|m| m as f64)),
                ),
                ItemKind::Slider { min, max, .. } => {
                    ("slider", "number", min.to_string(), max.to_string())
                }
                ItemKind::Date => ("text", "date_ymd", String::new(), String::new()),
                ItemKind::LongText { .. } => ("notes", "", String::new(), String::new()),
                ItemKind::Score { .. } => ("calc", "", String::new(), String::new()),
                _ => ("text", "", String::new(), String::new()),
            };
            let choices = match kind {
                ItemKind::Score { expr, .. } => expr.source.clone(),
                _ => choices,
            };
            let mut label = v
                .item
                .text
                .as_ref()
                .map(|t| t.nb.clone())
                .unwrap_or_default();
            if let Some(row) = v.row {
                label = format!("{label} — {}", row.text.nb);
            }
            let row = [
                v.id.to_owned(),
                inst.id.clone(),
                String::new(),
                ty.to_owned(),
                label,
                choices,
                String::new(),
                validation.to_owned(),
                min,
                max,
                String::new(),
                v.item
                    .show_if
                    .as_ref()
                    .map(|e| e.to_string())
                    .unwrap_or_default(),
                String::new(),
                String::new(),
                String::new(),
                v.row.map(|_| v.item.id.clone()).unwrap_or_default(),
                String::new(),
                format!("@KOHORT-VERSION={}", inst.version),
            ];
            let _ = w.write_record(&row);
        }
    }
    csv_text(w)
}
