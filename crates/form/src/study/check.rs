//! Checks across a study's forms: instruments each form lists, windows that
//! overlap, variable names unique across the study.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::{Form, Timepoint};
use chrono::{Days, NaiveDate};

use crate::{Instrument, Problem, Problems, Respondent};

/// `broken`: instruments whose file has errors, reported there and not again
/// as unknown where a form lists them.
pub(super) fn check_forms(
    p: &mut Problems,
    forms: &[(String, Form)],
    instruments: &[(String, Instrument)],
    broken: &[String],
) {
    let by_id: HashMap<&str, &Instrument> = instruments
        .iter()
        .map(|(_, i)| (i.id.as_str(), i))
        .collect();
    let mut ids = HashSet::new();
    for (path, form) in forms {
        if !ids.insert(form.id.as_str()) {
            p.error(
                &crate::join(path, "id"),
                format!("duplicate form id '{}'", form.id),
            );
        }
        let mut seen = HashSet::new();
        for (i, inst_id) in form.instruments.iter().enumerate() {
            let at = format!("{path}/instruments/{i}");
            if !seen.insert(inst_id) {
                p.error(&at, format!("instrument '{inst_id}' is listed twice"));
            }
            match by_id.get(inst_id.as_str()) {
                None if broken.contains(inst_id) => {}
                None => p.error(&at, format!("unknown instrument '{inst_id}'")),
                Some(inst) if inst.respondent != form.respondent => p.error(
                    &at,
                    format!(
                        "instrument '{inst_id}' is for a {} but this form is for a {}",
                        inst.respondent.as_str(),
                        form.respondent.as_str()
                    ),
                ),
                Some(_) => {}
            }
        }
        for name in form.params.keys() {
            let declared = form
                .instruments
                .iter()
                .filter_map(|i| by_id.get(i.as_str()))
                .any(|inst| inst.params.contains_key(name));
            if !declared {
                p.error(
                    &crate::join(&crate::join(path, "params"), name),
                    format!("no instrument of this form declares a param '{name}'"),
                );
            }
        }
    }
}

/// Targets must increase and windows must not overlap, for every possible
/// anchor date: months differ in length, so the check walks four years of
/// anchors (one leap cycle).
pub(super) fn check_windows(p: &mut Problems, timepoints: &[(String, Timepoint)]) {
    let Some(start) = NaiveDate::from_ymd_opt(2024, 1, 1) else {
        return;
    };
    for respondent in [Respondent::Patient, Respondent::Clinician] {
        let tps: Vec<&(String, Timepoint)> = timepoints
            .iter()
            .filter(|(_, t)| t.form.respondent == respondent)
            .collect();
        for pair in tps.windows(2) {
            let ((_, a), (path, b)) = (pair[0], pair[1]);
            for day in 0..1461 {
                let Some(anchor) = start.checked_add_days(Days::new(day)) else {
                    break;
                };
                let (Some(ta), Some(tb)) = (a.offset.after(anchor), b.offset.after(anchor)) else {
                    break;
                };
                if tb <= ta {
                    p.error(
                        &crate::join(path, "offset"),
                        format!(
                            "'{}' is not after '{}': timepoints must be in order",
                            b.form.id, a.form.id
                        ),
                    );
                    break;
                }
                let (Some((_, a_end)), Some((b_start, _))) =
                    (a.window.around(ta), b.window.around(tb))
                else {
                    break;
                };
                if b_start <= a_end {
                    p.error(
                        &crate::join(path, "window"),
                        format!(
                            "the window of '{}' overlaps the window of '{}' (e.g. for anchor {anchor}: \
                             {} opens {b_start}, {} closes {a_end})",
                            b.form.id, a.form.id, b.form.id, a.form.id
                        ),
                    );
                    break;
                }
            }
        }
    }
}

/// Variable names are unique across the whole study: they are the columns of
/// the research dataset.
pub(super) fn check_variables(
    all: &mut Vec<Problem>,
    dir: &Path,
    instruments: &[(String, Instrument)],
) {
    let mut first: HashMap<&str, &str> = HashMap::new();
    for (file, inst) in instruments {
        let mut p = Problems::new(&dir.join(file).display().to_string());
        for (index, item) in inst.items.iter().enumerate() {
            let path = format!("/items/{index}");
            let rows = match &item.kind {
                crate::ItemKind::Matrix { rows, .. } => rows.as_slice(),
                _ => &[],
            };
            let ids = std::iter::once((item.id.as_str(), format!("{path}/id"))).chain(
                rows.iter()
                    .enumerate()
                    .map(|(r, row)| (row.id.as_str(), format!("{path}/rows/{r}/id"))),
            );
            for (id, at) in ids {
                match first.get(id) {
                    Some(other) if *other != inst.id.as_str() => {
                        p.item = Some(id.to_owned());
                        p.error(
                            &at,
                            format!("variable '{id}' is also used in instrument '{other}'; names must be unique across the study"),
                        );
                    }
                    _ => {
                        first.insert(id, &inst.id);
                    }
                }
            }
        }
        all.extend(p.list);
    }
}
