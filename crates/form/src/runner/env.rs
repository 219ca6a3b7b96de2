//! The runner's answers as seen by expressions: hidden items count as
//! missing, scores are computed on demand, params may be overridden by the form.

use crate::ItemKind;
use crate::expr::{Env, Node, V, eval};

use super::Runner;
use crate::answer::{Answer, AnswerValue};

pub(super) struct Pass<'a> {
    runner: &'a Runner,
    /// Visibility computed so far (earlier items are final).
    visible: &'a [bool],
    /// The instrument whose params names resolve to.
    instrument: usize,
}

impl<'a> Pass<'a> {
    pub fn new(runner: &'a Runner, visible: &'a [bool], instrument: usize) -> Self {
        Pass {
            runner,
            visible,
            instrument,
        }
    }

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

    fn shown(&self, id: &str) -> Option<super::Place> {
        let place = *self.runner.places.get(id)?;
        self.visible
            .get(place.flat)
            .copied()
            .unwrap_or(false)
            .then_some(place)
    }

    fn answer(&self, id: &str) -> Option<&Answer> {
        self.shown(id)?;
        self.runner.answers.get(id)
    }

    fn param(&self, name: &str) -> Option<f64> {
        let inst = self.runner.q.instruments.get(self.instrument)?;
        let default = inst.params.get(name)?;
        Some(self.runner.q.params.get(name).copied().unwrap_or(*default))
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
    fn value(&self, name: &str) -> V {
        if let Some(p) = self.param(name) {
            return V::Num(p);
        }
        let Some(place) = self.shown(name) else {
            return V::Missing;
        };
        let Some((_, item)) = self.runner.item_at(place.flat) else {
            return V::Missing;
        };
        match (&item.kind, place.row) {
            (ItemKind::Matrix { rows, .. }, None) => V::List(
                rows.iter()
                    .map(|r| to_v(self.runner.answers.get(&r.id)))
                    .collect(),
            ),
            (ItemKind::Score { expr, .. }, _) => {
                let inner = Pass::new(self.runner, self.visible, self.runner.flat[place.flat].0);
                inner.number(&expr.ast).map_or(V::Missing, V::Num)
            }
            _ => to_v(self.runner.answers.get(name)),
        }
    }

    fn answered(&self, name: &str) -> bool {
        match self.value(name) {
            V::Missing => self
                .answer(name)
                .is_some_and(|a| matches!(a, Answer::Value(_))),
            V::List(rows) => rows.iter().any(|r| *r != V::Missing),
            _ => true,
        }
    }

    fn declined(&self, name: &str) -> bool {
        let Some(place) = self.shown(name) else {
            return false;
        };
        match self.runner.item_at(place.flat).map(|(_, i)| &i.kind) {
            Some(ItemKind::Matrix { rows, .. }) if place.row.is_none() => rows
                .iter()
                .any(|r| self.runner.answers.get(&r.id) == Some(&Answer::Declined)),
            _ => self.runner.answers.get(name) == Some(&Answer::Declined),
        }
    }
}
