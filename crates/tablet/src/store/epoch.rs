//! A tablet restored from a backup: its database went back in time, so the
//! batches it seals next would reuse sequence numbers the research store
//! already has with other content, and be refused for ever. Staff start a
//! new epoch instead (right after restoring, before any export): the tablet
//! takes a new device id, keeps its signing key, and every later batch says
//! which device it continues, after which batch, and why. The research
//! store takes those batches once a data manager has confirmed it.

use rusqlite::params;
use uuid::Uuid;

use kohort_batch::{Epoch, MAX_EPOCH_REASON};

use super::audit::{self, Action};
use super::error::{Result, StoreError};
use super::{Store, now};

/// The setting holding the current epoch (JSON), absent before the first.
pub const EPOCH_SETTING: &str = "epoch";

impl Store {
    /// The epoch this tablet is in, if it was ever restored.
    pub fn epoch(&self) -> Result<Option<Epoch>> {
        self.setting(EPOCH_SETTING)?
            .map(|text| {
                serde_json::from_str(&text)
                    .map_err(|e| StoreError::Corrupt(format!("epoch setting: {e}")))
            })
            .transpose()
    }

    /// Starts a new epoch: a new device id with the same key, continuing
    /// the old id after the last batch this database has.
    pub fn start_epoch(&mut self, reason: &str) -> Result<Epoch> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Refused(
                "say why (for example: restored from the backup of 30 November)".into(),
            ));
        }
        if reason.chars().count() > MAX_EPOCH_REASON {
            return Err(StoreError::Refused(format!(
                "the reason is longer than {MAX_EPOCH_REASON} characters"
            )));
        }
        let device = self.device()?;
        let signing = self.signing_key()?;
        let number = self.epoch()?.map_or(1, |e| e.number + 1);
        let after_seq = self.last_batch()?.map_or(0, |b| b.seq);
        let epoch = Epoch {
            number,
            previous_device: device.id.to_string(),
            after_seq,
            reason: reason.to_owned(),
        };
        let new_id = Uuid::now_v7().to_string();
        // The key is sealed to its row's device id: sealed again for the new one.
        let sealed = self
            .keys
            .seal(super::device::secret_place(&new_id), signing.as_bytes())?;
        let json = serde_json::to_string(&epoch)?;
        let at = now();
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE device SET device_id = ?1, secret_key = ?2 WHERE id = 1",
            params![new_id, sealed],
        )?;
        tx.execute(
            "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = ?2, updated_at = ?3",
            params![EPOCH_SETTING, json, at],
        )?;
        audit::append(
            &tx,
            self.keys.audit(),
            &at,
            self.actor,
            Action::EpochStarted,
            &format!(
                "epoch={number} device={new_id} previous_device={} after_seq={after_seq}",
                device.id
            ),
        )?;
        tx.commit()?;
        Ok(epoch)
    }
}
