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

use crate::store::{AuditEntry, BatchState, NewBatch, Store, StoreError};
use kohort_batch::{self as batch, BatchError, Header, NO_PREVIOUS, ResearchPublic, digest};

use super::collect::collect_checked;

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
        "batch {0} was already delivered, so the batches before it cannot be sealed again \
         (the research store may hold it); tell the research store which batch is lost"
    )]
    CannotReseal(u64),
    #[error(
        "batch {0} was sealed before this tablet was restored from a backup (under its \
         previous device id), so it cannot be sealed again; tell the research store it is lost"
    )]
    BeforeEpoch(u64),
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
    let (_held, research, audit) = begin(store, dir)?;
    let c = collect_checked(store, Some(audit))?;
    // Changed facts alone make a batch: a withdrawal after the last session
    // must still reach the research store.
    if c.sessions.is_empty() && c.facts.facts.is_empty() {
        return Ok(Exported::Nothing);
    }
    let last = store.last_batch()?;
    let seq = last.as_ref().map_or(1, |b| b.seq + 1);
    let prev = last.map_or_else(|| NO_PREVIOUS.to_owned(), |b| b.hash);
    let (header, sealed, audit_entries) =
        seal_batch(store, &research, (seq, &prev, created_at), &c, rng)?;
    let (bytes, hash) = (sealed.bytes, hex::encode(sealed.hash));
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
        facts: &c.facts.sent,
    });
    // Not recorded: dropping the staged file removes it.
    recorded?;
    staged.commit().map_err(ExportError::Commit)?;
    let sessions = c.sessions.len();
    // Freeing ten thousand records' small strings takes 25 ms that no one
    // need wait for (if no thread can be started, it is done here).
    let _ = std::thread::Builder::new().spawn(move || drop(c));
    Ok(Exported::Batch {
        path,
        seq,
        sessions,
        audit_entries,
        hash,
    })
}

/// What every sealing starts with: the outbox lock (held until the
/// returned guard drops), the outbox rolled forward, the research key, and
/// the audit chain verified (a batch continues it: its entries carry the
/// hashes, the last one is the head), so a broken chain is never sealed;
/// the entries verified come back for the batch.
fn begin(
    store: &Store,
    dir: &Path,
) -> Result<(super::lock::OutboxLock, ResearchPublic, Vec<AuditEntry>), ExportError> {
    let held = super::lock::take(store)?;
    super::outbox::roll_forward(store, dir, &held).map_err(|e| match e {
        super::DeliveryError::Store(s) => ExportError::Store(s),
        other => ExportError::Io {
            path: dir.to_owned(),
            source: std::io::Error::other(other.to_string()),
        },
    })?;
    let research = research_key(store)?;
    let audit = store.verified_audit()?.map_err(ExportError::AuditBroken)?;
    Ok((held, research, audit))
}

/// The research key batches are sealed to.
fn research_key(store: &Store) -> Result<ResearchPublic, ExportError> {
    let text = store.research_key()?.ok_or(ExportError::NoResearchKey)?;
    let research = ResearchPublic::parse(&text).map_err(ExportError::BadResearchKey)?;
    if research.study.is_empty() {
        return Err(ExportError::NoStudy);
    }
    Ok(research)
}

/// Seals what `c` collected as batch `seq` after the batch file with hash
/// `prev`: the header, the file (bytes and hash) and how many audit entries
/// it holds.
fn seal_batch<R: CryptoRng + RngCore>(
    store: &Store,
    research: &ResearchPublic,
    (seq, prev, created_at): (u64, &str, &str),
    c: &super::Collected,
    rng: &mut R,
) -> Result<(Header, batch::Sealed, usize), ExportError> {
    let device = store.device()?;
    let header = Header {
        format: kohort_batch::VERSION,
        study_id: research.study.clone(),
        device_id: device.id.to_string(),
        device_key: hex::encode(device.public_key),
        seq,
        prev_hash: prev.to_owned(),
        created_at: created_at.to_owned(),
        research_key: research.fingerprint(),
        // Filled in as the records are sealed.
        record_count: 0,
        record_hashes: Vec::new(),
        demo: store.is_demo()?,
        epoch: store.epoch()?,
    };
    let contents = batch::Contents {
        instruments: &c.instruments,
        records: &c.records,
        audit: &c.audit,
        facts: &c.facts.facts,
        variables_json: &c.variables_json,
    };
    let (header, sealed) =
        batch::seal_records(header, contents, research, &store.signing_key()?, rng)?;
    Ok((header, sealed, c.audit.len()))
}

/// The first batch still in the outbox unsent whose file is missing, is not
/// the file recorded, or does not follow the batch before it (a re-seal cut
/// short leaves that); `None` when the outbox is whole.
fn first_broken(batches: &[crate::store::BatchRow], dir: &Path) -> Option<usize> {
    let mut prev = NO_PREVIOUS.to_owned();
    for (i, b) in batches.iter().enumerate() {
        let expected_prev = std::mem::replace(&mut prev, b.hash.clone());
        if b.state != BatchState::Sealed {
            continue;
        }
        let path = dir.join(&b.file_name);
        let whole = super::outbox::plain_name(&b.file_name)
            && kohort_files::read_small(&path, batch::MAX_FILE).is_ok_and(|bytes| {
                digest::sha256_hex(&bytes).eq_ignore_ascii_case(&b.hash)
                    && batch::verify(&bytes).is_ok_and(|v| v.header.prev_hash == expected_prev)
            });
        if !whole {
            return Some(i);
        }
    }
    None
}

/// Seals again, from the sessions still on the tablet, every batch from the
/// first whose file is missing from the outbox to the last (the later ones
/// too, since each file names the hash of the one before). Only batches
/// never delivered may be: a batch the research store may hold is never
/// replaced by one with other bytes. Returns the batches sealed again.
pub fn reseal(store: &mut Store, dir: &Path) -> Result<Vec<u64>, ExportError> {
    let now = kohort_batch::now_stamp();
    let mut rng = rand_core::UnwrapErr(rand_core::OsRng);
    let (_held, research, _) = begin(store, dir)?;
    let batches = store.batches()?;
    let Some(first) = first_broken(&batches, dir) else {
        return Ok(Vec::new());
    };
    if let Some(b) = batches[first..]
        .iter()
        .find(|b| b.state != BatchState::Sealed)
    {
        return Err(ExportError::CannotReseal(b.seq));
    }
    if let Some(e) = store.epoch()?
        && batches[first].seq <= e.after_seq
    {
        return Err(ExportError::BeforeEpoch(batches[first].seq));
    }
    let mut prev = if first == 0 {
        NO_PREVIOUS.to_owned()
    } else {
        batches[first - 1].hash.clone()
    };
    let mut done = Vec::new();
    for b in &batches[first..] {
        let c = super::collect::collect_batch(store, b.seq)?;
        let (header, sealed, _) = seal_batch(store, &research, (b.seq, &prev, &now), &c, &mut rng)?;
        let (bytes, hash) = (sealed.bytes, hex::encode(sealed.hash));
        let path = dir.join(header.file_name());
        let staged = kohort_files::stage(&path, &bytes).map_err(|source| ExportError::Io {
            path: path.clone(),
            source,
        })?;
        store.record_reseal(b.seq, &hash)?;
        staged.commit().map_err(ExportError::Commit)?;
        prev = hash;
        done.push(b.seq);
    }
    Ok(done)
}
