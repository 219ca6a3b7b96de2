//! Date pickers that need no typing: day, month and year each with minus
//! and plus buttons; large and stacked for patients, one row for staff.

use chrono::{Datelike, Months, NaiveDate};
use eframe::egui::{self, RichText};

use super::key;
use crate::i18n;
use crate::t;
use crate::ui::theme::STAFF_TOUCH;
use kohort_form::Lang;

/// Edits `date`; returns true when it changed.
/// `id` tells apart two pickers on one screen.
pub fn date_picker(
    ui: &mut egui::Ui,
    id: impl std::hash::Hash + std::fmt::Debug,
    date: &mut NaiveDate,
    lang: Lang,
) -> bool {
    let before = *date;
    let month_name = i18n::month_name(lang, date.month());
    let parts: [(String, String); 3] = [
        (t!(lang, "date-day"), date.day().to_string()),
        (t!(lang, "date-month"), month_name.to_owned()),
        (t!(lang, "date-year"), date.year().to_string()),
    ];
    egui::Grid::new(("date_picker", id))
        .spacing([16.0, 12.0])
        .show(ui, |ui| {
            for (i, (label, value)) in parts.iter().enumerate() {
                if key(ui, &format!("− {label}"), 120.0).clicked() {
                    *date = step(*date, i, false);
                }
                ui.label(RichText::new(value).size(40.0).strong());
                if key(ui, &format!("+ {label}"), 120.0).clicked() {
                    *date = step(*date, i, true);
                }
                ui.end_row();
            }
        });
    *date != before
}

/// The staff's date picker: the same parts on one row, finger-sized, so a
/// form with two dates still fits a 1280×800 screen. A tap on a part's
/// minus or plus moves it; the date reads as Norwegians write it beside.
pub fn date_row(
    ui: &mut egui::Ui,
    id: impl std::hash::Hash + std::fmt::Debug,
    date: &mut NaiveDate,
    lang: Lang,
) -> bool {
    let before = *date;
    let parts = [
        (t!(lang, "date-day"), date.day().to_string(), 48.0),
        (
            t!(lang, "date-month"),
            i18n::month_name(lang, date.month()).to_owned(),
            120.0,
        ),
        (t!(lang, "date-year"), date.year().to_string(), 64.0),
    ];
    ui.push_id(("date_row", id), |ui| {
        ui.horizontal(|ui| {
            for (i, (label, value, width)) in parts.iter().enumerate() {
                let minus = ui.add(egui::Button::new("−").min_size(egui::Vec2::splat(STAFF_TOUCH)));
                minus.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::Button, true, format!("− {label}"))
                });
                if minus.clicked() {
                    *date = step(*date, i, false);
                }
                ui.add_sized(
                    [*width, STAFF_TOUCH],
                    egui::Label::new(RichText::new(value).strong()),
                );
                let plus = ui.add(egui::Button::new("+").min_size(egui::Vec2::splat(STAFF_TOUCH)));
                plus.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::Button, true, format!("+ {label}"))
                });
                if plus.clicked() {
                    *date = step(*date, i, true);
                }
                ui.add_space(12.0);
            }
        });
    });
    *date != before
}

fn step(date: NaiveDate, part: usize, up: bool) -> NaiveDate {
    let moved = match (part, up) {
        (0, true) => date.succ_opt(),
        (0, false) => date.pred_opt(),
        (1, true) => date.checked_add_months(Months::new(1)),
        (1, false) => date.checked_sub_months(Months::new(1)),
        (_, true) => date.checked_add_months(Months::new(12)),
        (_, false) => date.checked_sub_months(Months::new(12)),
    };
    moved.unwrap_or(date)
}
