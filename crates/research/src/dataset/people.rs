//! `participants.csv`, `episodes.csv` and `sessions.csv`: the facts around
//! the answers, from what the store has (columns a batch does not carry
//! yet stay empty).

use std::collections::HashMap;

use chrono::SecondsFormat;

use super::model::Data;
use super::place::Place;
use super::table::{Column, Kind, Table};

/// An RFC 3339 time as analysis tools read it: `YYYY-MM-DD HH:MM:SS`, UTC.
/// A value that is not such a time is left empty rather than misread.
pub fn datetime(s: &str) -> String {
    kohort_batch::parse_stamp(s)
        .map(|t| {
            t.to_rfc3339_opts(SecondsFormat::Secs, true)
                .replace('T', " ")
                .trim_end_matches('Z')
                .to_owned()
        })
        .unwrap_or_default()
}

fn yes_no(b: bool) -> String {
    u8::from(b).to_string()
}

pub fn participants(data: &Data) -> Table {
    let cols = vec![
        Column::plain("study_code", Kind::Text, "Study code"),
        Column::plain("site", Kind::Text, "Site"),
        Column::plain("participant_id", Kind::Text, "Participant id"),
        Column::plain("enrolled_at", Kind::DateTime, "Enrolled at"),
        Column::plain(
            "device_id",
            Kind::Text,
            "Device that enrolled the participant",
        ),
        Column::plain("consent_date", Kind::Date, "Date of consent"),
        Column::plain("consent_version", Kind::Text, "Version of the consent form"),
        Column::plain(
            "contact_interview",
            Kind::Integer,
            "May be contacted for an interview",
        )
        .coded(&[(0, "no"), (1, "yes")]),
        Column::plain(
            "contact_relatives",
            Kind::Integer,
            "Relatives may be contacted",
        )
        .coded(&[(0, "no"), (1, "yes")]),
        Column::plain("withdrawn_at", Kind::Date, "Consent withdrawn on"),
        Column::plain("episodes", Kind::Integer, "Treatment episodes in the store"),
        Column::plain("sessions", Kind::Integer, "Sessions in the store"),
    ];
    let mut t = Table::new("participants", "one row per participant", cols);
    let episodes = Data::count(&data.episodes, |e| &e.participant);
    let sessions = Data::count(&data.sessions, |s| &s.participant);
    for p in &data.participants {
        let c = p.consent.as_ref();
        t.push(vec![
            p.study_code.clone(),
            p.site.clone(),
            p.id.clone(),
            p.enrolled_at.as_deref().map(datetime).unwrap_or_default(),
            p.device_id.clone().unwrap_or_default(),
            c.map(|c| c.date.clone()).unwrap_or_default(),
            c.map(|c| c.version.clone()).unwrap_or_default(),
            c.map(|c| yes_no(c.contact_interview)).unwrap_or_default(),
            c.map(|c| yes_no(c.contact_relatives)).unwrap_or_default(),
            p.withdrawn_cell(),
            episodes
                .get(p.id.as_str())
                .copied()
                .unwrap_or(0)
                .to_string(),
            sessions
                .get(p.id.as_str())
                .copied()
                .unwrap_or(0)
                .to_string(),
        ]);
    }
    t
}

pub fn episodes(data: &Data) -> Table {
    let cols = vec![
        Column::plain("study_code", Kind::Text, "Study code"),
        Column::plain("site", Kind::Text, "Site"),
        Column::plain("participant_id", Kind::Text, "Participant id"),
        Column::plain("episode_id", Kind::Text, "Episode id"),
        Column::plain("episode_number", Kind::Integer, "Episode number, from 1"),
        Column::plain("anchor_date", Kind::Date, "Anchor date (day 0)"),
        Column::plain("end_date", Kind::Date, "End of treatment"),
        Column::plain(
            "end_type",
            Kind::Text,
            "How it ended: completed, dropped_out, transferred, discharged, died, other",
        ),
        Column::plain("device_id", Kind::Text, "Device that owns the episode"),
        Column::plain("withdrawn_at", Kind::Date, "Consent withdrawn on"),
        Column::plain("sessions", Kind::Integer, "Sessions in the store"),
    ];
    let mut t = Table::new("episodes", "one row per treatment episode", cols);
    let sessions = Data::count(&data.sessions, |s| &s.episode);
    for e in &data.episodes {
        let Some(p) = data.participant(&e.participant) else {
            continue;
        };
        t.push(vec![
            p.study_code.clone(),
            p.site.clone(),
            p.id.clone(),
            e.id.clone(),
            e.number.to_string(),
            e.anchor.to_string(),
            e.end.map(|d| d.to_string()).unwrap_or_default(),
            e.end_type.clone().unwrap_or_default(),
            e.device_id.clone().unwrap_or_default(),
            p.withdrawn_cell(),
            sessions
                .get(e.id.as_str())
                .copied()
                .unwrap_or(0)
                .to_string(),
        ]);
    }
    t
}

pub fn sessions(data: &Data, places: &HashMap<String, Place>) -> Table {
    let cols = vec![
        Column::plain("study_code", Kind::Text, "Study code"),
        Column::plain("site", Kind::Text, "Site"),
        Column::plain("participant_id", Kind::Text, "Participant id"),
        Column::plain("episode_id", Kind::Text, "Episode id"),
        Column::plain("session_id", Kind::Text, "Session id"),
        Column::plain("form", Kind::Text, "Form"),
        Column::plain("occurrence", Kind::Integer, "Scheduled occurrence, from 1"),
        Column::plain("target_date", Kind::Date, "Target date of the occurrence"),
        Column::plain("started_at", Kind::DateTime, "Started at"),
        Column::plain("completed_at", Kind::DateTime, "Completed at"),
        Column::plain("minutes", Kind::Number, "Minutes from start to completion"),
        Column::plain("respondent", Kind::Text, "patient or clinician"),
        Column::plain("language", Kind::Text, "Language the form was answered in"),
        Column::plain("device_id", Kind::Text, "Device"),
        Column::plain(
            "batch_seq",
            Kind::Integer,
            "Batch it arrived in (per device)",
        ),
        Column::plain("instruments", Kind::Text, "Instrument versions asked"),
        Column::plain("withdrawn_at", Kind::Date, "Consent withdrawn on"),
    ];
    let mut t = Table::new("sessions", "one row per session", cols);
    for s in &data.sessions {
        let Some(p) = data.participant(&s.participant) else {
            continue;
        };
        let place = places.get(&s.id).copied().unwrap_or_default();
        let minutes = match (
            kohort_batch::parse_stamp(&s.started_at),
            s.completed_at
                .as_deref()
                .and_then(kohort_batch::parse_stamp),
        ) {
            (Some(a), Some(b)) => format!("{:.1}", (b - a).num_seconds() as f64 / 60.0),
            _ => String::new(),
        };
        let instruments: Vec<String> = s
            .instruments
            .iter()
            .map(|i| format!("{} {}", i.id, i.version))
            .collect();
        t.push(vec![
            p.study_code.clone(),
            p.site.clone(),
            p.id.clone(),
            s.episode.clone(),
            s.id.clone(),
            s.form.clone(),
            place
                .occurrence
                .map(|n| (n + 1).to_string())
                .unwrap_or_default(),
            place.target.map(|d| d.to_string()).unwrap_or_default(),
            datetime(&s.started_at),
            s.completed_at.as_deref().map(datetime).unwrap_or_default(),
            minutes,
            s.respondent.clone(),
            s.language.clone().unwrap_or_default(),
            s.device_id.clone(),
            s.batch_seq.to_string(),
            instruments.join("; "),
            p.withdrawn_cell(),
        ]);
    }
    t
}
