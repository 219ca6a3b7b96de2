//! The research database read once into typed rows: everything the
//! analysis files are written from.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rusqlite::Connection;

use kohort_batch::{ConsentFacts, Pinned};
use kohort_form::{AnswerValue, Instrument, ItemState, load};

use crate::error::{ResearchError, Result};

#[derive(Clone, Debug)]
pub struct Participant {
    pub id: String,
    pub study_code: String,
    pub site: String,
    pub consent: Option<ConsentFacts>,
    pub enrolled_at: Option<String>,
    pub device_id: Option<String>,
}

impl Participant {
    /// The day consent was withdrawn (a date in the batch).
    pub fn withdrawn_on(&self) -> Option<NaiveDate> {
        day(self.consent.as_ref()?.withdrawn_at.as_deref()?)
    }

    /// [`Participant::withdrawn_on`] as a cell.
    pub fn withdrawn_cell(&self) -> String {
        self.withdrawn_on()
            .map(|d| d.to_string())
            .unwrap_or_default()
    }
}

#[derive(Clone, Debug)]
pub struct Episode {
    pub id: String,
    pub participant: String,
    pub anchor: NaiveDate,
    pub end: Option<NaiveDate>,
    pub end_type: Option<String>,
    /// From the batch when it says; else counted by anchor date (from 1).
    pub number: i64,
    pub device_id: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Session {
    pub id: String,
    pub device_id: String,
    pub batch_seq: i64,
    pub participant: String,
    pub episode: String,
    pub form: String,
    pub respondent: String,
    pub started_at: String,
    pub completed_at: Option<String>,
    pub instruments: Vec<Pinned>,
    /// The scheduled occurrence (from 1) as the batch gave it.
    pub occurrence: Option<i64>,
    pub target_date: Option<String>,
    pub language: Option<String>,
    pub variables: Vec<VarRow>,
}

impl Session {
    /// The day the session was collected on (its start).
    pub fn day(&self) -> Option<NaiveDate> {
        day(&self.started_at)
    }
}

#[derive(Clone, Debug)]
pub struct VarRow {
    pub instrument: String,
    pub name: String,
    pub state: String,
    pub value: Option<AnswerValue>,
    pub answered_at: Option<String>,
}

/// A nurse's mark that a scheduled form was missed.
#[derive(Clone, Debug)]
pub struct Missed {
    pub episode: String,
    pub form: String,
    /// From 1, as batches count.
    pub occurrence: i64,
    pub reason_code: Option<i64>,
    pub reason: String,
    pub marked_at: String,
}

#[derive(Clone, Debug)]
pub struct Batch {
    pub device_id: String,
    pub seq: i64,
    pub hash: String,
    pub file_name: String,
    pub study_id: String,
    pub created_at: String,
    pub imported_at: String,
}

/// Everything in the research database the files need.
#[derive(Clone, Debug, Default)]
pub struct Data {
    pub participants: Vec<Participant>,
    pub episodes: Vec<Episode>,
    pub sessions: Vec<Session>,
    pub missed: Vec<Missed>,
    pub batches: Vec<Batch>,
    /// The pinned instruments, by (id, version).
    pub instruments: BTreeMap<(String, String), Instrument>,
    /// Positions in `participants` and `episodes` by id ([`Data::reindex`]).
    by_participant: HashMap<String, usize>,
    by_episode: HashMap<String, usize>,
}

impl Data {
    pub fn participant(&self, id: &str) -> Option<&Participant> {
        self.participants.get(*self.by_participant.get(id)?)
    }

    pub fn episode(&self, id: &str) -> Option<&Episode> {
        self.episodes.get(*self.by_episode.get(id)?)
    }

    /// Rebuilds the lookups after rows were added or left out.
    pub fn reindex(&mut self) {
        self.by_participant = (self.participants.iter().enumerate())
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
        self.by_episode = (self.episodes.iter().enumerate())
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
    }

    /// How many rows of `items` each key has.
    pub fn count<'a, T>(items: &'a [T], key: impl Fn(&'a T) -> &'a str) -> HashMap<&'a str, usize> {
        let mut out: HashMap<&str, usize> = HashMap::new();
        for i in items {
            *out.entry(key(i)).or_default() += 1;
        }
        out
    }
}

/// The day of an RFC 3339 time or a date.
pub fn day(s: &str) -> Option<NaiveDate> {
    s.get(..10)?.parse().ok()
}

/// The code a missing state is written as; `None` for `answered`.
pub fn missing_code(state: &str) -> Option<i64> {
    MISSING_STATES
        .iter()
        .find(|s| s.name() == state)
        .and_then(ItemState::missing_code)
}

/// The missing states, in code order (-1 first).
pub const MISSING_STATES: [ItemState; 5] = [
    ItemState::Declined,
    ItemState::Skipped,
    ItemState::NotShown,
    ItemState::NotReached,
    ItemState::NotComputed,
];

pub(crate) fn corrupt(e: impl std::fmt::Display) -> ResearchError {
    ResearchError::Corrupt(e.to_string())
}

fn date(s: &str, what: &str) -> Result<NaiveDate> {
    s.parse()
        .map_err(|_| corrupt(format!("{what} '{s}' is not a date")))
}

pub fn read(conn: &Connection) -> Result<Data> {
    let mut d = Data {
        participants: participants(conn)?,
        episodes: episodes(conn)?,
        sessions: sessions(conn)?,
        missed: missed(conn)?,
        batches: batches(conn)?,
        instruments: instruments(conn)?,
        ..Data::default()
    };
    number_episodes(&mut d.episodes);
    d.reindex();
    Ok(d)
}

fn participants(conn: &Connection) -> Result<Vec<Participant>> {
    let mut st = conn.prepare(
        "SELECT id, study_code, site, consent, enrolled_at, device_id FROM participants
         ORDER BY study_code, id",
    )?;
    let mut rows = st.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let consent: Option<String> = r.get(3)?;
        out.push(Participant {
            id: r.get(0)?,
            study_code: r.get(1)?,
            site: r.get(2)?,
            // `null` is a participant sent without consent facts.
            consent: match consent {
                Some(c) => serde_json::from_str(&c).map_err(corrupt)?,
                None => None,
            },
            enrolled_at: r.get(4)?,
            device_id: r.get(5)?,
        });
    }
    Ok(out)
}

fn episodes(conn: &Connection) -> Result<Vec<Episode>> {
    let mut st = conn.prepare(
        "SELECT id, participant, anchor_date, end_date, end_type, number, device_id
         FROM episodes ORDER BY participant, anchor_date, id",
    )?;
    let mut rows = st.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let anchor: String = r.get(2)?;
        let end: Option<String> = r.get(3)?;
        out.push(Episode {
            id: r.get(0)?,
            participant: r.get(1)?,
            anchor: date(&anchor, "anchor date")?,
            end: end.map(|e| date(&e, "end date")).transpose()?,
            end_type: r.get(4)?,
            number: r.get::<_, Option<i64>>(5)?.unwrap_or(0),
            device_id: r.get(6)?,
        });
    }
    Ok(out)
}

/// Episodes without a number from their batch are numbered by anchor date
/// within their participant (the rows come in that order).
fn number_episodes(episodes: &mut [Episode]) {
    let mut last: Option<(String, i64)> = None;
    for e in episodes {
        let n = match &last {
            Some((p, n)) if *p == e.participant => n + 1,
            _ => 1,
        };
        if e.number == 0 {
            e.number = n;
        }
        last = Some((e.participant.clone(), n));
    }
}

fn sessions(conn: &Connection) -> Result<Vec<Session>> {
    let mut st = conn.prepare(
        "SELECT s.id, s.device_id, s.batch_seq, s.participant, s.episode, s.form_id,
                s.respondent, s.started_at, s.completed_at, s.instruments, s.occurrence,
                s.target_date, s.language
         FROM sessions s JOIN participants p ON p.id = s.participant
         ORDER BY p.study_code, s.episode, s.form_id, s.started_at, s.id",
    )?;
    let mut rows = st.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let instruments: String = r.get(9)?;
        out.push(Session {
            id: r.get(0)?,
            device_id: r.get(1)?,
            batch_seq: r.get(2)?,
            participant: r.get(3)?,
            episode: r.get(4)?,
            form: r.get(5)?,
            respondent: r.get(6)?,
            started_at: r.get(7)?,
            completed_at: r.get(8)?,
            instruments: serde_json::from_str(&instruments).map_err(corrupt)?,
            occurrence: r.get(10)?,
            target_date: r.get(11)?,
            language: r.get(12)?,
            variables: Vec::new(),
        });
    }
    let mut vars = conn.prepare_cached(
        "SELECT instrument, name, state, value, answered_at FROM variables
         WHERE session = ?1 ORDER BY ordinal",
    )?;
    for s in &mut out {
        let mut rows = vars.query([&s.id])?;
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

fn missed(conn: &Connection) -> Result<Vec<Missed>> {
    let mut st = conn.prepare(
        "SELECT episode, form_id, occurrence, reason_code, reason, marked_at FROM missed
         ORDER BY episode, form_id, occurrence",
    )?;
    let rows = st.query_map([], |r| {
        Ok(Missed {
            episode: r.get(0)?,
            form: r.get(1)?,
            occurrence: r.get(2)?,
            reason_code: r.get(3)?,
            reason: r.get(4)?,
            marked_at: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn batches(conn: &Connection) -> Result<Vec<Batch>> {
    let mut st = conn.prepare(
        "SELECT device_id, seq, hash, file_name, study_id, created_at, imported_at
         FROM batches ORDER BY device_id, seq",
    )?;
    let rows = st.query_map([], |r| {
        Ok(Batch {
            device_id: r.get(0)?,
            seq: r.get(1)?,
            hash: r.get(2)?,
            file_name: r.get(3)?,
            study_id: r.get(4)?,
            created_at: r.get(5)?,
            imported_at: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The pinned instruments in the database, parsed, by (id, version).
fn instruments(conn: &Connection) -> Result<BTreeMap<(String, String), Instrument>> {
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
