//! What can go wrong in the store, worded for the person who has to act on it.

use std::path::PathBuf;
use std::time::Duration;

use rusqlite::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the disk is full: the last change was NOT saved (earlier answers are safe)")]
    DiskFull,
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("{0} already exists; refusing to overwrite it")]
    Exists(PathBuf),
    #[error("cannot create {path}: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} does not exist")]
    Missing(PathBuf),
    #[error(
        "the database has schema version {found}, newer than this program knows ({known}); update Kohort"
    )]
    NewerSchema { found: i64, known: i64 },
    #[error("not a Kohort database: {0}")]
    NotKohort(String),
    #[error(
        "another Kohort is exporting, delivering or purging from this tablet's database; \
         try again when it has finished"
    )]
    OutboxBusy,
    #[error("this database cannot be opened for reading only: {0}")]
    NeedsWrite(&'static str),
    #[error(
        "this passphrase would be guessed too soon: use four or five random words, \
         e.g. \"kaffe sykkel fjell regn\""
    )]
    WeakPassphrase,
    #[error("{0}")]
    TamperedFile(String),
    #[error("the key file {0} is missing: restore it from the backup beside the database")]
    MissingKeyFile(PathBuf),
    #[error("key file: {0}")]
    KeyFile(String),
    #[error(
        "the {0} wrap in the key file is damaged: the key was right, but the wrap does not open"
    )]
    DamagedKeyWrap(&'static str),
    #[error("wrong passphrase; wait {retry_after:?} before the next try")]
    WrongPassphrase { retry_after: Duration },
    #[error("too many failed attempts; wait {0:?} before the next try")]
    TooSoon(Duration),
    #[error("the recovery key is not right")]
    WrongRecoveryKey,
    #[error("the recovery key is not well-formed: {0}")]
    MalformedRecoveryKey(&'static str),
    #[error(
        "sealed {column} in {table} (row {row}) does not open: it was altered, damaged or moved from another row"
    )]
    Tampered {
        table: &'static str,
        column: &'static str,
        row: String,
    },
    #[error("{0} not found")]
    NotFound(String),
    #[error("study code {0} is already enrolled")]
    DuplicateStudyCode(String),
    #[error("session {id} is {status}, so it cannot be changed")]
    SessionClosed { id: String, status: &'static str },
    #[error("pinned instrument {instrument} of session {session} is damaged: {reason}")]
    PinnedInstrument {
        session: String,
        instrument: String,
        reason: String,
    },
    /// A workflow rule forbids the change (the message says which).
    #[error("{0}")]
    Refused(String),
    #[error("damaged record: {0}")]
    Corrupt(String),
    #[error("key derivation failed: {0}")]
    Kdf(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        // SQLITE_FULL: the disk (or the configured size cap) has no room.
        if e.sqlite_error_code() == Some(ErrorCode::DiskFull) {
            StoreError::DiskFull
        } else {
            StoreError::Sqlite(e)
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}
