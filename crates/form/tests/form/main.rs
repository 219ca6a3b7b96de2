//! The form layer's tests: the shipped study, broken form files, the
//! runner, the schedule, the codes lock and the codebook.
#![allow(clippy::unwrap_used)]

mod bad_forms;
mod codebook;
mod codes_lock;
mod loader_props;
mod outcomes;
mod runner;
mod runner_incremental;
mod schedule;
mod study;

use std::path::{Path, PathBuf};

/// The repository's top folder (where `forms/` and `tests/` are).
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}
