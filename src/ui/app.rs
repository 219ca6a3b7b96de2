//! The tablet app: one state machine over the screens. Screens return
//! actions; this file applies them to the runner and the store, so no
//! screen touches the database.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use eframe::egui;
use uuid::Uuid;
use zeroize::Zeroizing;

use super::patient::{Change, HandBack, PatientView, apply, handback_ui, patient_ui};
use super::staff::{
    self, Page, SetupDraft, StaffAction, StaffView, UnlockDraft, UnlockWith, recovery_ui, setup_ui,
    unlock_ui,
};
use super::widgets::Passphrase;
use crate::clinic::{Clinic, IDLE_LOCK_SETTING};
use kohort_form::runner::Runner;
use kohort_form::study::Study;
use kohort_form::{Lang, Respondent};
use kohort_tablet::store::{Actor, Consent, Delay, LockedStore, SessionStatus, Store, StoreError};

/// The database, in whichever state it is.
enum Db {
    /// No database file yet: first start.
    Absent,
    Locked(LockedStore),
    Open(Store),
    /// Briefly, while moving between states.
    Moving,
}

/// A questionnaire in the patient's hands.
pub struct Patient {
    pub session: Uuid,
    pub runner: Runner,
    pub view: PatientView,
    /// Set when a save failed; the patient is told to fetch staff.
    pub save_error: Option<String>,
    /// Items whose latest answer is not yet on disk.
    pub unsaved: std::collections::BTreeSet<String>,
    /// A clinician form filled in by staff: no hand-back, no full screen.
    pub by_staff: bool,
}

pub enum Screen {
    Setup(SetupDraft),
    Recovery(Zeroizing<String>),
    Unlock(UnlockDraft),
    Staff,
    Patient(Box<Patient>),
    /// After a pause or the last question: hand the tablet back.
    HandBack {
        finished: bool,
        /// Something could not be saved: staff must know.
        unsaved: bool,
        lang: Lang,
        passphrase: Passphrase,
    },
}

pub struct App {
    study: Arc<Study>,
    db_path: PathBuf,
    db: Db,
    pub screen: Screen,
    error: Option<String>,
    staff: Clinic,
    pub staff_view: StaffView,
    /// The day schedules are computed for; `None`: the clock's today.
    today: Option<NaiveDate>,
    /// Overrides the idle-lock setting (tests).
    idle_override: Option<Duration>,
    last_input: Instant,
    /// What the window was last told: full screen or not.
    fullscreen: Option<bool>,
    /// The wait after wrong passphrases, applied whenever the store locks.
    delay: Delay,
    /// A delivery under way; it outlives a lock, and what it reports is
    /// recorded once the store is open again.
    transfer: Option<kohort_tablet::sync::Transfer>,
}

impl App {
    /// Opens the app on `db_path`: set-up when it does not exist yet,
    /// otherwise the unlock screen.
    pub fn new(study: Arc<Study>, db_path: PathBuf) -> Self {
        let mut app = App {
            study,
            db_path,
            db: Db::Absent,
            screen: Screen::Setup(SetupDraft::default()),
            error: None,
            staff: Clinic::default(),
            staff_view: StaffView::default(),
            today: None,
            idle_override: None,
            last_input: Instant::now(),
            fullscreen: None,
            delay: Delay::default(),
            transfer: None,
        };
        if app.db_path.exists() {
            app.screen = Screen::Unlock(UnlockDraft::default());
            match Store::open(&app.db_path) {
                Ok(locked) => app.db = Db::Locked(locked),
                Err(e) => app.error = Some(format!("Cannot open {}: {e}", app.db_path.display())),
            }
        }
        app
    }

    /// Turns off the growing wait after wrong passphrases (tests only).
    pub fn without_unlock_delay(mut self) -> Self {
        self.delay = Delay::None;
        if let Db::Locked(l) = &mut self.db {
            l.set_delay(Delay::None);
        }
        self
    }

    /// Computes schedules as of `today` instead of the clock's date.
    pub fn with_today(mut self, today: NaiveDate) -> Self {
        self.today = Some(today);
        self
    }

    /// Moves the app's day (tests walk a schedule through time).
    pub fn set_today(&mut self, today: NaiveDate) {
        self.today = Some(today);
        self.refresh();
    }

    /// What the staff screens show.
    pub fn clinic(&self) -> &Clinic {
        &self.staff
    }

    /// Locks idle staff screens after `after`, whatever the setting says.
    pub fn with_idle_lock(mut self, after: Duration) -> Self {
        self.idle_override = Some(after);
        self
    }

    /// The message staff sees, if any.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn patient(&self) -> Option<&Patient> {
        match &self.screen {
            Screen::Patient(p) => Some(p),
            _ => None,
        }
    }

    fn store(&mut self) -> Option<&mut Store> {
        match &mut self.db {
            Db::Open(s) => Some(s),
            _ => None,
        }
    }

    fn refresh(&mut self) {
        let Db::Open(store) = &self.db else { return };
        // States are as of today; every staff action refreshes them.
        let today = self
            .today
            .unwrap_or_else(|| chrono::Local::now().date_naive());
        match Clinic::load(store, &self.study, today) {
            Ok(data) => self.staff = data,
            Err(e) => self.error = Some(e.to_string()),
        }
        staff::delivery::load(store, &self.db_path, &mut self.staff_view.delivery);
    }

    /// A data-manager action; the store stays on this thread.
    fn delivery_action(&mut self, action: staff::delivery::DeliveryAction) {
        let Db::Open(store) = &mut self.db else {
            return;
        };
        let view = &mut self.staff_view.delivery;
        if let Err(e) = staff::delivery::act(store, &self.db_path, action, view, &mut self.transfer)
        {
            self.error = Some(e);
        }
        self.refresh();
    }

    /// Records what a delivery under way reported, and keeps frames coming.
    /// Only on staff screens: reports wait while a patient has the tablet,
    /// so nothing is recorded in the patient's name.
    fn poll_transfer(&mut self, ctx: &egui::Context) {
        if self.transfer.is_none() || !matches!(self.screen, Screen::Staff) {
            return;
        }
        let store = match &mut self.db {
            Db::Open(s) => Some(s),
            _ => None,
        };
        let view = &mut self.staff_view.delivery;
        if staff::delivery::poll(store, view, &mut self.transfer) {
            self.refresh();
        }
        ctx.request_repaint_after(Duration::from_millis(100));
    }

    fn lock(&mut self) {
        if let Db::Open(store) = std::mem::replace(&mut self.db, Db::Moving) {
            let mut locked = store.lock();
            locked.set_delay(self.delay);
            self.db = Db::Locked(locked);
        }
        self.staff = Clinic::default();
        self.staff_view = StaffView::default();
    }

    /// Tries to unlock; on success shows the staff home.
    fn unlock(&mut self, with: UnlockWith) {
        let locked = match std::mem::replace(&mut self.db, Db::Moving) {
            Db::Locked(locked) => locked,
            other => {
                self.db = other;
                self.error = Some("The database is not available.".into());
                return;
            }
        };
        let result = match with {
            UnlockWith::Passphrase(p) => locked.unlock(&p),
            UnlockWith::Recovery(r) => locked.unlock_with_recovery(&r),
        };
        match result {
            Ok(store) => {
                self.db = Db::Open(store);
                self.error = None;
                self.screen = Screen::Staff;
                self.refresh();
            }
            Err(refused) => {
                self.db = Db::Locked(*refused.locked);
                self.error = Some(refused.error.to_string());
            }
        }
    }

    fn staff_action(&mut self, action: StaffAction) {
        self.error = None;
        let study = Arc::clone(&self.study);
        let Some(store) = self.store() else {
            self.error = Some("The database is locked.".into());
            return;
        };
        let done: Result<(), String> = match action {
            StaffAction::Lock => {
                self.lock();
                self.screen = Screen::Unlock(UnlockDraft::default());
                return;
            }
            StaffAction::Enrol(d) => {
                let result = match (d.problem(&study), d.dates()) {
                    (Some(p), _) | (None, Err(p)) => Err(p),
                    (None, Ok((consent_date, anchor))) => {
                        let consent = Consent {
                            date: consent_date,
                            version: d.consent_version.trim().to_owned(),
                            contact_interview: d.contact_interview,
                            contact_relatives: d.contact_relatives,
                            withdrawn_at: None,
                        };
                        let label = Some(d.label.trim()).filter(|l| !l.is_empty());
                        store
                            .enrol(d.study_code.trim(), d.site.trim(), label, &consent, anchor)
                            .map_err(|e| e.to_string())
                    }
                };
                result.map(|(participant, _)| self.staff_view.show(Page::Participant(participant)))
            }
            StaffAction::Start {
                participant,
                episode,
                form,
                occurrence,
            } => {
                let Some(q) = study.questionnaire(&form) else {
                    self.error = Some(format!("The study has no form '{form}'."));
                    return;
                };
                match store.start_occurrence(participant, episode, &q, occurrence) {
                    Ok(id) => return self.hand_over(id),
                    Err(e) => Err(e.to_string()),
                }
            }
            StaffAction::Resume(id) => return self.hand_over(id),
            StaffAction::MarkMissed {
                episode,
                form,
                occurrence,
                reason,
            } => store
                .mark_missed(episode, &form, occurrence, &reason)
                .map_err(|e| e.to_string()),
            StaffAction::SetAnchor { episode, anchor } => {
                let baseline = study.timepoints.first().map_or("", |t| t.form.id.as_str());
                store
                    .set_anchor(episode, anchor, baseline)
                    .map_err(|e| e.to_string())
            }
            StaffAction::EndEpisode {
                episode,
                end,
                end_type,
            } => store
                .end_episode(episode, end, end_type)
                .map_err(|e| e.to_string()),
            StaffAction::NewEpisode {
                participant,
                anchor,
            } => store
                .start_episode(participant, anchor)
                .map(drop)
                .map_err(|e| e.to_string()),
            StaffAction::Withdraw { participant, on } => store
                .withdraw_consent(participant, on)
                .map_err(|e| e.to_string()),
            StaffAction::Delivery(a) => return self.delivery_action(a),
            StaffAction::SetIdleLock(minutes) => store
                .set_setting(IDLE_LOCK_SETTING, &minutes.to_string())
                .map_err(|e| e.to_string()),
        };
        match done {
            Ok(()) => self.staff_view.draft = Default::default(),
            Err(e) => self.error = Some(e),
        }
        self.refresh();
    }

    /// Loads a session (resuming it when paused): a patient form goes to
    /// the patient, a clinician form opens for staff.
    fn hand_over(&mut self, session: Uuid) {
        let Some(store) = self.store() else { return };
        let loaded = (|| {
            let s = store.load_session(session)?;
            if s.summary.status == SessionStatus::Paused {
                store.resume_session(session)?;
            }
            Ok::<_, StoreError>(s)
        })();
        match loaded {
            Ok(s) => {
                let by_staff = s.summary.respondent == Respondent::Clinician;
                if !by_staff {
                    store.set_actor(Actor::Patient);
                }
                self.screen = Screen::Patient(Box::new(Patient {
                    session,
                    runner: s.into_runner(),
                    view: PatientView::default(),
                    save_error: None,
                    unsaved: Default::default(),
                    by_staff,
                }));
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Saves what a patient action changed, each answer its own commit.
    /// An answer that fails to save stays listed as unsaved and is retried
    /// (with its latest value) on every later action; the banner stays until
    /// everything is saved, and the patient is never told "saved" before.
    fn persist(&mut self, changes: Vec<Change>) {
        let Screen::Patient(p) = &mut self.screen else {
            return;
        };
        let Db::Open(store) = &mut self.db else {
            return;
        };
        let mut failed: Option<StoreError> = None;
        for c in &changes {
            if let Change::Answer(id, _) = c {
                p.unsaved.insert(id.clone());
            }
        }
        for id in p.unsaved.clone() {
            let saved = match p.runner.answer(&id) {
                Some(a) => store.save_answer(p.session, &id, a),
                None => store.clear_answer(p.session, &id),
            };
            match saved {
                Ok(()) => {
                    p.unsaved.remove(&id);
                }
                Err(e) => failed = Some(e),
            }
        }
        let moved = changes.iter().any(|c| !matches!(c, Change::Answer(..)));
        if moved
            && let Err(e) = store.set_position(p.session, p.runner.position_id(), p.runner.seen())
        {
            failed = Some(e);
        }
        let mut end = None;
        for c in &changes {
            let done = match c {
                Change::Paused => store.pause_session(p.session).map(|()| end = Some(false)),
                Change::Finished if failed.is_none() => {
                    store.complete_session(p.session).map(|()| end = Some(true))
                }
                _ => Ok(()),
            };
            if let Err(e) = done {
                failed = Some(e);
            }
        }
        p.save_error = failed.map(|e| e.to_string());
        // A pause always hands the tablet back, so staff can step in; the
        // hand-back screen says so when something was not saved.
        let pause_anyway = changes.contains(&Change::Paused);
        if p.by_staff && (end.is_some() || pause_anyway) {
            // Staff filled in a clinician form: back to the participant.
            self.error = p.save_error.clone();
            self.screen = Screen::Staff;
            self.refresh();
            return;
        }
        if end.is_some() || pause_anyway {
            let unsaved = p.save_error.is_some() || !p.unsaved.is_empty();
            let finished = end == Some(true);
            let lang = p.view.lang;
            self.lock();
            self.screen = Screen::HandBack {
                finished,
                unsaved,
                lang,
                passphrase: Passphrase::default(),
            };
        }
    }

    /// Locks staff screens (and a clinician form, paused first) after the
    /// idle time with no input; a patient's questionnaire never locks.
    fn idle_lock(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| !i.events.is_empty() || i.pointer.is_moving()) {
            self.last_input = Instant::now();
        }
        let staff = match &self.screen {
            Screen::Staff => true,
            Screen::Patient(p) => p.by_staff,
            _ => false,
        };
        let limit = self.idle_override.or_else(|| {
            let m = self.staff.idle_lock_minutes;
            (m > 0).then(|| Duration::from_secs(u64::from(m) * 60))
        });
        let Some(limit) = limit.filter(|_| staff) else {
            return;
        };
        let idle = self.last_input.elapsed();
        if idle < limit {
            ctx.request_repaint_after(limit - idle);
            return;
        }
        if let Screen::Patient(p) = &self.screen {
            let session = p.session;
            if let Some(store) = self.store()
                && let Err(e) = store.pause_session(session)
            {
                self.error = Some(e.to_string());
            }
        }
        self.lock();
        self.screen = Screen::Unlock(UnlockDraft::default());
        self.error = Some("Locked after a while without use.".into());
    }

    /// One frame of the app.
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        super::theme::fonts(ui.ctx());
        // Patient mode is full screen without decorations; commands are sent
        // only on a change, since each one asks for another frame.
        let fullscreen = match &self.screen {
            Screen::Patient(p) => !p.by_staff,
            Screen::HandBack { .. } => true,
            _ => false,
        };
        self.idle_lock(ui.ctx());
        self.poll_transfer(ui.ctx());
        if self.fullscreen != Some(fullscreen) {
            self.fullscreen = Some(fullscreen);
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::Fullscreen(fullscreen));
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::Decorations(!fullscreen));
        }
        if !fullscreen {
            super::theme::staff(ui);
        }
        let error = self.error.clone();
        match &mut self.screen {
            Screen::Setup(draft) => {
                if let Some((device, passphrase)) = setup_ui(ui, draft, error.as_deref()) {
                    match Store::create(&self.db_path, &device, &passphrase) {
                        Ok((store, recovery)) => {
                            self.db = Db::Open(store);
                            self.error = None;
                            self.screen = Screen::Recovery(recovery.to_printable());
                        }
                        Err(e) => self.error = Some(e.to_string()),
                    }
                }
            }
            Screen::Recovery(key) => {
                if recovery_ui(ui, key) {
                    self.screen = Screen::Staff;
                    self.refresh();
                }
            }
            Screen::Unlock(draft) => {
                if let Some(with) = unlock_ui(ui, draft, error.as_deref()) {
                    self.unlock(with);
                }
            }
            Screen::Staff => {
                let action = staff::home_ui(
                    ui,
                    &self.study,
                    &self.staff,
                    &mut self.staff_view,
                    error.as_deref(),
                );
                if let Some(a) = action {
                    self.staff_action(a);
                }
            }
            Screen::Patient(p) => {
                let p = &mut **p;
                if let Some(e) = &p.save_error {
                    egui::Panel::top("save_error").show(ui, |ui| {
                        ui.label(
                            egui::RichText::new(format!(
                                "Svaret ble ikke lagret. Hent personalet. / \
                                 The answer was not saved. Please fetch the staff. ({e})"
                            ))
                            .color(super::theme::WARN)
                            .size(22.0),
                        );
                    });
                }
                let mut changes = Vec::new();
                for action in patient_ui(ui, &p.runner, &mut p.view) {
                    changes.extend(apply(&mut p.runner, &mut p.view, action));
                }
                if !changes.is_empty() {
                    self.persist(changes);
                }
            }
            Screen::HandBack {
                finished,
                unsaved,
                lang,
                passphrase,
            } => {
                let note = unsaved.then_some(
                    "Noe ble ikke lagret. Personalet må sjekke lagringen. / \
                     Something was not saved. Staff: check the storage.",
                );
                let message = error.as_deref().or(note);
                let why = match (*finished, *unsaved) {
                    (_, true) => HandBack::Unsaved,
                    (true, false) => HandBack::Finished,
                    (false, false) => HandBack::Paused,
                };
                if let Some(p) = handback_ui(ui, *lang, why, passphrase, message) {
                    self.unlock(UnlockWith::Passphrase(p));
                }
            }
        }
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }
}
