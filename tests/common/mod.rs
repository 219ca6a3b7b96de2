//! Helpers shared by the store tests.
#![allow(clippy::unwrap_used, dead_code)]

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use kohort_form::study::{Study, load_study};
use kohort_tablet::store::{Consent, Delay, RecoveryKey, Store};

pub mod app;
pub mod tsd;

pub const PASS: &str = "correct horse battery";

pub fn forms_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("forms")
}

pub fn study() -> Study {
    load_study(&forms_dir()).unwrap().0
}

pub fn consent() -> Consent {
    Consent {
        date: date(2025, 3, 1),
        version: "1.0".into(),
        contact_interview: true,
        contact_relatives: false,
        withdrawn_at: None,
    }
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn create(path: &Path) -> (Store, RecoveryKey) {
    Store::create(path, "test tablet", PASS).unwrap()
}

/// Opens and unlocks with no delay between tries.
pub fn reopen(path: &Path) -> Store {
    let mut locked = Store::open(path).unwrap();
    locked.set_delay(Delay::None);
    locked.unlock(PASS).unwrap()
}
