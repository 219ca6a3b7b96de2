//! What can go wrong when a person acts, as types: the screens tell "the
//! disk is full" from "the file was tampered with" from "wrong passphrase"
//! by [`CoreError::kind`], not by reading messages.

use std::path::PathBuf;

use kohort_tablet::store::StoreError;
use kohort_tablet::sync::{DeliveryError, ExportError, ReceiptError, TsdError};

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error(transparent)]
    Delivery(#[from] DeliveryError),
    #[error(transparent)]
    Receipt(#[from] ReceiptError),
    #[error(transparent)]
    Tsd(#[from] TsdError),
    #[error("the database is locked")]
    Locked,
    #[error("there is no database yet: set the tablet up first")]
    NotSetUp,
    /// Something a person typed or chose does not fit (the message says what).
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Enrolment(#[from] super::staff::EnrolProblem),
    #[error("the two passphrases differ: type the new one twice")]
    PassphrasesDiffer,
    #[error("the study has no form '{0}'")]
    NoSuchForm(String),
    #[error("no questionnaire is open")]
    NoQuestionnaire,
    #[error("a transfer is under way; wait for it or stop it first")]
    Busy,
    #[error(transparent)]
    Read(#[from] kohort_files::ReadError),
    #[error("cannot create {path}: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What kind of failure, for the screen to choose its words and colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// A wrong passphrase or recovery key.
    WrongCredentials,
    /// Too many failed tries: wait.
    TooSoon,
    /// Nothing more can be written; what was saved before is safe.
    DiskFull,
    /// Sealed data does not open: altered, damaged or moved.
    Tampered,
    /// A rule of the study or the workflow forbids it.
    Refused,
    /// Something typed or chosen does not fit.
    Invalid,
    /// The database is locked or absent.
    Locked,
    /// A file, folder or server could not be reached.
    Unavailable,
    Other,
}

impl CoreError {
    /// How long to wait before the next unlock try, after a refused one.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            CoreError::Store(StoreError::WrongPassphrase { retry_after }) => Some(*retry_after),
            CoreError::Store(StoreError::TooSoon(wait)) => Some(*wait),
            _ => None,
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            CoreError::Store(e)
            | CoreError::Export(ExportError::Store(e))
            | CoreError::Delivery(DeliveryError::Store(e))
            | CoreError::Receipt(ReceiptError::Store(e)) => store_kind(e),
            CoreError::Receipt(_) | CoreError::Export(_) => ErrorKind::Refused,
            CoreError::Delivery(DeliveryError::Damaged { .. }) => ErrorKind::Tampered,
            CoreError::Delivery(_) | CoreError::Read(_) | CoreError::Create { .. } => {
                ErrorKind::Unavailable
            }
            CoreError::Tsd(TsdError::Token(_) | TsdError::Forbidden { .. }) => {
                ErrorKind::WrongCredentials
            }
            CoreError::Tsd(_)
            | CoreError::Invalid(_)
            | CoreError::Enrolment(_)
            | CoreError::PassphrasesDiffer
            | CoreError::NoSuchForm(_) => ErrorKind::Invalid,
            CoreError::Locked | CoreError::NotSetUp | CoreError::NoQuestionnaire => {
                ErrorKind::Locked
            }
            CoreError::Busy => ErrorKind::Refused,
        }
    }
}

fn store_kind(e: &StoreError) -> ErrorKind {
    match e {
        StoreError::WrongPassphrase { .. } | StoreError::WrongRecoveryKey => {
            ErrorKind::WrongCredentials
        }
        StoreError::TooSoon(_) => ErrorKind::TooSoon,
        StoreError::DiskFull => ErrorKind::DiskFull,
        StoreError::Tampered { .. }
        | StoreError::TamperedFile(_)
        | StoreError::DamagedKeyWrap(_)
        | StoreError::PinnedInstrument { .. }
        | StoreError::Corrupt(_) => ErrorKind::Tampered,
        StoreError::Refused(_)
        | StoreError::DuplicateStudyCode(_)
        | StoreError::SessionClosed { .. } => ErrorKind::Refused,
        StoreError::WeakPassphrase | StoreError::MalformedRecoveryKey(_) => ErrorKind::Invalid,
        StoreError::Missing(_) | StoreError::Create { .. } | StoreError::Exists(_) => {
            ErrorKind::Unavailable
        }
        _ => ErrorKind::Other,
    }
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;
