//! Batch files: how completed sessions leave a tablet. Sealed with HPKE to
//! the research store's key (the tablet cannot open its own batches) and
//! signed by the device. Format: `docs/batch-format.md`.

pub mod audit;
mod buffer;
mod chunks;
pub mod digest;
mod error;
mod frame;
mod header;
mod keys;
mod payload;
mod receipt;
mod record_json;
mod seal;
mod sign;
mod stamp;
mod stream;
mod view;

pub use buffer::FileBytes;
pub use error::{BatchError, Result};
pub use frame::{CHUNK, OLDEST, VERSION};
pub use frame::{MAX_FILE, MAX_HEADER, MAX_PAYLOAD};
pub use header::{Epoch, Header, MAX_EPOCH_REASON, NO_PREVIOUS, file_name};
pub use keys::{ResearchKeys, ResearchPublic};
pub use payload::{
    AuditRecord, ConsentFacts, EpisodeFacts, EpisodeRecord, Facts, MissedRecord, ParticipantFacts,
    ParticipantRecord, Payload, Pinned, PinnedContent, SessionRecord, Variable,
};
pub use receipt::{Accepted, MAX_RECEIPT, ReceiptBody, sign_receipt, verify_receipt};
pub use record_json::write_variables;
pub use seal::{
    INFO, Opened, Sealed, Verified, addressed_to, decrypt, open, seal, seal_hashed, verify,
};
pub use sign::CONTEXT as SIGNATURE_CONTEXT;
pub use stamp::{now_stamp, parse_stamp, stamp};
pub use stream::{Contents, seal_records};
pub use view::{PayloadView, Plain};
