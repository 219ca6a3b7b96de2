//! The runner's answers as seen by expressions, by slot: hidden items count
//! as missing and scores are computed on demand. Params were resolved to
//! their numbers when the layout was made.

use crate::expr::{Env, Node, V, eval};

use super::layout::{Layout, Shape};
use crate::answer::{Answer, AnswerValue};

pub(super) struct Pass<'a> {
    pub layout: &'a Layout,
    pub answers: &'a [Option<Answer>],
    /// Visibility as computed so far (earlier items are final).
    pub visible: &'a [bool],
}

impl Pass<'_> {
    /// A `show_if`: missing counts as false.
    pub fn truthy(&self, node: &Node) -> bool {
        eval(node, self) == V::Bool(true)
    }

    pub fn number(&self, node: &Node) -> Option<f64> {
        match eval(node, self) {
            V::Num(n) if n.is_finite() => Some(n),
            _ => None,
        }
    }

    /// Whether item `f` is shown: its section is, and its `show_if` holds.
    pub fn shown(&self, f: usize) -> bool {
        let section_shown = match self.layout.section_of[f] {
            Some(s) if s != f => self.visible[s],
            _ => true,
        };
        section_shown
            && self.layout.show[f]
                .as_ref()
                .is_none_or(|node| self.truthy(node))
    }

    /// The slot's place if its item is shown.
    fn place(&self, slot: u32) -> Option<super::layout::Place> {
        let place = *self.layout.slots.get(slot as usize)?;
        self.visible
            .get(place.flat)
            .copied()
            .unwrap_or(false)
            .then_some(place)
    }

    fn answer(&self, slot: u32) -> Option<&Answer> {
        self.answers.get(slot as usize)?.as_ref()
    }

    /// A matrix item (not one of its rows) at this place.
    fn matrix_rows(&self, place: super::layout::Place) -> Option<&[u32]> {
        (place.row.is_none() && self.layout.shape[place.flat] == Shape::Matrix)
            .then(|| &self.layout.own[place.flat][1..])
    }
}

fn to_v(answer: Option<&Answer>) -> V {
    match answer {
        Some(Answer::Value(v)) => match v {
            AnswerValue::Code(c) | AnswerValue::Int(c) => V::Num(*c as f64),
            AnswerValue::Decimal(x) => V::Num(*x),
            AnswerValue::Codes(c) => V::Set(c.clone()),
            AnswerValue::Text(_) | AnswerValue::Date(_) => V::Missing,
        },
        _ => V::Missing,
    }
}

impl Env for Pass<'_> {
    fn value(&self, slot: u32) -> V {
        let Some(place) = self.place(slot) else {
            return V::Missing;
        };
        if let Some(rows) = self.matrix_rows(place) {
            return V::List(rows.iter().map(|&r| to_v(self.answer(r))).collect());
        }
        if place.row.is_none() && self.layout.shape[place.flat] == Shape::Score {
            return match &self.layout.score[place.flat] {
                Some(node) => self.number(node).map_or(V::Missing, V::Num),
                None => V::Missing,
            };
        }
        to_v(self.answer(slot))
    }

    fn answered(&self, slot: u32) -> bool {
        match self.value(slot) {
            V::Missing => {
                self.place(slot).is_some() && matches!(self.answer(slot), Some(Answer::Value(_)))
            }
            V::List(rows) => rows.iter().any(|r| *r != V::Missing),
            _ => true,
        }
    }

    fn declined(&self, slot: u32) -> bool {
        let Some(place) = self.place(slot) else {
            return false;
        };
        match self.matrix_rows(place) {
            Some(rows) => rows
                .iter()
                .any(|&r| self.answer(r) == Some(&Answer::Declined)),
            None => self.answer(slot) == Some(&Answer::Declined),
        }
    }
}
