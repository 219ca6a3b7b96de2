//! Measuring text before laying it out, so that no word is ever broken
//! inside: a layout is chosen whose columns are at least as wide as the
//! widest word they hold.

use eframe::egui::{self, FontId, TextStyle};

/// The width of `text` on one line in `font`.
pub fn line_width(ui: &egui::Ui, text: &str, font: &FontId) -> f32 {
    ui.ctx().fonts_mut(|f| {
        f.layout_no_wrap(text.to_owned(), font.clone(), egui::Color32::BLACK)
            .size()
            .x
    })
}

/// The width of the widest word of `text` in `font`.
pub fn widest_word(ui: &egui::Ui, text: &str, font: &FontId) -> f32 {
    text.split_whitespace()
        .map(|w| line_width(ui, w, font))
        .fold(0.0, f32::max)
}

/// The font of buttons and of body text in `ui`'s style.
pub fn button_font(ui: &egui::Ui) -> FontId {
    TextStyle::Button.resolve(ui.style())
}

pub fn heading_font(ui: &egui::Ui) -> FontId {
    TextStyle::Heading.resolve(ui.style())
}

pub fn body_font(ui: &egui::Ui) -> FontId {
    TextStyle::Body.resolve(ui.style())
}

/// What a button adds around its text.
pub fn button_pad(ui: &egui::Ui) -> f32 {
    ui.spacing().button_padding.x * 2.0 + 4.0
}

/// Whether every word of `text` fits a button `width` wide.
pub fn fits_button(ui: &egui::Ui, text: &str, width: f32) -> bool {
    widest_word(ui, text, &button_font(ui)) + button_pad(ui) <= width
}

/// The height of a button `width` wide whose text wraps between words, at
/// least `min`: the tallest of `texts`, so a row of buttons lines up.
pub fn button_height<'a>(
    ui: &egui::Ui,
    texts: impl IntoIterator<Item = &'a str>,
    width: f32,
    min: f32,
) -> f32 {
    let font = button_font(ui);
    let wrap = (width - button_pad(ui)).max(1.0);
    let pad_y = ui.spacing().button_padding.y * 2.0 + 4.0;
    texts
        .into_iter()
        .map(|t| {
            ui.ctx().fonts_mut(|f| {
                f.layout(t.to_owned(), font.clone(), egui::Color32::BLACK, wrap)
                    .size()
                    .y
            }) + pad_y
        })
        .fold(min, f32::max)
}
