//! Tablets restored from a backup. Such a tablet starts a new epoch: a new
//! device id, the same key, and a signed note in every later batch saying
//! which device it continues and after which batch. Its batches are held
//! until a data manager accepts the epoch; from then on the new id owns
//! what the old one did, and the store reports exactly which of the old
//! id's batches came after the backup (their sessions either come again,
//! as duplicates kept once, or live on only in the store) and which never
//! arrived.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use kohort_batch::{self as batch, Epoch};

use crate::db;
use crate::devices::{HELD_DIR, Held};
use crate::error::{ResearchError, Result};

/// What accepting an epoch found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    pub device: String,
    pub epoch: Epoch,
    /// Batches of the previous device after `after_seq` already in the
    /// store: sent after the backup was taken.
    pub after_backup: Vec<u64>,
    /// Batches of the previous device up to `after_seq` the store never
    /// received (the restored tablet may still deliver them).
    pub missing: Vec<u64>,
    /// Whether the new epoch's first batch links to the previous device's
    /// batch `after_seq` as the store has it (`None`: that batch is not in
    /// the store, or the first batch of the epoch is not held).
    pub links: Option<bool>,
    /// Held batches of the new id, now to be imported from `held/`.
    pub held: Vec<Held>,
}

/// The device ids a device stands for: itself and, through accepted
/// epochs, the ids it continues.
pub fn lineage(conn: &Connection, device: &str) -> Result<Vec<String>> {
    let mut out = vec![device.to_owned()];
    while out.len() < 1000 {
        let prev: Option<String> = conn
            .query_row(
                "SELECT previous_device FROM epochs WHERE device_id = ?1",
                [out.last().map_or("", String::as_str)],
                |r| r.get(0),
            )
            .optional()?;
        match prev {
            Some(p) if !out.contains(&p) => out.push(p),
            _ => break,
        }
    }
    Ok(out)
}

/// The accepted epoch of a device: its previous id and `after_seq`.
pub fn of(conn: &Connection, device: &str) -> Result<Option<(String, u64)>> {
    Ok(conn
        .query_row(
            "SELECT previous_device, after_seq FROM epochs WHERE device_id = ?1",
            [device],
            |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)),
        )
        .optional()?)
}

/// Accepts the epoch a held batch of `device` announces, after the data
/// manager confirmed with the clinic that the tablet was restored.
pub fn accept(store_dir: &Path, device: &str) -> Result<Accepted> {
    let mut conn = db::open(store_dir, false)?;
    if of(&conn, device)?.is_some() {
        return Err(ResearchError::Refused(format!(
            "the epoch of device {device} was accepted before"
        )));
    }
    let (_, held) = crate::devices::list(store_dir)?;
    let mut mine: Vec<Held> = held.into_iter().filter(|h| h.device_id == device).collect();
    mine.sort_by_key(|h| h.seq);
    let Some(first) = mine.first() else {
        return Err(ResearchError::Refused(format!(
            "no batch of device {device} is held: import its batches first"
        )));
    };
    let path = store_dir.join(HELD_DIR).join(&first.file_name);
    let bytes =
        kohort_files::read_small(&path, batch::MAX_FILE).map_err(|e| ResearchError::Io {
            path: path.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
    let v = batch::verify(&bytes)?;
    let h = &v.header;
    if h.device_id != device {
        return Err(ResearchError::Refused(format!(
            "{} is not a batch of device {device}",
            path.display()
        )));
    }
    let Some(epoch) = h.epoch.clone() else {
        return Err(ResearchError::Refused(format!(
            "device {device}'s held batches do not say it continues another device"
        )));
    };
    let previous: Option<(String, Option<String>)> = conn
        .query_row(
            "SELECT public_key, retired_at FROM devices WHERE device_id = ?1",
            [&epoch.previous_device],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((_, Some(at))) = &previous {
        return Err(ResearchError::Refused(format!(
            "device {} was retired on {at}: a retired tablet does not continue",
            epoch.previous_device
        )));
    }
    if previous.as_ref().map(|(k, _)| k.as_str()) != Some(h.device_key.as_str()) {
        return Err(ResearchError::Refused(format!(
            "device {device} says it continues device {}, which the store does not know \
             with the same key",
            epoch.previous_device
        )));
    }
    let seqs: Vec<u64> = {
        let mut st = conn.prepare("SELECT seq FROM batches WHERE device_id = ?1 ORDER BY seq")?;
        st.query_map([&epoch.previous_device], |r| r.get::<_, i64>(0))?
            .map(|s| s.map(|s| s as u64))
            .collect::<Result<_, _>>()?
    };
    let after_backup = seqs
        .iter()
        .copied()
        .filter(|s| *s > epoch.after_seq)
        .collect();
    let missing = (1..=epoch.after_seq)
        .filter(|s| !seqs.contains(s))
        .collect();
    let links = if first.seq == epoch.after_seq + 1 {
        conn.query_row(
            "SELECT hash FROM batches WHERE device_id = ?1 AND seq = ?2",
            params![epoch.previous_device, epoch.after_seq as i64],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .map(|hash| hash == h.prev_hash)
    } else {
        None
    };
    let now = kohort_batch::now_stamp();
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO epochs (device_id, previous_device, after_seq, number, reason, accepted_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            device,
            epoch.previous_device,
            epoch.after_seq as i64,
            epoch.number,
            epoch.reason,
            now
        ],
    )?;
    crate::devices::bind(&tx, h, "accept-epoch", &now)?;
    tx.commit()?;
    Ok(Accepted {
        device: device.to_owned(),
        epoch,
        after_backup,
        missing,
        links,
        held: mine,
    })
}

/// What to do with a batch of a device the store does not know that says
/// it continues another (before its epoch is accepted).
pub fn admit(conn: &Connection, h: &batch::Header, e: &Epoch) -> Result<crate::devices::Admission> {
    use crate::devices::Admission;
    let previous: Option<(String, Option<String>)> = conn
        .query_row(
            "SELECT public_key, retired_at FROM devices WHERE device_id = ?1",
            [&e.previous_device],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match previous {
        Some((key, _)) if key != h.device_key => Admission::Refuse(format!(
            "it says it continues device {}, which signs with another key",
            e.previous_device
        )),
        None => Admission::Refuse(format!(
            "it says it continues device {}, which the store does not know",
            e.previous_device
        )),
        Some((_, Some(at))) => Admission::Hold(format!(
            "it continues device {}, which was retired on {at}",
            e.previous_device
        )),
        Some((_, None)) => Admission::Hold(format!(
            "device {} says it was restored from a backup and continues as device {} after \
             its batch {} (\"{}\"); confirm that with the clinic, then run \
             `kohort store devices accept-epoch {}` and import the held folder",
            e.previous_device, h.device_id, e.after_seq, e.reason, h.device_id
        )),
    })
}
