//! What the data manager's page and `kohort batches` show.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::store::{BatchRow, BatchState, DeliveryRow, Store, StoreError};

/// What the data manager's screen shows.
#[derive(Clone, Debug, Default)]
pub struct Status {
    pub batches: Vec<BatchRow>,
    pub deliveries: Vec<DeliveryRow>,
    /// Completed sessions not yet in any batch.
    pub unbatched: usize,
    /// The research key's fingerprint, if one is set.
    pub research_key: Option<String>,
    pub retention_days: u32,
    /// Sessions a purge now would remove the answers of.
    pub purge_eligible: usize,
    pub outbox: PathBuf,
}

impl Status {
    pub fn load(store: &Store, outbox: &Path, now: DateTime<Utc>) -> Result<Status, StoreError> {
        Ok(Status {
            batches: store.batches()?,
            deliveries: store.deliveries()?,
            unbatched: store.unbatched_completed()?.len(),
            research_key: store.research_fingerprint()?,
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
