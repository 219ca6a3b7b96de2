//! What can go wrong with research keys and batch files, worded for the
//! data manager who has to act on it.

#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("not a Kohort batch file (wrong magic bytes)")]
    NotABatch,
    #[error("batch format version {0} is not known to this program; update Kohort")]
    UnknownVersion(u16),
    #[error("the file is truncated: {0}")]
    Truncated(&'static str),
    #[error("{what} is {len} bytes, over the limit of {cap}")]
    TooLarge {
        what: &'static str,
        len: u64,
        cap: u64,
    },
    #[error("{0} trailing bytes after the signature")]
    Trailing(usize),
    #[error(
        "the device signature does not verify: the file was altered or not signed by the device it names"
    )]
    BadSignature,
    #[error("the header is malformed: {0}")]
    BadHeader(String),
    #[error("the payload does not decrypt: it was altered, or sealed to another research key")]
    DoesNotOpen,
    #[error("sealed to research key {batch}, but this key is {ours}")]
    OtherResearchKey { batch: String, ours: String },
    #[error("the payload is malformed: {0}")]
    BadPayload(String),
    #[error("record {index} does not match its hash in the header")]
    RecordHash { index: usize },
    #[error("the header names {header} records but the payload holds {payload}")]
    RecordCount { header: u64, payload: usize },
    #[error("sealed for study {batch:?}, but this key is for study {key:?}")]
    WrongStudy { batch: String, key: String },
    #[error("key file: {0}")]
    KeyFile(String),
    #[error("encryption failed: {0}")]
    Seal(String),
}

pub type Result<T, E = BatchError> = std::result::Result<T, E>;
