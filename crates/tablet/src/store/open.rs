//! Creating, opening and unlocking a database. The database file is
//! encrypted and authenticated whole by SQLCipher under a key derived from
//! the data key; the data key's wraps live in the key file beside it
//! (`keyfile.rs`). A plain SQLite file from an earlier Kohort is converted
//! on its first unlock (`convert.rs`); any other file is refused before
//! anything is written to it.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use zeroize::Zeroizing;

use super::audit::{self, Action, Actor};
use super::error::{Result, StoreError};
use super::keyfile::{self, KdfFields, KeyFile, Wrap};
use super::keys::{self, KdfParams, Keys, RecoveryKey};
use super::page_check::{self, Pages};
use super::{Delay, LockedStore, Refused, Store, convert, device, now, schema};

/// A 256-bit key, wiped when dropped.
type Key = Zeroizing<[u8; 32]>;

/// `PRAGMA application_id` of a Kohort database: "KOHT".
pub const APPLICATION_ID: i32 = 0x4B4F_4854;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// The first bytes of a database file (SQLite's header is 100 bytes);
/// anything but a regular file (a folder, a pipe, a device) is refused
/// before it is read.
pub(super) fn read_head(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let io = |source| StoreError::Create {
        path: path.to_owned(),
        source,
    };
    let f = std::fs::File::open(path).map_err(io)?;
    if !f.metadata().map_err(io)?.is_file() {
        return Err(StoreError::NotKohort(format!(
            "{} is not a regular file",
            path.display()
        )));
    }
    let mut head = Vec::with_capacity(100);
    f.take(100).read_to_end(&mut head).map_err(io)?;
    Ok(head)
}

/// Whether the file is a plain (unencrypted) SQLite database.
pub(super) fn is_plain_sqlite(path: &Path) -> Result<bool> {
    Ok(read_head(path)?.starts_with(SQLITE_MAGIC))
}

/// Creates an empty database file readable by its owner only. SQLite gives
/// the `-wal` and `-shm` files the database file's mode, so they follow.
pub(super) fn create_private(path: &Path) -> Result<()> {
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

/// The SQLCipher key of a data key, as the `PRAGMA key` literal.
pub(super) fn cipher_key(data: &[u8; 32]) -> Zeroizing<String> {
    let k = keyfile::derive(data, "sqlcipher database key");
    Zeroizing::new(format!("\"x'{}'\"", hex::encode(k.as_ref())))
}

/// A path as a URI path: `%`, `?` and `#` escaped.
pub(super) fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

/// Opens the encrypted database with the data key, checks every page is
/// authentic, and brings the schema up to date.
pub(super) fn open_keyed(path: &Path, data: &[u8; 32], create: bool) -> Result<Connection> {
    open_keyed_checking(path, data, create, Pages::Now).map(|(conn, _)| conn)
}

/// [`open_keyed`], leaving the check of every page for later when `pages`
/// says so and the schema is current (a file is checked whole before it
/// is migrated); returns whether it was left.
fn open_keyed_checking(
    path: &Path,
    data: &[u8; 32],
    create: bool,
    pages: Pages,
) -> Result<(Connection, bool)> {
    let flags = if create {
        OpenFlags::default()
    } else {
        OpenFlags::default().difference(OpenFlags::SQLITE_OPEN_CREATE)
    };
    let mut conn = Connection::open_with_flags(path, flags)?;
    key_and_authenticate(&conn, data)?;
    let later = pages == Pages::Later && !create && schema::version(&conn)? == schema::LATEST;
    if !later {
        check_pages(&conn)?;
    }
    schema::configure(&conn)?;
    if create {
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    let found = schema::migrate(&mut conn, &keyfile::derive(data, "audit chain"))?;
    if (1..schema::VACUUM_AFTER).contains(&found) {
        // Gives back the space the migration freed. Not needed for
        // correctness: on a full disk it fails and the pages are reused.
        let _ = conn.execute_batch("VACUUM");
    }
    Ok((conn, later))
}

/// Gives SQLCipher the key and checks every page's HMAC, the WAL's too: a
/// changed byte anywhere is found now, not when the page is first read.
pub(super) fn key_and_check(conn: &Connection, data: &[u8; 32]) -> Result<()> {
    key_and_authenticate(conn, data)?;
    check_pages(conn)
}

/// Gives SQLCipher the key and reads the schema: the first page and the
/// schema's pages authenticate, or the file is refused.
pub(super) fn key_and_authenticate(conn: &Connection, data: &[u8; 32]) -> Result<()> {
    // A refused file is reported by Kohort; SQLCipher's own log on stderr
    // would only repeat it to whoever reads the terminal.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    conn.execute_batch(&format!("PRAGMA key = {};", *cipher_key(data)))?;
    // Only a page that does not authenticate ("not a database" for the
    // first, "malformed" for any other) is tampering; an I/O error, a busy
    // file or a full memory is reported as itself.
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => {}
        Err(e)
            if matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
            ) =>
        {
            return Err(tampered());
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

/// Checks every page's HMAC (SQLCipher checks a page whenever it reads
/// it; this finds a change on a page not read yet).
pub(super) fn check_pages(conn: &Connection) -> Result<()> {
    let mut st = conn.prepare("PRAGMA cipher_integrity_check")?;
    let problems: Vec<String> = st
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<std::result::Result<_, _>>()?;
    drop(st);
    if !problems.is_empty() {
        return Err(tampered());
    }
    Ok(())
}

/// A database whose set-up was cut short (no device record) is said to be
/// that, not left to fail on every screen.
fn set_up_finished(conn: &Connection) -> Result<()> {
    let n: i64 = conn.query_row("SELECT count(*) FROM device", [], |r| r.get(0))?;
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::Corrupt(
            "the tablet's set-up did not finish (the database has no device record): \
             move the database and its .keys file aside and set the tablet up again"
                .into(),
        ))
    }
}

/// A page that does not authenticate as it is read (with the check of
/// every page left for later, the unlock's own reads may meet it first)
/// is said as what it is.
fn unreadable_is_tampered(e: StoreError) -> StoreError {
    match &e {
        StoreError::Sqlite(s)
            if matches!(
                s.sqlite_error_code(),
                Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
            ) =>
        {
            tampered()
        }
        _ => e,
    }
}

fn tampered() -> StoreError {
    StoreError::TamperedFile(
        "the database was changed without the key or is damaged: restore it from a backup".into(),
    )
}

/// A key file for `data`, wrapped under `kek` (from `kdf`) and the recovery key.
pub(super) fn new_key_file(
    data: &[u8; 32],
    (kdf, kek): (&KdfParams, &[u8; 32]),
    recovery: Wrap,
) -> Result<KeyFile> {
    let mut file = KeyFile {
        format: keyfile::FORMAT,
        application: "kohort".into(),
        kdf: KdfFields::of(kdf),
        passphrase: Wrap {
            check: keyfile::check_of(kek),
            wrapped: hex::encode(keys::wrap(kek, "passphrase", data)?),
        },
        recovery,
        failed_unlocks: 0,
        not_before: None,
        mac: String::new(),
    };
    file.sign(&keyfile::derive(data, "key file"));
    Ok(file)
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
        let _held = keyfile::hold(path)?;
        // A key file without its database still opens that database's
        // backups: never overwritten by a new set-up.
        for existing in [path.to_owned(), keyfile::path_of(path)] {
            if existing.exists() {
                return Err(StoreError::Exists(existing));
            }
        }
        let data = keys::random_key();
        let recovery = RecoveryKey::generate();
        let kdf = KdfParams::fresh();
        let kek = kdf.derive(passphrase)?;
        let file = new_key_file(
            &data,
            (&kdf, &kek),
            Wrap {
                check: keyfile::check_of(recovery.key()),
                wrapped: hex::encode(keys::wrap(recovery.key(), "recovery", &data)?),
            },
        )?;
        file.write(&keyfile::path_of(path))?;
        create_private(path)?;
        let mut conn = open_keyed(path, &data, true)?;
        let k = Keys::new(data);
        let tx = conn.transaction()?;
        let at = now();
        let device_id = device::insert(&tx, &k, device_name, &at)?;
        audit::append(
            &tx,
            k.audit(),
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
            pinned_cache: Default::default(),
            page_check: None,
        };
        Ok((store, recovery))
    }

    /// Opens an existing database, locked. Refuses, before writing
    /// anything, a file that is not a Kohort database.
    pub fn open(path: &Path) -> Result<LockedStore> {
        if !path.exists() {
            return Err(StoreError::Missing(path.to_owned()));
        }
        if is_plain_sqlite(path)? {
            convert::check_legacy(path)?;
        } else {
            KeyFile::read(&keyfile::path_of(path))?;
        }
        Ok(LockedStore {
            path: path.to_owned(),
            delay: Delay::default(),
            pages: Pages::Now,
        })
    }

    /// Re-wraps the data key under a new passphrase (nothing is re-encrypted).
    pub fn change_passphrase(&mut self, new: &str) -> Result<()> {
        keys::check_passphrase(new)?;
        let _held = keyfile::hold(&self.path)?;
        let path = keyfile::path_of(&self.path);
        let old = KeyFile::read(&path)?;
        // The recovery wrap is carried over only if it is the one this
        // data key signed (not a damaged or swapped file signed anew).
        old.verify(&keyfile::derive(self.keys.data(), "key file"))?;
        let kdf = KdfParams::fresh();
        let kek = kdf.derive(new)?;
        let file = new_key_file(self.keys.data(), (&kdf, &kek), old.recovery)?;
        file.write(&path)?;
        let tx = self.conn.transaction()?;
        audit::append(
            &tx,
            self.keys.audit(),
            &now(),
            Actor::Staff,
            Action::PassphraseChanged,
            "",
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// How staff opens the key.
pub(super) enum With<'a> {
    Passphrase(&'a str),
    Recovery(&'a str),
}

impl LockedStore {
    /// Unlocks with the staff passphrase. A wrong one is counted (before
    /// the key is derived), audited, and answered with the time to wait
    /// before the next try.
    pub fn unlock(self, passphrase: &str) -> std::result::Result<Store, Refused> {
        self.unlock_with(With::Passphrase(passphrase))
    }

    /// Unlocks with the printed recovery key. The caller should then have
    /// staff set a new passphrase with [`Store::change_passphrase`].
    pub fn unlock_with_recovery(self, recovery: &str) -> std::result::Result<Store, Refused> {
        self.unlock_with(With::Recovery(recovery))
    }

    fn unlock_with(self, with: With<'_>) -> std::result::Result<Store, Refused> {
        match self.try_unlock(&with) {
            Ok(store) => Ok(store),
            Err(error) => Err(Refused {
                locked: Box::new(self),
                error,
            }),
        }
    }

    fn try_unlock(&self, with: &With<'_>) -> Result<Store> {
        let _held = keyfile::hold(&self.path)?;
        if is_plain_sqlite(&self.path)? {
            let recovery = matches!(with, With::Recovery(_));
            return convert::unlock_legacy(self, recovery, |kdf, pass_wrap, rec_wrap| match with {
                With::Passphrase(p) => {
                    let kek = kdf.derive(p)?;
                    let Some(data) = keys::unwrap(&kek, "passphrase", pass_wrap) else {
                        return Ok(None);
                    };
                    // The converted file's wrap uses today's key derivation.
                    let fresh = KdfParams::fresh();
                    let kek = fresh.derive(p)?;
                    Ok(Some((data, Some((fresh, kek)))))
                }
                With::Recovery(r) => {
                    let key = RecoveryKey::parse(r)?;
                    Ok(keys::unwrap(key.key(), "recovery", rec_wrap).map(|d| (d, None)))
                }
            });
        }
        let path = keyfile::path_of(&self.path);
        let mut file = KeyFile::read(&path)?;
        self.count_try(&mut file, &path)?;
        let (data, kek) = self.open_data_key(&file, with)?;
        // The key was right: whatever fails from here is not a guess.
        let (conn, later) = match open_keyed_checking(&self.path, &data, false, self.pages)
            .and_then(|(c, later)| set_up_finished(&c).map(|()| (c, later)))
        {
            Ok(opened) => opened,
            Err(e) => {
                file.failed_unlocks = file.failed_unlocks.saturating_sub(1);
                file.not_before = None;
                let _ = file.write(&path);
                return Err(unreadable_is_tampered(e));
            }
        };
        let mut store = Store {
            conn,
            path: self.path.clone(),
            delay: self.delay,
            keys: Keys::new(data),
            actor: Actor::Staff,
            pinned_cache: Default::default(),
            page_check: None,
        };
        store
            .unlocked(file, with, &kek)
            .map_err(unreadable_is_tampered)?;
        if later {
            match page_check::start(&self.path, store.keys.data()) {
                Some(running) => store.page_check = Some(running),
                // No thread to run it on: checked now.
                None => check_pages(&store.conn)?,
            }
        }
        Ok(store)
    }

    /// The data key (and the key that opened its wrap), or why not.
    pub(super) fn open_data_key(&self, file: &KeyFile, with: &With<'_>) -> Result<(Key, Key)> {
        let (kek, wrap, kind) = match with {
            With::Passphrase(p) => (
                file.kdf.params()?.derive(p)?,
                &file.passphrase,
                "passphrase",
            ),
            With::Recovery(r) => (
                Zeroizing::new(*RecoveryKey::parse(r)?.key()),
                &file.recovery,
                "recovery",
            ),
        };
        let right = wrap.check.is_empty() || wrap.check == keyfile::check_of(&kek);
        let wrapped = hex::decode(&wrap.wrapped).map_err(|_| StoreError::DamagedKeyWrap(kind))?;
        let data = match (right, keys::unwrap(&kek, kind, &wrapped)) {
            (true, Some(d)) => d,
            (true, None) if !wrap.check.is_empty() => return Err(StoreError::DamagedKeyWrap(kind)),
            _ => return Err(self.wrong(with, file)),
        };
        file.verify(&keyfile::derive(&data, "key file"))?;
        Ok((data, kek))
    }

    /// Refuses a try inside the wait after failures; otherwise counts it as
    /// a failure and sets the next allowed try before the key is derived.
    pub(super) fn count_try(&self, file: &mut KeyFile, path: &Path) -> Result<()> {
        let now = chrono::Utc::now();
        if let Some(until) = file.not_before
            && self.delay != Delay::None
            && until > now
        {
            let wait = (until - now).to_std().unwrap_or_default();
            return Err(StoreError::TooSoon(wait.min(super::MAX_DELAY)));
        }
        file.failed_unlocks = file.failed_unlocks.saturating_add(1);
        let wait = self.delay.after(i64::from(file.failed_unlocks));
        file.not_before = Some(now + chrono::Duration::from_std(wait).unwrap_or_default());
        file.write(path)
    }

    fn wrong(&self, with: &With<'_>, file: &KeyFile) -> StoreError {
        match with {
            With::Passphrase(_) => StoreError::WrongPassphrase {
                retry_after: self.delay.after(i64::from(file.failed_unlocks)),
            },
            With::Recovery(_) => StoreError::WrongRecoveryKey,
        }
    }
}

impl Store {
    /// After a right key: the failures are forgotten, the key derivation is
    /// raised to today's strength, the recovery check filled in, and the
    /// unlock and the failures before it are audited.
    fn unlocked(&mut self, mut file: KeyFile, with: &With<'_>, kek: &[u8; 32]) -> Result<()> {
        let failures = file.failed_unlocks.saturating_sub(1);
        file.failed_unlocks = 0;
        file.not_before = None;
        match with {
            With::Passphrase(p) if file.kdf.params()?.weaker_than_today() => {
                let kdf = KdfParams::fresh();
                let new_kek = kdf.derive(p)?;
                file = new_key_file(self.keys.data(), (&kdf, &new_kek), file.recovery)?;
            }
            With::Recovery(_) if file.recovery.check.is_empty() => {
                file.recovery.check = keyfile::check_of(kek);
                file.sign(&keyfile::derive(self.keys.data(), "key file"));
            }
            _ => {}
        }
        file.write(&keyfile::path_of(&self.path))?;
        let tx = self.conn.transaction()?;
        let at = now();
        if failures > 0 {
            let action = match with {
                With::Passphrase(_) => Action::UnlockFailed,
                With::Recovery(_) => Action::RecoveryUnlockFailed,
            };
            audit::append(
                &tx,
                self.keys.audit(),
                &at,
                Actor::Staff,
                action,
                &format!("failures={failures}"),
            )?;
        }
        if matches!(with, With::Recovery(_)) {
            audit::append(
                &tx,
                self.keys.audit(),
                &at,
                Actor::Staff,
                Action::UnlockWithRecoveryKey,
                "",
            )?;
        }
        tx.commit()?;
        // Once, for a database from before sessions kept their records.
        self.keep_missing()?;
        Ok(())
    }

    /// Whether the database file has the Kohort application id (new files).
    pub fn application_id(&self) -> Result<Option<i32>> {
        Ok(self
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .optional()?)
    }
}
