//! The questionnaire's shape, worked out once per runner: every item in
//! order, one slot per variable, expressions with their names resolved to
//! slots or param values, and which items' visibility reads which slots.
//! With it a change re-evaluates only the items it can reach.

use std::collections::HashMap;

use crate::expr::Node;
use crate::study::Questionnaire;
use crate::{Item, ItemKind};

/// Where a variable lives: the flat index of its item, and for a matrix row
/// the row's index.
#[derive(Clone, Copy, Debug)]
pub(super) struct Place {
    pub flat: usize,
    pub row: Option<usize>,
}

/// What an item is, as far as visibility, progress and values go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Shape {
    Section,
    Note,
    Matrix,
    Score,
    Question,
}

impl Shape {
    fn of(item: &Item) -> Shape {
        match item.kind {
            ItemKind::Section => Shape::Section,
            ItemKind::Note => Shape::Note,
            ItemKind::Matrix { .. } => Shape::Matrix,
            ItemKind::Score { .. } => Shape::Score,
            _ => Shape::Question,
        }
    }

    /// A screen the respondent is shown (sections and scores are not).
    pub fn is_screen(self) -> bool {
        !matches!(self, Shape::Section | Shape::Score)
    }

    /// A screen that asks something (notes do not).
    pub fn is_question(self) -> bool {
        matches!(self, Shape::Matrix | Shape::Question)
    }
}

pub(super) struct Layout {
    /// Every item of every instrument, in order: (instrument, item).
    pub flat: Vec<(usize, usize)>,
    pub shape: Vec<Shape>,
    /// For each flat item, the flat index of its section item, if any.
    pub section_of: Vec<Option<usize>>,
    /// Each slot's place. An id used twice shares one slot, placed at the
    /// later item, as names always resolved.
    pub slots: Vec<Place>,
    pub slot_of: HashMap<String, u32>,
    /// For each flat item, its own slot, then its matrix rows' slots.
    pub own: Vec<Vec<u32>>,
    /// Each flat item's `show_if`, resolved.
    pub show: Vec<Option<Node>>,
    /// Each score item's expression, resolved.
    pub score: Vec<Option<Node>>,
    /// For each slot, the flat items whose visibility reads it (through
    /// their `show_if`, a score it names, or their section), ascending.
    pub dependants: Vec<Vec<usize>>,
    /// Whether every item's visibility reads only earlier items, so one
    /// pass in order from a change is enough. The form checker enforces
    /// it; if a questionnaire broke it anyway, every change recomputes all.
    pub ordered: bool,
}

impl Layout {
    pub fn new(q: &Questionnaire) -> Layout {
        let mut l = Layout {
            flat: Vec::new(),
            shape: Vec::new(),
            section_of: Vec::new(),
            slots: Vec::new(),
            slot_of: HashMap::new(),
            own: Vec::new(),
            show: Vec::new(),
            score: Vec::new(),
            dependants: Vec::new(),
            ordered: true,
        };
        for (i, inst) in q.instruments.iter().enumerate() {
            let mut section = None;
            for (j, item) in inst.items.iter().enumerate() {
                let f = l.flat.len();
                if matches!(item.kind, ItemKind::Section) {
                    section = Some(f);
                }
                l.section_of.push(section);
                l.flat.push((i, j));
                l.shape.push(Shape::of(item));
                let mut own = vec![l.slot(&item.id, Place { flat: f, row: None })];
                if let ItemKind::Matrix { rows, .. } = &item.kind {
                    for (r, row) in rows.iter().enumerate() {
                        own.push(l.slot(
                            &row.id,
                            Place {
                                flat: f,
                                row: Some(r),
                            },
                        ));
                    }
                }
                l.own.push(own);
            }
        }
        for &(i, j) in &l.flat {
            let inst = &q.instruments[i];
            let item = &inst.items[j];
            let resolve = |name: &str, at| {
                if let Some(default) = inst.params.get(name) {
                    let v = q.params.get(name).copied().unwrap_or(*default);
                    return Some(Node::Num(v, at));
                }
                l.slot_of.get(name).map(|&s| Node::Slot(s, at))
            };
            let show = item.show_if.as_ref().map(|e| e.ast.resolve(&resolve));
            let score = match &item.kind {
                ItemKind::Score { expr, .. } => Some(expr.ast.resolve(&resolve)),
                _ => None,
            };
            l.show.push(show);
            l.score.push(score);
        }
        l.link();
        l
    }

    fn slot(&mut self, id: &str, place: Place) -> u32 {
        match self.slot_of.get(id) {
            Some(&s) => {
                self.slots[s as usize] = place;
                s
            }
            None => {
                let s = self.slots.len() as u32;
                self.slots.push(place);
                self.slot_of.insert(id.to_owned(), s);
                s
            }
        }
    }

    /// Fills `dependants` and `ordered`.
    fn link(&mut self) {
        self.dependants = vec![Vec::new(); self.slots.len()];
        for f in 0..self.flat.len() {
            let mut reads = Vec::new();
            if let Some(node) = &self.show[f] {
                let mut direct = Vec::new();
                node.collect_slots(&mut direct);
                for s in direct {
                    self.reach(s, &mut reads);
                }
            }
            if let Some(s) = self.section_of[f].filter(|&s| s != f) {
                reads.push(self.own[s][0]);
            }
            reads.sort_unstable();
            reads.dedup();
            for s in reads {
                if self.slots[s as usize].flat >= f {
                    self.ordered = false;
                }
                self.dependants[s as usize].push(f);
            }
        }
    }

    /// Adds `slot` and every slot its value reads: a matrix its rows, a
    /// score the slots of its expression.
    fn reach(&self, slot: u32, out: &mut Vec<u32>) {
        if out.contains(&slot) {
            return;
        }
        out.push(slot);
        let place = self.slots[slot as usize];
        if place.row.is_some() {
            return;
        }
        match self.shape[place.flat] {
            Shape::Matrix => out.extend_from_slice(&self.own[place.flat][1..]),
            Shape::Score => {
                let mut direct = Vec::new();
                if let Some(node) = &self.score[place.flat] {
                    node.collect_slots(&mut direct);
                }
                for s in direct {
                    self.reach(s, out);
                }
            }
            _ => {}
        }
    }
}
