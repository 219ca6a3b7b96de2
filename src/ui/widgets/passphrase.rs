//! The staff passphrase field, with the in-app keyboard on request: a
//! Windows tablet shows no keyboard of its own for egui fields.

use eframe::egui::{self, Key, RichText, TextEdit};
use zeroize::{Zeroize, Zeroizing};

use super::keyboard::keys;
use crate::ui::theme;
use kohort_form::Lang;

/// What is typed, and whether the keyboard is showing.
#[derive(Default)]
pub struct Passphrase {
    text: String,
    pub keyboard: bool,
    shift: bool,
}

impl Passphrase {
    /// Hands over what was typed and wipes the field.
    pub fn take(&mut self) -> Zeroizing<String> {
        let out = Zeroizing::new(self.text.clone());
        self.text.zeroize();
        out
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

impl Drop for Passphrase {
    fn drop(&mut self) {
        self.text.zeroize();
    }
}

/// The labelled field and a "Keyboard" toggle; returns true when Enter was
/// pressed in it.
pub fn passphrase_ui(ui: &mut egui::Ui, p: &mut Passphrase, label: &str, lang: Lang) -> bool {
    let mut enter = false;
    ui.horizontal(|ui| {
        let l = ui.label(RichText::new(label));
        let r = ui
            .add(
                TextEdit::singleline(&mut p.text)
                    .password(true)
                    .desired_width(300.0),
            )
            .labelled_by(l.id);
        // Ready to type as soon as the screen shows, when nothing else is.
        if !p.keyboard && ui.memory(|m| m.focused().is_none()) {
            r.request_focus();
        }
        enter = (r.lost_focus() || r.has_focus()) && ui.input(|i| i.key_pressed(Key::Enter));
        let name = match lang {
            Lang::Nb => "Tastatur",
            Lang::En => "Keyboard",
        };
        if ui.add(theme::toggle(p.keyboard, name)).clicked() {
            p.keyboard = !p.keyboard;
        }
    });
    if p.keyboard {
        keys(ui, &mut p.text, &mut p.shift, 200, lang);
    }
    enter
}
