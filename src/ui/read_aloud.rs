//! Hands what the patient's screen asked of read-aloud to the app core,
//! and keeps the screen repainting while a line is read (its highlight
//! moves on as the worker reads).

use std::time::Duration;

use eframe::egui;

use super::app::{App, Screen};
use super::errors::error_text;
use super::patient::SpeechAsk;
use kohort_form::Lang;

/// Carries out the patient screen's read-aloud asks of this frame.
pub(super) fn speak(app: &mut App, staff: Lang) {
    let Screen::Patient(view) = &mut app.screen else {
        return;
    };
    let asked = std::mem::take(&mut view.speech.asked);
    for ask in asked {
        let core = app.core_mut();
        match ask {
            SpeechAsk::Read(lines) => core.read(lines),
            SpeechAsk::Stop => core.stop_reading(),
            SpeechAsk::Prepare(lines) => core.prepare_reading(&lines),
            SpeechAsk::ReadAll(on) => {
                if let Err(e) = core.set_read_all(on) {
                    app.set_error(error_text(staff, &e));
                }
            }
        }
    }
}

/// While a line is read, the screen looks again every 50 ms.
pub(super) fn tick(app: &App, ctx: &egui::Context) {
    if matches!(app.screen, Screen::Patient(_)) && app.core().reading().is_some() {
        ctx.request_repaint_after(Duration::from_millis(50));
    }
}
