//! What Kohort's tests share: where the repository's files are, the
//! shipped study, a tablet database (with the test research key), the
//! audit actions of a store, and a stand-in for the TSD file API.
#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use kohort_batch::ResearchKeys;
use kohort_form::study::{Questionnaire, Study, load_study};
use kohort_form::{Respondent, Text};
use kohort_tablet::store::{AuditEntry, Consent, Delay, Pages, RecoveryKey, Store, StoreError};

pub mod tsd;

pub const PASS: &str = "correct horse battery";

/// The repository's top folder (where `forms/` and `tests/` are).
pub fn repo_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .find(|d| d.join("forms/study.json").is_file())
        .unwrap_or(here)
        .to_owned()
}

pub fn forms_dir() -> PathBuf {
    repo_root().join("forms")
}

pub fn study() -> Study {
    load_study(&forms_dir()).unwrap().0
}

/// A patient questionnaire of one instrument, from its form file's text
/// (`label` names the file in problems); panics on a broken form.
pub fn questionnaire(label: &str, json: &str, title: Text) -> Questionnaire {
    let (inst, problems) = kohort_form::load::instrument_from_bytes(label, json.as_bytes());
    let inst = inst.unwrap_or_else(|| panic!("{problems:#?}"));
    Questionnaire {
        form_id: label.trim_end_matches(".json").into(),
        title,
        respondent: Respondent::Patient,
        instruments: vec![std::sync::Arc::new(inst)],
        params: Default::default(),
    }
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

/// Unlocks as the app does, leaving the check of every page for after
/// the unlock, and waits for that check: the error and `true` when the
/// unlock itself refused, otherwise what the check found and `false`.
pub fn unlock_checking_later(path: &Path) -> (Result<(), StoreError>, bool) {
    let mut locked = Store::open(path).unwrap();
    locked.set_delay(Delay::None);
    locked.set_pages(Pages::Later);
    match locked.unlock(PASS) {
        Err(refused) => (Err(refused.error), true),
        Ok(mut store) => loop {
            if let Some(found) = store.pages_checked() {
                break (found, false);
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        },
    }
}

/// The research store's test keys (study `hab`).
pub fn research_keys() -> ResearchKeys {
    ResearchKeys::from_secrets("hab", [7; 32], [8; 32])
}

/// A new tablet whose batches are sealed to [`research_keys`].
pub fn tablet(path: &Path) -> Store {
    let (mut store, _) = create(path);
    let public = research_keys().public().unwrap();
    store
        .set_research_key(&public.render(), &public.fingerprint())
        .unwrap();
    store
}

/// The action of every audit entry, in order.
pub fn actions(entries: Vec<AuditEntry>) -> Vec<String> {
    entries.into_iter().map(|e| e.action).collect()
}

/// How many audit entries have `action`.
pub fn count(entries: &[AuditEntry], action: &str) -> usize {
    entries.iter().filter(|e| e.action == action).count()
}

/// A folder standing in for a USB stick: on another file system than the
/// temporary folder the tests' databases and outboxes are in (a tmpfs,
/// `/dev/shm`), as a stick is to the tablet's own disk.
pub fn stick() -> tempfile::TempDir {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let tmp = std::fs::metadata(std::env::temp_dir()).unwrap().dev();
        for base in ["/dev/shm", "/run/shm", "/run/user"] {
            if let Ok(m) = std::fs::metadata(base)
                && m.is_dir()
                && m.dev() != tmp
                && let Ok(d) = tempfile::tempdir_in(base)
            {
                return d;
            }
        }
        panic!("no second file system (such as /dev/shm) to stand in for a USB stick");
    }
    #[cfg(not(unix))]
    tempfile::tempdir().unwrap()
}
