//! Touch widgets for tablets without an on-screen keyboard for egui fields.

mod date;
mod field;
mod keyboard;
mod numpad;
mod passphrase;

pub use date::{date_picker, date_row};
pub use field::{FieldLook, label_cell, touch_field};
pub use keyboard::keyboard;
pub use numpad::numpad;
pub use passphrase::{Passphrase, passphrase_ui};

use eframe::egui::{self, Button, RichText, Vec2};

use super::theme::TOUCH;

/// A key of at least the touch size.
pub(crate) fn key(ui: &mut egui::Ui, label: &str, width: f32) -> egui::Response {
    sized_key(ui, label, width, TOUCH)
}

/// Keyboard keys are a little lower than the touch size so that the whole
/// keyboard and the text fit on a 1280×800 screen; still above 48 px.
pub(crate) const KEYBOARD_KEY: f32 = 54.0;

pub(crate) fn sized_key(ui: &mut egui::Ui, label: &str, width: f32, height: f32) -> egui::Response {
    let size = Vec2::new(width.max(height), height);
    ui.add(Button::new(RichText::new(label).strong()).min_size(size))
}
