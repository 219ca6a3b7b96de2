//! Nurse workflow facts beside the sessions: timepoints marked missed (the
//! reason sealed, since it may say why a patient could not come), anchor
//! corrections, consent withdrawal, and device settings. Every change is
//! audited in the same transaction.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::audit::Action;
use super::error::{Result, StoreError};
use super::seal::Place;
use super::{Store, now};

/// The setting that marks a demo tablet's database.
pub const DEMO_SETTING: &str = "demo_tablet";

/// A form occurrence a nurse marked as missed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missed {
    pub episode: Uuid,
    pub form_id: String,
    pub occurrence: u32,
    /// The study's coded reason, if one was chosen.
    pub code: Option<i64>,
    /// The nurse's own words (may be empty when a code was chosen).
    pub reason: String,
    pub marked_at: DateTime<Utc>,
}

/// What is sealed for a missed mark. Marks made before coded reasons hold
/// the words alone.
#[derive(Serialize, Deserialize)]
struct SealedReason {
    code: Option<i64>,
    text: String,
}

fn reason_place(row: &str) -> Place<'_> {
    Place {
        table: "missed",
        row,
        column: "reason",
    }
}

/// Longest missed reason kept (characters).
pub const MAX_REASON_CHARS: usize = 500;

impl Store {
    /// Marks one occurrence of a form missed, with a reason (replacing an
    /// earlier mark). Refused for a form with a completed session.
    pub fn mark_missed(
        &mut self,
        episode: Uuid,
        form_id: &str,
        occurrence: u32,
        code: Option<i64>,
        reason: &str,
    ) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() && code.is_none() {
            return Err(StoreError::Refused("say why the form was missed".into()));
        }
        if reason.chars().count() > MAX_REASON_CHARS {
            return Err(StoreError::Refused(format!(
                "the reason is longer than {MAX_REASON_CHARS} characters"
            )));
        }
        let es = episode.to_string();
        let row = format!("{es}/{form_id}/{occurrence}");
        let sealed = serde_json::to_vec(&SealedReason {
            code,
            text: reason.to_owned(),
        })?;
        let blob = self.keys.seal(reason_place(&row), &sealed)?;
        let tx = self.conn.transaction()?;
        let exists: Option<i64> = tx
            .query_row("SELECT 1 FROM episodes WHERE id = ?1", [&es], |r| r.get(0))
            .optional()?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("episode {episode}")));
        }
        let done: Option<i64> = tx
            .query_row(
                "SELECT 1 FROM sessions WHERE episode = ?1 AND form_id = ?2
                   AND occurrence = ?3 AND status = 'completed'",
                params![es, form_id, occurrence],
                |r| r.get(0),
            )
            .optional()?;
        if done.is_some() {
            return Err(StoreError::Refused(format!(
                "{form_id} was completed, so it cannot be marked missed"
            )));
        }
        let at = now();
        tx.execute(
            "INSERT INTO missed (episode, form_id, occurrence, reason, marked_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (episode, form_id, occurrence) DO UPDATE SET reason = ?4, marked_at = ?5",
            params![es, form_id, occurrence, blob, at],
        )?;
        super::audit::append(
            &tx,
            self.keys.audit(),
            &at,
            self.actor,
            Action::MarkMissed,
            &format!("episode={episode} form={form_id} occurrence={occurrence}"),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every missed mark of an episode, reasons opened.
    pub fn missed(&self, episode: Uuid) -> Result<Vec<Missed>> {
        self.missed_where(Some(episode))
    }

    /// Every missed mark of every episode, reasons opened (for a batch).
    pub fn all_missed(&self) -> Result<Vec<Missed>> {
        self.missed_where(None)
    }

    fn missed_where(&self, episode: Option<Uuid>) -> Result<Vec<Missed>> {
        let mut st = self.conn.prepare(
            "SELECT episode, form_id, occurrence, reason, marked_at FROM missed
             WHERE ?1 IS NULL OR episode = ?1 ORDER BY episode, form_id, occurrence",
        )?;
        let mut rows = st.query([episode.map(|e| e.to_string())])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let es: String = r.get(0)?;
            let episode = super::device::parse_id(&es)?;
            let form_id: String = r.get(1)?;
            let occurrence: u32 = r.get(2)?;
            let blob: Vec<u8> = r.get(3)?;
            let row = format!("{es}/{form_id}/{occurrence}");
            let plain = self.keys.open(reason_place(&row), &blob)?;
            let sealed = match serde_json::from_slice::<SealedReason>(&plain) {
                Ok(s) => s,
                Err(_) => SealedReason {
                    code: None,
                    text: String::from_utf8(plain.to_vec())
                        .map_err(|_| StoreError::Corrupt("missed reason is not UTF-8".into()))?,
                },
            };
            out.push(Missed {
                episode,
                code: sealed.code,
                reason: sealed.text,
                form_id,
                occurrence,
                marked_at: r.get(4)?,
            });
        }
        Ok(out)
    }

    /// Corrects an episode's anchor date, with the old and new dates in the
    /// audit log. Refused once `locking_form` (the baseline) is completed,
    /// since its timing was judged against the old anchor.
    pub fn set_anchor(
        &mut self,
        episode: Uuid,
        anchor: NaiveDate,
        locking_form: &str,
    ) -> Result<()> {
        let es = episode.to_string();
        let tx = self.conn.transaction()?;
        let (old, end): (String, Option<String>) = tx
            .query_row(
                "SELECT anchor_date, end_date FROM episodes WHERE id = ?1",
                [&es],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("episode {episode}")))?;
        if end
            .as_deref()
            .is_some_and(|e| e < anchor.to_string().as_str())
        {
            return Err(StoreError::Refused(
                "the anchor date cannot be after the episode's end".into(),
            ));
        }
        let locked: Option<i64> = tx
            .query_row(
                "SELECT 1 FROM sessions WHERE episode = ?1 AND form_id = ?2 AND status = 'completed'",
                params![es, locking_form],
                |r| r.get(0),
            )
            .optional()?;
        if locked.is_some() {
            return Err(StoreError::Refused(format!(
                "the anchor date is fixed: {locking_form} is completed"
            )));
        }
        tx.execute(
            "UPDATE episodes SET anchor_date = ?2 WHERE id = ?1",
            params![es, anchor.to_string()],
        )?;
        super::audit::append(
            &tx,
            self.keys.audit(),
            &now(),
            self.actor,
            Action::AnchorSet,
            &format!("episode={episode} from={old} to={anchor}"),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records a withdrawal of consent on `on`: no new sessions start, and
    /// sessions under way are abandoned (their answers are kept, as the
    /// HAB protocol keeps data collected before a withdrawal). The date
    /// travels to the research store with the participant's facts.
    pub fn withdraw_consent(&mut self, participant: Uuid, on: NaiveDate) -> Result<()> {
        let ps = participant.to_string();
        let tx = self.conn.transaction()?;
        let at = now();
        let n = tx.execute(
            "UPDATE consent SET withdrawn_at = ?2 WHERE participant = ?1",
            params![ps, on.to_string()],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!(
                "consent of participant {participant}"
            )));
        }
        let stopped = tx.execute(
            "UPDATE sessions SET status = 'abandoned', updated_at = ?2
             WHERE participant = ?1 AND status IN ('in_progress', 'paused')",
            params![ps, at],
        )?;
        super::audit::append(
            &tx,
            self.keys.audit(),
            &at,
            self.actor,
            Action::ConsentWithdrawn,
            &format!("participant={participant} on={on} sessions_stopped={stopped}"),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A device setting, if set.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Sets a device setting; settings hold no personal data, so the
    /// value is written to the audit log as well.
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        let at = now();
        tx.execute(
            "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = ?2, updated_at = ?3",
            params![key, value, at],
        )?;
        super::audit::append(
            &tx,
            self.keys.audit(),
            &at,
            self.actor,
            Action::Setting,
            &format!("{key}={value}"),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Marks this database as a demo tablet's: its batches say so, and a
    /// research store refuses them unless told otherwise. Never undone.
    pub fn mark_demo(&mut self) -> Result<()> {
        self.set_setting(DEMO_SETTING, "yes")
    }

    /// Whether this is a demo tablet's database (made by `kohort demo`).
    pub fn is_demo(&self) -> Result<bool> {
        Ok(self.setting(DEMO_SETTING)?.as_deref() == Some("yes"))
    }
}
