//! Due dates and states of one episode's forms, from its anchor date, the
//! study and plain facts about what happened. Pure: the GUI feeds it store
//! data, the CLI feeds it nothing but dates.
//!
//! Rules:
//! - Targets are offsets from the anchor; calendar months clamp to the end
//!   of the month (31 Jan + 1 month = 28/29 Feb). A recurring form's n-th
//!   target is counted from the anchor each time, so month ends do not
//!   drift (first 1 month, every 3: 31 Jan → 29 Feb, 31 May, 31 Aug).
//! - Facts settle the state first (see [`State`]): completed, then a session
//!   under way, then missed. Abandoned sessions leave the form to collect.
//! - Otherwise dates decide: before the window [`State::Upcoming`], inside
//!   it [`State::Open`], after it [`State::Late`] while the episode goes on.
//! - An episode end cuts windows: a window opening after the end is
//!   [`State::NotApplicable`]; one straddling the end is open up to and
//!   including the end day; whatever is uncollected after the end is
//!   [`State::Closed`] (staff mark it missed with a reason).
//! - End-of-treatment forms appear once the episode has an end date, target
//!   the end date, and stay open until done: the protocol gives them no
//!   window. Manual forms have no dates: each recorded occurrence is a row,
//!   and a repeatable (or not yet recorded) one has a row that can be
//!   started.
//! - Recurring forms are listed up to today plus the next one, never past
//!   the episode end, and any occurrence a fact names.
//!
//! - Facts about forms the study no longer has are not shown (the sessions
//!   themselves still are, elsewhere); a fact naming an occurrence whose
//!   dates fall outside the calendar is an error, not a silent drop.
//!
//! A second episode is simply another call with its own anchor and facts.

mod due;
mod end;
mod months;
mod state;

pub use end::EndType;
pub use months::months_since;

use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::study::{Form, Offset, Recurring, Study, Trigger, Window};
use crate::{Respondent, Text};

pub use due::{due_today, upcoming, urgency};
pub use state::{Fact, Happened, State};

/// The dates of one treatment episode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EpisodeDates {
    pub anchor: NaiveDate,
    pub end: Option<NaiveDate>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ScheduleError {
    #[error("the episode ends on {end}, before its anchor date {anchor}")]
    EndBeforeAnchor { anchor: NaiveDate, end: NaiveDate },
    #[error("the dates of '{form}' (occurrence {occurrence}) fall outside the calendar")]
    OutOfRange { form: String, occurrence: u32 },
}

/// Which part of the protocol a row comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Timepoint,
    Recurring,
    Event(Trigger),
}

/// One form to collect (or collected) in the episode.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub form: String,
    pub title: Text,
    pub respondent: Respondent,
    pub kind: Kind,
    /// Counted from 0; for manual forms `None` marks the row that starts a
    /// new occurrence.
    pub occurrence: Option<u32>,
    /// `None` for manual forms.
    pub target: Option<NaiveDate>,
    pub opens: Option<NaiveDate>,
    /// The last collectable day: the window's end, or the episode end when
    /// that comes first; `None` when open until done (event forms).
    pub closes: Option<NaiveDate>,
    pub state: State,
}

impl Row {
    /// The title with the occurrence number (from 1) for forms that recur.
    pub fn title(&self, lang: crate::Lang) -> String {
        match (self.kind, self.occurrence) {
            (Kind::Timepoint | Kind::Event(Trigger::EndOfTreatment), _) | (_, None) => {
                self.title.get(lang).to_owned()
            }
            (_, Some(n)) => format!("{} {}", self.title.get(lang), n + 1),
        }
    }
}

/// Every row of the episode, ordered by target date (manual forms last),
/// protocol order breaking ties.
pub fn schedule(
    study: &Study,
    episode: EpisodeDates,
    today: NaiveDate,
    facts: &[Fact],
) -> Result<Vec<Row>, ScheduleError> {
    if let Some(end) = episode.end.filter(|e| *e < episode.anchor) {
        return Err(ScheduleError::EndBeforeAnchor {
            anchor: episode.anchor,
            end,
        });
    }
    // A timepoint or a recurring occurrence: facts first, else the dates.
    let dated =
        |form: &Form, kind, occurrence: Option<u32>, target: Option<NaiveDate>, window: Window| {
            let n = occurrence.unwrap_or(0);
            let target = target.ok_or_else(|| out_of_range(form, n))?;
            let (opens, closes) = window.around(target).ok_or_else(|| out_of_range(form, n))?;
            let by_dates = state::from_dates(opens, Some(closes), today, episode.end);
            let state = match state::from_facts(facts_of(facts, &form.id, occurrence), Some(target))
            {
                Some(s) => state::with_lateness(s, &by_dates),
                None => by_dates,
            };
            Ok::<_, ScheduleError>(Row {
                target: Some(target),
                opens: Some(opens),
                closes: Some(clip(opens, closes, episode.end)),
                ..row(form, kind, occurrence, state)
            })
        };
    let mut rows = Vec::new();
    for tp in &study.timepoints {
        let target = tp.offset.after(episode.anchor);
        rows.push(dated(&tp.form, Kind::Timepoint, None, target, tp.window)?);
    }
    for rec in &study.recurring {
        for n in occurrences(rec, episode, today, facts)? {
            let target = nth_target(rec, n, episode.anchor);
            rows.push(dated(
                &rec.form,
                Kind::Recurring,
                Some(n),
                target,
                rec.window,
            )?);
        }
    }
    let mut manual = Vec::new();
    for ev in &study.events {
        let kind = Kind::Event(ev.trigger);
        match ev.trigger {
            Trigger::EndOfTreatment => {
                let settled = state::from_facts(facts_of(facts, &ev.form.id, None), episode.end);
                let Some(end) = episode.end else {
                    // Data recorded before an end date was set is still shown.
                    if let Some(state) = settled {
                        manual.push(row(&ev.form, kind, None, state));
                    }
                    continue;
                };
                // Collectable after the end: that is what these forms are for.
                let state = settled.unwrap_or_else(|| state::from_dates(end, None, today, None));
                rows.push(Row {
                    target: Some(end),
                    opens: Some(end),
                    ..row(&ev.form, kind, None, state)
                });
            }
            Trigger::Manual => {
                let recorded: BTreeSet<u32> = facts
                    .iter()
                    .filter(|f| f.form == ev.form.id)
                    .map(|f| f.occurrence)
                    .collect();
                let mut shown = false;
                for &n in &recorded {
                    if let Some(state) =
                        state::from_facts(facts_of(facts, &ev.form.id, Some(n)), None)
                    {
                        manual.push(row(&ev.form, kind, Some(n), state));
                        shown = true;
                    }
                }
                if ev.repeatable || !shown {
                    manual.push(row(&ev.form, kind, None, State::Available));
                }
            }
        }
    }
    rows.sort_by_key(|r| r.target);
    rows.extend(manual);
    Ok(rows)
}

/// Stops collection after a withdrawal of consent: whatever is not
/// completed or marked missed is [`State::Withdrawn`], and manual forms can
/// no longer be started.
pub fn withdraw(rows: &mut Vec<Row>) {
    rows.retain(|r| r.state != State::Available);
    for r in rows {
        if !matches!(r.state, State::Completed { .. } | State::Missed { .. }) {
            r.state = State::Withdrawn;
        }
    }
}

/// What happened to `form`: to one occurrence, or to any (`None`).
fn facts_of<'a>(
    facts: &'a [Fact],
    form: &'a str,
    occurrence: Option<u32>,
) -> impl Iterator<Item = &'a Happened> {
    facts
        .iter()
        .filter(move |f| f.form == form && occurrence.is_none_or(|o| f.occurrence == o))
        .map(|f| &f.happened)
}

/// A row without dates; dated rows fill them in.
fn row(form: &Form, kind: Kind, occurrence: Option<u32>, state: State) -> Row {
    Row {
        form: form.id.clone(),
        title: form.title.clone(),
        respondent: form.respondent,
        kind,
        occurrence,
        target: None,
        opens: None,
        closes: None,
        state,
    }
}

/// A window's last day, cut at the episode end; a window opening after the
/// end keeps its dates (it is shown as not applicable).
fn clip(opens: NaiveDate, closes: NaiveDate, end: Option<NaiveDate>) -> NaiveDate {
    match end {
        Some(end) if end >= opens => closes.min(end),
        _ => closes,
    }
}

fn out_of_range(form: &Form, occurrence: u32) -> ScheduleError {
    ScheduleError::OutOfRange {
        form: form.id.clone(),
        occurrence,
    }
}

/// The `n`-th target (from 0) of a recurring form. When `first` and `every`
/// share a unit they are added before the anchor is moved, so month ends
/// do not drift.
fn nth_target(rec: &Recurring, n: u32, anchor: NaiveDate) -> Option<NaiveDate> {
    match (rec.first, rec.every) {
        (Offset::Months(f), Offset::Months(e)) => {
            Offset::Months(e.checked_mul(n)?.checked_add(f)?).after(anchor)
        }
        (Offset::Days(f), Offset::Days(e)) => {
            Offset::Days(e.checked_mul(n)?.checked_add(f)?).after(anchor)
        }
        (first, every) => every.times_after(n, first.after(anchor)?),
    }
}

/// The occurrences to list: those whose window opened by today, the next
/// one, none opening after the episode end, and any a fact names.
fn occurrences(
    rec: &Recurring,
    episode: EpisodeDates,
    today: NaiveDate,
    facts: &[Fact],
) -> Result<BTreeSet<u32>, ScheduleError> {
    let mut out: BTreeSet<u32> = facts
        .iter()
        .filter(|f| f.form == rec.form.id)
        .map(|f| f.occurrence)
        .collect();
    for n in 0.. {
        let opens = nth_target(rec, n, episode.anchor)
            .and_then(|t| rec.window.around(t))
            .map(|(opens, _)| opens)
            .ok_or_else(|| out_of_range(&rec.form, n))?;
        if episode.end.is_some_and(|end| opens > end) {
            break;
        }
        out.insert(n);
        if opens > today {
            break;
        }
    }
    Ok(out)
}
