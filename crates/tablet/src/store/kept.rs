//! Each completed session's variables, kept from the moment it is
//! completed: sealed, compressed JSON, exactly the bytes its batch record
//! carries. A completed session no longer changes, so an export reads one
//! value per session instead of opening every answer and replaying the
//! questionnaire (9 931 sessions took 1.1 s that way). Sessions without a
//! kept record (completed before it was kept) are replayed as before.

use std::collections::HashMap;
use std::sync::Arc;

use kohort_form::Instrument;
use kohort_form::runner::Plan;
use rusqlite::{OptionalExtension, params};
use uuid::Uuid;
use zeroize::{Zeroize, Zeroizing};

use super::load::Opener;
use super::seal::Place;
use super::sessions::{SUMMARY_SQL, SessionSummary, summary};
use super::{Result, Store, StoreError, record};

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
    /// `session`'s variables built and sealed for keeping.
    pub(super) fn kept_value(&self, session: Uuid) -> Result<Vec<u8>> {
        self.kept_value_with(session, &mut Vec::new())
    }

    /// [`Self::kept_value`] with the runner plans made so far.
    fn kept_value_with(&self, session: Uuid, plans: &mut Vec<Plan>) -> Result<Vec<u8>> {
        let built = record::build(self.load_session(session)?, plans);
        let mut json = Vec::new();
        kohort_batch::write_variables(&mut json, &built.variables)?;
        let packed = Zeroizing::new(lz4_flex::compress_prepend_size(&json));
        json.zeroize();
        self.keys.seal(kept_place(&session.to_string()), &packed)
    }

    /// Builds and keeps the record of a completed session again (after its
    /// answers' times were changed by hand, as the demo does).
    pub fn keep_record(&mut self, session: Uuid) -> Result<()> {
        let value = self.kept_value(session)?;
        self.conn.execute(
            "INSERT OR REPLACE INTO session_records (session, value) VALUES (?1, ?2)",
            params![session.to_string(), value],
        )?;
        Ok(())
    }

    /// Keeps the record of every completed session still holding its
    /// answers that has none (a database from before records were kept).
    /// A session that cannot be built is left to the export, which replays
    /// it and reports what is wrong; returns how many were kept.
    pub(super) fn keep_missing(&mut self) -> Result<usize> {
        let missing: Vec<String> = self
            .conn
            .prepare(
                "SELECT s.id FROM sessions s WHERE s.status = 'completed' AND s.purged_at IS NULL
                 AND NOT EXISTS (SELECT 1 FROM session_records k WHERE k.session = s.id)",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut plans = Vec::new();
        let values: Vec<(String, Vec<u8>)> = missing
            .into_iter()
            .filter_map(|sid| {
                let id = Uuid::parse_str(&sid).ok()?;
                let value = self.kept_value_with(id, &mut plans).ok()?;
                Some((sid, value))
            })
            .collect();
        // One transaction: one sync to disk, not one per session.
        let tx = self.conn.transaction()?;
        for (sid, value) in &values {
            tx.execute(
                "INSERT OR REPLACE INTO session_records (session, value) VALUES (?1, ?2)",
                params![sid, value],
            )?;
        }
        tx.commit()?;
        Ok(values.len())
    }

    /// The summaries and kept records of those of `sessions` that have
    /// one, in two queries (an export reads ten thousand).
    pub fn read_kept_many(&self, sessions: &[Uuid]) -> Result<HashMap<Uuid, KeptSession>> {
        let ids = serde_json::to_string(&sessions.iter().map(Uuid::to_string).collect::<Vec<_>>())?;
        let mut pins = self.pinned_many(&ids)?;
        let mut st = self.conn.prepare(&format!(
            "SELECT q.*, k.value FROM ({SUMMARY_SQL} WHERE s.id IN (SELECT value FROM json_each(?1))) q
             JOIN session_records k ON k.session = q.id"
        ))?;
        let rows = st.query_map([&ids], |r| Ok((summary(r), r.get::<_, Vec<u8>>(12)?)))?;
        let mut out = HashMap::with_capacity(sessions.len());
        for row in rows {
            let (summary, blob) = row?;
            let summary = summary?;
            let sid = summary.id.to_string();
            let instruments = self.resolve_pins(&sid, pins.remove(&sid).unwrap_or_default())?;
            out.insert(
                summary.id,
                KeptSession {
                    summary,
                    instruments,
                    blob,
                },
            );
        }
        Ok(out)
    }

    /// A completed session's summary and kept record, if it has one.
    pub fn read_kept(&self, session: Uuid) -> Result<Option<KeptSession>> {
        let sid = session.to_string();
        let row = self
            .conn
            .prepare_cached(&format!(
                "SELECT *, (SELECT value FROM session_records WHERE session = ?1)
                 FROM ({SUMMARY_SQL} WHERE s.id = ?1)"
            ))?
            .query_row([&sid], |r| {
                Ok((summary(r), r.get::<_, Option<Vec<u8>>>(12)?))
            })
            .optional()?;
        let Some((summary, Some(blob))) = row else {
            return Ok(None);
        };
        Ok(Some(KeptSession {
            summary: summary?,
            instruments: self.pinned(&sid)?,
            blob,
        }))
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
