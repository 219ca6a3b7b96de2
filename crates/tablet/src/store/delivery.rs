//! Delivery bookkeeping: how each sealed batch left the tablet, which ones
//! the research store has confirmed with a signed receipt, and the purge of
//! answers the store has confirmed. The receipt's signature is checked in
//! `crate::sync::receipt`; this file only records what was verified.
//!
//! Nothing unconfirmed is purged: the purge statement selects confirmed
//! batches only, and triggers (schema V5) refuse to delete the answers of a
//! session, or to mark it purged, unless its batch is confirmed.

use chrono::{DateTime, Duration, Utc};
use kohort_batch::stamp;
use rusqlite::{OptionalExtension, params};

use super::audit;
use super::audit::Action;
use super::error::{Result, StoreError};
use super::{Store, now};

/// The setting that holds how many days confirmed answers are kept.
/// The setting naming the practice research key a demo tablet seals to
/// (its fingerprint): batches sealed to it are for practice only.
pub const PRACTICE_KEY_SETTING: &str = "practice_key";

pub const RETENTION_SETTING: &str = "retention_days";
/// Days confirmed answers are kept when the setting is absent.
pub const DEFAULT_RETENTION_DAYS: u32 = 30;
/// The longest retention accepted (ten years).
pub const MAX_RETENTION_DAYS: u32 = 3650;

/// Where a batch is on its way to the research store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BatchState {
    /// Written to the outbox, not yet handed to a transport.
    Sealed,
    /// A transport confirmed the bytes (folder read back, or upload checked).
    Delivered,
    /// A signed receipt from the research store lists it.
    Confirmed,
    /// Confirmed, and its sessions' answers are gone from the tablet.
    Purged,
}

impl BatchState {
    pub fn as_str(self) -> &'static str {
        match self {
            BatchState::Sealed => "sealed",
            BatchState::Delivered => "delivered",
            BatchState::Confirmed => "confirmed",
            BatchState::Purged => "purged",
        }
    }

    pub(crate) fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "sealed" => BatchState::Sealed,
            "delivered" => BatchState::Delivered,
            "confirmed" => BatchState::Confirmed,
            "purged" => BatchState::Purged,
            _ => return Err(StoreError::Corrupt(format!("unknown batch state {s:?}"))),
        })
    }

    /// Not yet confirmed: still to be carried to the research store.
    pub fn awaits_receipt(self) -> bool {
        matches!(self, BatchState::Sealed | BatchState::Delivered)
    }
}

/// How a batch was delivered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    /// Copied into a folder (a USB stick) and read back.
    Folder { path: String },
    /// Uploaded to the TSD file API and checked there.
    Upload {
        url: String,
        project: String,
        group: String,
    },
}

impl Via {
    fn parts(&self) -> (&'static str, &str, Option<&str>, Option<&str>) {
        match self {
            Via::Folder { path } => ("folder", path, None, None),
            Via::Upload {
                url,
                project,
                group,
            } => ("upload", url, Some(project), Some(group)),
        }
    }

    /// One line for people: "folder /media/usb" or "upload p11 …".
    pub fn describe(&self) -> String {
        match self {
            Via::Folder { path } => format!("folder {path}"),
            Via::Upload {
                url,
                project,
                group,
            } => format!("upload to {url} ({project}, {group})"),
        }
    }
}

/// One delivery of one batch file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryRow {
    pub batch: u64,
    pub at: DateTime<Utc>,
    pub via: Via,
    pub bytes: u64,
    pub sha256: String,
    /// The destination showed the file with its size after it was sent;
    /// `false`: the server took it but its check could not see it.
    pub checked: bool,
}

/// A verified receipt, as the store records it.
#[derive(Clone, Debug)]
pub struct VerifiedReceipt<'a> {
    /// The signed receipt as received, kept with the batches it confirms.
    pub text: &'a str,
    pub issued_at: &'a str,
    /// (seq, SHA-256 of the file) of every batch the research store holds.
    pub batches: &'a [(u64, String)],
}

/// What applying a receipt changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Confirmed {
    /// Batches confirmed by this receipt.
    pub newly: Vec<u64>,
    /// Listed batches that were already confirmed (or purged).
    pub already: Vec<u64>,
}

/// What a purge removed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: usize,
    pub answers: usize,
    /// Batches whose sessions are now all purged.
    pub batches: Vec<u64>,
    /// The WAL checkpoint completed, so nothing purged remains in the -wal file.
    pub checkpointed: bool,
}

/// Which delivery actions can fail and be audited as such.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailedAction {
    Folder,
    Upload,
    Receipt,
}

impl FailedAction {
    fn action(self) -> Action {
        match self {
            FailedAction::Folder => Action::DeliveryFolderFailed,
            FailedAction::Upload => Action::DeliveryUploadFailed,
            FailedAction::Receipt => Action::ReceiptRefused,
        }
    }
}

/// The sessions a purge at `cutoff` may touch: in a batch confirmed no later
/// than the cutoff, not yet purged. The confirmed state is in the statement
/// itself, so no caller can widen it.
const ELIGIBLE: &str = "SELECT bs.session FROM batch_sessions bs
     JOIN batches b ON b.seq = bs.batch
     JOIN sessions s ON s.id = bs.session
     WHERE b.state = 'confirmed' AND b.confirmed_at IS NOT NULL
       AND b.confirmed_at <= ?1 AND s.purged_at IS NULL";

impl Store {
    /// Records that a batch file reached its destination intact, moving a
    /// sealed batch to delivered (a later state stays), with an audit entry.
    /// `checked`: the destination showed the file with its size (an upload
    /// the server took but could not show is recorded unchecked).
    pub fn record_delivery(
        &mut self,
        seq: u64,
        via: &Via,
        bytes: u64,
        sha256: &str,
        checked: bool,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        let (state, hash): (String, String) = tx
            .query_row(
                "SELECT state, hash FROM batches WHERE seq = ?1",
                [seq as i64],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("batch {seq}")))?;
        if hash != sha256 {
            return Err(StoreError::Refused(format!(
                "batch {seq} was delivered with a different hash than it was sealed with"
            )));
        }
        let at = now();
        let (kind, target, project, group) = via.parts();
        tx.execute(
            "INSERT INTO deliveries (batch, at, via, target, project, file_group, bytes, sha256,
                                     checked)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                seq as i64,
                at,
                kind,
                target,
                project,
                group,
                bytes as i64,
                sha256,
                checked
            ],
        )?;
        if BatchState::parse(&state)? == BatchState::Sealed {
            tx.execute(
                "UPDATE batches SET state = 'delivered', delivered_at = ?2 WHERE seq = ?1",
                params![seq as i64, at],
            )?;
        }
        audit::append(
            &tx,
            self.keys.audit(),
            &at,
            self.actor,
            Action::BatchDelivered,
            &format!(
                "seq={seq} via={} bytes={bytes}{}",
                via.describe(),
                if checked { "" } else { " unchecked" }
            ),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Confirmed batches whose kept receipt verifies with the research key,
    /// names this device and lists the batch with the hash it was sealed
    /// with.
    fn receipt_backed(&self) -> Result<Vec<u64>> {
        let Some(key) = self.research_key()? else {
            return Ok(Vec::new());
        };
        let Ok(key) = kohort_batch::ResearchPublic::parse(&key) else {
            return Ok(Vec::new());
        };
        let device = self.device()?.id.to_string();
        let mut st = self.conn.prepare(
            "SELECT seq, hash, receipt FROM batches
             WHERE state = 'confirmed' AND receipt IS NOT NULL",
        )?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)? as u64,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(rows
            .into_iter()
            .filter(|(seq, hash, text)| {
                kohort_batch::verify_receipt(text, &key).is_ok_and(|body| {
                    body.device_id == device
                        && body
                            .batches
                            .iter()
                            .any(|a| a.seq == *seq && a.hash.eq_ignore_ascii_case(hash))
                })
            })
            .map(|(seq, ..)| seq)
            .collect())
    }

    /// Every delivery, oldest first.
    pub fn deliveries(&self) -> Result<Vec<DeliveryRow>> {
        let mut st = self.conn.prepare(
            "SELECT batch, at, via, target, project, file_group, bytes, sha256, checked
             FROM deliveries ORDER BY id",
        )?;
        let mut rows = st.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let kind: String = r.get(2)?;
            let target: String = r.get(3)?;
            let via = match kind.as_str() {
                "folder" => Via::Folder { path: target },
                "upload" => Via::Upload {
                    url: target,
                    project: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                    group: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                },
                other => {
                    return Err(StoreError::Corrupt(format!(
                        "unknown delivery kind {other:?}"
                    )));
                }
            };
            out.push(DeliveryRow {
                batch: r.get::<_, i64>(0)? as u64,
                at: r.get(1)?,
                via,
                bytes: r.get::<_, i64>(6)? as u64,
                sha256: r.get(7)?,
                checked: r.get(8)?,
            });
        }
        Ok(out)
    }

    /// Confirms the batches a verified receipt lists. Every listed batch
    /// must be one this tablet sealed, with the same file hash; otherwise
    /// nothing changes and the error says which batch does not match.
    pub fn confirm_batches(&mut self, receipt: &VerifiedReceipt<'_>) -> Result<Confirmed> {
        let tx = self.conn.transaction()?;
        let mut out = Confirmed::default();
        for (seq, hash) in receipt.batches {
            let found: Option<(String, String)> = tx
                .query_row(
                    "SELECT state, hash FROM batches WHERE seq = ?1",
                    [*seq as i64],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((state, ours)) = found else {
                return Err(StoreError::Refused(format!(
                    "the receipt lists batch {seq}, which this tablet never sealed"
                )));
            };
            if !ours.eq_ignore_ascii_case(hash) {
                return Err(StoreError::Refused(format!(
                    "the receipt's batch {seq} has another hash than the file this tablet sealed"
                )));
            }
            if BatchState::parse(&state)?.awaits_receipt() {
                out.newly.push(*seq);
            } else {
                out.already.push(*seq);
            }
        }
        let at = now();
        for seq in &out.newly {
            tx.execute(
                "UPDATE batches SET state = 'confirmed', confirmed_at = ?2, receipt = ?3
                 WHERE seq = ?1",
                params![*seq as i64, at, receipt.text],
            )?;
            // The research store holds these sessions: their kept records
            // (there for an export, or sealing a lost file again) are done.
            tx.execute(
                "DELETE FROM session_records
                 WHERE session IN (SELECT session FROM batch_sessions WHERE batch = ?1)",
                [*seq as i64],
            )?;
        }
        // A batch confirmed before receipts were kept gets this one.
        for seq in &out.already {
            tx.execute(
                "UPDATE batches SET receipt = ?2 WHERE seq = ?1 AND receipt IS NULL",
                params![*seq as i64, receipt.text],
            )?;
        }
        let list = |v: &[u64]| v.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
        audit::append(
            &tx,
            self.keys.audit(),
            &at,
            self.actor,
            Action::ReceiptApplied,
            &format!(
                "issued_at={} confirmed={} already={}",
                receipt.issued_at,
                list(&out.newly),
                list(&out.already)
            ),
        )?;
        tx.commit()?;
        Ok(out)
    }

    /// Audits a delivery action that failed or was refused (the state of
    /// every batch stays as it was). `detail` must name no person.
    pub fn record_failed_delivery(&mut self, what: FailedAction, detail: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        audit::append(
            &tx,
            self.keys.audit(),
            &now(),
            self.actor,
            what.action(),
            detail,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Days confirmed answers are kept before a purge may remove them.
    pub fn retention_days(&self) -> Result<u32> {
        match self.setting(RETENTION_SETTING)? {
            None => Ok(DEFAULT_RETENTION_DAYS),
            Some(v) => v
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|d| *d <= MAX_RETENTION_DAYS)
                .ok_or_else(|| {
                    StoreError::Corrupt(format!(
                        "the retention setting {v:?} is not a number of days"
                    ))
                }),
        }
    }

    /// Sets the retention in days (0: purge as soon as confirmed).
    pub fn set_retention_days(&mut self, days: u32) -> Result<()> {
        if days > MAX_RETENTION_DAYS {
            return Err(StoreError::Refused(format!(
                "keep confirmed answers at most {MAX_RETENTION_DAYS} days"
            )));
        }
        self.set_setting(RETENTION_SETTING, &days.to_string())
    }

    fn purge_cutoff(&self, now: DateTime<Utc>) -> Result<String> {
        let days = self.retention_days()?;
        Ok(stamp(now - Duration::days(i64::from(days))))
    }

    /// How many sessions a purge at `now` would remove the answers of.
    pub fn purge_eligible(&self, now: DateTime<Utc>) -> Result<usize> {
        let cutoff = self.purge_cutoff(now)?;
        let eligible = self.eligible()?;
        let n: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM ({eligible})"),
            [cutoff],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// The sessions a purge may take (`?1`: the cutoff): in confirmed
    /// batches whose kept receipt verifies again now (the state column
    /// alone is not trusted with deleting answers).
    fn eligible(&self) -> Result<String> {
        let backed = self
            .receipt_backed()?
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        Ok(format!("{ELIGIBLE} AND b.seq IN ({backed})"))
    }

    /// Removes the answers and sealed places of sessions in batches the
    /// research store confirmed at least the retention period before `now`;
    /// the session rows stay (form, occurrence, status, dates) and are
    /// marked purged, so the schedule still knows the timepoint was done.
    /// Then checkpoints the WAL (TRUNCATE): with `secure_delete` on, the
    /// purged bytes are gone from the database file and the -wal file.
    pub fn purge(&mut self, now: DateTime<Utc>) -> Result<Purged> {
        let days = self.retention_days()?;
        let cutoff = self.purge_cutoff(now)?;
        let at = stamp(now);
        let eligible = self.eligible()?;
        let tx = self.conn.transaction()?;
        // Answers first: the sessions are still unmarked, so both
        // statements select the same sessions.
        let answers = tx.execute(
            &format!("DELETE FROM answers WHERE session IN ({eligible})"),
            [&cutoff],
        )?;
        let sessions = tx.execute(
            &format!("UPDATE sessions SET place = NULL, purged_at = ?2 WHERE id IN ({eligible})"),
            [&cutoff, &at],
        )?;
        let mut st = tx.prepare(
            "UPDATE batches SET state = 'purged', purged_at = ?1
             WHERE state = 'confirmed' AND NOT EXISTS (
                 SELECT 1 FROM batch_sessions bs JOIN sessions s ON s.id = bs.session
                 WHERE bs.batch = batches.seq AND s.purged_at IS NULL)
             RETURNING seq",
        )?;
        let mut batches = st
            .query_map([&at], |r| r.get::<_, i64>(0))?
            .map(|r| r.map(|s| s as u64))
            .collect::<Result<Vec<_>, _>>()?;
        drop(st);
        batches.sort_unstable();
        audit::append(
            &tx,
            self.keys.audit(),
            &at,
            self.actor,
            Action::Purge,
            &format!(
                "sessions={sessions} answers={answers} batches={} retention_days={days}",
                batches
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        )?;
        tx.commit()?;
        Ok(Purged {
            sessions,
            answers,
            batches,
            checkpointed: self.checkpoint()?,
        })
    }

    /// Copies the WAL into the database file and truncates it to zero
    /// bytes; `false` when another connection kept it from completing.
    pub fn checkpoint(&self) -> Result<bool> {
        let busy: i64 = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        Ok(busy == 0)
    }

    /// The research key's fingerprint, if one was set.
    pub fn research_fingerprint(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT fingerprint FROM research_key WHERE id = 1",
                [],
                |r| r.get(0),
            )
            .optional()?)
    }
}
