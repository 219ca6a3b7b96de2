//! An in-app keyboard with æ, ø and å: Windows tablets show no keyboard of
//! their own for egui text fields.

use eframe::egui::{self, Frame, RichText, ScrollArea, Stroke};

use super::{KEYBOARD_KEY, sized_key};
use crate::t;
use crate::ui::theme::{INK, PAPER};
use kohort_form::Lang;

const ROWS: [&str; 4] = ["1234567890", "qwertyuiopå", "asdfghjkløæ", "zxcvbnm,.-"];

/// Shows `buffer` and a keyboard to edit it, at most `max_chars` long.
/// Returns true when the buffer changed.
pub fn keyboard(
    ui: &mut egui::Ui,
    buffer: &mut String,
    shift: &mut bool,
    max_chars: usize,
    long: bool,
    lang: Lang,
) -> bool {
    Frame::new()
        .fill(PAPER)
        .stroke(Stroke::new(2.0, INK))
        .inner_margin(12.0)
        .corner_radius(8.0)
        .show(ui, |ui| {
            ui.set_min_width(ui.available_width());
            let height = if long { 84.0 } else { 40.0 };
            ScrollArea::vertical()
                .max_height(height)
                .stick_to_bottom(true)
                .show(ui, |ui| {
                    ui.set_min_height(height);
                    let shown = format!("{buffer}▏");
                    ui.label(RichText::new(shown).size(30.0));
                });
        });
    keys(ui, buffer, shift, max_chars, lang)
}

/// Just the keys, editing `buffer`; returns true when it changed.
pub fn keys(
    ui: &mut egui::Ui,
    buffer: &mut String,
    shift: &mut bool,
    max_chars: usize,
    lang: Lang,
) -> bool {
    let mut changed = false;
    let (space, delete, caps) = (
        t!(lang, "key-space"),
        t!(lang, "key-delete"),
        t!(lang, "key-capitals"),
    );
    let push = |buffer: &mut String, s: &str| {
        let room = buffer.chars().count() < max_chars;
        if room {
            buffer.push_str(s);
        }
        room
    };
    ui.spacing_mut().item_spacing = eframe::egui::Vec2::new(10.0, 8.0);
    // Four rows, laid out like a real keyboard: delete ends the number row,
    // capitals start and space ends the last row, so it all fits at 1280×800.
    for (i, row) in ROWS.iter().enumerate() {
        ui.horizontal(|ui| {
            let last = i + 1 == ROWS.len();
            if last {
                let caps_key = crate::ui::theme::toggle(*shift, caps.as_str())
                    .min_size([150.0, KEYBOARD_KEY].into());
                if ui.add(caps_key).clicked() {
                    *shift = !*shift;
                }
            }
            for c in row.chars() {
                let s = if *shift {
                    c.to_uppercase().to_string()
                } else {
                    c.to_string()
                };
                if sized_key(ui, &s, KEYBOARD_KEY, KEYBOARD_KEY).clicked() {
                    changed |= push(buffer, &s);
                    *shift = false;
                }
            }
            if i == 0
                && sized_key(ui, &delete, 130.0, KEYBOARD_KEY).clicked()
                && buffer.pop().is_some()
            {
                changed = true;
            }
            if last && sized_key(ui, &space, 260.0, KEYBOARD_KEY).clicked() {
                changed |= push(buffer, " ");
            }
        });
    }
    changed
}
