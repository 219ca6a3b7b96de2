//! The research store side: import batches into the research database,
//! write analysis files, sign receipts. Runs only inside the secure
//! research store (TSD), where the research private key lives.

mod chain;
mod content;
pub mod dataset;
pub mod db;
pub mod devices;
pub mod epochs;
mod error;
mod facts;
pub mod import;
mod owner;
pub mod receipts;
pub mod report;
pub mod trust;
mod write;

pub use error::{ResearchError, Result};
pub use import::{
    DeviceSummary, FileOutcome, ImportOptions, ImportReport, import_dir, import_dir_with,
};
