//! What staff does on an open tablet: enrol, hand a questionnaire over (or
//! open a clinician form), the steps of whoever answers it, mark a form
//! missed, correct the anchor date, end treatment, start a new episode,
//! withdraw consent, change a setting; and the data manager's seal,
//! deliver, upload, receipt and purge. Every method refreshes what the
//! staff screens show.

use std::path::PathBuf;

use chrono::NaiveDate;
use uuid::Uuid;

use kohort_form::Respondent;
use kohort_form::schedule::EndType;
use kohort_form::study::{CodeProblem, Study};
use kohort_tablet::store::{Actor, Confirmed, Consent, SessionStatus};
use kohort_tablet::sync::{Exported, PurgeReport, Target};

use super::clinic::{IDLE_LOCK_SETTING, LANGUAGE_SETTING};
use super::delivery::{self, Delivery, Route, UploadRequest};
use super::questionnaire::{Change, Outcome, Questionnaire, Step, apply};
use super::{Core, CoreError, Result};

/// The longest idle lock offered: a shift.
pub const MAX_IDLE_MINUTES: u32 = 240;

/// A participant to enrol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrolment {
    pub study_code: String,
    pub site: String,
    /// Shown to staff only; sealed.
    pub label: Option<String>,
    pub consent: Consent,
    /// The first day of treatment.
    pub anchor: NaiveDate,
    /// Staff confirmed that treatment began before consent was given.
    pub started_before_consent: bool,
}

/// Why an enrolment cannot be saved (the screens say it in the staff's
/// language).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EnrolProblem {
    #[error(transparent)]
    Code(#[from] CodeProblem),
    #[error("choose the site")]
    NoSite,
    #[error(
        "the first day of treatment is before the consent date: correct a date, \
         or confirm that treatment began before consent"
    )]
    AnchorBeforeConsent,
    #[error("give the version of the consent form")]
    NoConsentVersion,
}

impl Enrolment {
    /// What is wrong with it for this study, if anything.
    pub fn problem(&self, study: &Study) -> Option<EnrolProblem> {
        let site = Some(self.site.trim()).filter(|s| !s.is_empty());
        if let Err(e) = study.check_code_at(self.study_code.trim(), site) {
            return Some(EnrolProblem::Code(e));
        }
        if site.is_none() {
            return Some(EnrolProblem::NoSite);
        }
        if self.anchor < self.consent.date && !self.started_before_consent {
            return Some(EnrolProblem::AnchorBeforeConsent);
        }
        if self.consent.version.trim().is_empty() {
            return Some(EnrolProblem::NoConsentVersion);
        }
        None
    }
}

impl Core {
    /// Runs a store action and refreshes the staff screens.
    fn act<T>(
        &mut self,
        f: impl FnOnce(&mut kohort_tablet::store::Store) -> Result<T>,
    ) -> Result<T> {
        let out = f(self.store()?);
        self.refresh();
        out
    }

    /// Enrols a participant with a first episode; returns the participant.
    pub fn enrol(&mut self, e: &Enrolment) -> Result<Uuid> {
        self.store()?;
        if let Some(p) = e.problem(&self.study) {
            return Err(CoreError::Enrolment(p));
        }
        self.act(|s| {
            let label = e.label.as_deref().map(str::trim).filter(|l| !l.is_empty());
            let consent = Consent {
                version: e.consent.version.trim().to_owned(),
                ..e.consent.clone()
            };
            Ok(s.enrol(
                e.study_code.trim(),
                e.site.trim(),
                label,
                &consent,
                e.anchor,
            )?
            .0)
        })
    }

    /// Starts a new session of one occurrence of a form and hands it over:
    /// a patient form to the patient, a clinician form to staff.
    pub fn start(
        &mut self,
        participant: Uuid,
        episode: Uuid,
        form: &str,
        occurrence: u32,
    ) -> Result<()> {
        let q = self
            .study
            .questionnaire(form)
            .ok_or_else(|| CoreError::NoSuchForm(form.to_owned()))?;
        let session =
            self.act(|s| Ok(s.start_occurrence(participant, episode, &q, occurrence)?))?;
        self.resume(session)
    }

    /// Opens a session (resuming it when paused) for whoever answers it.
    pub fn resume(&mut self, session: Uuid) -> Result<()> {
        let store = self.store()?;
        let loaded = store.load_session(session)?;
        if loaded.summary.status == SessionStatus::Paused {
            store.resume_session(session)?;
        }
        let by_staff = loaded.summary.respondent == Respondent::Clinician;
        if !by_staff {
            store.set_actor(Actor::Patient);
        }
        self.follow_reader((!by_staff).then_some(loaded.summary.participant))?;
        self.questionnaire = Some(Questionnaire {
            session,
            runner: loaded.into_runner(),
            save_error: None,
            unsaved: Default::default(),
            position_unsaved: false,
            by_staff,
            refused: None,
        });
        Ok(())
    }

    /// One step of whoever holds the questionnaire; saves what it changed.
    /// A pause (or the last step) of a patient form locks the tablet for
    /// the hand-back; of a clinician form it returns to the staff screens.
    pub fn step(&mut self, step: Step) -> Result<Outcome> {
        let store = match &mut self.db {
            super::Db::Open(s) => s,
            _ => return Err(CoreError::Locked),
        };
        let q = self
            .questionnaire
            .as_mut()
            .ok_or(CoreError::NoQuestionnaire)?;
        let applied = apply(&mut q.runner, &mut q.refused, step);
        let end = q.persist(store, &applied.changes);
        // A pause always hands the tablet back, so staff can step in; the
        // hand-back screen says so when something was not saved.
        if end.is_none() && !applied.changes.contains(&Change::Paused) {
            return Ok(Outcome::Answering {
                invalid: applied.invalid,
                next_skips: applied.next_skips,
                retype: applied.retype,
            });
        }
        let outcome = Outcome::HandBack {
            finished: end == Some(true),
            unsaved: q.unsaved(),
        };
        let by_staff = q.by_staff;
        let error = q.save_error.take();
        if by_staff {
            self.questionnaire = None;
            self.refresh();
            if let Some(e) = error {
                return Err(e.into());
            }
        } else {
            self.lock();
        }
        Ok(outcome)
    }

    /// Marks a form missed with one of the study's coded reasons and/or
    /// words of the nurse's own.
    pub fn mark_missed(
        &mut self,
        episode: Uuid,
        form: &str,
        occurrence: u32,
        code: Option<i64>,
        reason: &str,
    ) -> Result<()> {
        if let Some(c) = code
            && self.study.missed_reason(c).is_none()
        {
            return Err(CoreError::Invalid(format!(
                "the study has no missed reason {c}"
            )));
        }
        self.act(|s| Ok(s.mark_missed(episode, form, occurrence, code, reason)?))
    }

    /// Corrects an episode's anchor date (until the baseline is completed).
    pub fn set_anchor(&mut self, episode: Uuid, anchor: NaiveDate) -> Result<()> {
        let baseline = self
            .study
            .timepoints
            .first()
            .map_or(String::new(), |t| t.form.id.clone());
        self.act(|s| Ok(s.set_anchor(episode, anchor, &baseline)?))
    }

    pub fn end_episode(&mut self, episode: Uuid, end: NaiveDate, end_type: EndType) -> Result<()> {
        self.act(|s| Ok(s.end_episode(episode, end, end_type)?))
    }

    pub fn new_episode(&mut self, participant: Uuid, anchor: NaiveDate) -> Result<Uuid> {
        self.act(|s| Ok(s.start_episode(participant, anchor)?))
    }

    pub fn withdraw(&mut self, participant: Uuid, on: NaiveDate) -> Result<()> {
        self.act(|s| Ok(s.withdraw_consent(participant, on)?))
    }

    /// Sets a new staff passphrase (typed twice); the recovery key stays.
    pub fn change_passphrase(&mut self, new: &str, again: &str) -> Result<()> {
        if new != again {
            return Err(CoreError::PassphrasesDiffer);
        }
        self.act(|s| Ok(s.change_passphrase(new)?))
    }

    /// Staff screens lock after `minutes` without a touch (0: never).
    pub fn set_idle_lock(&mut self, minutes: u32) -> Result<()> {
        if minutes > MAX_IDLE_MINUTES {
            return Err(CoreError::Invalid(format!(
                "the idle lock is at most {MAX_IDLE_MINUTES} minutes"
            )));
        }
        self.act(|s| Ok(s.set_setting(IDLE_LOCK_SETTING, &minutes.to_string())?))
    }

    /// The language of the staff screens on this tablet.
    pub fn set_staff_language(&mut self, lang: kohort_form::Lang) -> Result<()> {
        self.act(|s| Ok(s.set_setting(LANGUAGE_SETTING, lang.code())?))
    }

    fn outbox(&self) -> PathBuf {
        kohort_tablet::sync::outbox(&self.db_path)
    }

    /// Seals every completed session not yet in a batch.
    pub fn seal(&mut self) -> Result<Exported> {
        let outbox = self.outbox();
        self.act(|s| delivery::seal(s, &outbox))
    }

    /// Seals again the batches whose files went missing from the outbox.
    pub fn reseal(&mut self) -> Result<Vec<u64>> {
        let outbox = self.outbox();
        self.act(|s| delivery::reseal(s, &outbox))
    }

    fn deliver(&mut self, route: Route, target: impl FnOnce() -> Result<Target>) -> Result<bool> {
        if self.delivery.as_ref().is_some_and(Delivery::is_running) {
            return Err(CoreError::Busy);
        }
        let outbox = self.outbox();
        let started = Delivery::begin(self.store()?, &outbox, route, target)?;
        let any = started.is_some();
        if any {
            self.delivery = started;
        }
        Ok(any)
    }

    /// Copies every batch not yet confirmed to a folder (a USB stick) on a
    /// worker thread; `false` when there is nothing to deliver.
    pub fn deliver_to_folder(&mut self, dir: PathBuf) -> Result<bool> {
        self.deliver(Route::Folder, || Ok(Target::Folder(dir)))
    }

    /// Uploads every batch not yet confirmed to TSD on a worker thread;
    /// `false` when there is nothing to deliver.
    pub fn upload(&mut self, request: &UploadRequest) -> Result<bool> {
        self.deliver(Route::Tsd, || request.target())
    }

    pub fn cancel_delivery(&mut self) {
        if let Some(d) = &self.delivery {
            d.cancel();
        }
    }

    /// Records what a delivery under way reported. Only on staff screens:
    /// reports wait while a patient has the tablet or it is locked, so
    /// nothing is recorded in the patient's name. Returns whether anything
    /// was reported.
    pub fn poll_delivery(&mut self) -> bool {
        let patient = self.questionnaire.as_ref().is_some_and(|q| !q.by_staff);
        let (super::Db::Open(store), Some(d), false) = (&mut self.db, &mut self.delivery, patient)
        else {
            return false;
        };
        let any = !d.pump(store, false).is_empty();
        if any {
            self.refresh();
        }
        any
    }

    pub fn apply_receipt(&mut self, file: &std::path::Path) -> Result<Confirmed> {
        self.act(|s| delivery::apply_receipt(s, file))
    }

    pub fn purge(&mut self) -> Result<PurgeReport> {
        let (outbox, now) = (self.outbox(), self.clock.now());
        self.act(|s| delivery::purge(s, &outbox, now))
    }

    pub fn set_retention(&mut self, days: u32) -> Result<()> {
        self.act(|s| delivery::set_retention(s, days))
    }
}
