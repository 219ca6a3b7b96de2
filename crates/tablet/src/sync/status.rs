//! What the data manager's page and `kohort batches` show.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::store::{BatchRow, BatchState, DeliveryRow, PRACTICE_KEY_SETTING, Store, StoreError};

/// What the data manager's screen shows.
#[derive(Clone, Debug, Default)]
pub struct Status {
    pub batches: Vec<BatchRow>,
    pub deliveries: Vec<DeliveryRow>,
    /// Completed sessions not yet in any batch.
    pub unbatched: usize,
    /// The research key's fingerprint, if one is set.
    pub research_key: Option<String>,
    /// The key is a demo tablet's practice key, not the research store's.
    pub practice_key: bool,
    pub retention_days: u32,
    /// Sessions a purge now would remove the answers of.
    pub purge_eligible: usize,
    pub outbox: PathBuf,
    /// Batches still to be delivered whose file is not in the outbox: they
    /// cannot be delivered from this tablet (their answers stay on it).
    pub missing: Vec<u64>,
}

impl Status {
    pub fn load(store: &Store, outbox: &Path, now: DateTime<Utc>) -> Result<Status, StoreError> {
        let research_key = store.research_fingerprint()?;
        let practice = store.setting(PRACTICE_KEY_SETTING)?;
        let batches = store.batches()?;
        let missing = batches
            .iter()
            .filter(|b| b.state.awaits_receipt())
            .filter(|b| {
                !super::outbox::plain_name(&b.file_name) || !outbox.join(&b.file_name).is_file()
            })
            .map(|b| b.seq)
            .collect();
        Ok(Status {
            practice_key: research_key.is_some() && practice == research_key,
            missing,
            batches,
            deliveries: store.deliveries()?,
            unbatched: store.unbatched_completed()?.len(),
            research_key,
            retention_days: store.retention_days()?,
            purge_eligible: store.purge_eligible(now)?,
            outbox: outbox.to_owned(),
        })
    }

    pub fn last_delivery(&self) -> Option<&DeliveryRow> {
        self.deliveries.last()
    }

    /// The latest delivery of one batch.
    pub fn delivery_of(&self, seq: u64) -> Option<&DeliveryRow> {
        self.deliveries.iter().rev().find(|d| d.batch == seq)
    }

    /// Batches still to be carried to the research store.
    pub fn awaiting(&self) -> usize {
        self.batches
            .iter()
            .filter(|b| b.state.awaits_receipt())
            .count()
    }

    pub fn count(&self, state: BatchState) -> usize {
        self.batches.iter().filter(|b| b.state == state).count()
    }
}
