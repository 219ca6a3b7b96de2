//! A date picker that needs no typing: day, month and year each with big
//! minus and plus buttons.

use chrono::{Datelike, Months, NaiveDate};
use eframe::egui::{self, RichText};

use super::key;
use kohort_form::Lang;

const MONTHS_NB: [&str; 12] = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Edits `date`; returns true when it changed.
pub fn date_picker(ui: &mut egui::Ui, date: &mut NaiveDate, lang: Lang) -> bool {
    let before = *date;
    let month_name = match lang {
        Lang::Nb => MONTHS_NB,
        Lang::En => MONTHS_EN,
    }
    .get(date.month0() as usize)
    .copied()
    .unwrap_or_default();
    let (day_l, month_l, year_l) = match lang {
        Lang::Nb => ("dag", "måned", "år"),
        Lang::En => ("day", "month", "year"),
    };
    let parts: [(&str, String); 3] = [
        (day_l, date.day().to_string()),
        (month_l, month_name.to_owned()),
        (year_l, date.year().to_string()),
    ];
    egui::Grid::new("date_picker")
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
