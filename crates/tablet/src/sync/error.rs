//! How a delivery fails, whichever way it goes: the errors both transports
//! (a folder, the TSD file API) report, and TSD's own.

use std::path::{Path, PathBuf};

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{0} is not a folder: is the USB stick plugged in and mounted? (Kohort does not create it)"
    )]
    NoFolder(PathBuf),
    #[error(
        "the batch file {name} in the outbox does not match the batch sealed: it was damaged or replaced"
    )]
    Damaged { name: String },
    #[error("{name} did not read back as written from {dir}: the copy is not trusted")]
    ReadBack { name: String, dir: PathBuf },
    #[error(transparent)]
    Tsd(#[from] TsdError),
    #[error("stopped before the end")]
    Cancelled,
    #[error(
        "{} batch file(s) could not be delivered (the others were): {}",
        .0.len(),
        .0.join("; ")
    )]
    Skipped(Vec<String>),
    #[error(
        "nothing is mounted at {0}: it is a folder on this tablet's own disk, not a USB stick \
         (plug the stick in and choose it)"
    )]
    NotAStick(PathBuf),
    #[error("the transfer stopped on an internal error ({0}); nothing more was marked delivered")]
    Crashed(String),
}

pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> DeliveryError + '_ {
    move |source| DeliveryError::Io {
        path: path.to_owned(),
        source,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TsdError {
    #[error(
        "the address must start with https:// (plain http only to 127.0.0.1 or localhost, for tests): {0}"
    )]
    NotHttps(String),
    #[error("{0:?} is not a TSD project number like p11")]
    BadProject(String),
    #[error("{0:?} is not a TSD group name like p11-member-group")]
    BadGroup(String),
    #[error("the token file is empty")]
    NoToken,
    #[error("the token is wrong or expired (HTTP {0}): get a new upload token")]
    Token(u16),
    #[error("the server refused the upload to group {group} (HTTP 403 Forbidden): {why}")]
    Forbidden { group: String, why: String },
    #[error("{0}")]
    NotDelivered(String),
    #[error("gave up on {file} after {attempts} tries: {last}")]
    GaveUp {
        file: String,
        attempts: u32,
        last: String,
    },
}
