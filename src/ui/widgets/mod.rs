//! Touch widgets for tablets without an on-screen keyboard for egui fields.

mod date;
mod keyboard;
mod numpad;

pub use date::date_picker;
pub use keyboard::keyboard;
pub use numpad::numpad;

use eframe::egui::{self, Button, RichText, Vec2};

use super::theme::TOUCH;

/// A square key of at least the touch size.
pub(crate) fn key(ui: &mut egui::Ui, label: &str, width: f32) -> egui::Response {
    ui.add(Button::new(RichText::new(label).strong()).min_size(Vec2::new(width.max(TOUCH), TOUCH)))
}
