//! What every way of delivering shares: the outbox folder, the batch files
//! waiting in it (every batch not yet confirmed), what a delivery reports,
//! and how it fails.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::store::{Store, StoreError, Via};

use super::error::{DeliveryError, io};

/// Sealed batch files wait here until the research store confirms them:
/// the folder `outbox/` beside the database.
pub fn outbox(db: &Path) -> PathBuf {
    db.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("outbox")
}

/// One batch file to deliver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxFile {
    pub seq: u64,
    pub name: String,
    pub path: PathBuf,
    /// SHA-256 (hex) recorded when it was sealed.
    pub sha256: String,
}

/// What a delivery will carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub device_id: String,
    pub files: Vec<OutboxFile>,
}

/// Every batch not yet confirmed, oldest first. Sending one again is
/// harmless: file names are deterministic and the importer de-duplicates.
pub fn plan(store: &Store, outbox: &Path) -> Result<Plan, StoreError> {
    Ok(Plan {
        device_id: store.device()?.id.to_string(),
        files: store
            .batches()?
            .into_iter()
            .filter(|b| b.state.awaits_receipt())
            .map(|b| OutboxFile {
                seq: b.seq,
                path: outbox.join(&b.file_name),
                name: b.file_name,
                sha256: b.hash,
            })
            .collect(),
    })
}

/// A batch file that arrived and was checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivered {
    pub seq: u64,
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
    pub via: Via,
}

/// What the worker reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Bytes sent of all files together.
    Progress {
        file: String,
        done: u64,
        total: u64,
    },
    /// A network error or a busy server; the transfer goes on after `wait`.
    Retrying {
        file: String,
        attempt: u32,
        wait: Duration,
        reason: String,
    },
    Delivered(Delivered),
    /// The end: `None` when every file was delivered, else why not.
    Finished(Option<String>),
}

/// SHA-256 (hex) and size of a file, read in blocks.
pub fn hash_file(path: &Path) -> Result<(String, u64), DeliveryError> {
    let mut f = File::open(path).map_err(io(path))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf).map_err(io(path))?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok((hex::encode(h.finalize()), n))
}

/// Checks an outbox file against the hash it was sealed with; its size.
pub fn check_outbox(f: &OutboxFile) -> Result<u64, DeliveryError> {
    let (hash, size) = hash_file(&f.path)?;
    if !hash.eq_ignore_ascii_case(&f.sha256) {
        return Err(DeliveryError::Damaged {
            name: f.name.clone(),
        });
    }
    Ok(size)
}
