//! The tablet's local store: SQLite with sealed answers, the device key, and
//! a hash-chained audit log. See `docs/security.md` for what is sealed.
//!
//! The database file is encrypted and authenticated whole (SQLCipher); the
//! data key's wraps are in the key file beside it. A database opens locked
//! ([`LockedStore`]): nothing of it can be read. [`LockedStore::unlock`]
//! turns it into a [`Store`] that holds the data key; [`Store::lock`]
//! wipes the key and closes the file again.

mod audit;
mod batches;
mod convert;
mod delivery;
pub mod demo;
mod device;
mod epoch;
mod error;
mod kept;
mod keyfile;
mod keys;
mod load;
mod open;
mod page_check;
mod participants;
mod pinned;
mod read_aloud;
mod readonly;
mod record;
mod schema;
mod seal;
mod sessions;
mod workflow;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;

pub use audit::{Action, Actor, AuditEntry, BrokenLink, GENESIS, entry_hash};
pub use batches::{BatchRow, NewBatch, SentFact};
pub use convert::write_legacy;
pub use delivery::{
    BatchState, Confirmed, DEFAULT_RETENTION_DAYS, DeliveryRow, FailedAction, MAX_RETENTION_DAYS,
    PRACTICE_KEY_SETTING, Purged, RETENTION_SETTING, VerifiedReceipt, Via,
};
pub use device::Device;
pub use epoch::EPOCH_SETTING;
pub use error::{Result, StoreError};
pub use kept::{KeptSession, OpenedKept};
pub use keyfile::path_of as key_file_of;
pub use keys::{KdfParams, RecoveryKey};
pub use load::{LoadedSession, Opener, SealedSession};
pub use open::APPLICATION_ID;
pub use page_check::Pages;
pub use participants::{Consent, Episode, Participant};
pub use record::{Built, build as build_record};
pub use schema::LATEST as SCHEMA_VERSION;
pub use sessions::{SessionFilter, SessionStatus, SessionSummary};
pub use workflow::{DEMO_SETTING, MAX_REASON_CHARS, Missed};

use keys::Keys;

/// How long a caller must wait after failed unlocks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Delay {
    /// 1 s after the first failure, doubling up to five minutes.
    #[default]
    Growing,
    /// No wait (tests and scripted checks).
    None,
}

const MAX_DELAY: Duration = Duration::from_secs(300);

impl Delay {
    fn after(self, failures: i64) -> Duration {
        match self {
            Delay::None => Duration::ZERO,
            Delay::Growing => {
                let exp = failures.clamp(1, 10) as u32 - 1;
                Duration::from_secs(1u64 << exp).min(MAX_DELAY)
            }
        }
    }
}

/// Now, in the one text form every instant is stored in.
fn now() -> String {
    kohort_batch::now_stamp()
}

/// A database whose data key is not in memory: nothing of it can be read.
#[derive(Debug)]
pub struct LockedStore {
    path: PathBuf,
    delay: Delay,
    pages: Pages,
}

/// A refused unlock: the store stays locked and is handed back.
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct Refused {
    pub locked: Box<LockedStore>,
    #[source]
    pub error: StoreError,
}

/// An unlocked database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    delay: Delay,
    keys: Keys,
    actor: Actor,
    /// Pinned instruments parsed and checked, by hash (see `pinned.rs`).
    pinned_cache: PinnedCache,
    /// The check of every page, when the unlock left it to a thread.
    page_check: Option<page_check::Running>,
}

type PinnedCache =
    std::cell::RefCell<std::collections::HashMap<String, std::sync::Arc<kohort_form::Instrument>>>;

impl Store {
    /// Wipes the key material from memory and closes the database.
    pub fn lock(self) -> LockedStore {
        LockedStore {
            path: self.path,
            delay: self.delay,
            pages: Pages::Now,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The open connection itself, for tests that play someone holding the
    /// staff passphrase who edits the database by hand.
    #[doc(hidden)]
    pub fn sql(&self) -> &Connection {
        &self.conn
    }

    /// Who later audit entries name: staff, or the patient in patient mode.
    pub fn set_actor(&mut self, actor: Actor) {
        self.actor = actor;
    }

    pub fn verify_audit(&self) -> Result<Result<usize, BrokenLink>> {
        audit::verify(&self.conn, self.keys.audit())
    }

    /// [`Store::verify_audit`], returning the entries it checked (an export
    /// seals those after the last batch without reading them again).
    pub fn verified_audit(&self) -> Result<Result<Vec<AuditEntry>, BrokenLink>> {
        audit::verified(&self.conn, self.keys.audit())
    }

    pub fn audit_entries(&self) -> Result<Vec<AuditEntry>> {
        audit::entries(&self.conn)
    }

    /// Caps the database file at about `max_bytes`; writes beyond it fail
    /// with [`StoreError::DiskFull`]. For kiosks with a quota, and for tests.
    pub fn limit_size(&self, max_bytes: u64) -> Result<u64> {
        // SQLCipher answers `page_size` as text.
        let page: rusqlite::types::Value =
            self.conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        let page: i64 = match page {
            rusqlite::types::Value::Integer(n) => n,
            rusqlite::types::Value::Text(t) => t.parse().unwrap_or(4096),
            _ => 4096,
        };
        let pages = (max_bytes / page.max(1) as u64).max(1) as i64;
        let set: i64 =
            self.conn
                .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| {
                    r.get(0)
                })?;
        Ok(set as u64 * page as u64)
    }
}

impl LockedStore {
    pub fn set_delay(&mut self, delay: Delay) {
        self.delay = delay;
    }

    /// When the next unlock checks every page (see [`Pages`]).
    pub fn set_pages(&mut self, pages: Pages) {
        self.pages = pages;
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}
