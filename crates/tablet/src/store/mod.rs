//! The tablet's local store: SQLite with sealed answers, the device key, and
//! a hash-chained audit log. See `docs/security.md` for what is sealed.
//!
//! A database opens locked ([`LockedStore`]): only the audit chain can be
//! read. [`LockedStore::unlock`] turns it into a [`Store`] that holds the
//! data key; [`Store::lock`] wipes the key again.

mod audit;
mod batches;
mod delivery;
pub mod demo;
mod device;
mod error;
mod keys;
mod participants;
mod schema;
mod seal;
mod sessions;
mod workflow;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

pub use audit::{Action, Actor, AuditEntry, BrokenLink};
pub use batches::{BatchRow, NewBatch};
pub use delivery::{
    BatchState, Confirmed, DEFAULT_RETENTION_DAYS, DeliveryRow, FailedAction, MAX_RETENTION_DAYS,
    PRACTICE_KEY_SETTING, Purged, RETENTION_SETTING, VerifiedReceipt, Via,
};
pub use device::Device;
pub use error::{Result, StoreError};
pub use keys::{KdfParams, MIN_PASSPHRASE_CHARS, RecoveryKey};
pub use participants::{Consent, Episode, Participant};
pub use schema::LATEST as SCHEMA_VERSION;
pub use sessions::{LoadedSession, SessionFilter, SessionStatus, SessionSummary};
pub use workflow::{MAX_REASON_CHARS, Missed};

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

/// Creates an empty database file readable by its owner only. SQLite gives
/// the `-wal` and `-shm` files the database file's mode, so they follow.
fn create_private(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(StoreError::Exists(path.to_owned()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::StorageFull => Err(StoreError::DiskFull),
        Err(source) => Err(StoreError::Create {
            path: path.to_owned(),
            source,
        }),
    }
}

fn open_conn(path: &Path, create: bool) -> Result<Connection> {
    if create {
        create_private(path)?;
    }
    let flags = if create {
        OpenFlags::default()
    } else {
        OpenFlags::default().difference(OpenFlags::SQLITE_OPEN_CREATE)
    };
    let mut conn = Connection::open_with_flags(path, flags)?;
    schema::configure(&conn)?;
    schema::migrate(&mut conn)?;
    Ok(conn)
}

/// A database whose data key is not in memory.
#[derive(Debug)]
pub struct LockedStore {
    conn: Connection,
    path: PathBuf,
    delay: Delay,
}

/// A refused unlock: the store stays locked and is handed back.
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct Refused {
    /// Boxed: the connection is large and this is the error path.
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
}

impl Store {
    /// Creates a new database with a fresh data key and device key pair.
    /// The recovery key is returned once, for printing; it is not stored.
    pub fn create(
        path: &Path,
        device_name: &str,
        passphrase: &str,
    ) -> Result<(Store, RecoveryKey)> {
        keys::check_passphrase(passphrase)?;
        if path.exists() {
            return Err(StoreError::Exists(path.to_owned()));
        }
        let mut conn = open_conn(path, true)?;
        let data = keys::random_key();
        let recovery = RecoveryKey::generate();
        let kdf = KdfParams::fresh();
        let kek = kdf.derive(passphrase)?;
        let k = Keys::new(data);
        let tx = conn.transaction()?;
        let at = now();
        put_passphrase_wrap(&tx, &kdf, &keys::wrap(&kek, "passphrase", k.data())?, &at)?;
        tx.execute(
            "INSERT INTO key_wraps (kind, wrapped, updated_at) VALUES ('recovery', ?1, ?2)",
            params![keys::wrap(recovery.key(), "recovery", k.data())?, at],
        )?;
        let device_id = device::insert(&tx, &k, device_name, &at)?;
        audit::append(
            &tx,
            &at,
            Actor::Staff,
            Action::StoreCreated,
            &format!("device={device_id}"),
        )?;
        tx.commit()?;
        let store = Store {
            conn,
            path: path.to_owned(),
            delay: Delay::default(),
            keys: k,
            actor: Actor::Staff,
        };
        Ok((store, recovery))
    }

    /// Opens an existing database, locked.
    pub fn open(path: &Path) -> Result<LockedStore> {
        if !path.exists() {
            return Err(StoreError::Missing(path.to_owned()));
        }
        let conn = open_conn(path, false)?;
        let has_device: bool = conn
            .query_row("SELECT 1 FROM device WHERE id = 1", [], |_| Ok(true))
            .optional()?
            .unwrap_or(false);
        if !has_device {
            return Err(StoreError::NotKohort(
                "it has no device key (set-up never finished)".into(),
            ));
        }
        Ok(LockedStore {
            conn,
            path: path.to_owned(),
            delay: Delay::default(),
        })
    }

    /// Wipes the key material from memory.
    pub fn lock(self) -> LockedStore {
        LockedStore {
            conn: self.conn,
            path: self.path,
            delay: self.delay,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Who later audit entries name: staff, or the patient in patient mode.
    pub fn set_actor(&mut self, actor: Actor) {
        self.actor = actor;
    }

    /// Re-wraps the data key under a new passphrase (nothing is re-encrypted).
    pub fn change_passphrase(&mut self, new: &str) -> Result<()> {
        keys::check_passphrase(new)?;
        let kdf = KdfParams::fresh();
        let wrapped = keys::wrap(&*kdf.derive(new)?, "passphrase", self.keys.data())?;
        let tx = self.conn.transaction()?;
        let at = now();
        put_passphrase_wrap(&tx, &kdf, &wrapped, &at)?;
        audit::append(&tx, &at, Actor::Staff, Action::PassphraseChanged, "")?;
        tx.commit()?;
        Ok(())
    }

    pub fn verify_audit(&self) -> Result<Result<usize, BrokenLink>> {
        audit::verify(&self.conn)
    }

    pub fn audit_entries(&self) -> Result<Vec<AuditEntry>> {
        audit::entries(&self.conn)
    }

    /// Caps the database file at about `max_bytes`; writes beyond it fail
    /// with [`StoreError::DiskFull`]. For kiosks with a quota, and for tests.
    pub fn limit_size(&self, max_bytes: u64) -> Result<u64> {
        let page: i64 = self.conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        let pages = (max_bytes / page.max(1) as u64).max(1) as i64;
        let set: i64 =
            self.conn
                .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| {
                    r.get(0)
                })?;
        Ok(set as u64 * page as u64)
    }
}

fn put_passphrase_wrap(conn: &Connection, kdf: &KdfParams, wrapped: &[u8], at: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO key_wraps (kind, m_cost, t_cost, p_cost, salt, wrapped, updated_at)
         VALUES ('passphrase', ?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (kind) DO UPDATE SET m_cost = ?1, t_cost = ?2, p_cost = ?3,
             salt = ?4, wrapped = ?5, updated_at = ?6",
        params![
            kdf.m_cost,
            kdf.t_cost,
            kdf.p_cost,
            &kdf.salt[..],
            wrapped,
            at
        ],
    )?;
    Ok(())
}

impl LockedStore {
    pub fn set_delay(&mut self, delay: Delay) {
        self.delay = delay;
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn verify_audit(&self) -> Result<Result<usize, BrokenLink>> {
        audit::verify(&self.conn)
    }

    pub fn audit_entries(&self) -> Result<Vec<AuditEntry>> {
        audit::entries(&self.conn)
    }

    /// Unlocks with the staff passphrase. A wrong one is counted, audited,
    /// and answered with the time to wait before the next try.
    pub fn unlock(mut self, passphrase: &str) -> Result<Store, Refused> {
        match self.try_passphrase(passphrase) {
            Ok(Some(key)) => self.unlocked(key, None),
            Ok(None) => {
                let error = match self.record_failure(Action::UnlockFailed) {
                    Ok(retry_after) => StoreError::WrongPassphrase { retry_after },
                    Err(e) => e,
                };
                Err(Refused {
                    locked: Box::new(self),
                    error,
                })
            }
            Err(error) => Err(Refused {
                locked: Box::new(self),
                error,
            }),
        }
    }

    /// Unlocks with the printed recovery key. The caller should then have
    /// staff set a new passphrase with [`Store::change_passphrase`].
    pub fn unlock_with_recovery(mut self, recovery: &str) -> Result<Store, Refused> {
        let attempt = (|| {
            self.check_wait()?;
            let key = RecoveryKey::parse(recovery)?;
            let wrapped: Vec<u8> = self.conn.query_row(
                "SELECT wrapped FROM key_wraps WHERE kind = 'recovery'",
                [],
                |r| r.get(0),
            )?;
            Ok(keys::unwrap(key.key(), "recovery", &wrapped))
        })();
        match attempt {
            Ok(Some(key)) => self.unlocked(key, Some(Action::UnlockWithRecoveryKey)),
            Ok(None) => {
                let error = match self.record_failure(Action::RecoveryUnlockFailed) {
                    Ok(_) => StoreError::WrongRecoveryKey,
                    Err(e) => e,
                };
                Err(Refused {
                    locked: Box::new(self),
                    error,
                })
            }
            Err(error) => Err(Refused {
                locked: Box::new(self),
                error,
            }),
        }
    }

    fn check_wait(&self) -> Result<()> {
        let not_before: Option<String> =
            self.conn
                .query_row("SELECT not_before FROM device WHERE id = 1", [], |r| {
                    r.get(0)
                })?;
        let until = not_before
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc));
        if let Some(until) = until {
            let wait = (until - Utc::now()).to_std().unwrap_or(Duration::ZERO);
            // Capped, so a clock set back cannot lock staff out for long.
            if !wait.is_zero() && self.delay != Delay::None {
                return Err(StoreError::TooSoon(wait.min(MAX_DELAY)));
            }
        }
        Ok(())
    }

    fn try_passphrase(&self, passphrase: &str) -> Result<Option<zeroize::Zeroizing<[u8; 32]>>> {
        self.check_wait()?;
        let (m_cost, t_cost, p_cost, salt, wrapped): (u32, u32, u32, Vec<u8>, Vec<u8>) =
            self.conn.query_row(
                "SELECT m_cost, t_cost, p_cost, salt, wrapped FROM key_wraps WHERE kind = 'passphrase'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )?;
        let salt: [u8; 16] = salt
            .try_into()
            .map_err(|_| StoreError::Corrupt("the passphrase salt has the wrong length".into()))?;
        let kdf = KdfParams {
            m_cost,
            t_cost,
            p_cost,
            salt,
        };
        Ok(keys::unwrap(
            &*kdf.derive(passphrase)?,
            "passphrase",
            &wrapped,
        ))
    }

    /// Counts a failure, sets the earliest next try, audits; returns the wait.
    fn record_failure(&mut self, action: Action) -> Result<Duration> {
        let tx = self.conn.transaction()?;
        let failures: i64 = tx.query_row(
            "UPDATE device SET failed_unlocks = failed_unlocks + 1 WHERE id = 1 RETURNING failed_unlocks",
            [],
            |r| r.get(0),
        )?;
        let wait = self.delay.after(failures);
        let until = kohort_batch::stamp(Utc::now() + wait);
        tx.execute("UPDATE device SET not_before = ?1 WHERE id = 1", [until])?;
        audit::append(
            &tx,
            &now(),
            Actor::Staff,
            action,
            &format!("failures={failures}"),
        )?;
        tx.commit()?;
        Ok(wait)
    }

    fn unlocked(
        mut self,
        key: zeroize::Zeroizing<[u8; 32]>,
        action: Option<Action>,
    ) -> Result<Store, Refused> {
        let reset = (|| -> Result<()> {
            let tx = self.conn.transaction()?;
            tx.execute(
                "UPDATE device SET failed_unlocks = 0, not_before = NULL
                 WHERE id = 1 AND (failed_unlocks > 0 OR not_before IS NOT NULL)",
                [],
            )?;
            if let Some(action) = action {
                audit::append(&tx, &now(), Actor::Staff, action, "")?;
            }
            tx.commit()?;
            Ok(())
        })();
        match reset {
            Ok(()) => Ok(Store {
                conn: self.conn,
                path: self.path,
                delay: self.delay,
                keys: Keys::new(key),
                actor: Actor::Staff,
            }),
            Err(error) => Err(Refused {
                locked: Box::new(self),
                error,
            }),
        }
    }
}
