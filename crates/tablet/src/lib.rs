//! The tablet: its store (SQLite, sealed answers, keys, the audit chain,
//! batch states) and what leaves it (the outbox, delivery to a folder or
//! the TSD file API, receipts, purge).

pub mod store;
pub mod sync;
