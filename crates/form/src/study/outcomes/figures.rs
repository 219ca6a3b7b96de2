//! Reading and checking `report`: the symptom figure (a matrix in bands
//! of codes at one timepoint) and the prevalence figure (yes/no variables
//! at two forms).

use serde_json::Value;

use super::read::{Ctx, Var};
use super::{Band, Figures, PrevalenceFigure, PrevalenceItem, SymptomFigure};
use crate::{ItemKind, Problems};

pub(super) fn figures(p: &mut Problems, v: &Value, ctx: &Ctx<'_>) -> Option<Figures> {
    let obj = crate::object(p, v, "/report", &["symptoms", "prevalence"])?;
    let symptoms = obj.get("symptoms").and_then(|v| symptoms(p, v, ctx));
    let prevalence = obj.get("prevalence").and_then(|v| prevalence(p, v, ctx));
    Some(Figures {
        symptoms,
        prevalence,
    })
}

fn symptoms(p: &mut Problems, v: &Value, ctx: &Ctx<'_>) -> Option<SymptomFigure> {
    let path = "/report/symptoms";
    let who = "the symptom figure";
    let o = crate::object(p, v, path, &["matrix", "timepoint", "bands"])?;
    let matrix = crate::string(p, o, "matrix", path, true)?;
    let codes: Vec<i64> = match ctx.vars.get(matrix.as_str()) {
        Some(Var {
            kind: ItemKind::Matrix { options, .. },
            row: false,
            ..
        }) => options.iter().map(|c| c.code).collect(),
        _ => {
            p.error(
                &crate::join(path, "matrix"),
                format!("{who}: '{matrix}' is not a matrix item of the study"),
            );
            return None;
        }
    };
    let timepoint = crate::string(p, o, "timepoint", path, true)?;
    let ok = ctx.asking(
        p,
        &crate::join(path, "timepoint"),
        who,
        &timepoint,
        &[&matrix],
    );
    let mut bands = Vec::new();
    let mut seen: Vec<i64> = Vec::new();
    for (i, b) in crate::array(p, o, "bands", path, true)?.iter().enumerate() {
        let at = format!("{path}/bands/{i}");
        let Some(bo) = crate::object(p, b, &at, &["label", "codes"]) else {
            continue;
        };
        let label = crate::read_text(p, bo, "label", &at, true);
        let mut mine = Vec::new();
        for (j, c) in crate::array(p, bo, "codes", &at, true)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let cat = format!("{at}/codes/{j}");
            match c.as_i64() {
                Some(c) if !codes.contains(&c) => {
                    p.error(&cat, format!("{who}: '{matrix}' has no code {c}"))
                }
                Some(c) if seen.contains(&c) => {
                    p.error(&cat, format!("{who}: code {c} is in two bands"))
                }
                Some(c) => {
                    seen.push(c);
                    mine.push(c);
                }
                None => p.error(&cat, format!("{who}: expected an option code")),
            }
        }
        if let Some(label) = label {
            bands.push(Band { label, codes: mine });
        }
    }
    if let Some(c) = codes.iter().find(|c| !seen.contains(c)) {
        p.error(
            &crate::join(path, "bands"),
            format!("{who}: code {c} of '{matrix}' is in no band"),
        );
    }
    ok.then_some(SymptomFigure {
        matrix,
        timepoint,
        bands,
    })
}

fn prevalence(p: &mut Problems, v: &Value, ctx: &Ctx<'_>) -> Option<PrevalenceFigure> {
    let path = "/report/prevalence";
    let who = "the prevalence figure";
    let o = crate::object(p, v, path, &["variables", "from", "to"])?;
    let mut variables = Vec::new();
    for (i, v) in crate::array(p, o, "variables", path, true)?
        .iter()
        .enumerate()
    {
        let at = format!("{path}/variables/{i}");
        let (name, label) = match v {
            Value::String(n) => (n.clone(), None),
            Value::Object(_) => {
                let Some(vo) = crate::object(p, v, &at, &["variable", "label"]) else {
                    continue;
                };
                let label = crate::read_text(p, vo, "label", &at, false);
                match crate::string(p, vo, "variable", &at, true) {
                    Some(n) => (n, label),
                    None => continue,
                }
            }
            _ => {
                p.error(
                    &at,
                    format!("{who}: expected a variable name or {{\"variable\", \"label\"}}"),
                );
                continue;
            }
        };
        if ctx.is_yes_no(&name) {
            variables.push(PrevalenceItem {
                variable: name,
                label,
            });
        } else {
            p.error(
                &at,
                format!("{who}: '{name}' is not a yes/no variable of the study"),
            );
        }
    }
    let names: Vec<&str> = variables.iter().map(|v| v.variable.as_str()).collect();
    let from = crate::string(p, o, "from", path, true)?;
    let to = crate::string(p, o, "to", path, true)?;
    let ok = ctx.asking(p, &crate::join(path, "from"), who, &from, &names)
        & ctx.asking(p, &crate::join(path, "to"), who, &to, &names);
    if from == to {
        p.error(
            &crate::join(path, "to"),
            format!("{who}: 'from' and 'to' are the same form"),
        );
    }
    (ok && from != to).then_some(PrevalenceFigure {
        variables,
        from,
        to,
    })
}
