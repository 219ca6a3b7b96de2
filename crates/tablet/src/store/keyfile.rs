//! The key file beside the database (`<db>.keys`): what is needed before
//! the database can be opened. It holds the data key wrapped under the
//! staff passphrase (Argon2id) and under the recovery key, a check value
//! for each (so a damaged wrap is told from a wrong passphrase), the
//! Argon2id parameters, and the count of failed unlocks with the earliest
//! next try. Everything but the failure count is authenticated with a key
//! derived from the data key, checked after every unlock; the count
//! changes while locked and is not.
//!
//! Guesses are serialised: an unlock takes an exclusive lock on the file,
//! counts itself as a failure and sets the next allowed try *before*
//! deriving the key, so parallel guesses cannot share one delay window.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::error::{Result, StoreError};
use super::keys::KdfParams;

pub const FORMAT: u16 = 1;
/// Argon2id parameters accepted from a key file: 1 GiB, 20 passes, 8 lanes
/// at most (Kohort writes 64 MiB, 3, 1).
const MAX_M_COST: u32 = 1 << 20;
const MAX_T_COST: u32 = 20;
const MAX_P_COST: u32 = 8;

/// The key file is a few hundred bytes; anything far larger is not one.
const MAX_BYTES: u64 = 64 << 10;

/// The key file of the database at `db`.
pub fn path_of(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".keys");
    PathBuf::from(name)
}

/// A wrapped data key and the value that says whether the key that opens
/// it is the right one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wrap {
    /// HMAC-SHA-256(key-encryption key, "kohort key check v1"), hex.
    pub check: String,
    /// The data key sealed under the key-encryption key, hex.
    pub wrapped: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KdfFields {
    pub m_cost: u32,
    pub t_cost: u32,
    pub p_cost: u32,
    pub salt: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFile {
    pub format: u16,
    pub application: String,
    pub kdf: KdfFields,
    pub passphrase: Wrap,
    pub recovery: Wrap,
    /// Not authenticated: counted while locked.
    pub failed_unlocks: u32,
    pub not_before: Option<DateTime<Utc>>,
    /// HMAC over everything above but the failure count, hex.
    pub mac: String,
}

/// The check value of a key-encryption key.
pub fn check_of(kek: &[u8; 32]) -> String {
    hex::encode(hmac(kek, b"kohort key check v1"))
}

fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

impl KdfFields {
    pub fn of(p: &KdfParams) -> Self {
        KdfFields {
            m_cost: p.m_cost,
            t_cost: p.t_cost,
            p_cost: p.p_cost,
            salt: hex::encode(p.salt),
        }
    }

    pub fn params(&self) -> Result<KdfParams> {
        // Someone who can write the key file but has no key could ask for
        // an Argon2id that takes all memory or hours: refused, not run.
        if !(8..=MAX_M_COST).contains(&self.m_cost)
            || !(1..=MAX_T_COST).contains(&self.t_cost)
            || !(1..=MAX_P_COST).contains(&self.p_cost)
        {
            return Err(StoreError::KeyFile(format!(
                "the key file asks for a key derivation Kohort never uses \
                 (m={} KiB, t={}, p={}): it was changed or damaged",
                self.m_cost, self.t_cost, self.p_cost
            )));
        }
        let mut salt = [0u8; 16];
        hex::decode_to_slice(&self.salt, &mut salt)
            .map_err(|_| StoreError::Corrupt("the key file's salt is damaged".into()))?;
        Ok(KdfParams {
            m_cost: self.m_cost,
            t_cost: self.t_cost,
            p_cost: self.p_cost,
            salt,
        })
    }
}

impl KeyFile {
    /// The bytes the MAC covers: every field but the failure count and
    /// the MAC itself, in a fixed order.
    fn signed_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for part in [
            self.format.to_string().as_str(),
            &self.application,
            &self.kdf.m_cost.to_string(),
            &self.kdf.t_cost.to_string(),
            &self.kdf.p_cost.to_string(),
            &self.kdf.salt,
            &self.passphrase.check,
            &self.passphrase.wrapped,
            &self.recovery.check,
            &self.recovery.wrapped,
        ] {
            out.extend_from_slice(&(part.len() as u32).to_be_bytes());
            out.extend_from_slice(part.as_bytes());
        }
        out
    }

    /// Authenticates the file under `key` (derived from the data key).
    pub fn sign(&mut self, key: &[u8; 32]) {
        self.mac = hex::encode(hmac(key, &self.signed_bytes()));
    }

    /// Whether the file is as the holder of the data key last wrote it.
    pub fn verify(&self, key: &[u8; 32]) -> Result<()> {
        let want = hex::encode(hmac(key, &self.signed_bytes()));
        if want == self.mac {
            Ok(())
        } else {
            Err(StoreError::TamperedFile(
                "the key file was changed without the key".into(),
            ))
        }
    }

    pub fn read(path: &Path) -> Result<KeyFile> {
        let bytes = kohort_files::read_small(path, MAX_BYTES).map_err(|e| match e {
            kohort_files::ReadError::Io { source, .. }
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                StoreError::MissingKeyFile(path.to_owned())
            }
            other => StoreError::KeyFile(other.to_string()),
        })?;
        let file: KeyFile = serde_json::from_slice(&bytes)
            .map_err(|e| StoreError::KeyFile(format!("{} is damaged: {e}", path.display())))?;
        if file.format != FORMAT || file.application != "kohort" {
            return Err(StoreError::KeyFile(format!(
                "{} is not a Kohort key file this program knows",
                path.display()
            )));
        }
        Ok(file)
    }

    /// Writes the file whole, or not at all.
    pub fn write(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_vec_pretty(self)?;
        kohort_files::write_atomic(path, &text).map_err(|e| {
            if e.kind() == std::io::ErrorKind::StorageFull {
                StoreError::DiskFull
            } else {
                StoreError::KeyFile(format!("cannot write {}: {e}", path.display()))
            }
        })
    }
}

/// An exclusive hold on a database's key file: one unlock at a time across
/// every process. Released when dropped.
pub struct Held {
    _lock: File,
}

/// Waits for the exclusive hold (a lock file beside the key file, so the
/// key file itself can be replaced atomically while held).
pub fn hold(db: &Path) -> Result<Held> {
    let mut name = path_of(db).into_os_string();
    name.push(".lock");
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(PathBuf::from(name))
        .map_err(|e| StoreError::KeyFile(format!("cannot lock the key file: {e}")))?;
    lock.lock()
        .map_err(|e| StoreError::KeyFile(format!("cannot lock the key file: {e}")))?;
    Ok(Held { _lock: lock })
}

/// A key derived from the data key for one purpose.
pub fn derive(data: &[u8; 32], purpose: &str) -> Zeroizing<[u8; 32]> {
    let hk = hkdf::Hkdf::<Sha256>::new(Some(b"kohort key derivation v1"), data);
    let mut out = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF's limit.
    let _ = hk.expand(purpose.as_bytes(), out.as_mut());
    out
}
