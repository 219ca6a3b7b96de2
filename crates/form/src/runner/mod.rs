//! One questionnaire in progress: position, visibility, next/back, progress
//! and the final state of every item. Pure: no GUI, no database. The store
//! saves what the runner is given; the GUI shows what the runner says.

mod env;

use crate::answer::{Answer, AnswerValue, Invalid, ItemState, validate};

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::study::Questionnaire;
use crate::{Instrument, Item, ItemKind, Text};

use env::Pass;

/// Where a variable lives: the flat index of its item, and for a matrix row
/// the row's index.
#[derive(Clone, Copy, Debug)]
struct Place {
    flat: usize,
    row: Option<usize>,
}

/// The item on screen, with what the GUI needs to show it.
#[derive(Clone, Copy, Debug)]
pub struct Current<'a> {
    pub instrument: &'a Instrument,
    pub item: &'a Item,
    /// The section title: the nearest section item, else the instrument title.
    pub section: &'a Text,
}

/// How far the respondent is, counted in screens still visible.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

pub struct Runner {
    q: Questionnaire,
    /// Every item of every instrument, in order: (instrument, item).
    flat: Vec<(usize, usize)>,
    places: HashMap<String, Place>,
    /// For each flat item, the flat index of its section item, if any.
    section_of: Vec<Option<usize>>,
    answers: BTreeMap<String, Answer>,
    /// Ids of the screens the respondent has been shown.
    seen: BTreeSet<String>,
    visible: Vec<bool>,
    /// Flat index of the current screen; `flat.len()` means past the end.
    position: usize,
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
        let mut flat = Vec::new();
        let mut places = HashMap::new();
        let mut section_of = Vec::new();
        for (i, inst) in q.instruments.iter().enumerate() {
            let mut section = None;
            for (j, item) in inst.items.iter().enumerate() {
                let f = flat.len();
                if matches!(item.kind, ItemKind::Section) {
                    section = Some(f);
                }
                section_of.push(section);
                flat.push((i, j));
                places.insert(item.id.clone(), Place { flat: f, row: None });
                if let ItemKind::Matrix { rows, .. } = &item.kind {
                    for (r, row) in rows.iter().enumerate() {
                        places.insert(
                            row.id.clone(),
                            Place {
                                flat: f,
                                row: Some(r),
                            },
                        );
                    }
                }
            }
        }
        let n = flat.len();
        let mut runner = Runner {
            q,
            flat,
            places,
            section_of,
            answers,
            seen,
            visible: vec![false; n],
            position: 0,
        };
        runner.recompute();
        let past_end = position.is_none() && !runner.seen.is_empty();
        let start = match position.and_then(|id| runner.places.get(id)) {
            Some(p) => p.flat,
            None if past_end => n,
            None => 0,
        };
        runner.position = runner.first_screen_from(start).unwrap_or(n);
        runner.mark_seen();
        runner
    }

    pub fn questionnaire(&self) -> &Questionnaire {
        &self.q
    }

    fn item_at(&self, flat: usize) -> Option<(&Instrument, &Item)> {
        let &(i, j) = self.flat.get(flat)?;
        let inst = self.q.instruments.get(i)?;
        Some((inst, inst.items.get(j)?))
    }

    fn is_screen(&self, flat: usize) -> bool {
        self.item_at(flat).is_some_and(|(_, item)| {
            !matches!(item.kind, ItemKind::Section | ItemKind::Score { .. })
        }) && self.visible[flat]
    }

    fn first_screen_from(&self, start: usize) -> Option<usize> {
        (start..self.flat.len()).find(|&f| self.is_screen(f))
    }

    fn mark_seen(&mut self) {
        if let Some((_, item)) = self.item_at(self.position) {
            let id = item.id.clone();
            self.seen.insert(id);
        }
    }

    /// Recomputes which items are visible, in order: a `show_if` only looks
    /// at earlier items, so one pass suffices.
    fn recompute(&mut self) {
        let mut visible = std::mem::take(&mut self.visible);
        for f in 0..self.flat.len() {
            let shown = match self.item_at(f) {
                Some((_, item)) => {
                    let section_shown = match self.section_of[f] {
                        Some(s) if s != f => visible[s],
                        _ => true,
                    };
                    section_shown
                        && item.show_if.as_ref().is_none_or(|e| {
                            Pass::new(self, &visible, self.flat[f].0).truthy(&e.ast)
                        })
                }
                None => false,
            };
            visible[f] = shown;
        }
        self.visible = visible;
    }

    /// The screen to show, or `None` past the end (the thank-you screen).
    pub fn current(&self) -> Option<Current<'_>> {
        let (inst, item) = self.item_at(self.position)?;
        let section = self.section_of[self.position]
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
        self.position >= self.flat.len()
    }

    /// Moves to the next visible screen (or past the end). Never blocked by
    /// a missing answer.
    pub fn next(&mut self) {
        self.position = self
            .first_screen_from(self.position + 1)
            .unwrap_or(self.flat.len());
        self.mark_seen();
    }

    /// Moves to the previous visible screen; answers are kept. Returns false
    /// on the first screen.
    pub fn back(&mut self) -> bool {
        let prev = (0..self.position.min(self.flat.len()))
            .rev()
            .find(|&f| self.is_screen(f));
        match prev {
            Some(f) => {
                self.position = f;
                self.mark_seen();
                true
            }
            None => false,
        }
    }

    fn place(&self, id: &str) -> Option<(Place, &Item)> {
        let place = *self.places.get(id)?;
        let (_, item) = self.item_at(place.flat)?;
        Some((place, item))
    }

    /// Sets an answer (an item, or one row of a matrix) after validating it.
    /// An empty multi-choice or blank text clears the answer instead.
    pub fn set(&mut self, id: &str, value: AnswerValue) -> Result<(), Invalid> {
        let (place, item) = self.place(id).ok_or_else(|| unknown(id))?;
        if matches!(item.kind, ItemKind::Matrix { .. }) && place.row.is_none() {
            return Err(unknown(id));
        }
        let value = validate(item, place.row.is_some(), value)?;
        let empty = match &value {
            AnswerValue::Codes(c) => c.is_empty(),
            AnswerValue::Text(t) => t.is_empty(),
            _ => false,
        };
        if empty {
            self.answers.remove(id);
        } else {
            self.answers.insert(id.to_owned(), Answer::Value(value));
        }
        self.recompute();
        Ok(())
    }

    /// Records "Vil ikke svare". On a matrix it declines every row that has
    /// no answer yet and keeps the rows already answered.
    pub fn decline(&mut self, id: &str) -> Result<(), Invalid> {
        let (place, item) = self.place(id).ok_or_else(|| unknown(id))?;
        match (&item.kind, place.row) {
            (ItemKind::Matrix { rows, .. }, None) => {
                for row in rows.clone() {
                    self.answers.entry(row.id).or_insert(Answer::Declined);
                }
            }
            (ItemKind::Section | ItemKind::Note | ItemKind::Score { .. }, _) => {
                return Err(unknown(id));
            }
            _ => {
                self.answers.insert(id.to_owned(), Answer::Declined);
            }
        }
        self.recompute();
        Ok(())
    }

    /// Removes an answer or a decline.
    pub fn clear(&mut self, id: &str) {
        if self.answers.remove(id).is_some() {
            self.recompute();
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
        self.places.get(id).is_some_and(|p| self.visible[p.flat])
    }

    /// Whether a screen counts as answered or declined.
    fn screen_done(&self, item: &Item) -> bool {
        match &item.kind {
            ItemKind::Matrix { rows, .. } => rows.iter().all(|r| self.answers.contains_key(&r.id)),
            _ => self.answers.contains_key(&item.id),
        }
    }

    pub fn progress(&self) -> Progress {
        let mut p = Progress {
            step: 0,
            total: 0,
            done: 0,
            questions: 0,
        };
        for f in 0..self.flat.len() {
            if !self.is_screen(f) {
                continue;
            }
            p.total += 1;
            if f <= self.position {
                p.step = p.total;
            }
            if let Some((_, item)) = self.item_at(f)
                && !matches!(item.kind, ItemKind::Note)
            {
                p.questions += 1;
                if self.screen_done(item) {
                    p.done += 1;
                }
            }
        }
        p
    }

    /// The final state of every analysis variable, in questionnaire order:
    /// questions, matrix rows and scores.
    pub fn outcome(&self) -> Vec<(String, ItemState)> {
        let mut out = Vec::new();
        for (f, &(i, _)) in self.flat.iter().enumerate() {
            let Some((inst, item)) = self.item_at(f) else {
                continue;
            };
            let shown = self.visible[f];
            match &item.kind {
                ItemKind::Section | ItemKind::Note => {}
                ItemKind::Score { expr, .. } => {
                    let state = if !shown {
                        ItemState::NotShown
                    } else {
                        match Pass::new(self, &self.visible, i).number(&expr.ast) {
                            Some(v) => ItemState::Answered(AnswerValue::Decimal(v)),
                            None => ItemState::NotComputed,
                        }
                    };
                    out.push((item.id.clone(), state));
                }
                ItemKind::Matrix { rows, .. } => {
                    for row in rows {
                        out.push((row.id.clone(), self.state(&row.id, &item.id, shown)));
                    }
                }
                _ => out.push((item.id.clone(), self.state(&item.id, &item.id, shown))),
            }
            let _ = inst;
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
    Invalid {
        message: crate::Message {
            nb: format!("Ukjent spørsmål: {id}"),
            en: format!("Unknown question: {id}"),
        },
    }
}
