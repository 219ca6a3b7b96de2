//! The study's own report: the outcomes it follows from the first to the
//! last measurement (`outcomes` in `study.json`) and the variables its
//! symptom figures draw (`report`). Read and checked here; the research
//! store computes the report from them.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::Form;
use crate::expr::{self, Env, Expr, NameTy, Node, Scope, Ty, V};
use crate::{Instrument, ItemKind, Obj, Problems, Text};

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
    names: Vec<String>,
    /// The expression with its names resolved to those slots.
    resolved: Option<Node>,
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

/// A variable of the study: its item, whether it is a matrix row, and the
/// instrument asking it.
#[derive(Clone, Copy)]
struct Var<'a> {
    kind: &'a ItemKind,
    row: bool,
    instrument: &'a str,
}

/// What the checks look things up in.
struct Ctx<'a> {
    vars: HashMap<&'a str, Var<'a>>,
    forms: &'a [(String, Form)],
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
    fn asking(&self, p: &mut Problems, at: &str, who: &str, id: &str, names: &[&str]) -> bool {
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
    fn is_yes_no(&self, name: &str) -> bool {
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
pub(super) fn read(
    p: &mut Problems,
    obj: &Obj,
    instruments: &[(String, Instrument)],
    forms: &[(String, Form)],
) -> (Vec<Outcome>, Figures) {
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
        Some(v) => figures(p, v, &ctx).unwrap_or_default(),
        None => Figures::default(),
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

fn figures(p: &mut Problems, v: &Value, ctx: &Ctx<'_>) -> Option<Figures> {
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
