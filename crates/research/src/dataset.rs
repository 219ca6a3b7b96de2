//! `kohort store dataset`: analysis files from the research database.
//!
//! - `long.csv`: one row per variable per session.
//! - `wide_<form>.csv`: one row per session of the form (for a timepoint
//!   form, one per participant-episode; recurring forms number their rows
//!   in `occurrence`), one column per variable, `<instrument>_version`
//!   columns.
//! - `codebook.csv`: the codebook of the instrument versions actually asked.
//! - `labels.do`, `labels.sps`, `labels.R`: value labels (`super::labels`).
//!
//! A missing state is written as its negative code (the codebook lists
//! them) in the value column. In a wide file an empty cell means the
//! variable does not exist in the instrument version that session asked.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rusqlite::Connection;

use kohort_batch::Pinned;
use kohort_form::codebook::{self, csv_text, csv_writer};
use kohort_form::{AnswerValue, ItemState};
use kohort_form::{Instrument, load};

use crate::db;
use crate::error::{ResearchError, Result};
use crate::labels;

/// Days per month for `months_since_anchor` (365.25 / 12).
const DAYS_PER_MONTH: f64 = 30.4375;

/// One opened session as the dataset sees it.
#[derive(Clone, Debug)]
pub struct SessionRow {
    pub study_code: String,
    pub site: String,
    pub participant: String,
    pub episode: String,
    pub anchor: String,
    pub session: String,
    pub form: String,
    pub completed_at: Option<String>,
    pub instruments: Vec<Pinned>,
    pub variables: Vec<VarRow>,
}

#[derive(Clone, Debug)]
pub struct VarRow {
    pub instrument: String,
    pub name: String,
    pub state: String,
    pub value: Option<AnswerValue>,
    pub answered_at: Option<String>,
}

/// What [`write`] wrote.
#[derive(Clone, Debug, Default)]
pub struct Written {
    pub files: Vec<PathBuf>,
    pub sessions: usize,
    pub long_rows: usize,
}

/// The code a missing state is written as; `None` for `answered`.
pub fn missing_code(state: &str) -> Option<i64> {
    [
        ItemState::Declined,
        ItemState::Skipped,
        ItemState::NotShown,
        ItemState::NotReached,
        ItemState::NotComputed,
    ]
    .into_iter()
    .find(|s| s.name() == state)
    .and_then(|s| s.missing_code())
}

/// A value as written in the CSV files. Several codes are joined by `;`.
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

/// Months from the episode's anchor to `at` (an RFC 3339 time or a date).
pub fn months_since(anchor: &str, at: Option<&str>) -> String {
    let day = |s: &str| s.get(..10).and_then(|d| d.parse::<NaiveDate>().ok());
    match (day(anchor), at.and_then(day)) {
        (Some(a), Some(b)) => format!("{:.2}", (b - a).num_days() as f64 / DAYS_PER_MONTH),
        _ => String::new(),
    }
}

fn corrupt(e: impl std::fmt::Display) -> ResearchError {
    ResearchError::Corrupt(e.to_string())
}

/// Every session with its variables, by study code, episode, form, time.
pub fn sessions(conn: &Connection) -> Result<Vec<SessionRow>> {
    let mut st = conn.prepare(
        "SELECT p.study_code, p.site, p.id, e.id, e.anchor_date, s.id, s.form_id,
                s.completed_at, s.instruments
         FROM sessions s JOIN participants p ON p.id = s.participant
              JOIN episodes e ON e.id = s.episode
         ORDER BY p.study_code, e.anchor_date, e.id, s.form_id, s.completed_at, s.id",
    )?;
    let mut rows = st.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let instruments: String = r.get(8)?;
        out.push(SessionRow {
            study_code: r.get(0)?,
            site: r.get(1)?,
            participant: r.get(2)?,
            episode: r.get(3)?,
            anchor: r.get(4)?,
            session: r.get(5)?,
            form: r.get(6)?,
            completed_at: r.get(7)?,
            instruments: serde_json::from_str(&instruments).map_err(corrupt)?,
            variables: Vec::new(),
        });
    }
    let mut vars = conn.prepare_cached(
        "SELECT instrument, name, state, value, answered_at FROM variables
         WHERE session = ?1 ORDER BY ordinal",
    )?;
    for s in &mut out {
        let mut rows = vars.query([&s.session])?;
        while let Some(r) = rows.next()? {
            let value: Option<String> = r.get(3)?;
            s.variables.push(VarRow {
                instrument: r.get(0)?,
                name: r.get(1)?,
                state: r.get(2)?,
                value: value
                    .map(|v| serde_json::from_str(&v))
                    .transpose()
                    .map_err(corrupt)?,
                answered_at: r.get(4)?,
            });
        }
    }
    Ok(out)
}

/// The pinned instruments in the database, parsed, by (id, version).
pub fn instruments(conn: &Connection) -> Result<BTreeMap<(String, String), Instrument>> {
    let mut st = conn.prepare("SELECT id, version, hash, canonical FROM instruments")?;
    let mut rows = st.query([])?;
    let mut out = BTreeMap::new();
    while let Some(r) = rows.next()? {
        let (id, version, hash, canonical): (String, String, String, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        let (inst, problems) = load::instrument_from_bytes(&id, canonical.as_bytes());
        let inst = inst.ok_or_else(|| {
            corrupt(format!(
                "pinned instrument {id} {version} does not load: {}",
                problems.first().map(|p| p.to_string()).unwrap_or_default()
            ))
        })?;
        if inst.hash != hash {
            return Err(corrupt(format!(
                "pinned instrument {id} {version}: hash differs"
            )));
        }
        out.insert((id, version), inst);
    }
    Ok(out)
}

/// Writes every analysis file into `out`.
pub fn write(store_dir: &Path, out: &Path) -> Result<Written> {
    let conn = db::open(store_dir, false)?;
    let sessions = sessions(&conn)?;
    let instruments = instruments(&conn)?;
    fs::create_dir_all(out).map_err(|source| ResearchError::Io {
        path: out.to_owned(),
        source,
    })?;
    let mut w = Written {
        sessions: sessions.len(),
        ..Written::default()
    };
    let (long, n) = long_csv(&sessions);
    w.long_rows = n;
    put(out, "long.csv", &long, &mut w)?;
    let mut forms: BTreeMap<&str, Vec<&SessionRow>> = BTreeMap::new();
    for s in &sessions {
        forms.entry(&s.form).or_default().push(s);
    }
    for (form, rows) in &forms {
        put(
            out,
            &format!("wide_{}.csv", safe(form)),
            &wide_csv(rows),
            &mut w,
        )?;
    }
    let mut asked_in: HashMap<(&str, &str), Vec<&str>> = HashMap::new();
    for s in &sessions {
        for p in &s.instruments {
            let forms = asked_in.entry((&p.id, &p.version)).or_default();
            if !forms.contains(&s.form.as_str()) {
                forms.push(&s.form);
            }
        }
    }
    let codebook = codebook::csv_of(instruments.iter().map(|((id, v), inst)| {
        let forms = asked_in
            .get(&(id.as_str(), v.as_str()))
            .cloned()
            .unwrap_or_default();
        (inst, forms)
    }));
    put(out, "codebook.csv", &codebook, &mut w)?;
    let latest: Vec<&Instrument> = latest_versions(&instruments);
    put(out, "labels.do", &labels::stata(&latest), &mut w)?;
    put(out, "labels.sps", &labels::spss(&latest), &mut w)?;
    put(out, "labels.R", &labels::r(&latest), &mut w)?;
    Ok(w)
}

/// The last version (by semantic version order) of each instrument id.
fn latest_versions(all: &BTreeMap<(String, String), Instrument>) -> Vec<&Instrument> {
    let mut best: BTreeMap<&str, &Instrument> = BTreeMap::new();
    for inst in all.values() {
        let newer = best
            .get(inst.id.as_str())
            .is_none_or(|b| semver_key(&inst.version) > semver_key(&b.version));
        if newer {
            best.insert(&inst.id, inst);
        }
    }
    best.into_values().collect()
}

fn semver_key(v: &str) -> Vec<u64> {
    v.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

/// A form id as a file name part.
fn safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn put(dir: &Path, name: &str, text: &str, w: &mut Written) -> Result<()> {
    let path = dir.join(name);
    kohort_files::write_atomic(&path, text.as_bytes()).map_err(|source| ResearchError::Io {
        path: path.clone(),
        source,
    })?;
    w.files.push(path);
    Ok(())
}

fn line(o: &mut csv::Writer<Vec<u8>>, fields: &[&str]) {
    // Writing into memory cannot fail.
    let _ = o.write_record(fields);
}

pub const LONG_COLUMNS: &[&str] = &[
    "study_code",
    "site",
    "participant_id",
    "episode_id",
    "anchor_date",
    "session_id",
    "form",
    "instrument",
    "instrument_version",
    "variable",
    "value",
    "state",
    "answered_at",
    "months_since_anchor",
];

fn long_csv(sessions: &[SessionRow]) -> (String, usize) {
    let mut o = csv_writer();
    line(&mut o, LONG_COLUMNS);
    let mut n = 0;
    for s in sessions {
        let versions: HashMap<&str, &str> = s
            .instruments
            .iter()
            .map(|p| (p.id.as_str(), p.version.as_str()))
            .collect();
        for v in &s.variables {
            // Scores and missing items are dated by the session's end.
            let at = v.answered_at.as_deref().or(s.completed_at.as_deref());
            line(
                &mut o,
                &[
                    &s.study_code,
                    &s.site,
                    &s.participant,
                    &s.episode,
                    &s.anchor,
                    &s.session,
                    &s.form,
                    &v.instrument,
                    versions.get(v.instrument.as_str()).copied().unwrap_or(""),
                    &v.name,
                    &cell(v),
                    &v.state,
                    v.answered_at.as_deref().unwrap_or(""),
                    &months_since(&s.anchor, at),
                ],
            );
            n += 1;
        }
    }
    (csv_text(o), n)
}

fn wide_csv(rows: &[&SessionRow]) -> String {
    let mut instruments: Vec<&str> = Vec::new();
    let mut vars: Vec<&str> = Vec::new();
    for s in rows {
        for p in &s.instruments {
            if !instruments.contains(&p.id.as_str()) {
                instruments.push(&p.id);
            }
        }
        for v in &s.variables {
            if !vars.contains(&v.name.as_str()) {
                vars.push(&v.name);
            }
        }
    }
    let version_cols: Vec<String> = instruments.iter().map(|i| format!("{i}_version")).collect();
    let mut header: Vec<&str> = vec![
        "study_code",
        "site",
        "participant_id",
        "episode_id",
        "anchor_date",
        "session_id",
        "occurrence",
        "completed_at",
        "months_since_anchor",
    ];
    header.extend(version_cols.iter().map(String::as_str));
    header.extend(vars.iter().copied());
    let mut o = csv_writer();
    line(&mut o, &header);
    let mut occurrence: HashMap<(&str, &str), usize> = HashMap::new();
    for s in rows {
        let k = occurrence.entry((&s.participant, &s.episode)).or_default();
        *k += 1;
        let versions: HashMap<&str, &str> = s
            .instruments
            .iter()
            .map(|p| (p.id.as_str(), p.version.as_str()))
            .collect();
        let cells: HashMap<&str, String> = s
            .variables
            .iter()
            .map(|v| (v.name.as_str(), cell(v)))
            .collect();
        let mut fields: Vec<String> = vec![
            s.study_code.clone(),
            s.site.clone(),
            s.participant.clone(),
            s.episode.clone(),
            s.anchor.clone(),
            s.session.clone(),
            k.to_string(),
            s.completed_at.clone().unwrap_or_default(),
            months_since(&s.anchor, s.completed_at.as_deref()),
        ];
        fields.extend(
            instruments
                .iter()
                .map(|i| versions.get(i).copied().unwrap_or("").to_owned()),
        );
        fields.extend(
            vars.iter()
                .map(|v| cells.get(v).cloned().unwrap_or_default()),
        );
        let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
        line(&mut o, &refs);
    }
    csv_text(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_codes_match_the_runner_and_months_are_counted_from_the_anchor() {
        assert_eq!(missing_code("declined"), Some(-1));
        assert_eq!(missing_code("not_computed"), Some(-5));
        assert_eq!(missing_code("answered"), None);
        assert_eq!(
            months_since("2025-01-01", Some("2025-07-02T10:00:00Z")),
            "5.98"
        );
        assert_eq!(render(&AnswerValue::Codes(vec![1, 3])), "1;3");
    }
}
