//! The calm screens a patient sees when done or pausing: hand the tablet
//! back. Only the staff passphrase leads anywhere from here.

use eframe::egui::{self, Button, Frame, RichText, Vec2};

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
fn words(lang: Lang, why: HandBack) -> (&'static str, &'static str) {
    match (lang, why) {
        (Lang::Nb, HandBack::Finished) => (
            "Takk for svarene dine!",
            "Gi nettbrettet tilbake til personalet.",
        ),
        (Lang::En, HandBack::Finished) => (
            "Thank you for your answers!",
            "Please give the tablet back to the staff.",
        ),
        (Lang::Nb, HandBack::Paused) => (
            "Svarene dine er lagret.",
            "Gi nettbrettet tilbake til personalet. Du kan fortsette en annen gang.",
        ),
        (Lang::En, HandBack::Paused) => (
            "Your answers are saved.",
            "Please give the tablet back to the staff. You can continue another time.",
        ),
        (Lang::Nb, HandBack::Unsaved) => (
            "Gi nettbrettet til personalet.",
            "Personalet hjelper deg videre.",
        ),
        (Lang::En, HandBack::Unsaved) => (
            "Please give the tablet to the staff.",
            "The staff will help you.",
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
                ui.label(RichText::new("Personale / Staff").size(20.0));
                let enter = passphrase_ui(ui, passphrase, "Passordfrase / Passphrase", lang);
                let button = Button::new("Lås opp / Unlock").min_size(Vec2::new(200.0, TOUCH));
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
