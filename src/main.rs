//! The `kohort` command: with no subcommand it opens the tablet app.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

use kohort::form::{self, Problem, Severity};
use kohort::protocol;

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
        Some(Command::Forms(FormsCommand::Check { paths })) => Ok(forms_check(&paths)),
        Some(Command::Forms(FormsCommand::Outline { file })) => forms_outline(&file),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// A folder is checked as a study; a file as an instrument, or as a study
/// when it is a `study.json`.
fn check_path(path: &Path) -> Vec<Problem> {
    if path.is_dir() {
        protocol::check_study(path).1
    } else if path.file_name().is_some_and(|n| n == "study.json") {
        protocol::check_study(path.parent().unwrap_or(Path::new("."))).1
    } else {
        form::load::instrument_file(path).1
    }
}

fn forms_check(paths: &[PathBuf]) -> ExitCode {
    let problems: Vec<Problem> = paths.iter().flat_map(|p| check_path(p)).collect();
    for p in &problems {
        println!("{p}");
    }
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let warnings = problems.len() - errors;
    if errors > 0 {
        println!("{errors} error(s), {warnings} warning(s)");
        ExitCode::FAILURE
    } else {
        println!("ok: no errors, {warnings} warning(s)");
        ExitCode::SUCCESS
    }
}

fn forms_outline(file: &Path) -> Result<ExitCode> {
    let (inst, problems) = form::load::instrument_file(file);
    for p in &problems {
        eprintln!("{p}");
    }
    match inst {
        Some(inst) => {
            print!("{}", form::outline::outline(&inst));
            Ok(ExitCode::SUCCESS)
        }
        None => Ok(ExitCode::FAILURE),
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
