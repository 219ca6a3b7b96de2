//! Hands what the patient's screen asked of read-aloud to the app core,
//! and keeps the screen repainting while a line is read (its highlight
//! moves on as the worker reads).

use std::time::Duration;

use eframe::egui;

use super::app::{App, Screen};
use super::errors::error_text;
use super::patient::{SpeechAsk, SpeechView};
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

/// Carries out a screen's asks on a speaker without an app core (the
/// form preview); returns "read everything" if it was switched.
pub(super) fn carry(speaker: &kohort_speech::Speaker, view: &mut SpeechView) -> Option<bool> {
    let mut all = None;
    for ask in std::mem::take(&mut view.asked) {
        match ask {
            SpeechAsk::Read(lines) => speaker.say(lines),
            SpeechAsk::Stop => speaker.stop(),
            SpeechAsk::Prepare(lines) => {
                speaker.prepare(lines.into_iter().map(|l| (l.lang, l.text)).collect());
            }
            SpeechAsk::ReadAll(on) => all = Some(on),
        }
    }
    all
}

/// While a line is read, the screen looks again every 50 ms.
pub(super) fn tick(app: &App, ctx: &egui::Context) {
    if matches!(app.screen, Screen::Patient(_)) && app.core().reading().is_some() {
        ctx.request_repaint_after(Duration::from_millis(50));
    }
}
