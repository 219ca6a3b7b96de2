//! Enrolment form: study code, site, optional label, consent, anchor date.

use crate::ui::theme::STAFF_TOUCH;
use chrono::NaiveDate;
use eframe::egui::{self, Button, RichText, TextEdit, Vec2};

use crate::core::Enrolment;
use crate::ui::theme::{WARN, toggle};
use kohort_form::study::Study;
use kohort_tablet::store::Consent;

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
    pub started_before_consent: bool,
}

impl EnrolDraft {
    /// A blank draft with consent and anchor dates set to `today`.
    pub fn new(today: NaiveDate) -> Self {
        let today = today.to_string();
        EnrolDraft {
            study_code: String::new(),
            site: String::new(),
            label: String::new(),
            consent_date: today.clone(),
            consent_version: "1.0".to_owned(),
            contact_interview: false,
            contact_relatives: false,
            anchor: today,
            started_before_consent: false,
        }
    }

    /// The enrolment, or a message naming the field that is wrong.
    pub fn enrolment(&self, study: &Study) -> Result<Enrolment, String> {
        let e = Enrolment {
            study_code: self.study_code.trim().to_owned(),
            site: self.site.trim().to_owned(),
            label: Some(self.label.trim().to_owned()).filter(|l| !l.is_empty()),
            consent: Consent {
                date: super::parse_date(&self.consent_date, "Consent date")?,
                version: self.consent_version.trim().to_owned(),
                contact_interview: self.contact_interview,
                contact_relatives: self.contact_relatives,
                withdrawn_at: None,
            },
            anchor: super::parse_date(&self.anchor, "Anchor date")?,
            started_before_consent: self.started_before_consent,
        };
        match e.problem(study) {
            Some(p) => Err(p),
            None => Ok(e),
        }
    }
}

impl Default for EnrolDraft {
    fn default() -> Self {
        Self::new(chrono::Local::now().date_naive())
    }
}

fn field(ui: &mut egui::Ui, label: &str, value: &mut String, hint: &str) {
    let l = ui.label(label);
    // Wide enough for the study-code hint ("like HAB-AAA-#### (# digit, A letter)").
    ui.add(
        TextEdit::singleline(value)
            .hint_text(hint)
            .desired_width(400.0),
    )
    .labelled_by(l.id);
    ui.end_row();
}

/// Returns the enrolment when staff presses "Enrol".
pub fn enrol_ui(ui: &mut egui::Ui, study: &Study, d: &mut EnrolDraft) -> Option<Enrolment> {
    ui.heading("Enrol a participant");
    let site = if d.site.trim().is_empty() {
        "…"
    } else {
        d.site.trim()
    };
    let example = study
        .code_pattern
        .as_deref()
        .map_or("e.g. HAB-OSL-0001".to_owned(), |p| {
            format!(
                "like {} (# digit)",
                p.replace(kohort_form::study::SITE, site)
            )
        });
    egui::Grid::new("enrol")
        .num_columns(2)
        .spacing([12.0, 10.0])
        .show(ui, |ui| {
            field(ui, "Study code", &mut d.study_code, &example);
            if study.sites.is_empty() {
                field(ui, "Site", &mut d.site, "e.g. OSL");
            } else {
                ui.label("Site");
                ui.horizontal(|ui| {
                    for s in &study.sites {
                        if ui
                            .add(
                                toggle(d.site == *s, s.as_str())
                                    .min_size(Vec2::new(80.0, STAFF_TOUCH)),
                            )
                            .clicked()
                        {
                            d.site = s.clone();
                        }
                    }
                });
                ui.end_row();
            }
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
            let early = match (
                d.anchor.trim().parse::<NaiveDate>(),
                d.consent_date.trim().parse::<NaiveDate>(),
            ) {
                (Ok(a), Ok(c)) => a < c,
                _ => false,
            };
            if early {
                ui.label("");
                ui.checkbox(
                    &mut d.started_before_consent,
                    "Treatment began before consent: that is right",
                );
                ui.end_row();
            }
        });
    let checked = d.enrolment(study);
    if let Err(p) = &checked
        && !d.study_code.trim().is_empty()
    {
        ui.label(RichText::new(p).color(WARN));
    }
    let enrol = Button::new("Enrol").min_size(Vec2::new(160.0, 48.0));
    if ui.add_enabled(checked.is_ok(), enrol).clicked() {
        return checked.ok();
    }
    None
}
