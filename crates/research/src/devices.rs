//! Enrolled devices: the research store accepts batches only from tablets
//! a data manager enrolled by the fingerprint of their signing key (read
//! off the tablet's settings page or `kohort device show`). A batch from a
//! key nobody enrolled waits in `held/` until its device is enrolled or its
//! key rejected; a retired device's later batches wait there too.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use kohort_batch::Header;

use crate::db;
use crate::error::{ResearchError, Result};

/// The folder inside the store where batches wait for a decision.
pub const HELD_DIR: &str = "held";

/// One enrolled device, as `devices list` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrolment {
    pub fingerprint: String,
    pub site: String,
    pub name: String,
    pub enrolled_at: String,
    pub enrolled_via: String,
    /// Known once a batch signed with the key arrived.
    pub device_id: Option<String>,
    pub retired_at: Option<String>,
    /// Batches of this device in the store.
    pub batches: u64,
}

/// A batch waiting in `held/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    pub file_name: String,
    pub device_id: String,
    pub seq: u64,
    pub fingerprint: String,
    pub reason: String,
}

/// What the store does with a batch from this device and key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Admission {
    /// A device and key the store knows.
    Known,
    /// An enrolled key arriving for the first time (or a device's new,
    /// enrolled key): bound to the batch's device id on import.
    Bind {
        via: String,
    },
    Hold(String),
    Refuse(String),
}

/// Fingerprints are read aloud and typed: case, spaces and dashes are
/// forgiven, anything else is an error.
pub fn normalise(fingerprint: &str) -> Result<String> {
    let hex: String = fingerprint
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | ':'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if hex.len() != 16 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(ResearchError::BadFingerprint(fingerprint.to_owned()));
    }
    Ok(format!(
        "{}-{}-{}-{}",
        &hex[0..4],
        &hex[4..8],
        &hex[8..12],
        &hex[12..16]
    ))
}

/// Enrols a device by its key's fingerprint. Returns the batches of that
/// key now waiting in `held/` (import them with `--in STORE/held`).
pub fn add(store_dir: &Path, fingerprint: &str, site: &str, name: &str) -> Result<Vec<Held>> {
    let fp = normalise(fingerprint)?;
    if site.trim().is_empty() || name.trim().is_empty() {
        return Err(ResearchError::Refused(
            "give the device's --site and a --name the clinic knows it by".into(),
        ));
    }
    let mut conn = db::open(store_dir, true)?;
    let tx = conn.transaction()?;
    let existing: Option<Option<String>> = tx
        .query_row(
            "SELECT retired_at FROM enrolments WHERE fingerprint = ?1",
            [&fp],
            |r| r.get(0),
        )
        .optional()?;
    match existing {
        Some(None) => {
            return Err(ResearchError::Refused(format!(
                "the device with fingerprint {fp} is already enrolled"
            )));
        }
        Some(Some(_)) => {
            return Err(ResearchError::Refused(format!(
                "the device with fingerprint {fp} was retired; a retired device is not enrolled again"
            )));
        }
        None => {}
    }
    tx.execute("DELETE FROM rejected_keys WHERE fingerprint = ?1", [&fp])?;
    tx.execute(
        "INSERT INTO enrolments (fingerprint, site, name, enrolled_at, enrolled_via)
         VALUES (?1, ?2, ?3, ?4, 'devices add')",
        params![fp, site.trim(), name.trim(), kohort_batch::now_stamp()],
    )?;
    tx.commit()?;
    held_of(&conn, &fp)
}

/// Retires a device (by fingerprint or device id): its later batches are
/// held. What it sent before stays in the store.
pub fn retire(store_dir: &Path, who: &str) -> Result<String> {
    let conn = db::open(store_dir, false)?;
    let now = kohort_batch::now_stamp();
    let by_fp = normalise(who).ok();
    let device: Option<String> = match &by_fp {
        Some(fp) => conn
            .query_row(
                "SELECT coalesce(device_id, '') FROM enrolments WHERE fingerprint = ?1",
                [fp],
                |r| r.get(0),
            )
            .optional()?,
        None => conn
            .query_row(
                "SELECT device_id FROM devices WHERE device_id = ?1",
                [who],
                |r| r.get(0),
            )
            .optional()?,
    };
    let Some(device) = device else {
        return Err(ResearchError::Refused(format!(
            "no device {who} is enrolled in this store"
        )));
    };
    if let Some(fp) = &by_fp {
        conn.execute(
            "UPDATE enrolments SET retired_at = ?2 WHERE fingerprint = ?1 AND retired_at IS NULL",
            params![fp, now],
        )?;
    }
    conn.execute(
        "UPDATE enrolments SET retired_at = ?2 WHERE device_id = ?1 AND retired_at IS NULL",
        params![device, now],
    )?;
    conn.execute(
        "UPDATE devices SET retired_at = ?2 WHERE device_id = ?1 AND retired_at IS NULL",
        params![device, now],
    )?;
    Ok(if device.is_empty() {
        who.into()
    } else {
        device
    })
}

/// Rejects a key nobody enrolled: the batches it signed are deleted from
/// `held/`, and later ones are refused. Returns the files deleted.
pub fn reject(store_dir: &Path, fingerprint: &str) -> Result<Vec<String>> {
    let fp = normalise(fingerprint)?;
    let mut conn = db::open(store_dir, false)?;
    let enrolled: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM enrolments WHERE fingerprint = ?1",
            [&fp],
            |r| r.get(0),
        )
        .optional()?;
    if enrolled.is_some() {
        return Err(ResearchError::Refused(format!(
            "{fp} is an enrolled device; retire it instead"
        )));
    }
    let held = held_of(&conn, &fp)?;
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT OR IGNORE INTO rejected_keys (fingerprint, rejected_at) VALUES (?1, ?2)",
        params![fp, kohort_batch::now_stamp()],
    )?;
    tx.execute("DELETE FROM held WHERE fingerprint = ?1", [&fp])?;
    tx.commit()?;
    let dir = store_dir.join(HELD_DIR);
    for h in &held {
        match std::fs::remove_file(dir.join(&h.file_name)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(ResearchError::Io {
                    path: dir.join(&h.file_name),
                    source: e,
                });
            }
            _ => {}
        }
    }
    Ok(held.into_iter().map(|h| h.file_name).collect())
}

/// Every enrolled device, and devices trusted before enrolment existed.
pub fn list(store_dir: &Path) -> Result<(Vec<Enrolment>, Vec<Held>)> {
    let conn = db::open(store_dir, false)?;
    let mut st = conn.prepare(
        "SELECT e.fingerprint, e.site, e.name, e.enrolled_at, e.enrolled_via, e.device_id,
                e.retired_at, (SELECT count(*) FROM batches b WHERE b.device_id = e.device_id)
         FROM enrolments e ORDER BY e.site, e.name",
    )?;
    let enrolled = st
        .query_map([], |r| {
            Ok(Enrolment {
                fingerprint: r.get(0)?,
                site: r.get(1)?,
                name: r.get(2)?,
                enrolled_at: r.get(3)?,
                enrolled_via: r.get(4)?,
                device_id: r.get(5)?,
                retired_at: r.get(6)?,
                batches: r.get::<_, i64>(7)? as u64,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let held = all_held(&conn, None)?;
    Ok((enrolled, held))
}

fn held_of(conn: &Connection, fp: &str) -> Result<Vec<Held>> {
    all_held(conn, Some(fp))
}

fn all_held(conn: &Connection, fp: Option<&str>) -> Result<Vec<Held>> {
    let mut st = conn.prepare(
        "SELECT file_name, device_id, seq, fingerprint, reason FROM held
         WHERE ?1 IS NULL OR fingerprint = ?1 ORDER BY file_name",
    )?;
    let rows = st
        .query_map([fp], |r| {
            Ok(Held {
                file_name: r.get(0)?,
                device_id: r.get(1)?,
                seq: r.get::<_, i64>(2)? as u64,
                fingerprint: r.get(3)?,
                reason: r.get(4)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Whether a data manager rejected this key fingerprint.
pub fn is_rejected(conn: &Connection, fingerprint: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM rejected_keys WHERE fingerprint = ?1",
            [fingerprint],
            |r| r.get::<_, i64>(0),
        )
        .optional()?
        .is_some())
}

/// Decides what to do with a batch whose signature verified with the key
/// in its header.
pub fn admit(conn: &Connection, h: &Header, enrol_unknown: bool) -> Result<Admission> {
    let fp = crate::import::fingerprint(&h.device_key);
    if is_rejected(conn, &fp)? {
        return Ok(Admission::Refuse(format!(
            "its signing key {fp} was rejected by a data manager"
        )));
    }
    let device: Option<(String, Option<String>)> = conn
        .query_row(
            "SELECT public_key, retired_at FROM devices WHERE device_id = ?1",
            [&h.device_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((_, Some(at))) = &device {
        return Ok(Admission::Hold(format!(
            "device {} was retired on {at}",
            h.device_id
        )));
    }
    if let Some((key, None)) = &device {
        let trusted: Option<i64> = conn
            .query_row(
                "SELECT 1 FROM trusted_keys WHERE device_id = ?1 AND public_key = ?2",
                [&h.device_id, &h.device_key],
                |r| r.get(0),
            )
            .optional()?;
        if *key == h.device_key || trusted.is_some() {
            return Ok(Admission::Known);
        }
    }
    if device.is_none()
        && let Some(e) = &h.epoch
    {
        return crate::epochs::admit(conn, h, e);
    }
    let enrolment: Option<(Option<String>, Option<String>)> = conn
        .query_row(
            "SELECT device_id, retired_at FROM enrolments WHERE fingerprint = ?1",
            [&fp],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match enrolment {
        Some((_, Some(at))) => Ok(Admission::Hold(format!(
            "the device with key {fp} was retired on {at}"
        ))),
        Some((Some(bound), None)) if bound != h.device_id => Ok(Admission::Refuse(format!(
            "key {fp} is enrolled for device {bound}, but this batch says it comes from device {}",
            h.device_id
        ))),
        // An enrolled key not yet tied to a device may not take the id of
        // a device the store knows with another key.
        Some((None, None)) if device.is_some() => Ok(Admission::Hold(format!(
            "device {} is known with another key; this batch is signed with {fp}, enrolled \
             but not for it. If that tablet was reinstalled keeping its device id, confirm \
             with the clinic and run `kohort store devices trust FILE --fingerprint {fp}`",
            h.device_id
        ))),
        Some((_, None)) => Ok(Admission::Bind {
            via: "devices add".into(),
        }),
        None if device.is_some() => Ok(Admission::Hold(format!(
            "device {} signed it with a key not enrolled for it ({fp}); if the tablet was \
             reinstalled keeping its device id, confirm that fingerprint with the clinic and \
             run `kohort store devices trust FILE --fingerprint {fp}`",
            h.device_id
        ))),
        None if enrol_unknown => Ok(Admission::Bind {
            via: "enrol-unknown".into(),
        }),
        None => Ok(Admission::Hold(format!(
            "device {} (key {fp}) is not enrolled; confirm the fingerprint with the clinic \
             (the tablet shows it on its settings page) and run \
             `kohort store devices add {fp} --site … --name …`, or \
             `kohort store devices reject {fp}`",
            h.device_id
        ))),
    }
}

/// Records an admitted device: binds its enrolment to the device id and
/// makes its key the one expected from now on.
pub fn bind(conn: &Connection, h: &Header, via: &str, now: &str) -> Result<()> {
    let fp = crate::import::fingerprint(&h.device_key);
    if via == "enrol-unknown" {
        conn.execute(
            "INSERT OR IGNORE INTO enrolments (fingerprint, site, name, enrolled_at, enrolled_via)
             VALUES (?1, '', ?2, ?3, 'enrol-unknown')",
            params![fp, h.device_id, now],
        )?;
    }
    conn.execute(
        "UPDATE enrolments SET device_id = ?2 WHERE fingerprint = ?1",
        params![fp, h.device_id],
    )?;
    conn.execute(
        "INSERT INTO devices (device_id, public_key, first_seen, trusted_via)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (device_id) DO UPDATE SET public_key = ?2, trusted_via = ?4",
        params![h.device_id, h.device_key, now, via],
    )?;
    conn.execute(
        "INSERT OR IGNORE INTO trusted_keys (device_id, public_key, added_at) VALUES (?1, ?2, ?3)",
        params![h.device_id, h.device_key, now],
    )?;
    Ok(())
}
