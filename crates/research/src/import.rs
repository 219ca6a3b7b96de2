//! `kohort store import`: verifies, opens and merges batch files into the
//! research database. Framing, signature, study, device enrolment
//! (`devices.rs`), place in the device's chain, decryption, instruments
//! (`content.rs`) and the audit log (`chain.rs`) are checked before anything
//! is written; then the records are checked (hash, answers, owners) and
//! written one by one in ONE transaction (`write.rs`), so a file is either
//! wholly imported or not at all. Files from devices not enrolled are held.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use kohort_batch::{
    self as batch, BatchError, Header, NO_PREVIOUS, PayloadView, ResearchKeys, Verified, digest,
};

use crate::error::{ResearchError, Result};
use crate::{chain, content, db, devices, epochs};

/// What happened to one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileOutcome {
    Imported {
        device: String,
        seq: u64,
        new_sessions: usize,
        /// Sessions already in the database (from another batch): kept as they were.
        known_sessions: usize,
    },
    /// The same batch was imported before; nothing changed.
    AlreadyImported {
        device: String,
        seq: u64,
    },
    Refused {
        reason: String,
    },
    /// From a device (or key) not enrolled, or retired: moved to `held/`
    /// until a data manager decides.
    Held {
        device: String,
        seq: u64,
        fingerprint: String,
        reason: String,
    },
    /// Not a batch file this import reads (a folder, a pipe, a name in the
    /// wrong case): listed so that nothing is passed over unseen.
    Skipped {
        reason: String,
    },
}

/// The result of importing a folder.
#[derive(Clone, Debug, Default)]
pub struct ImportReport {
    /// Per file, in the order processed.
    pub files: Vec<(PathBuf, FileOutcome)>,
    /// Per device seen in this run.
    pub devices: BTreeMap<String, DeviceSummary>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeviceSummary {
    pub imported_now: usize,
    pub already_imported: usize,
    /// Batches of this device in the database after the run.
    pub total: u64,
    /// Sequence numbers below the highest received that are missing.
    pub gaps: Vec<u64>,
    /// The signed receipt written for the device (every batch accepted).
    pub receipt: Option<PathBuf>,
}

impl ImportReport {
    pub fn refused(&self) -> impl Iterator<Item = (&PathBuf, &str)> {
        self.files.iter().filter_map(|(p, o)| match o {
            FileOutcome::Refused { reason } => Some((p, reason.as_str())),
            _ => None,
        })
    }
}

/// What an import accepts beyond real tablets' batches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Accept batches from demo tablets (synthetic data, for practice).
    pub allow_demo: bool,
    /// Enrol any device on its first batch (a pilot without enrolment).
    pub enrol_unknown: bool,
}

/// Imports every `*.kohort` file of `dir`, in name order (which is sequence
/// order per device). Batches from demo tablets are refused; batches from
/// devices not enrolled are held.
pub fn import_dir(keys: &ResearchKeys, dir: &Path, store_dir: &Path) -> Result<ImportReport> {
    import_dir_with(keys, dir, store_dir, &ImportOptions::default())
}

/// [`import_dir`] with options. One import runs at a time per store.
pub fn import_dir_with(
    keys: &ResearchKeys,
    dir: &Path,
    store_dir: &Path,
    opts: &ImportOptions,
) -> Result<ImportReport> {
    let mut conn = db::open(store_dir, true)?;
    let _lock = lock(store_dir)?;
    let io = |source| ResearchError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut report = ImportReport::default();
    let mut paths = Vec::new();
    for entry in fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        match skip_reason(&path) {
            Some(reason) => report.files.push((path, FileOutcome::Skipped { reason })),
            None => paths.push(path),
        }
    }
    report.files.sort_by(|a, b| a.0.cmp(&b.0));
    paths.sort();
    let held_dir = store_dir.join(devices::HELD_DIR);
    for path in paths {
        let outcome = import_file(&mut conn, keys, &path, opts)?;
        let outcome = match outcome {
            FileOutcome::Held {
                device,
                seq,
                fingerprint,
                reason,
            } => hold(&conn, &path, &held_dir, &device, seq, &fingerprint, &reason)?,
            o => {
                if matches!(
                    o,
                    FileOutcome::Imported { .. } | FileOutcome::AlreadyImported { .. }
                ) && in_folder(&path, &held_dir)
                {
                    release(&conn, &path)?;
                }
                o
            }
        };
        let device = match &outcome {
            FileOutcome::Imported { device, .. } | FileOutcome::AlreadyImported { device, .. } => {
                Some(device.clone())
            }
            _ => None,
        };
        if let Some(d) = device {
            let s = report.devices.entry(d).or_default();
            match outcome {
                FileOutcome::Imported { .. } => s.imported_now += 1,
                _ => s.already_imported += 1,
            }
        }
        report.files.push((path, outcome));
    }
    for (device, s) in report.devices.iter_mut() {
        let seqs = device_seqs(&conn, device)?;
        s.total = seqs.len() as u64;
        let max = seqs.iter().max().copied().unwrap_or(0);
        // A restored tablet's new id starts after the batch it continues.
        let from = epochs::of(&conn, device)?.map_or(1, |(_, after)| after + 1);
        s.gaps = (from..max).filter(|q| !seqs.contains(q)).collect();
        s.receipt = super::receipts::write(&conn, keys, store_dir, device)?;
    }
    Ok(report)
}

/// Why an entry of the input folder is not read as a batch, if it is not.
fn skip_reason(path: &Path) -> Option<String> {
    let ext = path.extension().map(|x| x.to_string_lossy().into_owned());
    let meta = fs::metadata(path);
    match ext.as_deref() {
        Some("kohort") => match meta {
            Ok(m) if m.is_file() => None,
            Ok(m) if m.is_dir() => Some("a folder, not a batch file".into()),
            Ok(_) => Some("not a regular file (a pipe, socket or device)".into()),
            Err(e) => Some(format!("cannot be read: {e}")),
        },
        Some(x) if x.eq_ignore_ascii_case("kohort") => Some(format!(
            "named .{x}, not .kohort: a tablet never writes that; rename it if it is a batch"
        )),
        _ => Some("not a batch file (*.kohort)".into()),
    }
}

/// The store's import lock, held while this import runs.
fn lock(store_dir: &Path) -> Result<fs::File> {
    let path = store_dir.join("import.lock");
    let file = db::private_file(&path).map_err(|source| ResearchError::Io {
        path: path.clone(),
        source,
    })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(ResearchError::Busy(store_dir.to_owned())),
        Err(fs::TryLockError::Error(source)) => Err(ResearchError::Io { path, source }),
    }
}

/// Moves a held batch into the store's `held/` folder (unless it is there
/// already) and records why.
fn hold(
    conn: &Connection,
    path: &Path,
    held_dir: &Path,
    device: &str,
    seq: u64,
    fingerprint: &str,
    reason: &str,
) -> Result<FileOutcome> {
    let mut name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !in_folder(path, held_dir) {
        let io = |source| ResearchError::Io {
            path: held_dir.to_owned(),
            source,
        };
        db::private_dir(held_dir).map_err(io)?;
        // Never over another held batch of the same name (a forgery could
        // be named like a genuine batch waiting there).
        let mut n = 1;
        while held_dir.join(&name).exists() {
            n += 1;
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            name = format!("{stem}.{n}.kohort");
        }
        let dest = held_dir.join(&name);
        // A rename across file systems fails: then copy, sync, and remove.
        if fs::rename(path, &dest).is_err() {
            let bytes = fs::read(path).map_err(io)?;
            kohort_files::write_atomic(&dest, &bytes).map_err(io)?;
            fs::remove_file(path).map_err(io)?;
        }
    }
    conn.execute(
        "INSERT INTO held (file_name, device_id, seq, fingerprint, reason, held_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (file_name) DO UPDATE SET device_id = ?2, seq = ?3, fingerprint = ?4,
             reason = ?5",
        params![
            name,
            device,
            seq as i64,
            fingerprint,
            reason,
            kohort_batch::now_stamp()
        ],
    )?;
    Ok(FileOutcome::Held {
        device: device.to_owned(),
        seq,
        fingerprint: fingerprint.to_owned(),
        reason: format!("{reason} (moved to {})", held_dir.join(name).display()),
    })
}

/// Whether `path` is directly in `dir`, however either is spelled.
fn in_folder(path: &Path, dir: &Path) -> bool {
    let parent = path.parent().and_then(|p| fs::canonicalize(p).ok());
    parent.is_some() && parent == fs::canonicalize(dir).ok()
}

/// A held batch now imported: its copy in `held/` is no longer needed.
fn release(conn: &Connection, path: &Path) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    conn.execute("DELETE FROM held WHERE file_name = ?1", [&name])?;
    fs::remove_file(path).map_err(|source| ResearchError::Io {
        path: path.to_owned(),
        source,
    })
}

fn device_seqs(conn: &Connection, device: &str) -> Result<BTreeSet<u64>> {
    let mut st = conn.prepare("SELECT seq FROM batches WHERE device_id = ?1")?;
    let seqs = st
        .query_map([device], |r| r.get::<_, i64>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(seqs.into_iter().map(|s| s as u64).collect())
}

/// Imports one file. Database errors are returned; anything wrong with the
/// file itself is a [`FileOutcome::Refused`].
pub fn import_file(
    conn: &mut Connection,
    keys: &ResearchKeys,
    path: &Path,
    opts: &ImportOptions,
) -> Result<FileOutcome> {
    let refuse = |reason: String| Ok(FileOutcome::Refused { reason });
    // Bounded, and only from a regular file (not a pipe or a device).
    let bytes = match kohort_files::read_small(path, batch::MAX_FILE) {
        Ok(b) => b,
        Err(kohort_files::ReadError::TooLarge { .. }) => {
            let len = fs::metadata(path).map_or(0, |m| m.len());
            return refuse(
                BatchError::TooLarge {
                    what: "file",
                    len,
                    cap: batch::MAX_FILE,
                }
                .to_string(),
            );
        }
        Err(e) => return refuse(format!("cannot read it: {e}")),
    };
    let v = match batch::verify(&bytes) {
        Ok(v) => v,
        Err(e) => return refuse(e.to_string()),
    };
    let h = &v.header;
    if h.demo && !opts.allow_demo {
        return refuse(
            "it comes from a demo tablet (synthetic practice data), not from the study; \
             to practise with it, import it into a separate store with --allow-demo"
                .into(),
        );
    }
    let hash = hex::encode(v.hash);
    let (device, seq) = (h.device_id.clone(), h.seq);
    // Not for this store at all: refused, not held.
    if let Err(e) = batch::addressed_to(h, keys) {
        return refuse(e.to_string());
    }
    let admission = devices::admit(conn, h, opts.enrol_unknown)?;
    match &admission {
        devices::Admission::Hold(reason) => {
            return Ok(FileOutcome::Held {
                device,
                seq,
                fingerprint: fingerprint(&h.device_key),
                reason: reason.clone(),
            });
        }
        devices::Admission::Refuse(reason) => return refuse(reason.clone()),
        _ => {}
    }
    let existing: Option<String> = conn
        .query_row(
            "SELECT hash FROM batches WHERE device_id = ?1 AND seq = ?2",
            params![device, seq as i64],
            |r| r.get(0),
        )
        .optional()?;
    match existing {
        Some(e) if e == hash => return Ok(FileOutcome::AlreadyImported { device, seq }),
        Some(e) => {
            return refuse(format!(
                "batch {seq} of device {device} was already imported with different content \
                 (hash {e}); this file is a replay or a forgery"
            ));
        }
        None => {}
    }
    if let Some(reason) = chain_problem(conn, &v, &hash)? {
        return refuse(reason);
    }
    let plain = match batch::decrypt(&v, keys) {
        Ok(p) => p,
        Err(e) => return refuse(e.to_string()),
    };
    // The file is no longer needed: only the plaintext is kept, and records
    // are parsed one at a time below.
    let header = v.header.clone();
    drop(v);
    drop(bytes);
    let view = match plain.view(&header) {
        Ok(view) => view,
        Err(e) => return refuse(e.to_string()),
    };
    let mut instruments = match content::instruments(conn, &view.instruments)? {
        Ok(loaded) => loaded,
        Err(reason) => return refuse(reason),
    };
    if let Some(reason) = chain::check(conn, &device, seq, &view.audit)? {
        return Ok(FileOutcome::Held {
            fingerprint: fingerprint(&header.device_key),
            device,
            seq,
            reason,
        });
    }
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tx = conn.transaction()?;
    let batch = Batch {
        header: &header,
        view: &view,
        hash: &hash,
        file_name: &file_name,
    };
    let (new_sessions, known_sessions) =
        match crate::write::batch(&tx, &batch, &admission, &mut instruments)? {
            Ok(counts) => counts,
            // Dropping the transaction undoes everything of this batch.
            Err(reason) => return refuse(reason),
        };
    tx.commit()?;
    Ok(FileOutcome::Imported {
        device,
        seq,
        new_sessions,
        known_sessions,
    })
}

/// A verified, decrypted batch on its way into the database.
pub(crate) struct Batch<'a> {
    pub header: &'a Header,
    pub view: &'a PayloadView<'a>,
    pub hash: &'a str,
    pub file_name: &'a str,
}

/// The short form of a device key (hex) shown in messages.
pub fn fingerprint(key_hex: &str) -> String {
    digest::from_hex::<32>(key_hex)
        .map_or_else(|| "(not a key)".into(), |k| digest::fingerprint(&k))
}

/// Whether the batch fits between its neighbours already imported.
fn chain_problem(conn: &Connection, v: &Verified<'_>, hash: &str) -> Result<Option<String>> {
    let h = &v.header;
    if h.seq == 1 && h.prev_hash != NO_PREVIOUS {
        return Ok(Some("batch 1 names a previous batch".into()));
    }
    let hash_of = |seq: u64, col: &str| -> Result<Option<String>> {
        Ok(conn
            .query_row(
                &format!("SELECT {col} FROM batches WHERE device_id = ?1 AND seq = ?2"),
                params![h.device_id, seq as i64],
                |r| r.get(0),
            )
            .optional()?)
    };
    if let Some(prev) = hash_of(h.seq - 1, "hash")?
        && prev != h.prev_hash
    {
        return Ok(Some(format!(
            "it does not follow batch {} of this device as imported (previous-batch hash differs)",
            h.seq - 1
        )));
    }
    if let Some(next_prev) = hash_of(h.seq + 1, "prev_hash")?
        && next_prev != hash
    {
        return Ok(Some(format!(
            "batch {} of this device, already imported, names a different batch {} before it",
            h.seq + 1,
            h.seq
        )));
    }
    Ok(None)
}
