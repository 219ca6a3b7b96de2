//! The tablet's tests: the sealed store (keys, sessions, workflow, a full
//! disk, a killed writer) and uploads to a TSD file API stand-in.
#![allow(clippy::unwrap_used)]

mod crash;
mod delivery_upload;
mod kept_records;
mod store_full_disk;
mod store_keys;
mod store_marker;
mod store_readonly;
mod store_sessions;
mod store_tamper;
mod store_tamper_later;
mod store_workflow;
