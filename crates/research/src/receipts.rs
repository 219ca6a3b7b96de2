//! Writes a signed receipt per device after an import: every batch of the
//! device in the research database, as `receipts/<device>-<highest seq>.receipt`
//! in the store folder, for the data manager to send back to the tablet.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use kohort_batch::{Accepted, ReceiptBody, ResearchKeys, sign_receipt};

use crate::error::{ResearchError, Result};

pub const DIR: &str = "receipts";

pub fn write(
    conn: &Connection,
    keys: &ResearchKeys,
    store_dir: &Path,
    device: &str,
) -> Result<Option<PathBuf>> {
    let mut st =
        conn.prepare("SELECT seq, hash, study_id FROM batches WHERE device_id = ?1 ORDER BY seq")?;
    let rows: Vec<(i64, String, String)> = st
        .query_map([device], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let Some((last, _, study)) = rows.last().cloned() else {
        return Ok(None);
    };
    let body = ReceiptBody {
        format: 1,
        study_id: study,
        device_id: device.to_owned(),
        issued_at: kohort_batch::now_stamp(),
        research_key: keys.public()?.fingerprint(),
        batches: rows
            .into_iter()
            .map(|(seq, hash, _)| Accepted {
                seq: seq as u64,
                hash,
            })
            .collect(),
    };
    let text = sign_receipt(&body, keys)?;
    let dir = store_dir.join(DIR);
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| ResearchError::Io { path, source }
    };
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let path = dir.join(format!("{device}-{last:06}.receipt"));
    kohort_files::write_atomic(&path, text.as_bytes()).map_err(io(&path))?;
    Ok(Some(path))
}
