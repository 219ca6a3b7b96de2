//! `kohort store devices trust FILE --fingerprint FP`: enrols the key a
//! batch file is signed with for the device the file names, after the data
//! manager has confirmed its fingerprint with the clinic (a reinstalled
//! tablet keeping its device id gets a new key; without this its batches
//! are held). The fingerprint read at the clinic must be given, and must
//! match the file's key.

use std::path::Path;

use rusqlite::{OptionalExtension, params};

use kohort_batch::{self as batch, BatchError};

use crate::db;
use crate::error::{ResearchError, Result};

/// The device id and key fingerprint now trusted.
pub fn trust_file(store_dir: &Path, file: &Path, expected: &str) -> Result<(String, String)> {
    let expected = crate::devices::normalise(expected)?;
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
    let h = &v.header;
    let fp = super::import::fingerprint(&h.device_key);
    if fp != expected {
        return Err(ResearchError::Refused(format!(
            "{} is signed with key {fp}, not {expected}: do not trust it; ask the clinic \
             to read the fingerprint on the tablet's settings page again",
            file.display()
        )));
    }
    let mut conn = db::open(store_dir, true)?;
    if crate::devices::is_rejected(&conn, &fp)? {
        return Err(ResearchError::Refused(format!(
            "key {fp} was rejected; it is not trusted again"
        )));
    }
    let now = kohort_batch::now_stamp();
    let tx = conn.transaction()?;
    // The site and name the device was enrolled with, if it was.
    let (site, name): (String, String) = tx
        .query_row(
            "SELECT site, name FROM enrolments WHERE device_id = ?1 ORDER BY enrolled_at DESC",
            [&h.device_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or_else(|| (String::new(), h.device_id.clone()));
    tx.execute(
        "INSERT OR IGNORE INTO enrolments (fingerprint, site, name, enrolled_at, enrolled_via,
             device_id) VALUES (?1, ?2, ?3, ?4, 'devices trust', ?5)",
        params![fp, site, name, now, h.device_id],
    )?;
    tx.execute(
        "INSERT OR IGNORE INTO trusted_keys (device_id, public_key, added_at) VALUES (?1, ?2, ?3)",
        params![h.device_id, h.device_key, now],
    )?;
    tx.commit()?;
    Ok((h.device_id.clone(), fp))
}
