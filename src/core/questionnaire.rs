//! A questionnaire in someone's hands: what each tap does to the runner
//! ([`apply`], pure, also used by the form preview) and what is saved
//! ([`Questionnaire::persist`]): every changed answer, the position, a
//! pause or the completion.

use std::collections::BTreeSet;

use uuid::Uuid;

use kohort_form::runner::Runner;
use kohort_form::{Answer, AnswerValue, Invalid, ItemKind};
use kohort_tablet::store::{Store, StoreError};

/// What the respondent did.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    Set(String, AnswerValue),
    Clear(String),
    Decline(String),
    Next,
    Back,
    Pause,
}

/// What must be saved after a step, in the order it happened.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// An item's answer changed (`None`: removed).
    Answer(String, Option<Answer>),
    /// The screen moved: save the position and the screens seen.
    Moved,
    Paused,
    /// Past the last screen: the questionnaire is complete.
    Finished,
}

/// A value the runner refused, still on screen: the first Next after it
/// stays and says so again, the second goes on without an answer (the item
/// ends skipped). Nothing typed vanishes without a word.
#[derive(Clone, Debug, PartialEq)]
pub struct Refused {
    pub item: String,
    pub message: Invalid,
    /// Next was tapped once already.
    pub warned: bool,
}

/// What a step did to the runner.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Applied {
    pub changes: Vec<Change>,
    /// A value the runner refused, with the words for the respondent.
    pub invalid: Option<Invalid>,
    /// Next stayed on a refused value: the next Next goes on without it.
    pub next_skips: bool,
    /// "Vil ikke svare" was chosen or undone: typing starts afresh.
    pub retype: bool,
}

/// Applies one step to the runner and says what to save. A value the
/// runner refuses becomes a gentle message and removes an earlier answer
/// to the same item, so what is stored always matches the screen; it is
/// kept in `refused` until the respondent fixes it or taps Next twice.
pub fn apply(runner: &mut Runner, refused: &mut Option<Refused>, step: Step) -> Applied {
    let before = runner.answers().clone();
    let mut out = Applied::default();
    let mut moved = Vec::new();
    if let Step::Set(id, _) | Step::Clear(id) | Step::Decline(id) = &step
        && refused.as_ref().is_some_and(|r| r.item == *id)
    {
        *refused = None;
    }
    match step {
        Step::Set(id, value) => {
            if let Err(invalid) = runner.set(&id, value) {
                out.invalid = Some(invalid.clone());
                runner.clear(&id);
                *refused = Some(Refused {
                    item: id,
                    message: invalid,
                    warned: false,
                });
            }
        }
        Step::Clear(id) => {
            out.retype = runner.answer(&id) == Some(&Answer::Declined);
            let rows: Vec<String> = match runner.current().map(|c| &c.item.kind) {
                Some(ItemKind::Matrix { rows, .. }) if runner.position_id() == Some(&id) => {
                    rows.iter().map(|r| r.id.clone()).collect()
                }
                _ => Vec::new(),
            };
            // Undoing "Vil ikke svare" on a matrix clears its declined rows.
            for row in rows {
                if runner.answer(&row) == Some(&Answer::Declined) {
                    runner.clear(&row);
                }
            }
            runner.clear(&id);
        }
        Step::Decline(id) => {
            out.retype = true;
            // Only items on screen can be declined, so this cannot fail
            // for a step the screen produced.
            let _ = runner.decline(&id);
        }
        Step::Next => match refused {
            Some(r) if !r.warned => {
                r.warned = true;
                out.invalid = Some(r.message.clone());
                out.next_skips = true;
            }
            _ => {
                *refused = None;
                runner.next();
                moved.push(Change::Moved);
                if runner.at_end() {
                    moved.push(Change::Finished);
                }
            }
        },
        Step::Back => {
            *refused = None;
            runner.back();
            moved.push(Change::Moved);
        }
        Step::Pause => moved.push(Change::Paused),
    }
    let after = runner.answers();
    out.changes = after
        .iter()
        .filter(|(id, a)| before.get(*id) != Some(*a))
        .map(|(id, a)| Change::Answer(id.clone(), Some(a.clone())))
        .collect();
    out.changes.extend(
        before
            .keys()
            .filter(|id| !after.contains_key(*id))
            .map(|id| Change::Answer(id.clone(), None)),
    );
    out.changes.extend(moved);
    out
}

/// A session being answered, by a patient or (clinician forms) by staff.
pub struct Questionnaire {
    pub session: Uuid,
    pub runner: Runner,
    /// Set when a save failed; the respondent is told to fetch staff.
    pub save_error: Option<StoreError>,
    /// Items whose latest answer is not yet on disk.
    pub unsaved: BTreeSet<String>,
    /// The respondent moved, and where they stand is not yet on disk.
    pub position_unsaved: bool,
    /// A clinician form filled in by staff: no hand-back, no full screen.
    pub by_staff: bool,
    /// A value on screen the runner refused.
    pub refused: Option<Refused>,
}

/// How a step ended, for the screen to follow.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Still answering; `invalid` holds the words for a refused value,
    /// `next_skips` that the next Next goes on without it, `retype` that
    /// typing starts afresh.
    Answering {
        invalid: Option<Invalid>,
        next_skips: bool,
        retype: bool,
    },
    /// Paused or finished: the tablet goes back to staff (locked for a
    /// patient form). `unsaved`: something did not reach the disk.
    HandBack { finished: bool, unsaved: bool },
}

impl Questionnaire {
    /// Saves what a step changed, the answers and the position in one
    /// commit. Answers that fail to save stay listed as unsaved and are
    /// retried (with their latest values) on every later step; the error
    /// stays until everything is saved, and nobody is told "saved" before.
    /// Returns whether the session ended (`Some(true)` completed,
    /// `Some(false)` paused).
    pub fn persist(&mut self, store: &mut Store, changes: &[Change]) -> Option<bool> {
        let mut failed: Option<StoreError> = None;
        for c in changes {
            if let Change::Answer(id, _) = c {
                self.unsaved.insert(id.clone());
            }
        }
        let moved = changes.iter().any(|c| !matches!(c, Change::Answer(..)));
        if moved || !self.unsaved.is_empty() || self.position_unsaved {
            let answers: Vec<(&str, Option<&Answer>)> = self
                .unsaved
                .iter()
                .map(|id| (id.as_str(), self.runner.answer(id)))
                .collect();
            let place = (moved || self.position_unsaved)
                .then(|| (self.runner.position_id(), self.runner.seen()));
            match store.save_step(self.session, &answers, place) {
                Ok(()) => {
                    self.unsaved.clear();
                    self.position_unsaved = false;
                }
                Err(e) => {
                    self.position_unsaved |= moved;
                    failed = Some(e);
                }
            }
        }
        let mut end = None;
        for c in changes {
            let done = match c {
                Change::Paused => store
                    .pause_session(self.session)
                    .map(|()| end = Some(false)),
                Change::Finished if failed.is_none() => store
                    .complete_session(self.session)
                    .map(|()| end = Some(true)),
                _ => Ok(()),
            };
            if let Err(e) = done {
                failed = Some(e);
            }
        }
        self.save_error = failed;
        end
    }

    /// Whether something did not reach the disk.
    pub fn unsaved(&self) -> bool {
        self.save_error.is_some() || !self.unsaved.is_empty() || self.position_unsaved
    }
}
