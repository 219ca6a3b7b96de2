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
    /// The folder the files are in (a delivery folder on the same disk is
    /// not a stick).
    pub outbox: PathBuf,
    pub files: Vec<OutboxFile>,
}

/// Whether a recorded file name is a plain batch file name: no folder, no
/// `..`, nothing a path could be made of.
pub fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name.ends_with(".kohort")
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

/// Every batch not yet confirmed, oldest first. Sending one again is
/// harmless: file names are deterministic and the importer de-duplicates.
pub fn plan(store: &Store, outbox: &Path) -> Result<Plan, StoreError> {
    Ok(Plan {
        device_id: store.device()?.id.to_string(),
        outbox: outbox.to_owned(),
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

/// The files of `plan` that can go, with their sizes; each one that
/// cannot (missing, damaged, a name that is not plain) is reported as
/// [`Event::Skipped`] and listed in the second part, so that one bad file
/// does not hold the others back.
pub fn ready<'a>(
    plan: &'a Plan,
    report: &mut dyn FnMut(Event),
) -> (Vec<(&'a OutboxFile, u64)>, Vec<String>) {
    let mut go = Vec::with_capacity(plan.files.len());
    let mut skipped = Vec::new();
    for f in &plan.files {
        let checked = if plain_name(&f.name) {
            check_outbox(f).map_err(|e| match e {
                DeliveryError::Io { source, .. }
                    if source.kind() == std::io::ErrorKind::NotFound =>
                {
                    "its file is not in the outbox".to_owned()
                }
                other => other.to_string(),
            })
        } else {
            Err("its recorded file name is not a plain batch file name".to_owned())
        };
        match checked {
            Ok(size) => go.push((f, size)),
            Err(reason) => {
                report(Event::Skipped {
                    seq: f.seq,
                    name: f.name.clone(),
                    reason: reason.clone(),
                });
                skipped.push(format!("batch {} ({}): {reason}", f.seq, f.name));
            }
        }
    }
    (go, skipped)
}

/// A batch file that arrived and was checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivered {
    pub seq: u64,
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
    pub via: Via,
    /// The destination showed the file with its size. `false`: the TSD
    /// server took the upload (201) but its check could not see the file;
    /// the research store's receipt confirms it later.
    pub checked: bool,
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
    /// A batch that cannot go this time (the others still do).
    Skipped {
        seq: u64,
        name: String,
        reason: String,
    },
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

/// Puts the outbox right after a crash, under the outbox lock: a batch
/// recorded whose file is still under its temporary name (the export was
/// killed between recording it and the rename) is renamed into place when
/// the temporary file's hash is the one recorded; temporary files of
/// exports that never recorded their batch are removed (their sessions are
/// still unbatched and go into the next batch). Returns the names put in
/// place.
pub fn roll_forward(
    store: &Store,
    outbox: &Path,
    _held: &super::OutboxLock,
) -> Result<Vec<String>, DeliveryError> {
    let Ok(entries) = std::fs::read_dir(outbox) else {
        return Ok(Vec::new());
    };
    let temps: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.') && n.ends_with(".tmp"))
        })
        .collect();
    let mut placed = Vec::new();
    let batches = store.batches()?;
    for b in batches.iter().filter(|b| plain_name(&b.file_name)) {
        let dest = outbox.join(&b.file_name);
        if dest.exists() {
            continue;
        }
        let prefix = format!(".{}.", b.file_name);
        for t in &temps {
            let ours = t
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix));
            if ours && hash_file(t)?.0.eq_ignore_ascii_case(&b.hash) {
                std::fs::rename(t, &dest).map_err(io(t))?;
                kohort_files::sync_dir(outbox).map_err(io(outbox))?;
                placed.push(b.file_name.clone());
                break;
            }
        }
    }
    for t in temps.iter().filter(|t| t.exists()) {
        let _ = std::fs::remove_file(t);
    }
    Ok(placed)
}
