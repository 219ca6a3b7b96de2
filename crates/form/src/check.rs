//! Checks that need the whole instrument: unique ids, references in
//! expressions (existing, earlier, well-typed) and cycles among scores.

use std::collections::HashMap;

use crate::expr::{self, Expr, NameTy, Scope, Ty};
use crate::model::{Instrument, ItemKind};
use crate::problem::Problems;
use crate::read::Read;

/// Where a name lives in an instrument.
#[derive(Clone, Copy)]
struct Entry<'a> {
    index: usize,
    kind: &'a ItemKind,
    /// True for the row of a matrix.
    row: bool,
}

type Names<'a> = HashMap<&'a str, Entry<'a>>;

pub fn instrument(p: &mut Problems, read: &Read) {
    let (inst, broken) = (&read.instrument, read.broken.as_slice());
    let at = |index: usize| {
        format!(
            "/items/{}",
            read.json_index.get(index).copied().unwrap_or(index)
        )
    };
    let mut names: Names<'_> = HashMap::new();
    for (index, item) in inst.items.iter().enumerate() {
        let path = at(index);
        p.item = Some(item.id.clone());
        let entry = Entry {
            index,
            kind: &item.kind,
            row: false,
        };
        insert(p, &mut names, &item.id, entry, &format!("{path}/id"));
        if let ItemKind::Matrix { rows, .. } = &item.kind {
            for (r, row) in rows.iter().enumerate() {
                let entry = Entry {
                    index,
                    kind: &item.kind,
                    row: true,
                };
                insert(
                    p,
                    &mut names,
                    &row.id,
                    entry,
                    &format!("{path}/rows/{r}/id"),
                );
            }
        }
        check_exclusive(p, &item.kind, &path);
    }
    for (name, entry) in &names {
        if inst.params.contains_key(*name) {
            p.item = Some((*name).to_owned());
            p.error(
                &at(entry.index),
                format!("'{name}' is both an item and a param"),
            );
        }
    }
    let deps = ScoreDeps::new(inst, &names);
    deps.report_cycles(p, inst, &at);
    for (index, item) in inst.items.iter().enumerate() {
        p.item = Some(item.id.clone());
        let path = at(index);
        let scope = |before| InstrumentScope {
            inst,
            names: &names,
            deps: &deps,
            before,
            this: &item.id,
            broken,
        };
        if let Some(e) = &item.show_if {
            expect(p, e, &scope(Some(index)), &format!("{path}/show_if"), true);
        }
        if let ItemKind::Score { expr, .. } = &item.kind {
            expect(p, expr, &scope(None), &format!("{path}/expr"), false);
        }
    }
    p.item = None;
}

fn insert<'a>(p: &mut Problems, names: &mut Names<'a>, id: &'a str, entry: Entry<'a>, path: &str) {
    if let Some(first) = names.insert(id, entry) {
        p.error(
            path,
            format!("duplicate id '{id}' (first used by item {})", first.index),
        );
    }
}

fn check_exclusive(p: &mut Problems, kind: &ItemKind, path: &str) {
    let options = match kind {
        ItemKind::MultiChoice { .. } => return,
        ItemKind::SingleChoice { options } | ItemKind::Scale { options } => options,
        ItemKind::Matrix { options, .. } | ItemKind::Score { options, .. } => options,
        _ => return,
    };
    for (i, o) in options.iter().enumerate() {
        if o.exclusive {
            p.error(
                &format!("{path}/options/{i}/exclusive"),
                "'exclusive' only applies to multi_choice options",
            );
        }
    }
}

fn expect(p: &mut Problems, e: &Expr, scope: &dyn Scope, path: &str, condition: bool) {
    let mut errors = Vec::new();
    let ty = expr::check(&e.ast, scope, &mut errors);
    for err in errors {
        p.error(path, format!("in '{}' {err}", e.source));
    }
    match (condition, ty) {
        (_, Ty::Error) | (true, Ty::Bool) | (false, Ty::Num | Ty::Code(_)) => {}
        (true, other) => p.error(
            path,
            format!(
                "'{}' must be a true/false condition, not {}",
                e.source,
                other.describe()
            ),
        ),
        (false, other) => p.error(
            path,
            format!(
                "score '{}' must compute a number, not {}",
                e.source,
                other.describe()
            ),
        ),
    }
}

/// Which scores each score depends on, and the last question each score
/// reads (directly or through other scores).
struct ScoreDeps<'a> {
    edges: HashMap<&'a str, Vec<&'a str>>,
    last_input: HashMap<&'a str, usize>,
}

impl<'a> ScoreDeps<'a> {
    fn new(inst: &'a Instrument, names: &Names<'a>) -> Self {
        let mut edges = HashMap::new();
        let mut direct = HashMap::new();
        for item in &inst.items {
            if let ItemKind::Score { expr, .. } = &item.kind {
                let mut scores = Vec::new();
                let mut last = 0;
                for name in expr.names() {
                    match names.get(name) {
                        Some(Entry {
                            kind: ItemKind::Score { .. },
                            ..
                        }) => scores.push(name),
                        Some(e) => last = last.max(e.index),
                        None => {}
                    }
                }
                edges.insert(item.id.as_str(), scores);
                direct.insert(item.id.as_str(), last);
            }
        }
        let mut last_input = HashMap::new();
        for &score in edges.keys() {
            let mut seen = Vec::new();
            let mut stack = vec![score];
            let mut last = 0;
            while let Some(s) = stack.pop() {
                if seen.contains(&s) {
                    continue;
                }
                seen.push(s);
                last = last.max(direct.get(s).copied().unwrap_or(0));
                stack.extend(edges.get(s).into_iter().flatten().copied());
            }
            last_input.insert(score, last);
        }
        ScoreDeps { edges, last_input }
    }

    fn report_cycles(&self, p: &mut Problems, inst: &Instrument, at: &dyn Fn(usize) -> String) {
        let mut reported: Vec<Vec<&str>> = Vec::new();
        for (index, item) in inst.items.iter().enumerate() {
            if !self.edges.contains_key(item.id.as_str()) {
                continue;
            }
            if let Some(cycle) = self.cycle_from(&item.id) {
                let mut key = cycle.clone();
                key.sort_unstable();
                key.dedup();
                if !reported.contains(&key) {
                    reported.push(key);
                    p.item = Some(item.id.clone());
                    p.error(
                        &format!("{}/expr", at(index)),
                        format!(
                            "scores depend on each other in a cycle: {}",
                            cycle.join(" → ")
                        ),
                    );
                }
            }
        }
    }

    /// A path of scores from `start` back to `start`, if there is one.
    fn cycle_from(&self, start: &'a str) -> Option<Vec<&'a str>> {
        let mut stack: Vec<(&'a str, Vec<&'a str>)> = vec![(start, vec![start])];
        let mut visited = Vec::new();
        while let Some((node, path)) = stack.pop() {
            for &next in self.edges.get(node).into_iter().flatten() {
                if next == start {
                    let mut cycle = path.clone();
                    cycle.push(start);
                    return Some(cycle);
                }
                if !visited.contains(&next) {
                    visited.push(next);
                    let mut longer = path.clone();
                    longer.push(next);
                    stack.push((next, longer));
                }
            }
        }
        None
    }
}

struct InstrumentScope<'a, 'n> {
    inst: &'a Instrument,
    names: &'n Names<'a>,
    deps: &'n ScoreDeps<'a>,
    /// For `show_if`: the index of the item; only earlier items may be named.
    before: Option<usize>,
    this: &'a str,
    broken: &'n [String],
}

impl Scope for InstrumentScope<'_, '_> {
    fn lookup(&self, name: &str) -> Result<NameTy, String> {
        if self.inst.params.contains_key(name) {
            return Ok(NameTy::Num);
        }
        let Some(entry) = self.names.get(name) else {
            if self.broken.iter().any(|b| b == name) {
                // Already reported where the item is defined.
                return Err(String::new());
            }
            return Err(format!("unknown item '{name}'"));
        };
        if name == self.this {
            return Err(format!("'{name}' refers to itself"));
        }
        if let Some(before) = self.before {
            // A score must itself come earlier (its visibility is then known
            // when this item's is computed) and read only earlier items.
            let late = entry.index >= before
                || matches!(entry.kind, ItemKind::Score { .. })
                    && self.deps.last_input.get(name).is_some_and(|&l| l >= before);
            if late {
                return Err(format!(
                    "'{name}' comes later in the form (or depends on later items); \
                     show_if may only use earlier items"
                ));
            }
        }
        name_ty(name, entry.kind, entry.row)
    }
}

/// What an analysis variable of `kind` stands for in an expression (`row`:
/// one row of a matrix); `Err` for items that hold no value.
pub(crate) fn name_ty(name: &str, kind: &ItemKind, row: bool) -> Result<NameTy, String> {
    let codes = || kind.codes().unwrap_or_default();
    Ok(match kind {
        ItemKind::Section | ItemKind::Note => {
            return Err(format!(
                "'{name}' is a {} and has no value",
                kind.type_name()
            ));
        }
        ItemKind::Matrix { .. } if row => NameTy::Code(codes()),
        ItemKind::Matrix { .. } => NameTy::Matrix(codes()),
        ItemKind::SingleChoice { .. } | ItemKind::YesNo | ItemKind::Scale { .. } => {
            NameTy::Code(codes())
        }
        ItemKind::MultiChoice { .. } => NameTy::Set(codes()),
        ItemKind::Text { .. } | ItemKind::LongText { .. } => NameTy::Text,
        ItemKind::Date => NameTy::Date,
        ItemKind::Integer { .. }
        | ItemKind::Decimal { .. }
        | ItemKind::Days { .. }
        | ItemKind::Slider { .. }
        | ItemKind::Year { .. }
        | ItemKind::Score { .. } => NameTy::Num,
    })
}
