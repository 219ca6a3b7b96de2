//! The staff home: today's work across all participants, most pressing
//! first, and counts per site.

use chrono::Datelike;
use eframe::egui::{self, RichText};

use super::{Page, STAFF_LANG, StaffAction, StaffView, named_button};
use crate::core::clinic::Clinic;
use crate::ui::theme::WARN;
use kohort_form::schedule::{Row, State};
use kohort_form::study::Study;
use kohort_form::{Lang, Respondent};

/// A state label, late ones in the warning colour and bold; a missed
/// form's coded reason in the study's words.
pub(crate) fn state_text(study: &Study, state: &State) -> RichText {
    let label = match state {
        State::Missed {
            code: Some(c),
            reason,
        } => {
            let coded = study.missed_reason(*c).map(|t| t.get(STAFF_LANG));
            match (coded, reason.is_empty()) {
                (Some(coded), true) => format!("missed: {coded}"),
                (Some(coded), false) => format!("missed: {coded} – {reason}"),
                (None, _) => state.label(STAFF_LANG),
            }
        }
        _ => state.label(STAFF_LANG),
    };
    let text = RichText::new(label);
    if state.days_late().is_some() {
        return text.color(WARN).strong();
    }
    match state {
        State::Closed => text.color(WARN).strong(),
        State::InProgress { .. } | State::Paused { .. } | State::Open => text.strong(),
        _ => text,
    }
}

/// A row's window, the year written once when both ends share it.
pub(crate) fn window_text(row: &Row) -> String {
    match (row.opens, row.closes) {
        (Some(o), Some(c)) if o.year() == c.year() => {
            format!("{o} – {}", c.format("%m-%d"))
        }
        (Some(o), Some(c)) => format!("{o} – {c}"),
        (Some(o), None) => format!("from {o}"),
        _ => String::new(),
    }
}

/// A row's title, with clinician forms marked.
pub(crate) fn form_text(row: &Row) -> String {
    match row.respondent {
        Respondent::Patient => row.title(Lang::En),
        Respondent::Clinician => format!("{} (staff)", row.title(Lang::En)),
    }
}

pub fn today_ui(
    ui: &mut egui::Ui,
    study: &Study,
    data: &Clinic,
    view: &mut StaffView,
) -> Option<StaffAction> {
    let today = data.today.map(|d| d.to_string()).unwrap_or_default();
    ui.heading(format!("Today's work · {today}"));
    let work = data.work();
    if work.is_empty() {
        ui.label("Nothing is due today.");
    } else {
        egui::Grid::new("work")
            .num_columns(4)
            .spacing([16.0, 6.0])
            .striped(true)
            .show(ui, |ui| {
                for h in ["Participant", "Form", "State", "Window"] {
                    ui.label(RichText::new(h).strong());
                }
                ui.end_row();
                for w in &work {
                    // The study code is the button: one tap opens the page.
                    let code = &w.participant.study_code;
                    let name = format!("Open {code}: {}", w.row.title(Lang::En));
                    if named_button(ui, code, &name) {
                        view.show(Page::Participant(w.participant.id));
                    }
                    ui.label(form_text(w.row));
                    ui.label(state_text(study, &w.row.state));
                    ui.label(window_text(w.row));
                    ui.end_row();
                }
            });
    }
    ui.add_space(20.0);
    ui.heading("Sites");
    egui::Grid::new("sites")
        .num_columns(5)
        .spacing([28.0, 8.0])
        .striped(true)
        .show(ui, |ui| {
            for h in ["Site", "Participants", "Due now", "Late", "Paused"] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for c in data.sites(study) {
                ui.label(&c.site);
                ui.label(c.participants.to_string());
                ui.label(c.due.to_string());
                let late = RichText::new(c.late.to_string());
                ui.label(if c.late > 0 {
                    late.color(WARN).strong()
                } else {
                    late
                });
                ui.label(c.paused.to_string());
                ui.end_row();
            }
        });
    None
}
