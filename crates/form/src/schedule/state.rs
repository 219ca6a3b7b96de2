//! The state of one scheduled form: first from what happened to it (the
//! facts), else from where today falls against its window and the episode.

use chrono::NaiveDate;

use crate::Lang;

/// What happened to a form, as plain values the store can provide.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    /// The form id in the study (`baseline`, `medication`, …).
    pub form: String,
    /// Which occurrence of a recurring or repeatable form, counted from 0;
    /// ignored for timepoints and end-of-treatment forms, which occur once.
    pub occurrence: u32,
    pub happened: Happened,
}

/// A session's status with its dates, or a nurse's note that it was missed.
#[derive(Clone, Debug, PartialEq)]
pub enum Happened {
    InProgress {
        started: NaiveDate,
        /// Share of the questionnaire answered, 0.0–1.0, when known.
        progress: Option<f32>,
    },
    Paused {
        started: NaiveDate,
        progress: Option<f32>,
    },
    Completed {
        on: NaiveDate,
    },
    /// The session was given up; the form is still to be collected.
    Abandoned {
        on: NaiveDate,
    },
    /// A nurse's mark: the study's coded reason and/or words of their own.
    Missed {
        code: Option<i64>,
        reason: String,
    },
}

/// Where a scheduled form stands today.
#[derive(Clone, Debug, PartialEq)]
pub enum State {
    /// Its window has not opened yet.
    Upcoming,
    /// Today is inside its window.
    Open,
    /// Its window has closed, but the episode goes on, so it can still be
    /// collected; `days_late` counts from the last day of the window (the
    /// day after it is 1 day late).
    Late {
        days_late: i64,
    },
    /// A session under way; `days_late` when its window has closed (it
    /// stays late until it is done).
    InProgress {
        progress: Option<f32>,
        days_late: Option<i64>,
    },
    Paused {
        progress: Option<f32>,
        days_late: Option<i64>,
    },
    /// `deviation_days` from the target date (negative when early); `None`
    /// for forms without a target (manual events).
    Completed {
        on: NaiveDate,
        deviation_days: Option<i64>,
    },
    Missed {
        code: Option<i64>,
        reason: String,
    },
    /// The episode ended before its window opened.
    NotApplicable,
    /// Not collected, and no longer collectable because the episode has
    /// ended: staff should mark it missed with a reason.
    Closed,
    /// A manual form staff may start at any time.
    Available,
    /// Not collected: the participant withdrew consent.
    Withdrawn,
}

impl State {
    /// Days since the window closed, for a form not yet done (late, or a
    /// session under way past its window).
    pub fn days_late(&self) -> Option<i64> {
        match self {
            State::Late { days_late } => Some(*days_late),
            State::InProgress { days_late, .. } | State::Paused { days_late, .. } => *days_late,
            _ => None,
        }
    }

    /// Work that can be done today.
    pub fn is_due(&self) -> bool {
        matches!(
            self,
            State::Open | State::Late { .. } | State::InProgress { .. } | State::Paused { .. }
        )
    }

    /// A short label for tables and lists.
    pub fn label(&self, lang: Lang) -> String {
        let nb = lang == Lang::Nb;
        let pct = |p: &Option<f32>| match p {
            Some(p) if p.is_finite() => format!(" ({:.0} %)", p.clamp(0.0, 1.0) * 100.0),
            _ => String::new(),
        };
        let late = |d: &Option<i64>| match d {
            Some(d) if nb => format!(", forsinket {d} d"),
            Some(d) => format!(", late {d} d"),
            None => String::new(),
        };
        match self {
            State::Upcoming => if nb { "kommende" } else { "upcoming" }.into(),
            State::Open => if nb { "åpen nå" } else { "open now" }.into(),
            State::Late { days_late } => {
                if nb {
                    format!("forsinket, {days_late} d")
                } else {
                    format!("late, {days_late} d")
                }
            }
            State::InProgress {
                progress,
                days_late,
            } => format!(
                "{}{}{}",
                if nb { "pågår" } else { "in progress" },
                pct(progress),
                late(days_late)
            ),
            State::Paused {
                progress,
                days_late,
            } => format!(
                "{}{}{}",
                if nb { "pause" } else { "paused" },
                pct(progress),
                late(days_late)
            ),
            State::Completed {
                on,
                deviation_days: Some(d),
            } => format!("{} {on} ({d:+} d)", if nb { "utfylt" } else { "completed" }),
            State::Completed { on, .. } => {
                format!("{} {on}", if nb { "utfylt" } else { "completed" })
            }
            State::Missed { code, reason } => {
                let missed = if nb { "ikke utfylt" } else { "missed" };
                match (code, reason.is_empty()) {
                    (_, false) => format!("{missed}: {reason}"),
                    (Some(c), true) => format!("{missed} ({c})"),
                    (None, true) => missed.to_owned(),
                }
            }
            State::NotApplicable => if nb { "ikke aktuell" } else { "not applicable" }.into(),
            State::Closed => if nb {
                "ikke samlet inn (episode avsluttet)"
            } else {
                "not collected (episode ended)"
            }
            .into(),
            State::Available => if nb { "kan startes" } else { "can be started" }.into(),
            State::Withdrawn => if nb {
                "samtykke trukket"
            } else {
                "consent withdrawn"
            }
            .into(),
        }
    }
}

/// The state the facts give, if any settles it. Completed beats everything
/// (the data exists); then a session under way (the latest started); then a
/// nurse's missed note. Abandoned sessions settle nothing: the form is
/// still to be collected.
pub(super) fn from_facts<'a>(
    facts: impl IntoIterator<Item = &'a Happened>,
    target: Option<NaiveDate>,
) -> Option<State> {
    let facts: Vec<&Happened> = facts.into_iter().collect();
    let completed = facts
        .iter()
        .filter_map(|h| match h {
            Happened::Completed { on } => Some(*on),
            _ => None,
        })
        .min();
    if let Some(on) = completed {
        return Some(State::Completed {
            on,
            deviation_days: target.map(|t| (on - t).num_days()),
        });
    }
    let active = facts
        .iter()
        .filter_map(|h| match h {
            Happened::InProgress { started, progress } => Some((
                *started,
                State::InProgress {
                    progress: *progress,
                    days_late: None,
                },
            )),
            Happened::Paused { started, progress } => Some((
                *started,
                State::Paused {
                    progress: *progress,
                    days_late: None,
                },
            )),
            _ => None,
        })
        .max_by_key(|(started, _)| *started);
    if let Some((_, state)) = active {
        return Some(state);
    }
    facts.iter().find_map(|h| match h {
        Happened::Missed { code, reason } => Some(State::Missed {
            code: *code,
            reason: reason.clone(),
        }),
        _ => None,
    })
}

/// The state from dates alone, for a form whose window runs from `opens`
/// to `closes` (`None`: open until done) in an episode ending on `end`.
///
/// The episode end cuts the window: a window opening after the end is
/// [`State::NotApplicable`]; one straddling the end is collectable up to
/// and including the end day. After the end nothing left is collectable:
/// it is [`State::Closed`], never [`State::Late`].
pub(super) fn from_dates(
    opens: NaiveDate,
    closes: Option<NaiveDate>,
    today: NaiveDate,
    end: Option<NaiveDate>,
) -> State {
    if let Some(end) = end {
        if opens > end {
            return State::NotApplicable;
        }
        if today > end {
            return State::Closed;
        }
    }
    if today < opens {
        return State::Upcoming;
    }
    match closes {
        Some(closes) if today > closes => State::Late {
            days_late: (today - closes).num_days(),
        },
        _ => State::Open,
    }
}

/// A session under way past its window is late too: the facts say it is
/// under way, the dates how late.
pub(super) fn with_lateness(state: State, by_dates: &State) -> State {
    let late = match by_dates {
        State::Late { days_late } => Some(*days_late),
        _ => None,
    };
    match state {
        State::InProgress { progress, .. } => State::InProgress {
            progress,
            days_late: late,
        },
        State::Paused { progress, .. } => State::Paused {
            progress,
            days_late: late,
        },
        other => other,
    }
}
