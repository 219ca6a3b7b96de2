//! One writer of the outbox per database. Export, a delivery's recording,
//! receipts and purge take an exclusive lock beside the database
//! (`<db>.outbox.lock`), so two Kohorts (the app and a command, or two
//! commands) never interleave: the second is told, and nothing is touched.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use crate::store::{Store, StoreError};

/// Held while the outbox is being written; released when dropped (also
/// when the process dies).
#[derive(Debug)]
pub struct OutboxLock {
    _file: File,
}

fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".outbox.lock");
    PathBuf::from(name)
}

/// Takes the outbox lock of `store`'s database, or says who has it.
pub fn take(store: &Store) -> Result<OutboxLock, StoreError> {
    let path = lock_path(store.path());
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| StoreError::Create {
            path: path.clone(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => Ok(OutboxLock { _file: file }),
        Err(TryLockError::WouldBlock) => Err(StoreError::OutboxBusy),
        Err(TryLockError::Error(source)) => Err(StoreError::Create { path, source }),
    }
}
