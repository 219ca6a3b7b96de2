//! `kohort export` and `kohort device …`: the tablet side of batches.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;

use kohort::core::delivery;
use kohort_tablet::sync::Exported;

use super::passphrase::unlock;

#[derive(Subcommand)]
pub enum DeviceCommand {
    /// Configure the research store's public key (research.pub) that
    /// batches are sealed to. Compare the fingerprint it prints with the
    /// one the research store reads to you.
    SetResearchKey {
        /// The research store's public key file, research.pub.
        file: PathBuf,
        /// The tablet database.
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        /// Read the staff passphrase from this file (else KOHORT_PASSPHRASE, else a prompt).
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },
    /// Days confirmed answers stay on the tablet before `kohort purge` may
    /// remove them (default 30; 0: as soon as a receipt confirms them).
    SetRetention {
        /// Days to keep confirmed answers (0 to 3650).
        days: u32,
        /// The tablet database.
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        /// Read the staff passphrase from this file (else KOHORT_PASSPHRASE, else a prompt).
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },
    /// Show this tablet's name, id and signing-key fingerprint (the one the
    /// research store checks). Opens the database read-only.
    Show {
        /// The tablet database.
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        /// Read the staff passphrase from this file (else KOHORT_PASSPHRASE, else a prompt).
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },
    /// Set a new staff passphrase (the data is not re-encrypted; the key
    /// file's passphrase wrap is replaced). Opens with the current
    /// passphrase, or with the recovery key when it is forgotten.
    ChangePassphrase {
        /// The tablet database.
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        /// Read the current passphrase from this file (else KOHORT_PASSPHRASE, else a prompt).
        #[arg(long, value_name = "FILE", conflicts_with = "recovery_key_file")]
        passphrase_file: Option<PathBuf>,
        /// Open with the recovery key read from this file instead.
        #[arg(long, value_name = "FILE")]
        recovery_key_file: Option<PathBuf>,
        /// Read the new passphrase from this file (else a prompt, twice).
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: Option<PathBuf>,
    },
}

pub fn device(cmd: DeviceCommand) -> Result<ExitCode> {
    match cmd {
        DeviceCommand::SetResearchKey {
            file,
            db,
            passphrase_file,
        } => {
            let mut store = unlock(&db, passphrase_file.as_deref())?;
            let key = delivery::set_research_key(&mut store, &file)?;
            println!(
                "research key for study {} set; fingerprint {}",
                key.study,
                key.fingerprint()
            );
            // The research store enrols the tablet by this one.
            println!(
                "this tablet's fingerprint (read it to the research store): {}",
                store.device()?.fingerprint()
            );
            Ok(ExitCode::SUCCESS)
        }
        DeviceCommand::SetRetention {
            days,
            db,
            passphrase_file,
        } => {
            let mut store = unlock(&db, passphrase_file.as_deref())?;
            delivery::set_retention(&mut store, days)?;
            println!("confirmed answers are now kept {days} day(s) before a purge may remove them");
            Ok(ExitCode::SUCCESS)
        }
        DeviceCommand::Show {
            db,
            passphrase_file,
        } => {
            let store = super::passphrase::unlock_read_only(&db, passphrase_file.as_deref())?;
            let d = store.device()?;
            println!("name: {}", d.name);
            println!("device id: {}", d.id);
            println!("created: {}", d.created_at);
            println!("fingerprint: {}", d.fingerprint());
            Ok(ExitCode::SUCCESS)
        }
        DeviceCommand::ChangePassphrase {
            db,
            passphrase_file,
            recovery_key_file,
            new_passphrase_file,
        } => super::passphrase::change(
            &db,
            passphrase_file.as_deref(),
            recovery_key_file.as_deref(),
            new_passphrase_file.as_deref(),
        ),
    }
}

/// Seals into `to`, by default the outbox beside the database.
pub fn export(
    db: &Path,
    to: Option<&Path>,
    reseal: bool,
    pass_file: Option<&Path>,
) -> Result<ExitCode> {
    let mut store = unlock(db, pass_file)?;
    if reseal {
        let done = delivery::reseal(&mut store, &delivery::outbox(db, to))?;
        if done.is_empty() {
            println!("nothing to seal again: every batch file is in the outbox");
        } else {
            let list: Vec<String> = done.iter().map(u64::to_string).collect();
            println!(
                "sealed again from the answers on the tablet: batch(es) {}",
                list.join(", ")
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    match delivery::seal(&mut store, &delivery::outbox(db, to))? {
        Exported::Nothing => println!("nothing to export: no completed session is waiting"),
        Exported::Batch {
            path,
            seq,
            sessions,
            audit_entries,
            hash,
        } => println!(
            "wrote {} (batch {seq}: {sessions} sessions, {audit_entries} audit entries, sha256 {hash})",
            path.display()
        ),
    }
    Ok(ExitCode::SUCCESS)
}
