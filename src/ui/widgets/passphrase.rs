//! The staff passphrase field: a frame you can see whatever has focus,
//! the in-app keyboard (a Windows tablet shows none of its own for egui
//! fields, and a kiosk tablet has no keyboard), and a wait after wrong
//! tries that the field shows and that ends by itself.

use eframe::egui::{self, Frame, Key, RichText, Stroke, TextEdit};
use zeroize::{Zeroize, Zeroizing};

use super::keyboard::keys;
use crate::t;
use crate::ui::theme::{self, INK, QUIET, WARN};
use kohort_form::Lang;

/// What is typed, and whether the keyboard is showing.
#[derive(Default)]
pub struct Passphrase {
    text: String,
    pub keyboard: bool,
    shift: bool,
    /// After a wrong try: the seconds left before the next one is allowed
    /// (0: it may be tried again now).
    pub wrong: Option<u64>,
}

impl Passphrase {
    /// A field whose keyboard is open from the start (the hand-back screen:
    /// the tablet in a patient's hands has no keyboard).
    pub fn with_keyboard() -> Self {
        let mut p = Passphrase::default();
        p.keyboard = true;
        p
    }

    /// Hands over what was typed and wipes the field.
    pub fn take(&mut self) -> Zeroizing<String> {
        let out = Zeroizing::new(self.text.clone());
        self.text.zeroize();
        out
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Whether a try is allowed now.
    pub fn ready(&self) -> bool {
        !self.is_empty() && self.wrong.is_none_or(|s| s == 0)
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
        // Our own frame, dark on light: egui's focus outline alone was
        // white on white in the patient look.
        let frame = Frame::new()
            .fill(QUIET)
            .stroke(Stroke::new(3.0, INK))
            .inner_margin(8.0)
            .corner_radius(6.0);
        let r = ui
            .add(
                TextEdit::singleline(&mut p.text)
                    .password(true)
                    .frame(frame)
                    .text_color(INK)
                    .desired_width(300.0),
            )
            .labelled_by(l.id);
        // Ready to type as soon as the screen shows, when nothing else is.
        if !p.keyboard && ui.memory(|m| m.focused().is_none()) {
            r.request_focus();
        }
        enter = (r.lost_focus() || r.has_focus()) && ui.input(|i| i.key_pressed(Key::Enter));
        let name = t!(lang, "key-keyboard");
        if ui.add(theme::toggle(p.keyboard, name)).clicked() {
            p.keyboard = !p.keyboard;
        }
    });
    if let Some(s) = p.wrong {
        let text = match s {
            0 => t!(lang, "unlock-wrong"),
            s => t!(lang, "unlock-wrong-wait", seconds = s),
        };
        ui.label(RichText::new(text).color(WARN).strong());
    }
    if p.keyboard {
        keys(ui, &mut p.text, &mut p.shift, 200, lang);
    }
    enter
}
