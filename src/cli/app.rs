//! `kohort` with no subcommand: the tablet app.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};

use kohort::ui::app::App;
use kohort::ui::window;
use kohort_form::study;

/// Where the bundled study is looked for when `--forms` is not given: the
/// working folder (a source checkout), beside an installed binary, the
/// Debian package's folder, and the source tree it was built from.
fn find_study() -> Option<PathBuf> {
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_owned));
    let mut candidates = vec![PathBuf::from("forms")];
    if let Some(dir) = exe_dir {
        candidates.push(dir.join("../share/kohort/forms"));
    }
    candidates.push(PathBuf::from("/usr/share/kohort/forms"));
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("forms"));
    candidates
        .into_iter()
        .find(|d| d.join("study.json").is_file())
}

/// The study folder a command was given, else the bundled one.
pub fn study_dir(given: Option<PathBuf>) -> Result<PathBuf> {
    match given {
        Some(d) => Ok(d),
        None => find_study().context("cannot find the study's forms/ folder; pass --forms DIR"),
    }
}

fn default_db() -> Result<PathBuf> {
    let dir = dirs::data_dir()
        .context("no data directory on this platform; pass --db FILE")?
        .join("kohort");
    // Owner only: the database is sealed, but its folder also holds the
    // outbox and is nobody else's business.
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(&dir)
        .with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir.join("kohort.db"))
}

pub fn run(db: Option<PathBuf>, study: Option<PathBuf>, kiosk: bool) -> Result<ExitCode> {
    let dir = study_dir(study)?;
    let study = match study::load_study(&dir) {
        Ok((s, _)) => s,
        Err(errors) => {
            for p in &errors.0 {
                eprintln!("{p}");
            }
            anyhow::bail!("the study in {} has errors: {errors}", dir.display());
        }
    };
    let db = match db {
        Some(d) => d,
        None => default_db()?,
    };
    eprintln!(
        "Kohort: study {} from {}, database {}",
        study.id,
        dir.display(),
        db.display()
    );
    // Synthetic clips are kept per user, by language and text hash: not
    // personal data, and never stale (changed words have another key).
    let cache = super::audio::default_cache();
    let speech = kohort::core::Speech::start(&dir, &cache);
    let media = kohort::core::media::load(&dir, &study);
    let app = App::new(Arc::new(study), db)
        .with_speech(speech)
        .with_media(media);
    window::open_app(app, kiosk).map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))?;
    Ok(ExitCode::SUCCESS)
}
