//! An in-app keyboard with æ, ø and å: Windows tablets show no keyboard of
//! their own for egui text fields.

use eframe::egui::{self, Frame, RichText, ScrollArea, Stroke};

use super::key;
use crate::form::Lang;
use crate::ui::theme::{INK, PAPER};

const ROWS: [&str; 4] = ["1234567890", "qwertyuiopå", "asdfghjkløæ", "zxcvbnm,.-?"];

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
    let mut changed = false;
    Frame::new()
        .fill(PAPER)
        .stroke(Stroke::new(2.0, INK))
        .inner_margin(12.0)
        .corner_radius(8.0)
        .show(ui, |ui| {
            ui.set_min_width(ui.available_width());
            let height = if long { 140.0 } else { 48.0 };
            ScrollArea::vertical()
                .max_height(height)
                .stick_to_bottom(true)
                .show(ui, |ui| {
                    ui.set_min_height(height);
                    let shown = format!("{buffer}▏");
                    ui.label(RichText::new(shown).size(30.0));
                });
        });
    let (space, delete, caps) = match lang {
        Lang::Nb => ("Mellomrom", "Slett", "Store bokstaver"),
        Lang::En => ("Space", "Delete", "Capitals"),
    };
    let push = |buffer: &mut String, s: &str| {
        let room = buffer.chars().count() < max_chars;
        if room {
            buffer.push_str(s);
        }
        room
    };
    for row in ROWS {
        ui.horizontal(|ui| {
            for c in row.chars() {
                let s = if *shift {
                    c.to_uppercase().to_string()
                } else {
                    c.to_string()
                };
                if key(ui, &s, 64.0).clicked() {
                    changed |= push(buffer, &s);
                    *shift = false;
                }
            }
        });
    }
    ui.horizontal(|ui| {
        if ui
            .add(crate::ui::theme::toggle(*shift, caps).min_size([200.0, 64.0].into()))
            .clicked()
        {
            *shift = !*shift;
        }
        if key(ui, space, 360.0).clicked() {
            changed |= push(buffer, " ");
        }
        if key(ui, delete, 160.0).clicked() && buffer.pop().is_some() {
            changed = true;
        }
    });
    changed
}
