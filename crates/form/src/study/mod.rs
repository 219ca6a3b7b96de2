//! The study file: timepoints with windows, recurring clinician forms and
//! event-driven forms, each an ordered list of instruments. Nothing about a
//! particular study lives in code; it all comes from `study.json`.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Days, Months, NaiveDate};

use crate::{Instrument, Respondent, Text};

mod check;
mod outcomes;
mod read;

pub use outcomes::{
    Band, Better, Figures, Outcome, OutcomeKind, PrevalenceFigure, PrevalenceItem, Source,
    SymptomFigure, Threshold, Values,
};
pub use read::{check_study, load_study};

/// A whole study, loaded and checked.
#[derive(Clone, Debug)]
pub struct Study {
    pub id: String,
    pub version: String,
    pub title: Text,
    /// What the anchor date is, e.g. the first day of medication.
    pub anchor: Text,
    pub instruments: Vec<Arc<Instrument>>,
    pub timepoints: Vec<Timepoint>,
    pub recurring: Vec<Recurring>,
    pub events: Vec<EventForm>,
    /// The shape of a study code (`#` a digit, `A` a capital letter,
    /// `{site}` the participant's site, any other character itself), when
    /// the study fixes one.
    pub code_pattern: Option<String>,
    /// The sites taking part, when the study lists them.
    pub sites: Vec<String>,
    /// Why a form may be missed, coded for the analysis files; staff may
    /// add words of their own.
    pub missed_reasons: Vec<crate::Choice>,
    /// What the study's report follows from the first to the last
    /// measurement (`kohort store report`).
    pub outcomes: Vec<Outcome>,
    /// The variables the report's symptom figures draw.
    pub figures: Figures,
    /// SHA-256 over the canonical study file.
    pub hash: String,
}

/// What every kind of form shares: who answers which instruments in which order.
#[derive(Clone, Debug)]
pub struct Form {
    pub id: String,
    pub title: Text,
    pub respondent: Respondent,
    pub instruments: Vec<String>,
    /// Overrides of the instruments' params for this form.
    pub params: BTreeMap<String, f64>,
}

/// A distance from the anchor date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Offset {
    Days(u32),
    /// Calendar months; a day past the end of the target month clamps to its
    /// last day (31 January + 1 month = 28 or 29 February).
    Months(u32),
}

impl Offset {
    pub fn after(self, date: NaiveDate) -> Option<NaiveDate> {
        match self {
            Offset::Days(d) => date.checked_add_days(Days::new(d.into())),
            Offset::Months(m) => date.checked_add_months(Months::new(m)),
        }
    }

    /// `n` times this offset after `date`, counted from `date` each time so
    /// month ends do not drift (31 Jan + 2 months = 31 Mar, not 28 Mar).
    pub fn times_after(self, n: u32, date: NaiveDate) -> Option<NaiveDate> {
        match self {
            Offset::Days(d) => Offset::Days(d.checked_mul(n)?).after(date),
            Offset::Months(m) => Offset::Months(m.checked_mul(n)?).after(date),
        }
    }
}

/// How many days before and after the target date a form is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub before_days: u32,
    pub after_days: u32,
}

impl Window {
    /// First and last day of the window around `target`.
    pub fn around(self, target: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        Some((
            target.checked_sub_days(Days::new(self.before_days.into()))?,
            target.checked_add_days(Days::new(self.after_days.into()))?,
        ))
    }
}

#[derive(Clone, Debug)]
pub struct Timepoint {
    pub form: Form,
    pub offset: Offset,
    pub window: Window,
}

/// A clinician form due at `first`, then every `every` after it.
#[derive(Clone, Debug)]
pub struct Recurring {
    pub form: Form,
    pub first: Offset,
    pub every: Offset,
    pub window: Window,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// Due when a treatment episode ends.
    EndOfTreatment,
    /// Started by staff when something happens.
    Manual,
}

#[derive(Clone, Debug)]
pub struct EventForm {
    pub form: Form,
    pub trigger: Trigger,
    pub repeatable: bool,
}

/// The ordered instruments of one form, ready for the runner.
#[derive(Clone, Debug)]
pub struct Questionnaire {
    pub form_id: String,
    pub title: Text,
    pub respondent: Respondent,
    pub instruments: Vec<Arc<Instrument>>,
    pub params: BTreeMap<String, f64>,
}

/// Where the site goes in a study code pattern.
pub const SITE: &str = "{site}";

/// Whether `code` fits `pattern` (`#` a digit, `A` a capital letter).
fn fits(code: &str, pattern: &str) -> bool {
    code.chars().count() == pattern.chars().count()
        && code.chars().zip(pattern.chars()).all(|(c, p)| match p {
            '#' => c.is_ascii_digit(),
            'A' => c.is_ascii_uppercase(),
            p => c == p,
        })
}

/// Why a study code does not fit the study.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CodeProblem {
    #[error("the study code is empty")]
    Empty,
    #[error("the study code must look like {0} (# a digit, A a capital letter)")]
    Shape(String),
    #[error("the study code is for site {coded}, but the site chosen is {chosen}")]
    OtherSite { coded: String, chosen: String },
}

impl Study {
    /// Whether `code` has the study's code shape; `Err` says what is wrong.
    pub fn check_code(&self, code: &str) -> Result<(), CodeProblem> {
        self.check_code_at(code, None)
    }

    /// [`Study::check_code`], and where the pattern holds the site, that
    /// it is `site` (any of the study's sites when `None`).
    pub fn check_code_at(&self, code: &str, site: Option<&str>) -> Result<(), CodeProblem> {
        if code.trim().is_empty() {
            return Err(CodeProblem::Empty);
        }
        let Some(pattern) = &self.code_pattern else {
            return Ok(());
        };
        let shape = || Err(CodeProblem::Shape(pattern.clone()));
        let Some((before, after)) = pattern.split_once(SITE) else {
            return if fits(code, pattern) { Ok(()) } else { shape() };
        };
        let coded = self.sites.iter().find(|s| {
            code.len() >= before.len() + s.len()
                && code.get(before.len()..before.len() + s.len()) == Some(s.as_str())
                && code.get(..before.len()).is_some_and(|b| fits(b, before))
                && code
                    .get(before.len() + s.len()..)
                    .is_some_and(|a| fits(a, after))
        });
        match (coded, site) {
            (None, _) => shape(),
            (Some(c), Some(s)) if c != s => Err(CodeProblem::OtherSite {
                coded: c.clone(),
                chosen: s.to_owned(),
            }),
            _ => Ok(()),
        }
    }

    /// The words for a coded missed reason.
    pub fn missed_reason(&self, code: i64) -> Option<&Text> {
        self.missed_reasons
            .iter()
            .find(|r| r.code == code)
            .map(|r| &r.text)
    }

    pub fn instrument(&self, id: &str) -> Option<&Arc<Instrument>> {
        self.instruments.iter().find(|i| i.id == id)
    }

    /// Every form of the study: timepoints, recurring forms, events.
    pub fn forms(&self) -> impl Iterator<Item = &Form> {
        self.timepoints
            .iter()
            .map(|t| &t.form)
            .chain(self.recurring.iter().map(|r| &r.form))
            .chain(self.events.iter().map(|e| &e.form))
    }

    pub fn form(&self, id: &str) -> Option<&Form> {
        self.forms().find(|f| f.id == id)
    }

    pub fn questionnaire(&self, form_id: &str) -> Option<Questionnaire> {
        let form = self.form(form_id)?;
        let instruments = form
            .instruments
            .iter()
            .map(|id| self.instrument(id).cloned())
            .collect::<Option<Vec<_>>>()?;
        Some(Questionnaire {
            form_id: form.id.clone(),
            title: form.title.clone(),
            respondent: form.respondent,
            instruments,
            params: form.params.clone(),
        })
    }

    /// The forms (by id) in which each instrument is used.
    pub fn forms_using(&self, instrument: &str) -> Vec<&str> {
        self.forms()
            .filter(|f| f.instruments.iter().any(|i| i == instrument))
            .map(|f| f.id.as_str())
            .collect()
    }
}
