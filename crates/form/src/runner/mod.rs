//! One questionnaire in progress: position, visibility, next/back, progress
//! and the final state of every item. Pure: no GUI, no database. The store
//! saves what the runner is given; the GUI shows what the runner says.

mod env;
mod layout;
mod update;

use crate::answer::{Answer, AnswerValue, Invalid, ItemState, validate};

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::study::Questionnaire;
use crate::{Instrument, Item, ItemKind, Text};

use env::Pass;
use layout::{Layout, Place, Shape};
use update::Work;

/// The item on screen, with what the GUI needs to show it.
#[derive(Clone, Copy, Debug)]
pub struct Current<'a> {
    pub instrument: &'a Instrument,
    pub item: &'a Item,
    /// The section title: the nearest section item, else the instrument title.
    pub section: &'a Text,
}

/// How far the respondent is, counted in screens still visible.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// 1-based number of the current screen among the visible ones.
    pub step: usize,
    /// Visible screens in the whole questionnaire (may change as answers do).
    pub total: usize,
    /// Visible question screens answered or declined.
    pub done: usize,
    /// Visible question screens (notes excluded).
    pub questions: usize,
}

/// A questionnaire's layout (items in order, slots, resolved expressions,
/// who reads what), shared by the runners of that questionnaire.
#[derive(Clone)]
pub struct Plan {
    layout: Arc<Layout>,
    /// What the layout was made from: the instruments' content hashes and
    /// the form's params.
    made_for: (Vec<String>, BTreeMap<String, f64>),
}

impl Plan {
    pub fn new(q: &Questionnaire) -> Plan {
        Plan {
            layout: Arc::new(Layout::new(q)),
            made_for: Self::key(q),
        }
    }

    fn key(q: &Questionnaire) -> (Vec<String>, BTreeMap<String, f64>) {
        let hashes = q.instruments.iter().map(|i| i.hash.clone()).collect();
        (hashes, q.params.clone())
    }

    /// Whether this plan was made for `q`'s content.
    pub fn fits(&self, q: &Questionnaire) -> bool {
        self.made_for.1 == q.params
            && self.made_for.0.len() == q.instruments.len()
            && self
                .made_for
                .0
                .iter()
                .zip(&q.instruments)
                .all(|(h, i)| *h == i.hash)
    }
}

/// Answers are kept twice: by id for the caller and the store, and by slot
/// for expressions. Visibility, each screen's "done" and the progress counts
/// are kept up to date on every change, re-evaluating only the items the
/// change can reach (see `update.rs`).
pub struct Runner {
    q: Questionnaire,
    layout: Arc<Layout>,
    answers: BTreeMap<String, Answer>,
    by_slot: Vec<Option<Answer>>,
    /// Ids of the screens the respondent has been shown.
    seen: BTreeSet<String>,
    visible: Vec<bool>,
    /// Whether each screen counts as answered or declined.
    done: Vec<bool>,
    tally: Progress,
    /// Flat index of the current screen; `flat.len()` means past the end.
    position: usize,
    work: Work,
}

impl Runner {
    /// Starts at the first visible screen.
    pub fn new(q: Questionnaire) -> Self {
        Self::resume(q, BTreeMap::new(), None, BTreeSet::new())
    }

    /// Continues a saved session: the answers so far, the id of the screen
    /// it stood on, and the screens already shown. No position with screens
    /// already seen means it stood past the last screen (the end).
    pub fn resume(
        q: Questionnaire,
        answers: BTreeMap<String, Answer>,
        position: Option<&str>,
        seen: BTreeSet<String>,
    ) -> Self {
        let plan = Plan::new(&q);
        Self::resume_with(&plan, q, answers, position, seen)
    }

    /// [`Runner::resume`] with a plan worked out before, for replaying many
    /// sessions of the same questionnaire (an export). A plan made for
    /// another questionnaire is not used.
    pub fn resume_with(
        plan: &Plan,
        q: Questionnaire,
        answers: BTreeMap<String, Answer>,
        position: Option<&str>,
        seen: BTreeSet<String>,
    ) -> Self {
        let layout = if plan.fits(&q) {
            Arc::clone(&plan.layout)
        } else {
            Arc::new(Layout::new(&q))
        };
        let n = layout.flat.len();
        let mut by_slot = vec![None; layout.slots.len()];
        for (id, a) in &answers {
            if let Some(&s) = layout.slot_of.get(id) {
                by_slot[s as usize] = Some(a.clone());
            }
        }
        let mut runner = Runner {
            q,
            work: Work::new(n),
            layout,
            answers,
            by_slot,
            seen,
            visible: vec![false; n],
            done: vec![false; n],
            tally: Progress::default(),
            position: 0,
        };
        runner.recompute_all();
        let past_end = position.is_none() && !runner.seen.is_empty();
        let start = match position.and_then(|id| runner.place_of(id)) {
            Some(p) => p.flat,
            None if past_end => n,
            None => 0,
        };
        let to = runner.first_screen_from(start).unwrap_or(n);
        runner.move_to(to);
        runner.mark_seen();
        runner
    }

    pub fn questionnaire(&self) -> &Questionnaire {
        &self.q
    }

    fn item_at(&self, flat: usize) -> Option<(&Instrument, &Item)> {
        let &(i, j) = self.layout.flat.get(flat)?;
        let inst = self.q.instruments.get(i)?;
        Some((inst, inst.items.get(j)?))
    }

    fn len(&self) -> usize {
        self.layout.flat.len()
    }

    fn is_screen(&self, flat: usize) -> bool {
        self.layout.shape.get(flat).is_some_and(|s| s.is_screen()) && self.visible[flat]
    }

    fn first_screen_from(&self, start: usize) -> Option<usize> {
        (start..self.len()).find(|&f| self.is_screen(f))
    }

    fn mark_seen(&mut self) {
        if let Some((_, item)) = self.item_at(self.position) {
            let id = item.id.clone();
            self.seen.insert(id);
        }
    }

    /// The screen to show, or `None` past the end (the thank-you screen).
    pub fn current(&self) -> Option<Current<'_>> {
        let (inst, item) = self.item_at(self.position)?;
        let section = self.layout.section_of[self.position]
            .and_then(|s| self.item_at(s))
            .and_then(|(_, s)| s.text.as_ref())
            .unwrap_or(&inst.title);
        Some(Current {
            instrument: inst,
            item,
            section,
        })
    }

    /// The id of the current screen's item, for saving the position.
    pub fn position_id(&self) -> Option<&str> {
        self.current().map(|c| c.item.id.as_str())
    }

    pub fn at_end(&self) -> bool {
        self.position >= self.len()
    }

    /// Moves to the next visible screen (or past the end). Never blocked by
    /// a missing answer.
    pub fn next(&mut self) {
        let to = self
            .first_screen_from(self.position + 1)
            .unwrap_or(self.len());
        self.move_to(to);
        self.mark_seen();
    }

    /// Moves to the previous visible screen; answers are kept. Returns false
    /// on the first screen.
    pub fn back(&mut self) -> bool {
        let prev = (0..self.position.min(self.len()))
            .rev()
            .find(|&f| self.is_screen(f));
        match prev {
            Some(f) => {
                self.move_to(f);
                self.mark_seen();
                true
            }
            None => false,
        }
    }

    fn place_of(&self, id: &str) -> Option<Place> {
        let &slot = self.layout.slot_of.get(id)?;
        self.layout.slots.get(slot as usize).copied()
    }

    fn place(&self, id: &str) -> Option<(u32, Place, &Item)> {
        let &slot = self.layout.slot_of.get(id)?;
        let place = *self.layout.slots.get(slot as usize)?;
        let (_, item) = self.item_at(place.flat)?;
        Some((slot, place, item))
    }

    /// Sets an answer (an item, or one row of a matrix) after validating it.
    /// An empty multi-choice or blank text clears the answer instead.
    pub fn set(&mut self, id: &str, value: AnswerValue) -> Result<(), Invalid> {
        let (slot, place, item) = self.place(id).ok_or_else(|| unknown(id))?;
        if matches!(item.kind, ItemKind::Matrix { .. }) && place.row.is_none() {
            return Err(unknown(id));
        }
        let value = validate(item, place.row.is_some(), value)?;
        let empty = match &value {
            AnswerValue::Codes(c) => c.is_empty(),
            AnswerValue::Text(t) => t.is_empty(),
            _ => false,
        };
        let answer = (!empty).then_some(Answer::Value(value));
        self.put(id, slot, answer);
        Ok(())
    }

    /// Records "Vil ikke svare". On a matrix it declines every row that has
    /// no answer yet and keeps the rows already answered.
    pub fn decline(&mut self, id: &str) -> Result<(), Invalid> {
        let (slot, place, item) = self.place(id).ok_or_else(|| unknown(id))?;
        match (&item.kind, place.row) {
            (ItemKind::Matrix { rows, .. }, None) => {
                let rows: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
                for row in rows {
                    if !self.answers.contains_key(&row)
                        && let Some(&s) = self.layout.slot_of.get(&row)
                    {
                        self.put(&row, s, Some(Answer::Declined));
                    }
                }
            }
            (ItemKind::Section | ItemKind::Note | ItemKind::Score { .. }, _) => {
                return Err(unknown(id));
            }
            _ => self.put(id, slot, Some(Answer::Declined)),
        }
        Ok(())
    }

    /// Removes an answer or a decline.
    pub fn clear(&mut self, id: &str) {
        if let Some(&slot) = self.layout.slot_of.get(id) {
            if self.answers.contains_key(id) {
                self.put(id, slot, None);
            }
        } else {
            self.answers.remove(id);
        }
    }

    pub fn answer(&self, id: &str) -> Option<&Answer> {
        self.answers.get(id)
    }

    pub fn answers(&self) -> &BTreeMap<String, Answer> {
        &self.answers
    }

    pub fn seen(&self) -> &BTreeSet<String> {
        &self.seen
    }

    /// Whether an item (or the matrix a row belongs to) is asked now.
    pub fn is_visible(&self, id: &str) -> bool {
        self.place_of(id).is_some_and(|p| self.visible[p.flat])
    }

    /// Kept up to date by every change; nothing is walked here.
    pub fn progress(&self) -> Progress {
        self.tally
    }

    fn pass(&self) -> Pass<'_> {
        Pass {
            layout: &self.layout,
            answers: &self.by_slot,
            visible: &self.visible,
        }
    }

    /// The final state of every analysis variable, in questionnaire order:
    /// questions, matrix rows and scores.
    pub fn outcome(&self) -> Vec<(String, ItemState)> {
        let mut out = Vec::new();
        for f in 0..self.len() {
            let Some((_, item)) = self.item_at(f) else {
                continue;
            };
            let shown = self.visible[f];
            match self.layout.shape[f] {
                Shape::Section | Shape::Note => {}
                Shape::Score => {
                    let state = if !shown {
                        ItemState::NotShown
                    } else {
                        match self.layout.score[f]
                            .as_ref()
                            .and_then(|n| self.pass().number(n))
                        {
                            Some(v) => ItemState::Answered(AnswerValue::Decimal(v)),
                            None => ItemState::NotComputed,
                        }
                    };
                    out.push((item.id.clone(), state));
                }
                Shape::Matrix => {
                    if let ItemKind::Matrix { rows, .. } = &item.kind {
                        for row in rows {
                            out.push((row.id.clone(), self.state(&row.id, &item.id, shown)));
                        }
                    }
                }
                Shape::Question => {
                    out.push((item.id.clone(), self.state(&item.id, &item.id, shown)))
                }
            }
        }
        out
    }

    fn state(&self, var: &str, screen: &str, shown: bool) -> ItemState {
        if !shown {
            return ItemState::NotShown;
        }
        match self.answers.get(var) {
            Some(Answer::Value(v)) => ItemState::Answered(v.clone()),
            Some(Answer::Declined) => ItemState::Declined,
            None if self.seen.contains(screen) => ItemState::Skipped,
            None => ItemState::NotReached,
        }
    }
}

fn unknown(id: &str) -> Invalid {
    Invalid::Unknown(id.to_owned())
}
