//! `kohort forms …`: check and outline form files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use kohort::form::{self, Problem, Severity};
use kohort::protocol;

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

pub fn check(paths: &[PathBuf]) -> ExitCode {
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

pub fn outline(file: &Path) -> Result<ExitCode> {
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

/// Opens one form of a study in patient mode without saving anything.
pub fn preview(dir: &Path, form_id: &str, at: Option<&str>, size: [f32; 2]) -> Result<ExitCode> {
    let (study, _) = protocol::load_study(dir).map_err(|e| {
        for p in &e.0 {
            eprintln!("{p}");
        }
        anyhow::anyhow!("{e}")
    })?;
    let Some(q) = study.questionnaire(form_id) else {
        let ids: Vec<&str> = study.forms().map(|f| f.id.as_str()).collect();
        anyhow::bail!("no form '{form_id}' in the study (forms: {})", ids.join(", "));
    };
    let app = kohort::ui::preview::Preview::new(q, at);
    crate::window(format!("Kohort preview: {form_id}"), size, Box::new(app))
}
