//! `kohort export` and `kohort device …`: the tablet side of batches.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;

use kohort_batch::ResearchPublic;
use kohort_tablet::store::Store;
use kohort_tablet::sync::{self, Exported};

use super::passphrase;

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
}

pub fn unlock(db: &Path, pass_file: Option<&Path>) -> Result<Store> {
    let pass = passphrase::read(pass_file, "Staff passphrase: ")?;
    Store::open(db)?
        .unlock(&pass)
        .map_err(|r| anyhow::anyhow!("{}", r.error))
}

pub fn device(cmd: DeviceCommand) -> Result<ExitCode> {
    match cmd {
        DeviceCommand::SetResearchKey {
            file,
            db,
            passphrase_file,
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let key = ResearchPublic::parse(&text)
                .with_context(|| format!("{} is not a research public key", file.display()))?;
            let mut store = unlock(&db, passphrase_file.as_deref())?;
            store.set_research_key(&key.render(), &key.fingerprint())?;
            println!(
                "research key for study {} set; fingerprint {}",
                key.study,
                key.fingerprint()
            );
            Ok(ExitCode::SUCCESS)
        }
        DeviceCommand::SetRetention {
            days,
            db,
            passphrase_file,
        } => super::deliver::set_retention(&db, days, passphrase_file.as_deref()),
    }
}

/// Seals into `to`, by default the outbox beside the database.
pub fn export(db: &Path, to: Option<&Path>, pass_file: Option<&Path>) -> Result<ExitCode> {
    let mut store = unlock(db, pass_file)?;
    let to = to.map_or_else(|| sync::outbox(db), Path::to_owned);
    let to = to.as_path();
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    match sync::export(&mut store, to)? {
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
