//! First start (device name, passphrase twice, recovery key shown once) and
//! the unlock screen.

use eframe::egui::{self, Button, RichText, Vec2};
use zeroize::Zeroizing;

use std::path::PathBuf;

use kohort_files::volumes::Volume;

use crate::core::Credential;
use crate::t;
use crate::ui::brand::card;
use crate::ui::lang::{lang_row, staff_lang};
use crate::ui::theme::{STAFF_TEXT, TOUCH, WARN};
use crate::ui::widgets::{FieldLook, Passphrase, passphrase_ui, touch_field};

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
    card(ui, 640.0, |ui| {
        lang_row(ui);
        let lang = staff_lang(ui.ctx());
        ui.heading(t!(lang, "setup-title"));
        ui.label(t!(lang, "setup-intro"));
        ui.add_space(12.0);
        let name_hint = t!(lang, "setup-name-hint");
        let look = FieldLook {
            hint: &name_hint,
            label_width: 250.0,
            ..Default::default()
        };
        touch_field(ui, lang, &t!(lang, "setup-name"), &mut d.device, look);
        let secret = FieldLook {
            password: true,
            label_width: 250.0,
            ..Default::default()
        };
        touch_field(
            ui,
            lang,
            &t!(lang, "setup-passphrase"),
            &mut d.passphrase,
            secret,
        );
        touch_field(ui, lang, &t!(lang, "setup-again"), &mut d.again, secret);
        let mismatch = !d.again.is_empty() && *d.passphrase != *d.again;
        if mismatch {
            ui.label(RichText::new(t!(lang, "setup-differ")).color(WARN));
        }
        if let Some(e) = error {
            ui.label(RichText::new(e).color(WARN));
        }
        let ready = !d.device.trim().is_empty() && !d.passphrase.is_empty() && !mismatch;
        let create = Button::new(t!(lang, "setup-create")).min_size(Vec2::new(160.0, TOUCH));
        (ui.add_enabled(ready, create).clicked())
            .then(|| (d.device.trim().to_owned(), d.passphrase.clone()))
    })
}

/// The recovery key on screen: its groups, where it was saved, and the two
/// groups staff types back to show it was noted.
pub struct RecoveryDraft {
    pub key: Zeroizing<String>,
    /// Which groups (0-based) are asked back.
    pub ask: [usize; 2],
    pub answers: [String; 2],
    /// Where the key was saved, or why it was not.
    pub saved: Option<String>,
}

impl RecoveryDraft {
    pub fn new(key: Zeroizing<String>) -> Self {
        use rand::seq::index::sample;
        let n = key.split('-').count().max(2);
        let picked = sample(&mut rand::thread_rng(), n, 2);
        let (a, b) = (picked.index(0), picked.index(1));
        RecoveryDraft {
            key,
            ask: [a.min(b), a.max(b)],
            answers: Default::default(),
            saved: None,
        }
    }

    fn groups(&self) -> Vec<&str> {
        self.key.split('-').collect()
    }

    /// Whether both groups typed back match the key.
    pub fn confirmed(&self) -> bool {
        let groups = self.groups();
        self.ask.iter().zip(&self.answers).all(|(&i, a)| {
            groups
                .get(i)
                .is_some_and(|g| a.trim().eq_ignore_ascii_case(g))
        })
    }
}

/// What staff did on the recovery key screen.
pub enum RecoveryAsked {
    /// Save it as a file in this folder.
    Save(PathBuf),
    /// Noted (and confirmed): go on.
    Noted,
}

/// Shows the recovery key once, large, with a way to save it to a stick,
/// and asks two of its groups back before going on.
pub fn recovery_ui(
    ui: &mut egui::Ui,
    d: &mut RecoveryDraft,
    volumes: &[Volume],
) -> Option<RecoveryAsked> {
    card(ui, 760.0, |ui| {
        let mut asked = None;
        let lang = staff_lang(ui.ctx());
        ui.heading(t!(lang, "recovery-title"));
        ui.label(t!(lang, "recovery-intro"));
        ui.add_space(12.0);
        groups_ui(ui, &d.groups());
        ui.add_space(12.0);
        ui.horizontal_wrapped(|ui| {
            for v in volumes {
                let text = t!(lang, "recovery-save-to", place = &v.label);
                if ui
                    .add(Button::new(text).min_size(Vec2::new(0.0, TOUCH)))
                    .clicked()
                {
                    asked = Some(RecoveryAsked::Save(v.path.clone()));
                }
            }
            if volumes.is_empty() {
                ui.label(t!(lang, "recovery-no-stick"));
            }
        });
        if let Some(s) = &d.saved {
            ui.label(RichText::new(s).strong());
        }
        ui.add_space(16.0);
        let [a, b] = d.ask;
        ui.label(t!(lang, "recovery-ask", first = a + 1, second = b + 1));
        for (k, i) in d.ask.into_iter().enumerate() {
            let look = FieldLook {
                width: 120.0,
                max_chars: 8,
                label_width: 110.0,
                ..Default::default()
            };
            let label = t!(lang, "recovery-group", number = i + 1);
            touch_field(ui, lang, &label, &mut d.answers[k], look);
        }
        let go = Button::new(t!(lang, "recovery-noted")).min_size(Vec2::new(300.0, TOUCH));
        if ui.add_enabled(d.confirmed(), go).clicked() {
            asked = Some(RecoveryAsked::Noted);
        }
        asked
    })
}

/// The key's groups, numbered, large enough to photograph.
fn groups_ui(ui: &mut egui::Ui, groups: &[&str]) {
    egui::Grid::new("recovery_groups")
        .spacing([24.0, 10.0])
        .show(ui, |ui| {
            for (i, g) in groups.iter().enumerate() {
                ui.vertical(|ui| {
                    ui.label(RichText::new(format!("{}", i + 1)).size(STAFF_TEXT));
                    // One group is one word: never wrapped.
                    ui.add(
                        egui::Label::new(RichText::new(*g).monospace().size(34.0).strong())
                            .extend(),
                    );
                });
                if i % 7 == 6 {
                    ui.end_row();
                }
            }
        });
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
    card(ui, 640.0, |ui| {
        let mut out = None;
        lang_row(ui);
        let lang = staff_lang(ui.ctx());
        ui.heading(t!(lang, "unlock-title"));
        ui.add_space(12.0);
        let label = t!(lang, "unlock-staff-passphrase");
        let enter = passphrase_ui(ui, &mut d.passphrase, &label, lang);
        let unlock = Button::new(t!(lang, "unlock-button")).min_size(Vec2::new(140.0, TOUCH));
        let tapped = ui.add_enabled(d.passphrase.ready(), unlock).clicked();
        if (tapped || enter) && d.passphrase.ready() {
            out = Some(Credential::Passphrase(d.passphrase.take()));
        }
        if let Some(e) = error {
            ui.label(RichText::new(e).color(WARN));
        }
        ui.add_space(24.0);
        ui.checkbox(&mut d.use_recovery, t!(lang, "unlock-forgotten"));
        if d.use_recovery {
            let look = FieldLook {
                width: 420.0,
                max_chars: 80,
                ..Default::default()
            };
            touch_field(
                ui,
                lang,
                &t!(lang, "unlock-recovery-key"),
                &mut d.recovery,
                look,
            );
            let open =
                Button::new(t!(lang, "unlock-with-recovery")).min_size(Vec2::new(0.0, TOUCH));
            if ui.add_enabled(!d.recovery.is_empty(), open).clicked() {
                out = Some(Credential::Recovery(std::mem::take(&mut d.recovery)));
            }
        }
        out
    })
}
