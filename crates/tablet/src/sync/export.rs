//! `kohort export`: seals every completed, not yet batched session into the
//! next batch file in a folder.
//!
//! Order of writes, so that a crash never loses or doubles a batch: the
//! file is written under a unique temporary name (`.{name}.XXXXXX.tmp`)
//! and synced, then the batch is recorded in the database (one
//! transaction), then the file is renamed to its final name and the folder
//! synced. A crash before the commit leaves only a temporary file and the
//! sessions unbatched (the next run seals them again under the same
//! sequence number); a crash after it leaves a recorded batch whose
//! temporary file is complete.
use std::path::{Path, PathBuf};

use hpke::rand_core::{CryptoRng, RngCore};

use crate::store::{NewBatch, Store, StoreError};
use kohort_batch::{
    self as batch, BatchError, Header, NO_PREVIOUS, Payload, ResearchPublic, digest,
};

use super::collect::collect;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Batch(#[from] BatchError),
    #[error(
        "no research key is set on this tablet: run `kohort device set-research-key research.pub`"
    )]
    NoResearchKey,
    #[error("the stored research key is damaged: {0}")]
    BadResearchKey(BatchError),
    #[error("{0} already exists; refusing to overwrite a batch file")]
    Exists(PathBuf),
    #[error(
        "batch recorded, but its file could not be put in place: {0}; nothing is lost, \
         the sealed file is kept under that name"
    )]
    Commit(kohort_files::CommitError),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the study id is unknown: the research key names none")]
    NoStudy,
    #[error(
        "the tablet's audit log does not verify ({0}); nothing was sealed. The database \
         may have been tampered with: keep the tablet as it is and contact the study's data \
         manager before exporting (docs/security.md, \"Audit log\")"
    )]
    AuditBroken(crate::store::BrokenLink),
}

/// What an export did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exported {
    /// No completed session was waiting; no file was written.
    Nothing,
    Batch {
        path: PathBuf,
        seq: u64,
        sessions: usize,
        audit_entries: usize,
        hash: String,
    },
}

/// Seals the next batch into `dir` with the operating system's generator.
pub fn export(store: &mut Store, dir: &Path) -> Result<Exported, ExportError> {
    let now = kohort_batch::now_stamp();
    let mut rng = rand_core::UnwrapErr(rand_core::OsRng);
    export_with(store, dir, &now, &mut rng)
}

/// [`export`] with a fixed time and generator (tests, test vectors).
pub fn export_with<R: CryptoRng + RngCore>(
    store: &mut Store,
    dir: &Path,
    created_at: &str,
    rng: &mut R,
) -> Result<Exported, ExportError> {
    let held = super::lock::take(store)?;
    super::outbox::roll_forward(store, dir, &held).map_err(|e| match e {
        super::DeliveryError::Store(s) => ExportError::Store(s),
        other => ExportError::Io {
            path: dir.to_owned(),
            source: std::io::Error::other(other.to_string()),
        },
    })?;
    let text = store.research_key()?.ok_or(ExportError::NoResearchKey)?;
    let research = ResearchPublic::parse(&text).map_err(ExportError::BadResearchKey)?;
    if research.study.is_empty() {
        return Err(ExportError::NoStudy);
    }
    // A batch continues the tablet's audit chain (its entries carry the
    // hashes, the last one is the head), so a broken chain is never sealed.
    store.verify_audit()?.map_err(ExportError::AuditBroken)?;
    let c = collect(store)?;
    if c.sessions.is_empty() {
        return Ok(Exported::Nothing);
    }
    let device = store.device()?;
    let last = store.last_batch()?;
    let seq = last.as_ref().map_or(1, |b| b.seq + 1);
    let (payload, hashes) = Payload::new(c.instruments, &c.records, c.audit)?;
    let header = Header {
        format: 1,
        study_id: research.study.clone(),
        device_id: device.id.to_string(),
        device_key: hex::encode(device.public_key),
        seq,
        prev_hash: last.map_or_else(|| NO_PREVIOUS.to_owned(), |b| b.hash),
        created_at: created_at.to_owned(),
        research_key: research.fingerprint(),
        record_count: hashes.len() as u64,
        record_hashes: hashes,
        demo: store.is_demo()?,
    };
    let bytes = batch::seal(&header, &payload, &research, &store.signing_key()?, rng)?;
    let hash = digest::sha256_hex(&bytes);
    let name = header.file_name();
    let path = dir.join(&name);
    if path.exists() {
        return Err(ExportError::Exists(path));
    }
    let staged = kohort_files::stage(&path, &bytes).map_err(|source| ExportError::Io {
        path: path.clone(),
        source,
    })?;
    let recorded = store.record_batch(&NewBatch {
        seq,
        created_at,
        file_name: &name,
        hash: &hash,
        sessions: &c.sessions,
        audit_to: c.audit_to,
    });
    // Not recorded: dropping the staged file removes it.
    recorded?;
    staged.commit().map_err(ExportError::Commit)?;
    Ok(Exported::Batch {
        path,
        seq,
        sessions: c.sessions.len(),
        audit_entries: payload.audit.len(),
        hash,
    })
}
