//! Export bookkeeping on the tablet: the research key batches are sealed
//! to, which completed sessions have gone into which batch, and how far the
//! audit log has been included. The batch format itself is `kohort_batch`.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::audit::Action;
use super::audit::{self, AuditEntry};
use super::delivery::BatchState;
use super::device::parse_id;
use super::error::{Result, StoreError};
use super::{Store, now};

/// A batch this device has sealed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchRow {
    pub seq: u64,
    pub created_at: DateTime<Utc>,
    pub file_name: String,
    /// SHA-256 (hex) of the whole file.
    pub hash: String,
    pub state: BatchState,
    pub records: u64,
    /// The last audit entry included.
    pub audit_to: i64,
    /// First delivery (folder or upload) that was checked.
    pub delivered_at: Option<DateTime<Utc>>,
    /// When a receipt listing it was applied.
    pub confirmed_at: Option<DateTime<Utc>>,
    pub purged_at: Option<DateTime<Utc>>,
}

const BATCH_SQL: &str = "SELECT seq, created_at, file_name, hash, state, records, audit_to,
        delivered_at, confirmed_at, purged_at FROM batches";

fn batch_row(r: &rusqlite::Row<'_>) -> Result<BatchRow> {
    Ok(BatchRow {
        seq: r.get::<_, i64>(0)? as u64,
        created_at: r.get(1)?,
        file_name: r.get(2)?,
        hash: r.get(3)?,
        state: BatchState::parse(&r.get::<_, String>(4)?)?,
        records: r.get::<_, i64>(5)? as u64,
        audit_to: r.get(6)?,
        delivered_at: r.get(7)?,
        confirmed_at: r.get(8)?,
        purged_at: r.get(9)?,
    })
}

/// What [`Store::record_batch`] writes.
#[derive(Clone, Debug)]
pub struct NewBatch<'a> {
    pub seq: u64,
    pub created_at: &'a str,
    pub file_name: &'a str,
    pub hash: &'a str,
    pub sessions: &'a [Uuid],
    pub audit_to: i64,
    /// The fact records sealed in the batch: kind, id and hash.
    pub facts: &'a [SentFact],
}

/// A participant, episode or missed-mark record as sealed in a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentFact {
    pub kind: &'static str,
    pub id: String,
    pub hash: String,
}

/// Completed sessions not in a batch yet, in id order.
pub(super) const UNBATCHED_SQL: &str = "SELECT id FROM sessions WHERE status = 'completed'
    AND id NOT IN (SELECT session FROM batch_sessions) ORDER BY id";

impl Store {
    /// Stores the research store's public key file (text) and audits it.
    ///
    /// A different key is refused while a batch awaits its receipt: receipts
    /// are verified with the key set now, so swapping it would let a receipt
    /// signed by the new key confirm (and purge) batches sealed to the old one.
    pub fn set_research_key(&mut self, public: &str, fingerprint: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        let current: Option<String> = tx
            .query_row(
                "SELECT fingerprint FROM research_key WHERE id = 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        let waiting: i64 = tx.query_row(
            "SELECT count(*) FROM batches WHERE state IN ('sealed', 'delivered')",
            [],
            |r| r.get(0),
        )?;
        if current.is_some_and(|c| c != fingerprint) && waiting > 0 {
            return Err(StoreError::Refused(format!(
                "{waiting} batch(es) sealed to the current research key await a receipt; \
                 the key can be replaced once the research store has confirmed them"
            )));
        }
        let at = now();
        tx.execute(
            "INSERT INTO research_key (id, public, fingerprint, set_at) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET public = ?1, fingerprint = ?2, set_at = ?3",
            params![public, fingerprint, at],
        )?;
        audit::append(
            &tx,
            self.keys.audit(),
            &at,
            self.actor,
            Action::ResearchKeySet,
            &format!("fingerprint={fingerprint}"),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The research public key file, if one was set.
    pub fn research_key(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT public FROM research_key WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn last_batch(&self) -> Result<Option<BatchRow>> {
        self.conn
            .query_row(&format!("{BATCH_SQL} ORDER BY seq DESC LIMIT 1"), [], |r| {
                Ok(batch_row(r))
            })
            .optional()?
            .transpose()
    }

    /// Every batch this device sealed, oldest first.
    pub fn batches(&self) -> Result<Vec<BatchRow>> {
        let mut st = self.conn.prepare(&format!("{BATCH_SQL} ORDER BY seq"))?;
        let mut rows = st.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(batch_row(r)?);
        }
        Ok(out)
    }

    /// Completed sessions not yet in any batch, oldest first.
    /// The hash of every fact record as last sealed, by kind and id, and
    /// the batch it was sealed in.
    pub fn facts_sent(&self) -> Result<std::collections::HashMap<(String, String), (String, u64)>> {
        let mut st = self
            .conn
            .prepare("SELECT kind, id, hash, batch FROM facts_sent")?;
        let rows = st.query_map([], |r| {
            Ok((
                (r.get(0)?, r.get(1)?),
                (r.get(2)?, r.get::<_, i64>(3)? as u64),
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn unbatched_completed(&self) -> Result<Vec<Uuid>> {
        let mut st = self.conn.prepare(UNBATCHED_SQL)?;
        let ids = st
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        ids.iter().map(|s| parse_id(s)).collect()
    }

    /// The sessions sealed into batch `seq`, in the order a batch lists them.
    pub fn sessions_in_batch(&self, seq: u64) -> Result<Vec<Uuid>> {
        let mut st = self
            .conn
            .prepare("SELECT session FROM batch_sessions WHERE batch = ?1 ORDER BY session")?;
        let ids = st
            .query_map([seq as i64], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        ids.iter().map(|s| parse_id(s)).collect()
    }

    /// Records that batch `seq`, whose file was lost before it was ever
    /// delivered, was sealed again from the same sessions into a file with
    /// `hash`. Only a batch still `sealed` (never delivered) may be.
    pub fn record_reseal(&mut self, seq: u64, hash: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        let n = tx.execute(
            "UPDATE batches SET hash = ?2 WHERE seq = ?1 AND state = 'sealed'",
            params![seq as i64, hash],
        )?;
        if n != 1 {
            return Err(StoreError::Refused(format!(
                "batch {seq} is not waiting in the outbox unsent, so it cannot be sealed again"
            )));
        }
        audit::append(
            &tx,
            self.keys.audit(),
            &now(),
            self.actor,
            Action::BatchResealed,
            &format!("seq={seq} hash={hash}"),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Audit entries after `seq`.
    pub fn audit_after(&self, seq: i64) -> Result<Vec<AuditEntry>> {
        Ok(audit::entries(&self.conn)?
            .into_iter()
            .filter(|e| e.seq > seq)
            .collect())
    }

    /// Records a sealed batch and marks its sessions, in one transaction
    /// with its audit entry. Refuses a sequence number that is not next.
    pub fn record_batch(&mut self, b: &NewBatch<'_>) -> Result<()> {
        let tx = self.conn.transaction()?;
        let last: i64 = tx.query_row("SELECT coalesce(max(seq), 0) FROM batches", [], |r| {
            r.get(0)
        })?;
        if b.seq != last as u64 + 1 {
            return Err(StoreError::Corrupt(format!(
                "batch {} is not next (the last is {last})",
                b.seq
            )));
        }
        tx.execute(
            "INSERT INTO batches (seq, created_at, file_name, hash, state, records, audit_to)
             VALUES (?1, ?2, ?3, ?4, 'sealed', ?5, ?6)",
            params![
                b.seq as i64,
                b.created_at,
                b.file_name,
                b.hash,
                b.sessions.len() as i64,
                b.audit_to
            ],
        )?;
        // Each statement prepared once: a first batch lists ten thousand
        // sessions, and parsing the insert for each took most of this.
        let mut add = tx.prepare("INSERT INTO batch_sessions (session, batch) VALUES (?1, ?2)")?;
        for s in b.sessions {
            add.execute(params![s.to_string(), b.seq as i64])?;
        }
        drop(add);
        let mut sent = tx.prepare(
            "INSERT INTO facts_sent (kind, id, hash, batch) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (kind, id) DO UPDATE SET hash = ?3, batch = ?4",
        )?;
        for f in b.facts {
            sent.execute(params![f.kind, f.id, f.hash, b.seq as i64])?;
        }
        drop(sent);
        audit::append(
            &tx,
            self.keys.audit(),
            &now(),
            self.actor,
            Action::BatchSealed,
            &format!(
                "seq={} file={} sessions={} hash={}",
                b.seq,
                b.file_name,
                b.sessions.len(),
                b.hash
            ),
        )?;
        tx.commit()?;
        Ok(())
    }
}
