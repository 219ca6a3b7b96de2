//! `visits.csv`: every expected visit of every episode, computed with the
//! schedule code the tablet uses, from the sessions and missed marks the
//! store has, as of one day.

use std::collections::HashMap;

use chrono::NaiveDate;
use kohort_form::schedule::{Fact, Happened, Kind as RowKind, Row, State, schedule, withdraw};
use kohort_form::study::{Study, Trigger};

use super::model::{Data, Episode, Participant, Session, day};
use super::place::{Place, dates};
use super::table::{Column, Kind, Table};

/// The state's name in `visits.csv`.
pub fn state_name(s: &State) -> &'static str {
    match s {
        State::Completed { .. } => "done",
        State::Missed { .. } => "missed",
        State::Upcoming => "not_yet_due",
        State::Open | State::InProgress { .. } | State::Paused { .. } => "due",
        State::Late { .. } => "overdue",
        State::Closed => "not_collected",
        State::NotApplicable => "not_applicable",
        State::Withdrawn => "withdrawn",
        State::Available => "available",
    }
}

fn columns(study: &Study) -> Vec<Column> {
    let reasons: Vec<(i64, String)> = study
        .missed_reasons
        .iter()
        .map(|c| (c.code, c.text.nb.clone()))
        .collect();
    let mut reason = Column::plain("missed_code", Kind::Integer, "Coded reason it was missed");
    reason.labels = reasons;
    reason.level = super::table::Level::Nominal;
    let mut free = Column::plain("missed_reason", Kind::Text, "The nurse's words on why");
    free.free_text = true;
    let mut state = Column::plain(
        "state",
        Kind::Text,
        "Where the visit stands on the as-of day",
    );
    state.level = super::table::Level::Nominal;
    let mut cols = super::wide::episode_columns();
    cols.extend([
        Column::plain("form", Kind::Text, "Form"),
        Column::plain(
            "kind",
            Kind::Text,
            "timepoint, recurring or end_of_treatment",
        ),
        Column::plain("occurrence", Kind::Integer, "Scheduled occurrence, from 1"),
        Column::plain("target_date", Kind::Date, "Target date"),
        Column::plain("window_opens", Kind::Date, "First day of the window"),
        Column::plain(
            "window_closes",
            Kind::Date,
            "Last day of the window (cut at the episode end)",
        ),
        state,
        Column::plain("session_id", Kind::Text, "The session that did it"),
        Column::plain("completed_date", Kind::Date, "Day it was completed"),
        Column::plain(
            "deviation_days",
            Kind::Integer,
            "Days from the target (negative: early)",
        ),
        Column::plain("in_window", Kind::Integer, "Done inside its window")
            .coded(&[(0, "no"), (1, "yes")]),
        reason,
        free,
    ]);
    cols
}

fn d(v: Option<NaiveDate>) -> String {
    v.map(|d| d.to_string()).unwrap_or_default()
}

/// One expected visit of an episode as it stood on the as-of day: the
/// schedule's row (states settled by the sessions and missed marks the
/// store has) and the session that did it.
pub struct Visit<'a> {
    pub participant: &'a Participant,
    pub episode: &'a Episode,
    pub row: Row,
    /// The first completed session of the occurrence, when it is done.
    pub session: Option<&'a str>,
}

impl Visit<'_> {
    /// `timepoint`, `recurring` or `end_of_treatment`.
    pub fn kind(&self) -> &'static str {
        match self.row.kind {
            RowKind::Timepoint => "timepoint",
            RowKind::Recurring => "recurring",
            RowKind::Event(Trigger::EndOfTreatment) => "end_of_treatment",
            RowKind::Event(Trigger::Manual) => "manual",
        }
    }
}

/// Every expected visit of every episode, computed with the schedule the
/// tablet uses from what the store has, as of `as_of` (sessions completed
/// and marks made later do not count, nor a later withdrawal). Manual forms
/// are not expected visits.
pub fn expected<'a>(
    study: &Study,
    data: &'a Data,
    places: &HashMap<String, Place>,
    as_of: NaiveDate,
) -> Vec<Visit<'a>> {
    let mut of_episode: HashMap<&str, Vec<&Session>> = HashMap::new();
    for s in &data.sessions {
        of_episode.entry(&s.episode).or_default().push(s);
    }
    let mut out = Vec::new();
    for ep in &data.episodes {
        let Some(p) = data.participant(&ep.participant) else {
            continue;
        };
        let sessions = of_episode.get(ep.id.as_str()).cloned().unwrap_or_default();
        let mut facts = Vec::new();
        // Which session did an occurrence: the first completed.
        let mut by: HashMap<(String, u32), (NaiveDate, &str)> = HashMap::new();
        for s in &sessions {
            let (Some(n), Some(on)) = (
                places.get(&s.id).and_then(|p| p.occurrence),
                s.completed_at.as_deref().and_then(day),
            ) else {
                continue;
            };
            // The files show the study as it stood on the as-of day.
            if on > as_of {
                continue;
            }
            facts.push(Fact {
                form: s.form.clone(),
                occurrence: n,
                happened: Happened::Completed { on },
            });
            let e = by.entry((s.form.clone(), n)).or_insert((on, &s.id));
            if on < e.0 {
                *e = (on, &s.id);
            }
        }
        // Few marks in a store: a scan per episode is cheap.
        for m in data.missed.iter().filter(|m| m.episode == ep.id) {
            let Some(n) = super::place::from_one(m.occurrence) else {
                continue;
            };
            if day(&m.marked_at).is_some_and(|d| d > as_of) {
                continue;
            }
            facts.push(Fact {
                form: m.form.clone(),
                occurrence: n,
                happened: Happened::Missed {
                    code: m.reason_code,
                    reason: m.reason.clone(),
                },
            });
        }
        let Ok(mut rows) = schedule(study, dates(ep), as_of, &facts) else {
            continue;
        };
        if p.withdrawn_on().is_some_and(|w| w <= as_of) {
            withdraw(&mut rows);
        }
        for r in rows {
            if r.kind == RowKind::Event(Trigger::Manual) {
                continue;
            }
            let session = match r.state {
                State::Completed { .. } => by
                    .get(&(r.form.clone(), r.occurrence.unwrap_or(0)))
                    .map(|(_, id)| *id),
                _ => None,
            };
            out.push(Visit {
                participant: p,
                episode: ep,
                row: r,
                session,
            });
        }
    }
    out
}

pub fn table(
    study: &Study,
    data: &Data,
    places: &HashMap<String, Place>,
    as_of: NaiveDate,
) -> Table {
    let mut t = Table::new(
        "visits",
        "one row per expected visit (scheduled form occurrence) per episode",
        columns(study),
    );
    for v in expected(study, data, places, as_of) {
        let r = &v.row;
        let n = r.occurrence.unwrap_or(0);
        let (completed, deviation) = match &r.state {
            State::Completed { on, deviation_days } => (
                Some(*on),
                deviation_days.map(|d| d.to_string()).unwrap_or_default(),
            ),
            _ => (None, String::new()),
        };
        let in_window = match (completed, r.opens) {
            (Some(c), Some(o)) => {
                let inside = o <= c && r.closes.is_none_or(|cl| c <= cl);
                if inside { "1" } else { "0" }.to_owned()
            }
            _ => String::new(),
        };
        let (code, reason) = match &r.state {
            State::Missed { code, reason } => (
                code.map(|c| c.to_string()).unwrap_or_default(),
                reason.clone(),
            ),
            _ => (String::new(), String::new()),
        };
        let mut row = super::wide::episode_cells(v.participant, v.episode);
        row.extend([
            r.form.clone(),
            v.kind().to_owned(),
            (n + 1).to_string(),
            d(r.target),
            d(r.opens),
            d(r.closes),
            state_name(&r.state).to_owned(),
            v.session.unwrap_or_default().to_owned(),
            d(completed),
            deviation,
            in_window,
            code,
            reason,
        ]);
        t.push(row);
    }
    t
}
