//! Getting batches off the tablet: seal them into the outbox (`export`),
//! deliver them (`transfer`) to a folder or the TSD file API (`folder`,
//! `tsd`, both on the shared `outbox` types), apply the research store's
//! receipts and purge what it holds (`receipt`). Format and states:
//! `docs/delivery.md`.

mod collect;
mod error;
pub mod export;
mod facts;
pub mod folder;
pub mod lock;
pub mod outbox;
pub mod receipt;
mod status;
mod transfer;
pub mod tsd;

pub use collect::{Collected, collect};
pub use error::{DeliveryError, TsdError};
pub use export::{ExportError, Exported, export, reseal};
pub use lock::OutboxLock;
pub use outbox::{Delivered, Event, OutboxFile, Plan, outbox, plan, roll_forward};
pub use receipt::{PurgeReport, ReceiptError, apply_receipt, purge, read_receipt};
pub use status::Status;
pub use transfer::{Target, Transfer, record, run};
pub use tsd::{Tsd, Tuning};
