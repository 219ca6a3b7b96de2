//! The `kohort` command: with no subcommand it opens the tablet app.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

mod cli;

#[derive(Parser)]
#[command(
    name = "kohort",
    version,
    about = "Longitudinal questionnaires on clinic tablets"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Check, outline and document form files.
    #[command(subcommand)]
    Forms(FormsCommand),
    /// Check the audit log of a tablet database.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Fill a database with synthetic participants and answered questionnaires.
    Demo {
        #[arg(long)]
        db: PathBuf,
        #[arg(long, default_value_t = 10)]
        participants: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The study folder.
        #[arg(long, default_value = "forms")]
        forms: PathBuf,
        /// Read the staff passphrase from this file (else KOHORT_PASSPHRASE, else a prompt).
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verify the hash chain; prints the first broken link. No passphrase needed.
    Verify {
        #[arg(long)]
        db: PathBuf,
    },
}

#[derive(Subcommand)]
enum FormsCommand {
    /// Check study folders or instrument files; prints every problem and
    /// exits non-zero when there is an error.
    Check {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Print one instrument as indented text with variable names, codes and
    /// skip conditions.
    Outline { file: PathBuf },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => run_app(),
        Some(Command::Forms(FormsCommand::Check { paths })) => Ok(cli::forms::check(&paths)),
        Some(Command::Forms(FormsCommand::Outline { file })) => cli::forms::outline(&file),
        Some(Command::Audit(AuditCommand::Verify { db })) => cli::audit::verify(&db),
        Some(Command::Demo {
            db,
            participants,
            seed,
            forms,
            passphrase_file,
        }) => cli::demo::run(&db, &forms, participants, seed, passphrase_file.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The tablet app. For now a window that says what is to come.
fn run_app() -> Result<ExitCode> {
    let options = eframe::NativeOptions {
        viewport: eframe::egui::ViewportBuilder::default()
            .with_title("Kohort")
            .with_inner_size([1280.0, 800.0]),
        ..Default::default()
    };
    eframe::run_ui_native("Kohort", options, |ui, _frame| {
        eframe::egui::CentralPanel::default().show(ui, |ui| {
            ui.heading("Kohort");
            ui.label("The tablet app is being built. Try `kohort forms check forms/`.");
        });
    })
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))?;
    Ok(ExitCode::SUCCESS)
}
