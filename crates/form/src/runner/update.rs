//! Keeping visibility, each screen's "done" and the progress counts current.
//! A `show_if` reads only earlier items, so after a change the items it can
//! reach are re-evaluated in questionnaire order, each once, and an item's
//! visibility change passes on to the items that read it. Nothing else is
//! looked at. `recompute_all` is the plain full pass, used at resume (and
//! by the tests as the reference the incremental path must match).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::layout::Shape;
use super::{Answer, Progress, Runner};

/// The items still to re-evaluate, smallest flat index first, each once.
pub(super) struct Work {
    heap: BinaryHeap<Reverse<usize>>,
    queued: Vec<bool>,
}

impl Work {
    pub fn new(n: usize) -> Work {
        Work {
            heap: BinaryHeap::new(),
            queued: vec![false; n],
        }
    }

    fn push_all(&mut self, flats: &[usize]) {
        for &f in flats {
            if !std::mem::replace(&mut self.queued[f], true) {
                self.heap.push(Reverse(f));
            }
        }
    }

    fn pop(&mut self) -> Option<usize> {
        let Reverse(f) = self.heap.pop()?;
        self.queued[f] = false;
        Some(f)
    }
}

/// Adds or takes one from a count.
fn bump(n: &mut usize, up: bool) {
    if up {
        *n += 1;
    } else {
        *n = n.saturating_sub(1);
    }
}

impl Runner {
    /// Stores (or with `None` removes) one variable's answer and brings
    /// everything that reads it up to date.
    pub(super) fn put(&mut self, id: &str, slot: u32, answer: Option<Answer>) {
        match &answer {
            Some(a) => {
                self.answers.insert(id.to_owned(), a.clone());
            }
            None => {
                self.answers.remove(id);
            }
        }
        let Some(place) = self.layout.slots.get(slot as usize).copied() else {
            return;
        };
        self.by_slot[slot as usize] = answer;
        self.refresh_done(place.flat);
        if !self.layout.ordered {
            self.recompute_all();
            return;
        }
        self.work.push_all(&self.layout.dependants[slot as usize]);
        // A row's answer is also part of its matrix's value.
        if place.row.is_some() {
            let matrix = self.layout.own[place.flat][0];
            self.work.push_all(&self.layout.dependants[matrix as usize]);
        }
        self.propagate();
    }

    /// Re-evaluates the queued items in order, queueing the readers of each
    /// item whose visibility changed.
    fn propagate(&mut self) {
        while let Some(f) = self.work.pop() {
            let shown = self.pass().shown(f);
            if shown == self.visible[f] {
                continue;
            }
            self.visible[f] = shown;
            self.count_visible(f, shown);
            for &s in &self.layout.own[f] {
                self.work.push_all(&self.layout.dependants[s as usize]);
            }
        }
    }

    /// The full pass: every item's visibility in order, every screen's
    /// "done", and the counts from scratch.
    pub(super) fn recompute_all(&mut self) {
        for f in 0..self.len() {
            let shown = self.pass().shown(f);
            self.visible[f] = shown;
            self.done[f] = self.screen_done(f);
        }
        let mut t = Progress::default();
        for f in 0..self.len() {
            if !self.is_screen(f) {
                continue;
            }
            t.total += 1;
            if f <= self.position {
                t.step = t.total;
            }
            if self.layout.shape[f].is_question() {
                t.questions += 1;
                if self.done[f] {
                    t.done += 1;
                }
            }
        }
        self.tally = t;
    }

    /// Moves the position, counting the screens passed over into `step`.
    pub(super) fn move_to(&mut self, to: usize) {
        let from = self.position;
        let (lo, hi, up) = if to >= from {
            (from + 1, to, true)
        } else {
            (to + 1, from, false)
        };
        for f in lo..=hi.min(self.len().saturating_sub(1)) {
            if self.is_screen(f) {
                bump(&mut self.tally.step, up);
            }
        }
        self.position = to;
    }

    /// Whether screen `f` counts as answered or declined: an item when it
    /// has an answer, a matrix when every row has.
    fn screen_done(&self, f: usize) -> bool {
        let own = &self.layout.own[f];
        match self.layout.shape[f] {
            Shape::Matrix => own[1..].iter().all(|&s| self.by_slot[s as usize].is_some()),
            _ => self.by_slot[own[0] as usize].is_some(),
        }
    }

    fn refresh_done(&mut self, f: usize) {
        let done = self.screen_done(f);
        if done == self.done[f] {
            return;
        }
        self.done[f] = done;
        if self.visible[f] && self.layout.shape[f].is_question() {
            bump(&mut self.tally.done, done);
        }
    }

    /// Item `f` was just shown or hidden.
    fn count_visible(&mut self, f: usize, shown: bool) {
        let shape = self.layout.shape[f];
        if !shape.is_screen() {
            return;
        }
        bump(&mut self.tally.total, shown);
        if f <= self.position {
            bump(&mut self.tally.step, shown);
        }
        if shape.is_question() {
            bump(&mut self.tally.questions, shown);
            if self.done[f] {
                bump(&mut self.tally.done, shown);
            }
        }
    }
}
