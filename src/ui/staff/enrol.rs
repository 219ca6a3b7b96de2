//! Enrolment form: study code, site, optional label, consent, anchor date.

use chrono::NaiveDate;
use eframe::egui::{self, Button, TextEdit, Vec2};

#[derive(Clone, Debug)]
pub struct EnrolDraft {
    pub study_code: String,
    pub site: String,
    pub label: String,
    pub consent_date: String,
    pub consent_version: String,
    pub contact_interview: bool,
    pub contact_relatives: bool,
    pub anchor: String,
}

impl EnrolDraft {
    pub fn new() -> Self {
        let today = chrono::Local::now().date_naive().to_string();
        EnrolDraft {
            study_code: String::new(),
            site: String::new(),
            label: String::new(),
            consent_date: today.clone(),
            consent_version: "1.0".to_owned(),
            contact_interview: false,
            contact_relatives: false,
            anchor: today,
        }
    }

    /// The dates, or a message naming the field that is wrong.
    pub fn dates(&self) -> Result<(NaiveDate, NaiveDate), String> {
        let parse = |s: &str, what: &str| {
            s.trim()
                .parse::<NaiveDate>()
                .map_err(|_| format!("{what} must be a date like 2026-03-31"))
        };
        Ok((
            parse(&self.consent_date, "Consent date")?,
            parse(&self.anchor, "Anchor date")?,
        ))
    }
}

impl Default for EnrolDraft {
    fn default() -> Self {
        Self::new()
    }
}

fn field(ui: &mut egui::Ui, label: &str, value: &mut String, hint: &str) {
    let l = ui.label(label);
    ui.add(TextEdit::singleline(value).hint_text(hint))
        .labelled_by(l.id);
    ui.end_row();
}

/// Returns the draft when staff presses "Enrol".
pub fn enrol_ui(ui: &mut egui::Ui, d: &mut EnrolDraft) -> Option<EnrolDraft> {
    ui.heading("Enrol a participant");
    egui::Grid::new("enrol")
        .num_columns(2)
        .spacing([12.0, 10.0])
        .show(ui, |ui| {
            field(ui, "Study code", &mut d.study_code, "e.g. HAB-OSL-0001");
            field(ui, "Site", &mut d.site, "e.g. OSL");
            field(
                ui,
                "Label (optional, sealed)",
                &mut d.label,
                "shown to staff only",
            );
            field(ui, "Consent date", &mut d.consent_date, "YYYY-MM-DD");
            field(
                ui,
                "Consent form version",
                &mut d.consent_version,
                "e.g. 1.0",
            );
            ui.label("");
            ui.checkbox(
                &mut d.contact_interview,
                "May be contacted for an interview",
            );
            ui.end_row();
            ui.label("");
            ui.checkbox(&mut d.contact_relatives, "Relatives may be contacted");
            ui.end_row();
            field(
                ui,
                "First day of treatment (anchor)",
                &mut d.anchor,
                "YYYY-MM-DD",
            );
        });
    let ready = !d.study_code.trim().is_empty() && !d.site.trim().is_empty();
    if ui
        .add_enabled(ready, Button::new("Enrol").min_size(Vec2::new(160.0, 48.0)))
        .clicked()
    {
        return Some(d.clone());
    }
    None
}
