//! Each completed session's variables, kept from the moment it is completed
//! until the research store confirms its batch: sealed, compressed JSON,
//! exactly the bytes its batch record carries. A completed session no
//! longer changes, so an export reads one value per session instead of
//! opening every answer and replaying the questionnaire (9 931 sessions
//! took 1.1 s that way), and a lost batch file is sealed again from them.
//! Sessions without a kept record (completed before records were kept)
//! are replayed.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use kohort_form::Instrument;
use kohort_form::runner::Plan;
use rusqlite::params;
use uuid::Uuid;
use zeroize::{Zeroize, Zeroizing};

use super::load::Opener;
use super::pinned::Pin;
use super::seal::Place;
use super::sessions::{SUMMARY_SQL, SessionSummary, summary};
use super::{Result, Store, StoreError, record};

/// The mark the migration leaves until earlier sessions' records are kept.
const RECORDS_TO_KEEP: &str = "records_to_keep";

/// The largest kept record opened (uncompressed): far above any real
/// session, and a bound on what a damaged length could make us allocate.
const MAX_KEPT: usize = 64 << 20;

fn kept_place(sid: &str) -> Place<'_> {
    Place {
        table: "session_records",
        row: sid,
        column: "value",
    }
}

/// A kept record to write: its sealed value and its pins.
pub(super) struct Kept {
    value: Vec<u8>,
    pins: String,
}

impl Kept {
    pub(super) fn write(&self, conn: &rusqlite::Connection, sid: &str) -> Result<()> {
        conn.prepare_cached("INSERT OR IGNORE INTO pin_sets (pins) VALUES (?1)")?
            .execute([&self.pins])?;
        let set: i64 = conn
            .prepare_cached("SELECT id FROM pin_sets WHERE pins = ?1")?
            .query_row([&self.pins], |r| r.get(0))?;
        conn.prepare_cached(
            "INSERT OR REPLACE INTO session_records (session, value, pin_set) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![sid, self.value, set])?;
        Ok(())
    }
}

/// The pins as written: id, version and hash, tab-separated, per line.
fn parse_pins(text: &str) -> Vec<Pin> {
    text.lines()
        .filter_map(|l| {
            let mut parts = l.split('\t');
            let (id, version, hash) = (parts.next()?, parts.next()?, parts.next()?);
            Some((id.to_owned(), version.to_owned(), hash.to_owned()))
        })
        .collect()
}

/// A completed session's summary and pinned instruments, and its kept
/// variables still sealed.
pub struct KeptSession {
    summary: SessionSummary,
    instruments: Vec<Arc<Instrument>>,
    blob: Vec<u8>,
}

/// A kept session opened: what its record needs but the participant and
/// episode facts, with its variables as JSON.
pub struct OpenedKept {
    pub summary: SessionSummary,
    pub instruments: Vec<Arc<Instrument>>,
    pub variables_json: Vec<u8>,
}

impl Store {
    /// `session`'s variables built and sealed for keeping, and its pins.
    pub(super) fn kept_value(&self, session: Uuid) -> Result<Kept> {
        self.kept_value_with(session, &mut Vec::new())
    }

    /// [`Self::kept_value`] with the runner plans made so far.
    fn kept_value_with(&self, session: Uuid, plans: &mut Vec<Plan>) -> Result<Kept> {
        let built = record::build(self.load_session(session)?, plans);
        let mut json = Vec::new();
        kohort_batch::write_variables(&mut json, &built.variables)?;
        let packed = Zeroizing::new(lz4_flex::compress_prepend_size(&json));
        json.zeroize();
        let pins = built
            .instruments
            .iter()
            .map(|i| format!("{}\t{}\t{}\n", i.id, i.version, i.hash))
            .collect();
        Ok(Kept {
            value: self.keys.seal(kept_place(&session.to_string()), &packed)?,
            pins,
        })
    }

    /// Builds and keeps the record of a completed session again (after its
    /// answers' times were changed by hand, as the demo does).
    pub fn keep_record(&mut self, session: Uuid) -> Result<()> {
        let kept = self.kept_value(session)?;
        kept.write(&self.conn, &session.to_string())
    }

    /// Keeps the record of every completed session not yet confirmed by
    /// the research store that has none, once, after the schema that keeps
    /// them was added (its migration leaves a mark; later unlocks only look
    /// for it).
    /// A session that cannot be built is left to the export, which replays
    /// it and reports what is wrong; returns how many were kept.
    pub(super) fn keep_missing(&mut self) -> Result<usize> {
        if self.setting(RECORDS_TO_KEEP)?.is_none() {
            return Ok(0);
        }
        let missing: Vec<String> = self
            .conn
            .prepare(
                "SELECT s.id FROM sessions s WHERE s.status = 'completed'
                 AND s.id NOT IN (SELECT bs.session FROM batch_sessions bs
                     JOIN batches b ON b.seq = bs.batch WHERE b.state IN ('confirmed', 'purged'))
                 AND NOT EXISTS (SELECT 1 FROM session_records k WHERE k.session = s.id)",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut plans = Vec::new();
        let values: Vec<(String, Kept)> = missing
            .into_iter()
            .filter_map(|sid| {
                let id = Uuid::parse_str(&sid).ok()?;
                let value = self.kept_value_with(id, &mut plans).ok()?;
                Some((sid, value))
            })
            .collect();
        // One transaction: one sync to disk, not one per session.
        let tx = self.conn.transaction()?;
        for (sid, kept) in &values {
            kept.write(&tx, sid)?;
        }
        tx.execute("DELETE FROM settings WHERE key = ?1", [RECORDS_TO_KEEP])?;
        tx.commit()?;
        Ok(values.len())
    }

    /// Hands `f` the summary and kept record of each of `sessions` that
    /// has one, in id order, as they are read (an export reads ten
    /// thousand in one query, opening them as they come); returns which.
    pub fn for_each_kept(
        &self,
        sessions: &[Uuid],
        mut f: impl FnMut(KeptSession) -> Result<()>,
    ) -> Result<HashSet<Uuid>> {
        let ids = serde_json::to_string(&sessions.iter().map(Uuid::to_string).collect::<Vec<_>>())?;
        let mut sets: HashMap<i64, String> = self
            .conn
            .prepare("SELECT id, pins FROM pin_sets")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut st = self.conn.prepare(&format!(
            "SELECT q.*, k.value, k.pin_set
             FROM ({SUMMARY_SQL} WHERE s.id IN (SELECT value FROM json_each(?1))) q
             JOIN session_records k ON k.session = q.id ORDER BY q.id"
        ))?;
        let mut rows = st.query([&ids])?;
        let mut done = HashSet::with_capacity(sessions.len());
        // Each set resolved once, when a session first names it.
        let mut resolved: HashMap<i64, Vec<Arc<Instrument>>> = HashMap::new();
        while let Some(r) = rows.next()? {
            let summary = summary(r)?;
            let set: i64 = r.get(13)?;
            let instruments = match resolved.get(&set) {
                Some(i) => i.clone(),
                None => {
                    let sid = summary.id.to_string();
                    let pins = sets
                        .remove(&set)
                        .ok_or_else(|| StoreError::Corrupt(format!("the pins of session {sid}")))?;
                    let i = self.resolve_pins(&sid, parse_pins(&pins))?;
                    resolved.insert(set, i.clone());
                    i
                }
            };
            done.insert(summary.id);
            f(KeptSession {
                summary,
                instruments,
                blob: r.get(12)?,
            })?;
        }
        Ok(done)
    }
}

impl Opener<'_> {
    /// Decrypts and unpacks a kept record.
    pub fn open_kept(&self, k: KeptSession) -> Result<OpenedKept> {
        let sid = k.summary.id.to_string();
        let packed = self.keys.open(kept_place(&sid), &k.blob)?;
        let damaged = || StoreError::Corrupt(format!("the kept record of session {sid}"));
        let len = packed
            .get(..4)
            .and_then(|b| b.try_into().ok())
            .map_or(usize::MAX, |b| u32::from_le_bytes(b) as usize);
        if len > MAX_KEPT {
            return Err(damaged());
        }
        let variables_json = lz4_flex::decompress_size_prepended(&packed).map_err(|_| damaged())?;
        Ok(OpenedKept {
            summary: k.summary,
            instruments: k.instruments,
            variables_json,
        })
    }
}
