//! What can go wrong at the research store.

use std::path::PathBuf;

use kohort_batch::BatchError;

#[derive(Debug, thiserror::Error)]
pub enum ResearchError {
    #[error("research database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Batch(#[from] BatchError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} does not exist: import a batch first")]
    NoDatabase(PathBuf),
    #[error("research database schema version {0} is not known to this program")]
    Schema(i64),
    #[error("damaged research database: {0}")]
    Corrupt(String),
    #[error("{0:?} is not a device fingerprint (16 hex digits, as XXXX-XXXX-XXXX-XXXX)")]
    BadFingerprint(String),
    #[error("{0}")]
    Refused(String),
    #[error("another import into {0} is running; wait for it to finish (nothing was imported now)")]
    Busy(PathBuf),
    #[error("the store's batches are for study '{store}', but the forms given are study '{forms}'")]
    StudyMismatch { store: String, forms: String },
}

pub type Result<T, E = ResearchError> = std::result::Result<T, E>;
