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
        kohort::core::unlock(db, Credential::Passphrase(pass))?
    } else {
        let (store, recovery) = Store::create(db, "demo tablet", &pass)?;
        println!("Created {}.", db.display());
        println!("Recovery key (shown once, print it and keep it safe):");
        println!("  {}", *recovery.to_printable());
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
