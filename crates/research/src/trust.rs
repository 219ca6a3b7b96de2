//! `kohort store devices trust FILE`: registers the key a batch file is
//! signed with as trusted for its device, after the data manager has
//! confirmed its fingerprint with the clinic (a reinstalled tablet gets a
//! new key; without this its batches are refused).

use std::path::Path;

use rusqlite::params;

use kohort_batch::{self as batch, BatchError};

use crate::db;
use crate::error::{ResearchError, Result};

/// The device id and key fingerprint now trusted.
pub fn trust_file(store_dir: &Path, file: &Path) -> Result<(String, String)> {
    // Bounded, and only from a regular file (not a pipe or a device).
    let bytes = kohort_files::read_small(file, batch::MAX_FILE).map_err(|e| match e {
        kohort_files::ReadError::TooLarge { .. } => ResearchError::from(BatchError::TooLarge {
            what: "file",
            len: std::fs::metadata(file).map_or(0, |m| m.len()),
            cap: batch::MAX_FILE,
        }),
        other => ResearchError::Io {
            path: file.to_owned(),
            source: std::io::Error::other(other.to_string()),
        },
    })?;
    let v = batch::verify(&bytes)?;
    let conn = db::open(store_dir, true)?;
    let now = kohort_batch::now_stamp();
    conn.execute(
        "INSERT OR IGNORE INTO trusted_keys (device_id, public_key, added_at) VALUES (?1, ?2, ?3)",
        params![v.header.device_id, v.header.device_key, now],
    )?;
    Ok((
        v.header.device_id.clone(),
        super::import::fingerprint(&v.header.device_key),
    ))
}
