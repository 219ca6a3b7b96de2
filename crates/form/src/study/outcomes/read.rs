//! Reading and checking `outcomes` (and, through `figures.rs`, `report`)
//! against the study's instruments and forms.

use std::collections::{BTreeSet, HashMap};

use super::{Better, Outcome, OutcomeKind, Source, Threshold};
use crate::expr::{self, Expr, NameTy, Node, Scope, Ty};
use crate::study::Form;
use crate::{Instrument, ItemKind, Obj, Problems};

/// A variable of the study: its item, whether it is a matrix row, and the
/// instrument asking it.
#[derive(Clone, Copy)]
pub(super) struct Var<'a> {
    pub kind: &'a ItemKind,
    pub row: bool,
    pub instrument: &'a str,
}

/// What the checks look things up in.
pub(super) struct Ctx<'a> {
    pub vars: HashMap<&'a str, Var<'a>>,
    pub forms: &'a [(String, Form)],
}

impl Scope for Ctx<'_> {
    fn lookup(&self, name: &str) -> Result<NameTy, String> {
        let v = self.vars.get(name).ok_or_else(|| {
            format!("unknown variable '{name}' (no instrument of the study has it)")
        })?;
        crate::check::name_ty(name, v.kind, v.row)
    }
}

impl<'a> Ctx<'a> {
    fn new(instruments: &'a [(String, Instrument)], forms: &'a [(String, Form)]) -> Self {
        let mut vars = HashMap::new();
        for (_, inst) in instruments {
            for item in &inst.items {
                let var = |row| Var {
                    kind: &item.kind,
                    row,
                    instrument: &inst.id,
                };
                vars.insert(item.id.as_str(), var(false));
                if let ItemKind::Matrix { rows, .. } = &item.kind {
                    for r in rows {
                        vars.insert(r.id.as_str(), var(true));
                    }
                }
            }
        }
        Ctx { vars, forms }
    }

    fn form(&self, id: &str) -> Option<&Form> {
        self.forms.iter().map(|(_, f)| f).find(|f| f.id == id)
    }

    /// The first of `names` that form `id` does not ask.
    fn not_asked<'n>(&self, id: &str, names: &[&'n str]) -> Option<&'n str> {
        let form = self.form(id)?;
        names.iter().copied().find(|n| {
            self.vars
                .get(n)
                .is_some_and(|v| !form.instruments.iter().any(|i| i == v.instrument))
        })
    }

    /// A form id that must exist and ask every one of `names`.
    pub fn asking(&self, p: &mut Problems, at: &str, who: &str, id: &str, names: &[&str]) -> bool {
        if self.form(id).is_none() {
            let ids: Vec<&str> = self.forms.iter().map(|(_, f)| f.id.as_str()).collect();
            p.error(
                at,
                format!(
                    "{who}: no form '{id}' in the study (forms: {})",
                    ids.join(", ")
                ),
            );
            return false;
        }
        if let Some(n) = self.not_asked(id, names) {
            p.error(at, format!("{who}: form '{id}' does not ask '{n}'"));
            return false;
        }
        true
    }

    /// A yes/no item, or a score or choice coded 0/1.
    pub fn is_yes_no(&self, name: &str) -> bool {
        self.vars.get(name).is_some_and(|v| match v.kind {
            ItemKind::YesNo => true,
            ItemKind::Score { options, .. } | ItemKind::SingleChoice { options } => {
                let codes: BTreeSet<i64> = options.iter().map(|o| o.code).collect();
                !codes.is_empty() && codes.is_subset(&BTreeSet::from([0, 1]))
            }
            _ => false,
        })
    }
}

const OUTCOME_FIELDS: &[&str] = &[
    "id",
    "label",
    "note",
    "kind",
    "variable",
    "expression",
    "threshold",
    "better",
    "min_change",
    "timepoints",
];

/// Reads and checks `outcomes` and `report` of a study file.
pub(in crate::study) fn read(
    p: &mut Problems,
    obj: &Obj,
    instruments: &[(String, Instrument)],
    forms: &[(String, Form)],
) -> (Vec<Outcome>, super::Figures) {
    let ctx = Ctx::new(instruments, forms);
    let mut out: Vec<Outcome> = Vec::new();
    for (i, v) in crate::array(p, obj, "outcomes", "", false)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let path = format!("/outcomes/{i}");
        if let Some(o) = crate::object(p, v, &path, OUTCOME_FIELDS)
            && let Some(outcome) = outcome(p, o, &path, &ctx)
        {
            if out.iter().any(|x| x.id == outcome.id) {
                let at = crate::join(&path, "id");
                p.error(&at, format!("duplicate outcome id '{}'", outcome.id));
            }
            out.push(outcome);
        }
    }
    let figures = match obj.get("report") {
        Some(v) => super::figures::figures(p, v, &ctx).unwrap_or_default(),
        None => super::Figures::default(),
    };
    (out, figures)
}

fn outcome(p: &mut Problems, o: &Obj, path: &str, ctx: &Ctx<'_>) -> Option<Outcome> {
    let id = crate::id(p, o, "id", path)?;
    let who = format!("outcome '{id}'");
    let label = crate::read_text(p, o, "label", path, true);
    let note = crate::read_text(p, o, "note", path, false);
    let at = |k: &str| crate::join(path, k);
    let kind = match crate::string(p, o, "kind", path, true)?.as_str() {
        "binary" => OutcomeKind::Binary,
        "count" => OutcomeKind::Count,
        "scale" => OutcomeKind::Scale,
        other => {
            let msg = format!("{who}: unknown kind '{other}' (use binary, count or scale)");
            p.error(&at("kind"), msg);
            return None;
        }
    };
    let better = match crate::string(p, o, "better", path, false).as_deref() {
        None => None,
        Some("higher") => Some(Better::Higher),
        Some("lower") => Some(Better::Lower),
        Some(other) => {
            let msg = format!("{who}: 'better' is 'higher' or 'lower', not '{other}'");
            p.error(&at("better"), msg);
            return None;
        }
    };
    if better.is_none() && kind != OutcomeKind::Count {
        p.error(
            path,
            format!(
                "{who}: say which way is better ('better': 'higher' or 'lower'; \
                 for a yes/no outcome 'higher' makes yes the favourable state)"
            ),
        );
    }
    let threshold = threshold(p, o, path, &who);
    if threshold.is_some() && kind != OutcomeKind::Binary {
        p.error(
            &at("threshold"),
            format!("{who}: a threshold makes a binary outcome; set 'kind': 'binary'"),
        );
    }
    let min_change = crate::json::number(p, o, "min_change", path);
    match (kind, min_change) {
        (OutcomeKind::Scale, None) => p.error(
            path,
            format!("{who}: a scale outcome needs 'min_change', the smallest change in points that counts"),
        ),
        (OutcomeKind::Scale, Some(m)) if !(m > 0.0 && m.is_finite()) => {
            p.error(&at("min_change"), format!("{who}: 'min_change' must be more than 0"));
        }
        (OutcomeKind::Binary | OutcomeKind::Count, Some(_)) => p.error(
            &at("min_change"),
            format!("{who}: 'min_change' is for scale outcomes only"),
        ),
        _ => {}
    }
    let source = source(p, o, path, &who, ctx, (kind, threshold.is_some()))?;
    let mut names: Vec<String> = Vec::new();
    let listed = match &source {
        Source::Variable(v) => vec![v.as_str()],
        Source::Expression(e) => e.names(),
    };
    for n in listed {
        if !names.iter().any(|x| x == n) {
            names.push(n.to_owned());
        }
    }
    let resolved = match &source {
        Source::Expression(e) => Some(e.ast.resolve(&|n, at| {
            let slot = names.iter().position(|x| x == n)?;
            Some(Node::Slot(u32::try_from(slot).ok()?, at))
        })),
        Source::Variable(_) => None,
    };
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let timepoints = timepoints(p, o, path, &who, ctx, &refs);
    Some(Outcome {
        id,
        label: label?,
        note,
        kind,
        source,
        threshold,
        better,
        min_change,
        timepoints,
        names,
        resolved,
    })
}

fn threshold(p: &mut Problems, o: &Obj, path: &str, who: &str) -> Option<Threshold> {
    let v = o.get("threshold")?;
    let at = crate::join(path, "threshold");
    let map = crate::object(p, v, &at, &Threshold::KEYS)?;
    if map.len() != 1 {
        p.error(
            &at,
            format!("{who}: give exactly one of {}", Threshold::KEYS.join(", ")),
        );
        return None;
    }
    let (key, _) = map.iter().next()?;
    let n = crate::json::number(p, map, key, &at)?;
    Some(match key.as_str() {
        "more_than" => Threshold::MoreThan(n),
        "at_least" => Threshold::AtLeast(n),
        "less_than" => Threshold::LessThan(n),
        _ => Threshold::AtMost(n),
    })
}

/// The variable or expression, checked against the kind.
fn source(
    p: &mut Problems,
    o: &Obj,
    path: &str,
    who: &str,
    ctx: &Ctx<'_>,
    (kind, cut): (OutcomeKind, bool),
) -> Option<Source> {
    let variable = crate::string(p, o, "variable", path, false);
    let expression = crate::string(p, o, "expression", path, false);
    match (variable, expression) {
        (Some(name), None) => {
            let at = crate::join(path, "variable");
            let ty = match ctx.lookup(&name) {
                Ok(t) => t,
                Err(why) => {
                    p.error(&at, format!("{who}: {why}"));
                    return None;
                }
            };
            let fits = match (kind, &ty) {
                (OutcomeKind::Binary, _) if !cut => ctx.is_yes_no(&name),
                (OutcomeKind::Binary, NameTy::Num | NameTy::Code(_)) => true,
                (OutcomeKind::Count, NameTy::Num) => true,
                (OutcomeKind::Scale, NameTy::Num | NameTy::Code(_)) => !matches!(
                    ctx.vars.get(name.as_str()).map(|v| v.kind),
                    Some(ItemKind::SingleChoice { .. })
                ),
                _ => false,
            };
            if !fits {
                let item = ctx
                    .vars
                    .get(name.as_str())
                    .map_or("?", |v| v.kind.type_name());
                let hint = match kind {
                    OutcomeKind::Binary => {
                        "a yes_no item or a score coded 0/1, a number with a 'threshold', \
                         or an 'expression' such as \"x in [1, 2]\""
                    }
                    OutcomeKind::Count => {
                        "a number (integer, decimal, days, slider, year or score)"
                    }
                    OutcomeKind::Scale => "a scale, a score with coded options, or a number",
                };
                let msg = format!(
                    "{who}: '{name}' is a {item}; a {} outcome needs {hint}",
                    kind.name()
                );
                p.error(&at, msg);
                return None;
            }
            Some(Source::Variable(name))
        }
        (None, Some(text)) => {
            let at = crate::join(path, "expression");
            let e = match Expr::parse(&text) {
                Ok(e) => e,
                Err(err) => {
                    p.error(&at, format!("{who}: in '{text}' {err}"));
                    return None;
                }
            };
            let mut errors = Vec::new();
            let ty = expr::check(&e.ast, ctx, &mut errors);
            for err in &errors {
                p.error(&at, format!("{who}: in '{text}' {err}"));
            }
            let ok = match (kind, &ty) {
                (_, Ty::Error) => false,
                (OutcomeKind::Binary, Ty::Bool) => !cut,
                (_, Ty::Num | Ty::Code(_)) => kind != OutcomeKind::Binary || cut,
                _ => false,
            };
            if !ok && errors.is_empty() {
                let want = match (kind, cut) {
                    (OutcomeKind::Binary, false) => "a true/false condition",
                    _ => "a number",
                };
                let msg = format!(
                    "{who}: '{text}' is {}, but a {} outcome here needs {want}",
                    ty.describe(),
                    kind.name()
                );
                p.error(&at, msg);
            }
            ok.then_some(Source::Expression(e))
        }
        (Some(_), Some(_)) => {
            p.error(
                path,
                format!("{who}: give 'variable' or 'expression', not both"),
            );
            None
        }
        (None, None) => {
            p.error(
                path,
                format!("{who}: give the 'variable' it is, or an 'expression' over variables"),
            );
            None
        }
    }
}

/// The forms listed under `timepoints`, or every timepoint asking `names`.
fn timepoints(
    p: &mut Problems,
    o: &Obj,
    path: &str,
    who: &str,
    ctx: &Ctx<'_>,
    names: &[&str],
) -> Vec<String> {
    let Some(list) = crate::array(p, o, "timepoints", path, false) else {
        let all: Vec<String> = (ctx.forms.iter())
            .filter(|(at, _)| at.starts_with("/timepoints/"))
            .filter(|(_, f)| ctx.not_asked(&f.id, names).is_none())
            .map(|(_, f)| f.id.clone())
            .collect();
        if all.is_empty() {
            p.error(
                path,
                format!("{who}: no timepoint asks all of {}", names.join(", ")),
            );
        }
        return all;
    };
    let mut out = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let at = format!("{path}/timepoints/{i}");
        match v.as_str() {
            Some(id) if out.iter().any(|x| x == id) => {
                p.error(&at, format!("{who}: '{id}' is listed twice"));
            }
            Some(id) => {
                if ctx.asking(p, &at, who, id, names) {
                    out.push(id.to_owned());
                }
            }
            None => p.error(&at, format!("{who}: expected a form id")),
        }
    }
    if list.len() < 2 {
        let at = crate::join(path, "timepoints");
        p.error(
            &at,
            format!("{who}: a change needs at least two timepoints"),
        );
    }
    out
}
