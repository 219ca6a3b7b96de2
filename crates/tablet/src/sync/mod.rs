//! Getting batches off the tablet: seal them into the outbox (`export`),
//! deliver them to a folder or the TSD file API (`deliver`, `folder`,
//! `tsd`), apply the research store's receipts and purge what it holds
//! (`receipt`). Format and states: `docs/delivery.md`.

mod collect;
pub mod deliver;
pub mod export;
pub mod folder;
pub mod receipt;
pub mod tsd;

pub use collect::{Collected, collect};
pub use deliver::{
    Delivered, DeliveryError, Event, OutboxFile, Plan, Status, Target, Transfer, outbox, plan,
};
pub use export::{ExportError, Exported, export};
pub use receipt::{PurgeReport, ReceiptError, apply_receipt, purge, read_receipt};
pub use tsd::{Tsd, TsdError, Tuning};
