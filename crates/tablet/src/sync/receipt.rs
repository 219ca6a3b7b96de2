//! The tablet's side of receipts and purges. A receipt is applied only when
//! it verifies with the research key set on this tablet, names this device,
//! and lists only batches this tablet sealed with the same file hashes;
//! otherwise nothing changes, the refusal is audited and the error says why.
//! The purge then removes what the research store holds, after the
//! retention period, and the outbox copies of purged batches.

use std::path::Path;

use chrono::{DateTime, Utc};

use crate::store::{Confirmed, FailedAction, Purged, Store, StoreError, VerifiedReceipt};
use kohort_batch::{BatchError, MAX_RECEIPT, ResearchPublic, verify_receipt};

#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    #[error(
        "no research key is set on this tablet: run `kohort device set-research-key research.pub`"
    )]
    NoResearchKey,
    #[error("the stored research key is damaged: {0}")]
    BadResearchKey(BatchError),
    #[error(
        "the receipt does not verify with the research key on this tablet ({fingerprint}): {why}"
    )]
    NotVerified {
        fingerprint: String,
        why: BatchError,
    },
    #[error("the receipt is for tablet {receipt}, but this is tablet {ours}")]
    OtherDevice { receipt: String, ours: String },
    #[error(transparent)]
    Read(#[from] kohort_files::ReadError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ReceiptError {
    /// Refused because of the receipt itself, not a failing disk.
    fn is_refusal(&self) -> bool {
        !matches!(
            self,
            ReceiptError::Store(e) if !matches!(e, StoreError::Refused(_))
        )
    }
}

/// Reads a receipt file, refusing anything larger than a receipt can be.
pub fn read_receipt(path: &Path) -> Result<String, ReceiptError> {
    Ok(kohort_files::read_small_text(path, MAX_RECEIPT)?)
}

/// Verifies a receipt and confirms the batches it lists. A refused
/// receipt changes no batch; the refusal itself is audited.
pub fn apply_receipt(store: &mut Store, text: &str) -> Result<Confirmed, ReceiptError> {
    let _held = super::lock::take(store)?;
    let result = verify_and_confirm(store, text);
    if let Err(e) = &result
        && e.is_refusal()
    {
        store.record_failed_delivery(FailedAction::Receipt, &e.to_string())?;
    }
    result
}

fn verify_and_confirm(store: &mut Store, text: &str) -> Result<Confirmed, ReceiptError> {
    let key = store.research_key()?.ok_or(ReceiptError::NoResearchKey)?;
    let key = ResearchPublic::parse(&key).map_err(ReceiptError::BadResearchKey)?;
    let body = verify_receipt(text, &key).map_err(|why| ReceiptError::NotVerified {
        fingerprint: key.fingerprint(),
        why,
    })?;
    let ours = store.device()?.id.to_string();
    // A tablet restored from a backup continues its previous device id: a
    // receipt for that id still confirms the batches sealed under it.
    let epoch = store.epoch()?;
    let previous = epoch.filter(|e| e.previous_device == body.device_id);
    if body.device_id != ours && previous.is_none() {
        return Err(ReceiptError::OtherDevice {
            receipt: body.device_id,
            ours,
        });
    }
    let batches: Vec<(u64, String)> = body
        .batches
        .into_iter()
        .filter(|a| previous.as_ref().is_none_or(|e| a.seq <= e.after_seq))
        .map(|a| (a.seq, a.hash))
        .collect();
    Ok(store.confirm_batches(&VerifiedReceipt {
        text,
        issued_at: &body.issued_at,
        batches: &batches,
    })?)
}

/// What a purge did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PurgeReport {
    pub purged: Purged,
    /// Outbox files of purged batches removed.
    pub files_removed: usize,
    /// Outbox files that could not be removed (names and reasons).
    pub files_left: Vec<String>,
}

/// Purges what the research store confirmed at least the retention period
/// before `now` (see [`Store::purge`]), then removes the outbox copies of
/// every purged batch.
pub fn purge(
    store: &mut Store,
    outbox: &Path,
    now: DateTime<Utc>,
) -> Result<PurgeReport, StoreError> {
    let _held = super::lock::take(store)?;
    let purged = store.purge(now)?;
    let mut report = PurgeReport {
        purged,
        ..Default::default()
    };
    for b in store.batches()? {
        if b.state != crate::store::BatchState::Purged {
            continue;
        }
        // A recorded name is used only as a plain name inside the outbox.
        if !super::outbox::plain_name(&b.file_name) {
            report
                .files_left
                .push(format!("{}: not a plain batch file name", b.file_name));
            continue;
        }
        let path = outbox.join(&b.file_name);
        match std::fs::remove_file(&path) {
            Ok(()) => report.files_removed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => report.files_left.push(format!("{}: {e}", b.file_name)),
        }
    }
    Ok(report)
}
