//! Getting batches off the tablet: export to a folder (upload to the TSD
//! file API and receipts come with the delivery issue).

mod collect;
pub mod export;

pub use collect::{Collected, collect};
pub use export::{ExportError, Exported, export};
