//! `kohort demo`: fills a database with synthetic participants and
//! questionnaires answered through the real runner.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use kohort::core::Credential;
use kohort_form::study;
use kohort_tablet::store::{Store, demo};

use super::passphrase;

pub fn run(
    db: &Path,
    forms: &Path,
    participants: usize,
    seed: u64,
    pass_file: Option<&Path>,
) -> Result<ExitCode> {
    let (study, _) = study::load_study(forms)
        .map_err(|e| anyhow::anyhow!("cannot load the study in {}: {e}", forms.display()))?;
    let pass = passphrase::read(pass_file, "Staff passphrase: ")?;
    let mut store = if db.exists() {
        let store = kohort::core::unlock(db, Credential::Passphrase(pass))?;
        if !store.is_demo()? {
            anyhow::bail!(
                "{} is not a demo database: synthetic participants only go into a database \
                 that `kohort demo` created (give a new file with --db)",
                db.display()
            );
        }
        store
    } else {
        let (mut store, recovery) = Store::create(db, "demo tablet", &pass)?;
        store.mark_demo()?;
        println!("Created {}.", db.display());
        println!("Recovery key (shown once, print it and keep it safe):");
        println!("  {}", *recovery.to_printable());
        // A practice research key, so that the data manager's page works.
        let dir = practice_dir(db);
        let key = kohort::core::delivery::set_practice_key(&mut store, &study.id, &dir)?;
        println!(
            "Practice research key set (fingerprint {}); its private half is in {} \
             for a practice import. Not for real data.",
            key.fingerprint(),
            dir.display()
        );
        store
    };
    let today = chrono::Local::now().date_naive();
    let sum = demo::fill_until(&mut store, &study, participants, seed, today)
        .context("filling the database")?;
    println!(
        "{} participants, {} sessions ({} completed, {} paused, {} in progress), {} answers",
        sum.participants, sum.sessions, sum.completed, sum.paused, sum.in_progress, sum.answers
    );
    Ok(ExitCode::SUCCESS)
}

/// Where a demo tablet's practice research key goes: beside the database.
fn practice_dir(db: &Path) -> std::path::PathBuf {
    let name = db
        .file_stem()
        .map_or("demo".into(), |n| n.to_string_lossy().into_owned());
    db.with_file_name(format!("{name}-practice-research-key"))
}
