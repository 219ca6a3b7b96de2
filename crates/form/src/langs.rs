//! Which texts of an instrument lack a language: `kohort forms check
//! --lang nn` lists them (bokmål is shown in their place).

use crate::{Instrument, ItemKind, Lang, Text};

/// Where each text without `lang` is, as `item / part` paths.
pub fn missing(inst: &Instrument, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    let mut note = |at: String, t: &Text| {
        if !t.has(lang) {
            out.push(at);
        }
    };
    note("title".into(), &inst.title);
    for item in &inst.items {
        let id = &item.id;
        if let Some(t) = &item.text {
            note(format!("{id} / text"), t);
        }
        if let Some(t) = &item.help {
            note(format!("{id} / help"), t);
        }
        let options = match &item.kind {
            ItemKind::SingleChoice { options }
            | ItemKind::MultiChoice { options }
            | ItemKind::Scale { options }
            | ItemKind::Matrix { options, .. }
            | ItemKind::Score { options, .. } => options.as_slice(),
            _ => &[],
        };
        for o in options {
            note(format!("{id} / option {}", o.code), &o.text);
        }
        match &item.kind {
            ItemKind::Matrix { rows, .. } => {
                for r in rows {
                    note(format!("{id} / row {}", r.id), &r.text);
                }
            }
            ItemKind::Integer { unit: Some(u), .. }
            | ItemKind::Decimal { unit: Some(u), .. }
            | ItemKind::Score { unit: Some(u), .. } => note(format!("{id} / unit"), u),
            ItemKind::Slider {
                min_label,
                max_label,
                ..
            } => {
                for (part, l) in [("min_label", min_label), ("max_label", max_label)] {
                    if let Some(l) = l {
                        note(format!("{id} / {part}"), l);
                    }
                }
            }
            _ => {}
        }
    }
    out
}
