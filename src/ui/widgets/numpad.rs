//! An in-app number pad: digits, a decimal comma, delete and clear.

use eframe::egui::{self, Frame, RichText, Stroke};

use super::key;
use crate::t;
use crate::ui::theme::{INK, QUIET};
use kohort_form::Lang;

/// Longest number a patient can type.
const MAX_CHARS: usize = 9;

/// Shows `buffer` large with the allowed range under it, and a pad to edit
/// it. Returns true when the buffer changed.
pub fn numpad(
    ui: &mut egui::Ui,
    buffer: &mut String,
    decimal: bool,
    range: &str,
    lang: Lang,
) -> bool {
    let mut changed = false;
    // The number and its range beside the pad, not above it, so the whole
    // pad fits under a two-line question at 1280×800.
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            Frame::new()
                .fill(QUIET)
                .stroke(Stroke::new(2.0, INK))
                .inner_margin(12.0)
                .corner_radius(8.0)
                .show(ui, |ui| {
                    ui.set_min_width(240.0);
                    let shown = if buffer.is_empty() {
                        "–"
                    } else {
                        buffer.as_str()
                    };
                    ui.label(RichText::new(shown).size(48.0).strong());
                });
            if !range.is_empty() {
                ui.label(RichText::new(range).size(30.0));
            }
        });
        ui.add_space(32.0);
        changed = pad(ui, buffer, decimal, lang);
    });
    changed
}

/// The keys themselves.
fn pad(ui: &mut egui::Ui, buffer: &mut String, decimal: bool, lang: Lang) -> bool {
    let mut changed = false;
    let (delete, clear) = (t!(lang, "key-delete"), t!(lang, "key-clear"));
    egui::Grid::new("numpad")
        .spacing([12.0, 12.0])
        .show(ui, |ui| {
            for row in [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"]] {
                for d in row {
                    if key(ui, d, 96.0).clicked() && buffer.chars().count() < MAX_CHARS {
                        buffer.push_str(d);
                        changed = true;
                    }
                }
                ui.end_row();
            }
            if decimal {
                if key(ui, ",", 96.0).clicked() && !buffer.contains(',') && buffer.len() < MAX_CHARS
                {
                    if buffer.is_empty() {
                        buffer.push('0');
                    }
                    buffer.push(',');
                    changed = true;
                }
            } else if key(ui, &clear, 96.0).clicked() && !buffer.is_empty() {
                buffer.clear();
                changed = true;
            }
            if key(ui, "0", 96.0).clicked() && buffer.chars().count() < MAX_CHARS {
                buffer.push('0');
                changed = true;
            }
            if key(ui, &delete, 96.0).clicked() && buffer.pop().is_some() {
                changed = true;
            }
            ui.end_row();
        });
    changed
}
