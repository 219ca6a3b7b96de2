//! `kohort` with no subcommand: the tablet app.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};

use kohort::protocol;
use kohort::ui::app::App;

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

fn default_db() -> Result<PathBuf> {
    let dir = dirs::data_dir()
        .context("no data directory on this platform; pass --db FILE")?
        .join("kohort");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir.join("kohort.db"))
}

pub fn run(db: Option<PathBuf>, study: Option<PathBuf>) -> Result<ExitCode> {
    let dir = match study {
        Some(d) => d,
        None => find_study().context("cannot find the study's forms/ folder; pass --forms DIR")?,
    };
    let study = match protocol::load_study(&dir) {
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
    let app = App::new(Arc::new(study), db);
    crate::window("Kohort".to_owned(), [1280.0, 800.0], Box::new(app))
}
