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
    let len = std::fs::metadata(file)
        .map_err(|source| ResearchError::Io {
            path: file.to_owned(),
            source,
        })?
        .len();
    if len > batch::MAX_FILE {
        return Err(BatchError::TooLarge {
            what: "file",
            len,
            cap: batch::MAX_FILE,
        }
        .into());
    }
    let bytes = std::fs::read(file).map_err(|source| ResearchError::Io {
        path: file.to_owned(),
        source,
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
