//! Delivery to a folder, typically an encrypted USB stick carried to a PC
//! that uploads to TSD. Each batch file is checked against the hash it was
//! sealed with, copied under a temporary name, synced and renamed; then a
//! manifest (names, sizes, SHA-256) is written the same way and the folder
//! itself is synced. Only after every file and the manifest read back with
//! the right size and hash are the batches reported delivered.
//!
//! The read-back goes through the operating system's cache, so it proves
//! the file system holds the right bytes; the syncs before it are what put
//! them on the stick.

use std::fs::{self, File};
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};

use crate::store::Via;

use super::error::{DeliveryError, io};
use super::outbox::{Delivered, Event, Plan, hash_file, ready};

/// The manifest beside the batch files: `<device id>.manifest.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: u16,
    pub device_id: String,
    pub written_at: String,
    pub files: Vec<ManifestFile>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    pub name: String,
    pub seq: u64,
    pub size: u64,
    pub sha256: String,
}

pub fn manifest_name(device_id: &str) -> String {
    format!("{device_id}.manifest.json")
}

/// Writes what `src` gives to `dir/name` whole or not at all.
fn write_synced(
    dir: &Path,
    name: &str,
    src: &mut dyn Read,
    on_bytes: &mut dyn FnMut(u64),
) -> Result<(), DeliveryError> {
    let dest = dir.join(name);
    kohort_files::stage_from(&dest, src, on_bytes)
        .map_err(io(&dest))?
        .commit()
        .map_err(|e| io(&dest)(e.source))
}

pub(crate) fn deliver(
    plan: &Plan,
    dir: &Path,
    must_be_a_stick: bool,
    cancel: &AtomicBool,
    report: &mut dyn FnMut(Event),
) -> Result<(), DeliveryError> {
    if !dir.is_dir() {
        return Err(DeliveryError::NoFolder(dir.to_owned()));
    }
    if must_be_a_stick && same_disk(dir, &plan.outbox) {
        return Err(DeliveryError::NotAStick(dir.to_owned()));
    }
    let (go, skipped) = ready(plan, report);
    let total: u64 = go.iter().map(|(_, size)| size).sum();
    let mut done = 0u64;
    let mut files = Vec::with_capacity(go.len());
    for (f, size) in go {
        if cancel.load(Ordering::Relaxed) {
            return Err(DeliveryError::Cancelled);
        }
        let mut src = File::open(&f.path).map_err(io(&f.path))?.take(size);
        write_synced(dir, &f.name, &mut src, &mut |k| {
            done += k;
            report(Event::Progress {
                file: f.name.clone(),
                done,
                total,
            });
        })?;
        files.push(ManifestFile {
            name: f.name.clone(),
            seq: f.seq,
            size,
            sha256: f.sha256.to_ascii_lowercase(),
        });
    }
    let manifest = Manifest {
        format: 1,
        device_id: plan.device_id.clone(),
        written_at: kohort_batch::now_stamp(),
        files,
    };
    let text = serde_json::to_vec_pretty(&manifest).map_err(|e| DeliveryError::Io {
        path: dir.to_owned(),
        source: std::io::Error::other(e),
    })?;
    let mname = manifest_name(&plan.device_id);
    write_synced(dir, &mname, &mut text.as_slice(), &mut |_| {})?;

    // Read everything back before anything is marked delivered.
    let back = fs::read(dir.join(&mname)).map_err(io(dir))?;
    if back != text {
        return Err(DeliveryError::ReadBack {
            name: mname,
            dir: dir.to_owned(),
        });
    }
    for m in &manifest.files {
        let (hash, size) = hash_file(&dir.join(&m.name))?;
        if hash != m.sha256 || size != m.size {
            return Err(DeliveryError::ReadBack {
                name: m.name.clone(),
                dir: dir.to_owned(),
            });
        }
    }
    let via = Via::Folder {
        path: kohort_files::volumes::public_path(
            &dir.canonicalize().unwrap_or_else(|_| dir.to_owned()),
        ),
    };
    for m in manifest.files {
        report(Event::Delivered(Delivered {
            seq: m.seq,
            name: m.name,
            bytes: m.size,
            sha256: m.sha256,
            via: via.clone(),
            checked: true,
        }));
    }
    if skipped.is_empty() {
        Ok(())
    } else {
        Err(DeliveryError::Skipped(skipped))
    }
}

/// Whether `dir` is on the same file system as the outbox: an empty mount
/// point (no stick in it) is a folder on the tablet's own disk.
fn same_disk(dir: &Path, outbox: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (fs::metadata(dir), fs::metadata(outbox)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (dir, outbox);
        false
    }
}
