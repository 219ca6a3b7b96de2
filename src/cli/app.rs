//! `kohort` with no subcommand: the tablet app.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};

use kohort::ui::app::App;
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
    let app = App::new(Arc::new(study), db);
    let app: Box<dyn eframe::App> = if kiosk {
        Box::new(Kiosk { app, seen: None })
    } else {
        Box::new(app)
    };
    crate::open_window("Kohort".to_owned(), [1280.0, 800.0], kiosk, app)
}

/// `--kiosk`: the app goes full screen for patient mode only; a kiosk stays
/// full screen without decorations on every screen, and ignores requests to
/// close the window (Alt+F4). Leaving the kiosk is the operating system's
/// business (packaging/README.md).
struct Kiosk {
    app: App,
    /// The window's full-screen state as last seen, so that it is asked
    /// back only when it changes and a platform that refuses cannot loop.
    seen: Option<bool>,
}

/// Everything but `ui` is the app's own.
impl eframe::App for Kiosk {
    fn logic(&mut self, ctx: &eframe::egui::Context, frame: &mut eframe::Frame) {
        eframe::App::logic(&mut self.app, ctx, frame);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::App::save(&mut self.app, storage);
    }

    fn on_exit(&mut self, gl: Option<&eframe::glow::Context>) {
        eframe::App::on_exit(&mut self.app, gl);
    }

    fn clear_color(&self, visuals: &eframe::egui::Visuals) -> [f32; 4] {
        eframe::App::clear_color(&self.app, visuals)
    }

    fn raw_input_hook(&mut self, ctx: &eframe::egui::Context, raw: &mut eframe::egui::RawInput) {
        eframe::App::raw_input_hook(&mut self.app, ctx, raw);
    }

    fn ui(&mut self, ui: &mut eframe::egui::Ui, frame: &mut eframe::Frame) {
        use eframe::egui::ViewportCommand;
        eframe::App::ui(&mut self.app, ui, frame);
        let ctx = ui.ctx().clone();
        let (fullscreen, close) =
            ctx.input(|i| (i.viewport().fullscreen, i.viewport().close_requested()));
        if fullscreen != self.seen {
            self.seen = fullscreen;
            if fullscreen == Some(false) {
                ctx.send_viewport_cmd(ViewportCommand::Fullscreen(true));
                ctx.send_viewport_cmd(ViewportCommand::Decorations(false));
            }
        }
        if close {
            ctx.send_viewport_cmd(ViewportCommand::CancelClose);
        }
    }
}
