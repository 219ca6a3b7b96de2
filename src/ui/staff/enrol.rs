//! Enrolment form: study code, site, optional label, consent, anchor date.

use crate::ui::theme::STAFF_TOUCH;
use chrono::NaiveDate;
use eframe::egui::{self, Button, RichText, Vec2};

use crate::core::{EnrolProblem, Enrolment};
use crate::i18n::Lang;
use crate::t;
use crate::ui::lang::staff_lang;
use crate::ui::theme::{WARN, toggle};
use crate::ui::widgets::{FieldLook, date_row, label_cell, touch_field};
use kohort_form::study::CodeProblem;
use kohort_form::study::Study;
use kohort_tablet::store::Consent;

#[derive(Clone, Debug)]
pub struct EnrolDraft {
    pub study_code: String,
    pub site: String,
    pub label: String,
    pub consent_date: NaiveDate,
    pub consent_version: String,
    pub contact_interview: bool,
    pub contact_relatives: bool,
    pub anchor: NaiveDate,
    pub started_before_consent: bool,
}

impl EnrolDraft {
    /// A blank draft with consent and anchor dates set to `today`.
    pub fn new(today: NaiveDate) -> Self {
        EnrolDraft {
            study_code: String::new(),
            site: String::new(),
            label: String::new(),
            consent_date: today,
            consent_version: "1.0".to_owned(),
            contact_interview: false,
            contact_relatives: false,
            anchor: today,
            started_before_consent: false,
        }
    }

    /// The enrolment, or what is wrong with it.
    pub fn enrolment(&self, study: &Study) -> Result<Enrolment, EnrolProblem> {
        let e = Enrolment {
            study_code: self.study_code.trim().to_owned(),
            site: self.site.trim().to_owned(),
            label: Some(self.label.trim().to_owned()).filter(|l| !l.is_empty()),
            consent: Consent {
                date: self.consent_date,
                version: self.consent_version.trim().to_owned(),
                contact_interview: self.contact_interview,
                contact_relatives: self.contact_relatives,
                withdrawn_at: None,
            },
            anchor: self.anchor,
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

/// The label column, wide enough for "Første behandlingsdag (startdato)".
const LABEL_W: f32 = 300.0;

fn field(ui: &mut egui::Ui, lang: Lang, label: &str, value: &mut String, hint: &str) {
    let look = FieldLook {
        hint,
        width: 400.0,
        label_width: LABEL_W,
        ..Default::default()
    };
    touch_field(ui, lang, label, value, look);
}

/// Why an enrolment cannot be saved, in the staff's language.
pub(crate) fn problem_text(lang: Lang, p: &EnrolProblem) -> String {
    match p {
        EnrolProblem::Code(CodeProblem::Empty) => t!(lang, "enrol-code-empty"),
        EnrolProblem::Code(CodeProblem::Shape(pattern)) => {
            t!(lang, "enrol-code-shape", pattern = pattern)
        }
        EnrolProblem::Code(CodeProblem::OtherSite { coded, chosen }) => {
            t!(lang, "enrol-code-site", coded = coded, chosen = chosen)
        }
        EnrolProblem::NoSite => t!(lang, "enrol-no-site"),
        EnrolProblem::AnchorBeforeConsent => t!(lang, "enrol-anchor-early"),
        EnrolProblem::NoConsentVersion => t!(lang, "enrol-no-version"),
    }
}

/// A date chosen by touch, on the label's row.
fn date_field(ui: &mut egui::Ui, lang: Lang, label: &str, value: &mut NaiveDate) {
    ui.horizontal(|ui| {
        label_cell(ui, label, LABEL_W);
        date_row(ui, label, value, lang);
    });
}

/// A check box lined up with the fields.
fn check(ui: &mut egui::Ui, value: &mut bool, text: String) {
    ui.horizontal(|ui| {
        label_cell(ui, "", LABEL_W);
        ui.checkbox(value, text);
    });
}

/// Returns the enrolment when staff presses "Enrol".
pub fn enrol_ui(ui: &mut egui::Ui, study: &Study, d: &mut EnrolDraft) -> Option<Enrolment> {
    let lang = staff_lang(ui.ctx());
    ui.heading(t!(lang, "enrol-title"));
    let site = if d.site.trim().is_empty() {
        "…"
    } else {
        d.site.trim()
    };
    let example = study
        .code_pattern
        .as_deref()
        .map_or(t!(lang, "enrol-code-example"), |p| {
            t!(
                lang,
                "enrol-code-like",
                pattern = p.replace(kohort_form::study::SITE, site)
            )
        });
    field(
        ui,
        lang,
        &t!(lang, "enrol-code"),
        &mut d.study_code,
        &example,
    );
    if study.sites.is_empty() {
        let hint = t!(lang, "enrol-site-hint");
        field(ui, lang, &t!(lang, "sites-site"), &mut d.site, &hint);
    } else {
        ui.horizontal(|ui| {
            label_cell(ui, &t!(lang, "sites-site"), LABEL_W);
            for s in &study.sites {
                let b = toggle(d.site == *s, s.as_str()).min_size(Vec2::new(80.0, STAFF_TOUCH));
                if ui.add(b).clicked() {
                    d.site = s.clone();
                }
            }
        });
    }
    let hint = t!(lang, "enrol-label-hint");
    field(ui, lang, &t!(lang, "enrol-label"), &mut d.label, &hint);
    date_field(
        ui,
        lang,
        &t!(lang, "enrol-consent-date"),
        &mut d.consent_date,
    );
    let hint = t!(lang, "enrol-consent-version-hint");
    field(
        ui,
        lang,
        &t!(lang, "enrol-consent-version"),
        &mut d.consent_version,
        &hint,
    );
    check(ui, &mut d.contact_interview, t!(lang, "enrol-interview"));
    check(ui, &mut d.contact_relatives, t!(lang, "enrol-relatives"));
    date_field(ui, lang, &t!(lang, "enrol-anchor"), &mut d.anchor);
    if d.anchor < d.consent_date {
        check(
            ui,
            &mut d.started_before_consent,
            t!(lang, "enrol-began-before"),
        );
    }
    let checked = d.enrolment(study);
    if let Err(p) = &checked
        && !d.study_code.trim().is_empty()
    {
        ui.label(RichText::new(problem_text(lang, p)).color(WARN));
    }
    let enrol = Button::new(t!(lang, "enrol-button")).min_size(Vec2::new(160.0, 48.0));
    if ui.add_enabled(checked.is_ok(), enrol).clicked() {
        return checked.ok();
    }
    None
}
