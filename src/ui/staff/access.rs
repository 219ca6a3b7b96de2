//! First start (device name, passphrase twice, recovery key shown once) and
//! the unlock screen.

use eframe::egui::{self, Button, RichText, TextEdit, Vec2};
use zeroize::Zeroizing;

use crate::core::Credential;
use crate::ui::theme::{TOUCH, WARN};
use crate::ui::widgets::{Passphrase, passphrase_ui};
use kohort_form::Lang;

#[derive(Default)]
pub struct SetupDraft {
    pub device: String,
    pub passphrase: Zeroizing<String>,
    pub again: Zeroizing<String>,
}

/// Returns (device name, passphrase) when staff confirms a valid set-up.
pub fn setup_ui(
    ui: &mut egui::Ui,
    d: &mut SetupDraft,
    error: Option<&str>,
) -> Option<(String, Zeroizing<String>)> {
    let mut done = None;
    egui::CentralPanel::default().show(ui, |ui| {
        ui.heading("Set up this tablet");
        ui.label("Kohort keeps every answer sealed on this tablet. Choose a name for the tablet and a staff passphrase.");
        ui.add_space(12.0);
        egui::Grid::new("setup").num_columns(2).spacing([12.0, 12.0]).show(ui, |ui| {
            let l = ui.label("Tablet name");
            ui.add(TextEdit::singleline(&mut d.device).hint_text("e.g. Oslo tablet 1"))
                .labelled_by(l.id);
            ui.end_row();
            let l = ui.label("Staff passphrase");
            ui.add(TextEdit::singleline(&mut *d.passphrase).password(true))
                .labelled_by(l.id);
            ui.end_row();
            let l = ui.label("Passphrase again");
            ui.add(TextEdit::singleline(&mut *d.again).password(true))
                .labelled_by(l.id);
            ui.end_row();
        });
        let mismatch = !d.again.is_empty() && *d.passphrase != *d.again;
        if mismatch {
            ui.label(RichText::new("The two passphrases differ.").color(WARN));
        }
        if let Some(e) = error {
            ui.label(RichText::new(e).color(WARN));
        }
        let ready = !d.device.trim().is_empty() && !d.passphrase.is_empty() && !mismatch;
        if ui
            .add_enabled(ready, Button::new("Create").min_size(Vec2::new(160.0, TOUCH)))
            .clicked()
        {
            done = Some((d.device.trim().to_owned(), d.passphrase.clone()));
        }
    });
    done
}

/// Shows the recovery key once; returns true when staff has noted it.
pub fn recovery_ui(ui: &mut egui::Ui, key: &str) -> bool {
    let mut noted = false;
    egui::CentralPanel::default().show(ui, |ui| {
        ui.heading("Recovery key");
        ui.label(
            "Write this key down or print it, and keep it locked away. If the passphrase \
             is forgotten, it is the only way to open the answers on this tablet. \
             It is shown only now.",
        );
        ui.add_space(16.0);
        ui.label(RichText::new(key).monospace().size(28.0).strong());
        ui.add_space(16.0);
        if ui
            .add(Button::new("I have written it down").min_size(Vec2::new(260.0, TOUCH)))
            .clicked()
        {
            noted = true;
        }
    });
    noted
}

#[derive(Default)]
pub struct UnlockDraft {
    pub passphrase: Passphrase,
    pub recovery: Zeroizing<String>,
    pub use_recovery: bool,
}

pub fn unlock_ui(
    ui: &mut egui::Ui,
    d: &mut UnlockDraft,
    error: Option<&str>,
) -> Option<Credential> {
    let mut out = None;
    egui::CentralPanel::default().show(ui, |ui| {
        ui.heading("Kohort is locked");
        ui.add_space(12.0);
        let enter = passphrase_ui(ui, &mut d.passphrase, "Staff passphrase", Lang::En);
        let unlock = Button::new("Unlock").min_size(Vec2::new(140.0, TOUCH));
        let tapped = ui.add_enabled(d.passphrase.ready(), unlock).clicked();
        if (tapped || enter) && d.passphrase.ready() {
            out = Some(Credential::Passphrase(d.passphrase.take()));
        }
        if let Some(e) = error {
            ui.label(RichText::new(e).color(WARN));
        }
        ui.add_space(24.0);
        ui.checkbox(
            &mut d.use_recovery,
            "Forgotten passphrase: use the recovery key",
        );
        if d.use_recovery {
            ui.horizontal(|ui| {
                let l = ui.label("Recovery key");
                ui.add(TextEdit::singleline(&mut *d.recovery).desired_width(520.0))
                    .labelled_by(l.id);
                if ui.button("Open with recovery key").clicked() && !d.recovery.is_empty() {
                    out = Some(Credential::Recovery(std::mem::take(&mut d.recovery)));
                }
            });
        }
    });
    out
}
