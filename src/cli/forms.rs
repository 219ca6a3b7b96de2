//! `kohort forms …`: check, outline, lock and document form files.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use kohort_form::codebook::{self, Format};
use kohort_form::lock::{LOCK_FILE, Lock};
use kohort_form::study;
use kohort_form::{Problem, Severity};

/// A folder is checked as a study; a file as an instrument, or as a study
/// when it is a `study.json`.
fn check_path(path: &Path) -> Vec<Problem> {
    if path.is_dir() {
        let (study, mut problems) = study::check_study(path);
        if let Some(s) = study {
            // The study's recordings: missing, unreadable, silent, stale.
            problems.extend(super::audio::recording_problems(path, &s));
        }
        problems
    } else if path.file_name().is_some_and(|n| n == "study.json") {
        study::check_study(path.parent().unwrap_or(Path::new("."))).1
    } else {
        kohort_form::load::instrument_file(path).1
    }
}

pub fn check(paths: &[PathBuf], lang: Option<kohort_form::Lang>) -> ExitCode {
    let problems: Vec<Problem> = paths.iter().flat_map(|p| check_path(p)).collect();
    for p in &problems {
        println!("{p}");
    }
    if let Some(lang) = lang {
        missing_lang(paths, lang);
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

/// Lists every text of the instruments under `paths` without `lang`.
fn missing_lang(paths: &[PathBuf], lang: kohort_form::Lang) {
    let mut total = 0;
    for path in paths {
        let instruments = if path.is_dir() || path.file_name().is_some_and(|n| n == "study.json") {
            let dir = if path.is_dir() {
                path.as_path()
            } else {
                path.parent().unwrap_or(Path::new("."))
            };
            study::check_study(dir)
                .0
                .map(|s| s.instruments.iter().map(|i| (**i).clone()).collect())
                .unwrap_or_default()
        } else {
            kohort_form::load::instrument_file(path)
                .0
                .into_iter()
                .collect::<Vec<_>>()
        };
        for inst in instruments {
            for at in kohort_form::langs::missing(&inst, lang) {
                println!(
                    "{}: {at}: no '{}' text (bokmål is shown)",
                    inst.id,
                    lang.code()
                );
                total += 1;
            }
        }
    }
    println!("{total} text(s) without '{}'", lang.code());
}

pub fn outline(file: &Path) -> Result<ExitCode> {
    let (inst, problems) = kohort_form::load::instrument_file(file);
    for p in &problems {
        eprintln!("{p}");
    }
    match inst {
        Some(inst) => {
            print!("{}", kohort_form::outline::outline(&inst));
            Ok(ExitCode::SUCCESS)
        }
        None => Ok(ExitCode::FAILURE),
    }
}

/// Opens one form of a study in patient mode without saving anything.
pub fn preview(
    dir: &Path,
    form_id: &str,
    at: Option<&str>,
    size: [f32; 2],
    (text, lang, high_contrast): (kohort::ui::theme::TextSize, kohort_form::Lang, bool),
) -> Result<ExitCode> {
    let Some(study) = load_study(dir) else {
        return Ok(ExitCode::FAILURE);
    };
    let Some(q) = study.questionnaire(form_id) else {
        let ids: Vec<&str> = study.forms().map(|f| f.id.as_str()).collect();
        anyhow::bail!(
            "no form '{form_id}' in the study (forms: {})",
            ids.join(", ")
        );
    };
    let speech = kohort::core::Speech::start(dir, &super::audio::default_cache());
    let app = kohort::ui::preview::Preview::new(q, at)
        .with_look(text, lang)
        .with_speech(
            speech,
            kohort::core::media::load(dir, &study),
            high_contrast,
        );
    kohort::ui::window::open(&format!("Kohort preview: {form_id}"), size, Box::new(app))
        .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// Loads a study folder, printing its problems; `None` when it has errors.
pub(crate) fn load_study(dir: &Path) -> Option<study::Study> {
    match study::load_study(dir) {
        Ok((study, warnings)) => {
            for w in &warnings {
                eprintln!("{w}");
            }
            Some(study)
        }
        Err(errors) => {
            for p in &errors.0 {
                eprintln!("{p}");
            }
            eprintln!("{errors}: fix them first (`kohort forms check`)");
            None
        }
    }
}

/// `kohort forms lock`: compares the forms with `codes.lock.json` and, unless
/// `check`, writes the lock when nothing breaks it.
pub fn lock(dir: &Path, check: bool) -> Result<ExitCode> {
    let Some(study) = load_study(dir) else {
        return Ok(ExitCode::FAILURE);
    };
    let current = Lock::of(study.instruments.iter().map(|i| &**i));
    let rendered = current.render();
    let path = dir.join(LOCK_FILE);
    let shown = path.display();
    let old_text = match fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read {shown}")),
    };
    let Some(old_text) = old_text else {
        if check {
            println!("{shown} does not exist yet: run `kohort forms lock`");
            return Ok(ExitCode::FAILURE);
        }
        kohort_files::write_atomic(&path, rendered.as_bytes())
            .with_context(|| format!("cannot write {shown}"))?;
        println!(
            "wrote {shown}: {} variables locked",
            current.variables.len()
        );
        return Ok(ExitCode::SUCCESS);
    };
    let old = Lock::parse(&shown.to_string(), &old_text)?;
    let changes = old.compare(&current);
    let breaking = changes.iter().filter(|c| c.is_breaking()).count();
    for c in &changes {
        let level = if c.is_breaking() { "error" } else { "new" };
        println!("{level}: {c}");
    }
    if breaking > 0 {
        println!(
            "{breaking} change(s) break the codes lock{}. If no data has been collected under \
             {shown} yet, delete it and run `kohort forms lock` to start afresh.",
            if check {
                ""
            } else {
                "; the lock was not written"
            }
        );
        return Ok(ExitCode::FAILURE);
    }
    let added = changes.len();
    if check {
        if added > 0 {
            println!("ok: nothing breaks the lock; {added} addition(s) not yet locked");
        } else if old_text != rendered {
            println!(
                "ok: the forms match the lock; labels or instruments changed since \
                 (run `kohort forms lock` to refresh)"
            );
        } else {
            println!("ok: {} variables match the lock", current.variables.len());
        }
        return Ok(ExitCode::SUCCESS);
    }
    if old_text == rendered {
        println!(
            "{shown} is up to date ({} variables)",
            current.variables.len()
        );
    } else {
        kohort_files::write_atomic(&path, rendered.as_bytes())
            .with_context(|| format!("cannot write {shown}"))?;
        println!(
            "wrote {shown}: {} variables, {added} addition(s) newly locked",
            current.variables.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `kohort forms codebook`: writes the codebook to `out`, or to stdout.
pub fn codebook(dir: &Path, format: Format, out: Option<&Path>) -> Result<ExitCode> {
    let Some(study) = load_study(dir) else {
        return Ok(ExitCode::FAILURE);
    };
    let text = codebook::render(&study, format);
    match out {
        Some(file) => {
            kohort_files::write_atomic(file, text.as_bytes())
                .with_context(|| format!("cannot write {}", file.display()))?;
            println!("wrote {}", file.display());
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
