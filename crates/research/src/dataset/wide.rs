//! `long.csv` (one row per variable per session) and `wide_<form>.csv` (one
//! row per session of a form, one column per variable of every known
//! version of its instruments).

use std::collections::{BTreeMap, HashMap};

use kohort_form::AnswerValue;
use kohort_form::study::{Form, Study};

use super::columns::{Names, VarColumn, form_columns, form_instruments};
use super::model::{Data, Episode, Participant, Session, VarRow, missing_code};
use super::people::datetime;
use super::place::Place;
use super::table::{Column, Kind, Table};

/// Days per month for `months_since_anchor` (365.25 / 12).
const DAYS_PER_MONTH: f64 = 30.4375;

/// A value as written in the files. Several codes are joined by `;`.
pub fn render(v: &AnswerValue) -> String {
    match v {
        AnswerValue::Code(c) | AnswerValue::Int(c) => c.to_string(),
        AnswerValue::Codes(cs) => cs.iter().map(i64::to_string).collect::<Vec<_>>().join(";"),
        AnswerValue::Decimal(d) => d.to_string(),
        AnswerValue::Text(t) => t.clone(),
        AnswerValue::Date(d) => d.to_string(),
    }
}

/// The cell of a variable: its value, or its missing code.
pub fn cell(v: &VarRow) -> String {
    match (&v.value, missing_code(&v.state)) {
        (Some(val), _) => render(val),
        (None, Some(code)) => code.to_string(),
        (None, None) => String::new(),
    }
}

/// Months from the episode's anchor to the session's end (or start).
fn months_since(ep: &Episode, s: &Session) -> String {
    let at = s.completed_at.as_deref().unwrap_or(&s.started_at);
    super::model::day(at).map_or_else(String::new, |d| {
        format!("{:.2}", (d - ep.anchor).num_days() as f64 / DAYS_PER_MONTH)
    })
}

/// The columns every per-session file starts with.
/// The columns naming a participant's episode, first in the session files
/// and in `visits.csv`.
pub(super) fn episode_columns() -> Vec<Column> {
    vec![
        Column::plain("study_code", Kind::Text, "Study code"),
        Column::plain("site", Kind::Text, "Site"),
        Column::plain("participant_id", Kind::Text, "Participant id"),
        Column::plain("episode_id", Kind::Text, "Episode id"),
        Column::plain("anchor_date", Kind::Date, "Episode anchor date"),
        Column::plain("withdrawn_at", Kind::Date, "Consent withdrawn on"),
    ]
}

pub(super) fn episode_cells(p: &Participant, ep: &Episode) -> Vec<String> {
    vec![
        p.study_code.clone(),
        p.site.clone(),
        p.id.clone(),
        ep.id.clone(),
        ep.anchor.to_string(),
        p.withdrawn_cell(),
    ]
}

fn key_columns() -> Vec<Column> {
    let mut cols = episode_columns();
    cols.push(Column::plain("session_id", Kind::Text, "Session id"));
    cols
}

fn key_cells(p: &Participant, ep: &Episode, s: &Session) -> Vec<String> {
    let mut cells = episode_cells(p, ep);
    cells.push(s.id.clone());
    cells
}

fn occurrence_cell(place: Option<&Place>) -> String {
    place
        .and_then(|p| p.occurrence)
        .map(|n| (n + 1).to_string())
        .unwrap_or_default()
}

pub fn long(data: &Data, places: &HashMap<String, Place>) -> Table {
    let mut cols = key_columns();
    cols.extend([
        Column::plain("form", Kind::Text, "Form"),
        Column::plain("occurrence", Kind::Integer, "Scheduled occurrence, from 1"),
        Column::plain("instrument", Kind::Text, "Instrument"),
        Column::plain("instrument_version", Kind::Text, "Instrument version"),
        Column::plain("variable", Kind::Text, "Variable"),
        Column::plain("value", Kind::Text, "Value, or the missing-data code"),
        Column::plain("state", Kind::Text, "answered, or why it is missing"),
        Column::plain("answered_at", Kind::DateTime, "When it was answered"),
        Column::plain(
            "months_since_anchor",
            Kind::Number,
            "Months from the anchor date",
        ),
    ]);
    let mut t = Table::new("long", "one row per variable per session", cols);
    for s in &data.sessions {
        let (Some(p), Some(ep)) = (data.participant(&s.participant), data.episode(&s.episode))
        else {
            continue;
        };
        let versions: HashMap<&str, &str> = s
            .instruments
            .iter()
            .map(|p| (p.id.as_str(), p.version.as_str()))
            .collect();
        for v in &s.variables {
            let mut row = key_cells(p, ep, s);
            row.extend([
                s.form.clone(),
                occurrence_cell(places.get(&s.id)),
                v.instrument.clone(),
                versions
                    .get(v.instrument.as_str())
                    .copied()
                    .unwrap_or("")
                    .to_owned(),
                v.name.clone(),
                cell(v),
                v.state.clone(),
                v.answered_at.as_deref().map(datetime).unwrap_or_default(),
                months_since(ep, s),
            ]);
            t.push(row);
        }
    }
    t
}

/// A form id as a file name part.
pub fn safe(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// The wide file of a form; written even when no session of it exists.
pub fn wide(study: &Study, form: &Form, data: &Data, places: &HashMap<String, Place>) -> Table {
    let mut names = Names::default();
    let mut cols = key_columns();
    cols.extend([
        Column::plain("occurrence", Kind::Integer, "Scheduled occurrence, from 1"),
        Column::plain("target_date", Kind::Date, "Target date of the occurrence"),
        Column::plain("started_at", Kind::DateTime, "Session started at"),
        Column::plain("completed_at", Kind::DateTime, "Session completed at"),
        Column::plain(
            "months_since_anchor",
            Kind::Number,
            "Months from the anchor date",
        ),
    ]);
    for c in &cols {
        names.claim(&c.name);
    }
    let instruments: Vec<String> = form_instruments(study, form, &data.instruments)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let version_names: Vec<String> = instruments
        .iter()
        .map(|i| names.claim(&format!("{i}_version")))
        .collect();
    for (i, name) in instruments.iter().zip(&version_names) {
        cols.push(Column::plain(
            name,
            Kind::Text,
            &format!("Version of {i} asked"),
        ));
    }
    let vars: Vec<VarColumn> = form_columns(study, form, &data.instruments, &mut names);
    cols.extend(vars.iter().map(|v| v.column.clone()));
    let about = format!("one row per session of form {}", form.id);
    let mut t = Table::new(&format!("wide_{}", safe(&form.id)), &about, cols);
    for s in data.sessions.iter().filter(|s| s.form == form.id) {
        let (Some(p), Some(ep)) = (data.participant(&s.participant), data.episode(&s.episode))
        else {
            continue;
        };
        let place = places.get(&s.id);
        let mut row = key_cells(p, ep, s);
        row.extend([
            occurrence_cell(place),
            place
                .and_then(|p| p.target)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            datetime(&s.started_at),
            s.completed_at.as_deref().map(datetime).unwrap_or_default(),
            months_since(ep, s),
        ]);
        let versions: BTreeMap<&str, &str> = s
            .instruments
            .iter()
            .map(|p| (p.id.as_str(), p.version.as_str()))
            .collect();
        row.extend(
            instruments
                .iter()
                .map(|i| versions.get(i.as_str()).copied().unwrap_or("").to_owned()),
        );
        let by_name: HashMap<&str, &VarRow> =
            s.variables.iter().map(|v| (v.name.as_str(), v)).collect();
        for c in &vars {
            let v = by_name.get(c.var.as_str());
            row.push(match (v, c.option) {
                (None, _) => String::new(),
                (Some(v), None) => cell(v),
                (Some(v), Some(code)) => match (&v.value, missing_code(&v.state)) {
                    (Some(AnswerValue::Codes(cs)), _) => u8::from(cs.contains(&code)).to_string(),
                    (None, Some(m)) => m.to_string(),
                    _ => String::new(),
                },
            });
        }
        t.push(row);
    }
    t
}
