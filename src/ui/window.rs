//! The native window around an app: maximised, or for `--kiosk` full
//! screen without decorations, ignoring requests to close it.

use eframe::egui::{self, ViewportCommand};

/// Opens a window of `size` points running `app`, maximised.
pub fn open(title: &str, size: [f32; 2], app: Box<dyn eframe::App>) -> eframe::Result {
    open_with(title, size, false, app)
}

/// The tablet app's window; `kiosk` keeps it full screen on every screen.
pub fn open_app(app: super::app::App, kiosk: bool) -> eframe::Result {
    let app: Box<dyn eframe::App> = if kiosk {
        Box::new(Kiosk { app, seen: None })
    } else {
        Box::new(app)
    };
    open_with("Kohort", [1280.0, 800.0], kiosk, app)
}

/// The app id names the desktop entry (kohort.desktop), which gives the
/// window its icon.
fn open_with(
    title: &str,
    size: [f32; 2],
    kiosk: bool,
    app: Box<dyn eframe::App>,
) -> eframe::Result {
    let viewport = egui::ViewportBuilder::default()
        .with_title(title)
        .with_app_id("kohort")
        .with_inner_size(size);
    let viewport = if kiosk {
        viewport.with_fullscreen(true).with_decorations(false)
    } else {
        viewport.with_maximized(true)
    };
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    eframe::run_native(
        title,
        options,
        Box::new(|cc| {
            // Light: high contrast on paper-white, for staff and patients alike.
            cc.egui_ctx.set_theme(egui::Theme::Light);
            Ok(app)
        }),
    )
}

/// `--kiosk`: the app goes full screen for patient mode only; a kiosk stays
/// full screen without decorations on every screen, and ignores requests to
/// close the window (Alt+F4). Leaving the kiosk is the operating system's
/// business (packaging/README.md).
struct Kiosk {
    app: super::app::App,
    /// The window's full-screen state as last seen, so that it is asked
    /// back only when it changes and a platform that refuses cannot loop.
    seen: Option<bool>,
}

impl eframe::App for Kiosk {
    fn logic(&mut self, ctx: &egui::Context, frame: &mut eframe::Frame) {
        eframe::App::logic(&mut self.app, ctx, frame);
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

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        eframe::App::ui(&mut self.app, ui, frame);
    }
}
