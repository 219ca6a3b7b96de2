//! Unlocking for reading only, for commands that only look (`batches`,
//! `audit verify`) and for a copy on read-only media: nothing is written
//! to the database (no migration, no audit entry, no -wal or -shm made
//! when none is there), and the key file only where the medium allows.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::error::{Result, StoreError};
use super::keyfile::{self, KeyFile};
use super::keys::Keys;
use super::open::{self, With};
use super::{Actor, LockedStore, Refused, Store, schema};

impl LockedStore {
    /// Unlocks with the staff passphrase without writing to the database.
    /// Wrong passphrases are still counted and delayed where the key file
    /// can be written.
    pub fn unlock_read_only(self, passphrase: &str) -> std::result::Result<Store, Refused> {
        match self.try_read_only(&With::Passphrase(passphrase)) {
            Ok(store) => Ok(store),
            Err(error) => Err(Refused {
                locked: Box::new(self),
                error,
            }),
        }
    }

    fn try_read_only(&self, with: &With<'_>) -> Result<Store> {
        if open::is_plain_sqlite(&self.path)? {
            return Err(StoreError::NeedsWrite(
                "it is from an earlier Kohort and is converted (encrypted) when it is first \
                 unlocked by a command that writes, such as the app",
            ));
        }
        let path = keyfile::path_of(&self.path);
        // On read-only media there is no lock to take and no one to race.
        let _held = keyfile::hold(&self.path).ok();
        let mut file = KeyFile::read(&path)?;
        let counted = match self.count_try(&mut file, &path) {
            Ok(()) => true,
            Err(StoreError::KeyFile(_)) if !writable(&path) => false,
            Err(e) => return Err(e),
        };
        let (data, _) = self.open_data_key(&file, with)?;
        // The key was right: whatever fails from here is not a guess.
        let opened = open_read_only(&self.path, &data);
        if counted {
            // This try was right: undo its count. Earlier failures stay,
            // for the next unlock that writes to audit them.
            file.failed_unlocks = file.failed_unlocks.saturating_sub(1);
            file.not_before = None;
            file.write(&path)?;
        }
        let conn = opened?;
        Ok(Store {
            conn,
            path: self.path.clone(),
            delay: self.delay,
            keys: Keys::new(data),
            actor: Actor::Staff,
            pinned_cache: Default::default(),
            page_check: None,
        })
    }
}

/// Whether a file can be made in the key file's folder (a probe, removed).
fn writable(path: &Path) -> bool {
    let mut probe = path.as_os_str().to_owned();
    probe.push(format!(".probe{}", std::process::id()));
    let made = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .is_ok();
    if made {
        let _ = std::fs::remove_file(&probe);
    }
    made
}

fn open_read_only(path: &Path, data: &[u8; 32]) -> Result<Connection> {
    // Without a -wal beside it no one has the database open, so SQLite may
    // treat it as unchanging and make no -wal or -shm of its own.
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let immutable = !Path::new(&wal).exists();
    let uri = format!(
        "file:{}?mode=ro{}",
        open::uri_path(path),
        if immutable { "&immutable=1" } else { "" }
    );
    let conn = Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    open::key_and_check(&conn, data)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let version = schema::version(&conn)?;
    if version != schema::LATEST {
        return Err(StoreError::NeedsWrite(
            "its schema is from another version of Kohort and is brought up to date when it \
             is unlocked by a command that writes, such as the app",
        ));
    }
    Ok(conn)
}
