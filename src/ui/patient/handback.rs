//! The calm screens a patient sees when done or pausing: hand the tablet
//! back. Only the staff passphrase leads anywhere from here.

use eframe::egui::{self, Button, Frame, RichText, Vec2};

use crate::t;
use crate::ui::lang::staff_lang;
use crate::ui::theme::{self, TOUCH};
use crate::ui::widgets::{Passphrase, passphrase_ui};
use kohort_form::Lang;

/// Why the tablet goes back to staff.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandBack {
    Paused,
    Finished,
    /// Something could not be saved: no promise that the answers are safe.
    Unsaved,
}

/// The words on the hand-back screen.
fn words(lang: Lang, why: HandBack) -> (String, String) {
    match why {
        HandBack::Finished => (
            t!(lang, "handback-finished"),
            t!(lang, "handback-finished-body"),
        ),
        HandBack::Paused => (
            t!(lang, "handback-paused"),
            t!(lang, "handback-paused-body"),
        ),
        HandBack::Unsaved => (
            t!(lang, "handback-unsaved"),
            t!(lang, "handback-unsaved-body"),
        ),
    }
}

/// Shows the hand-back screen with a staff unlock field; returns the
/// passphrase when staff asks to unlock.
pub fn handback_ui(
    ui: &mut egui::Ui,
    lang: Lang,
    why: HandBack,
    passphrase: &mut Passphrase,
    error: Option<&str>,
) -> Option<zeroize::Zeroizing<String>> {
    theme::fonts(ui.ctx());
    theme::patient(ui, theme::TextSize::Normal);
    let (title, body) = words(lang, why);
    let mut unlock = None;
    egui::CentralPanel::default()
        .frame(Frame::new().fill(theme::PAPER).inner_margin(64.0))
        .show(ui, |ui| {
            ui.vertical_centered(|ui| {
                ui.add_space(if passphrase.keyboard { 8.0 } else { 80.0 });
                ui.label(RichText::new(title).size(44.0).strong());
                ui.add_space(24.0);
                ui.label(RichText::new(body).size(30.0));
                ui.add_space(if passphrase.keyboard { 24.0 } else { 120.0 });
                // The staff part is in the staff's language.
                let staff = staff_lang(ui.ctx());
                ui.label(RichText::new(t!(staff, "handback-staff")).size(20.0));
                let label = t!(staff, "unlock-passphrase");
                let enter = passphrase_ui(ui, passphrase, &label, staff);
                let button =
                    Button::new(t!(staff, "unlock-button")).min_size(Vec2::new(200.0, TOUCH));
                let tapped = ui.add_enabled(passphrase.ready(), button).clicked();
                if (tapped || enter) && passphrase.ready() {
                    unlock = Some(passphrase.take());
                }
                if let Some(e) = error {
                    ui.label(RichText::new(e).color(theme::WARN).size(20.0));
                }
            });
        });
    unlock
}
