//! The questionnaire as indented text, for researchers reviewing content.

use std::fmt::Write;

use crate::model::{Instrument, ItemKind, choices};
use crate::text::Text;

fn both(t: &Text) -> String {
    match &t.en {
        Some(en) => format!("{} / {en}", t.nb),
        None => t.nb.clone(),
    }
}

fn range(min: Option<f64>, max: Option<f64>) -> String {
    let show = |v: Option<f64>| v.map_or_else(|| "…".to_owned(), |v| v.to_string());
    format!("{}–{}", show(min), show(max))
}

pub fn outline(inst: &Instrument) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} ({}): {}",
        inst.id,
        inst.version,
        inst.respondent.as_str(),
        both(&inst.title)
    );
    if let Some(slot) = &inst.licensed_slot {
        let _ = writeln!(out, "  [licensed slot: {}] {}", slot.instrument, slot.note);
    }
    for (name, value) in &inst.params {
        let _ = writeln!(out, "  param {name} = {value}");
    }
    for item in &inst.items {
        let indent = if matches!(item.kind, ItemKind::Section) {
            "  "
        } else {
            "    "
        };
        let detail = match &item.kind {
            ItemKind::Integer { min, max, .. } | ItemKind::Decimal { min, max, .. } => {
                format!(" {}", range(*min, *max))
            }
            ItemKind::Days { max } => format!(" 0–{max}"),
            ItemKind::Slider { min, max, .. } => format!(" {min}–{max}"),
            ItemKind::Year { min, max } => {
                format!(" {}", range(min.map(|m| m as f64), max.map(|m| m as f64)))
            }
            ItemKind::Score { expr, .. } => format!(" = {expr}"),
            _ => String::new(),
        };
        let unit = match &item.kind {
            ItemKind::Integer { unit: Some(u), .. }
            | ItemKind::Decimal { unit: Some(u), .. }
            | ItemKind::Score { unit: Some(u), .. } => format!(" {}", u.nb),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "{indent}{} [{}{detail}{unit}]",
            item.id,
            item.kind.type_name()
        );
        if let Some(cond) = &item.show_if {
            let _ = writeln!(out, "{indent}  if: {cond}");
        }
        if let Some(text) = &item.text {
            let _ = writeln!(out, "{indent}  \"{}\"", both(text));
        }
        if let ItemKind::Matrix { rows, .. } = &item.kind {
            for row in rows {
                let _ = writeln!(out, "{indent}  - {}: {}", row.id, both(&row.text));
            }
        }
        for c in choices(&item.kind) {
            let excl = if c.exclusive { " (exclusive)" } else { "" };
            let _ = writeln!(out, "{indent}    {} = {}{excl}", c.code, both(&c.text));
        }
    }
    out
}
