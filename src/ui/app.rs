//! The tablet app's window: which screen shows, drawn from the app core's
//! state. Screens return what the person asked for; this file hands it to
//! the [`Core`], which does the work. `logic` (also run while the window
//! is hidden) keeps the idle lock and a delivery under way going.

use std::sync::Arc;
use std::time::Duration;

use eframe::egui;
use zeroize::Zeroizing;

use super::errors::error_text;
use super::lang::{set_staff_lang, staff_lang};
use super::patient::{HandBack, PatientView, handback_ui, patient_ui};
use super::staff::{self, StaffView, UnlockDraft, actions::Next, recovery_ui, setup_ui, unlock_ui};
use super::widgets::Passphrase;
use crate::core::{
    Access, Clock, Core, Credential, IdleCheck, Outcome, PagesCheck, Questionnaire, Step,
    SystemClock,
};
use crate::t;
use kohort_form::Lang;
use kohort_form::study::Study;

pub enum Screen {
    Setup(staff::SetupDraft),
    Recovery(staff::RecoveryDraft),
    Unlock(UnlockDraft),
    Staff,
    /// A questionnaire in someone's hands (the core holds it).
    Patient(PatientView),
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
    core: Core,
    pub screen: Screen,
    error: Option<String>,
    pub staff_view: StaffView,
    /// What the window was last told: full screen or not.
    fullscreen: Option<bool>,
    /// The last ui pass whose input counted as activity.
    seen_pass: Option<u64>,
    /// After a wrong passphrase: when (on the core's clock) the next try
    /// is allowed.
    retry_at: Option<Duration>,
}

impl App {
    /// Opens the app on `db_path` with the machine's clock.
    pub fn new(study: Arc<Study>, db_path: std::path::PathBuf) -> Self {
        Self::with_core(Core::new(study, db_path, Arc::new(SystemClock::default())))
    }

    /// The app over a core (tests give it their own clock).
    pub fn with_core(core: Core) -> Self {
        let screen = match core.access() {
            Access::SetUp => Screen::Setup(Default::default()),
            Access::Locked => Screen::Unlock(UnlockDraft::default()),
            Access::Open => Screen::Staff,
        };
        let error = core.load_error().map(ToString::to_string);
        App {
            core,
            screen,
            error,
            staff_view: StaffView::default(),
            fullscreen: None,
            seen_pass: None,
            retry_at: None,
        }
    }

    /// The same study and database over `clock`.
    pub fn with_clock(
        study: Arc<Study>,
        db_path: std::path::PathBuf,
        clock: impl Clock + 'static,
    ) -> Self {
        Self::with_core(Core::new(study, db_path, Arc::new(clock)))
    }

    /// Turns off the growing wait after wrong passphrases (tests only).
    pub fn without_unlock_delay(mut self) -> Self {
        self.core = self.core.without_unlock_delay();
        self
    }

    /// Shows the study's pictures beside questions and options.
    pub fn with_media(mut self, media: crate::core::media::Media) -> Self {
        self.core = self.core.with_media(media);
        self
    }

    /// Reads aloud to patients with `speech`.
    pub fn with_speech(mut self, speech: crate::core::Speech) -> Self {
        self.core = self.core.with_speech(speech);
        self
    }

    /// Locks idle staff screens after `after`, whatever the setting says.
    pub fn with_idle_lock(mut self, after: Duration) -> Self {
        self.core = self.core.with_idle_lock(after);
        self
    }

    pub fn core(&self) -> &Core {
        &self.core
    }

    pub fn core_mut(&mut self) -> &mut Core {
        &mut self.core
    }

    /// Reads again what the staff screens show (after the clock moved).
    pub fn refresh(&mut self) {
        self.core.refresh();
    }

    /// What the staff screens show.
    pub fn clinic(&self) -> &crate::core::Clinic {
        self.core.clinic()
    }

    /// Shows staff a message.
    pub(super) fn set_error(&mut self, message: String) {
        self.error = Some(message);
    }

    /// The message staff sees, if any.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn patient(&self) -> Option<&Questionnaire> {
        self.core.questionnaire()
    }

    fn unlock(&mut self, with: Credential, lang: Lang) {
        match self.core.unlock(with) {
            Ok(()) => {
                self.error = None;
                self.retry_at = None;
                self.screen = Screen::Staff;
            }
            Err(e) => match e.retry_after() {
                // The field says it, and counts the wait down.
                Some(wait) => {
                    self.error = None;
                    self.retry_at = Some(self.core.clock().elapsed() + wait);
                }
                None => self.error = Some(error_text(lang, &e)),
            },
        }
    }

    /// The passphrase field on screen, if any.
    fn passphrase_field(&mut self) -> Option<&mut Passphrase> {
        match &mut self.screen {
            Screen::Unlock(d) => Some(&mut d.passphrase),
            Screen::HandBack { passphrase, .. } => Some(passphrase),
            _ => None,
        }
    }

    /// Counts down the wait after a wrong passphrase, and ends it.
    fn count_down(&mut self, ctx: &egui::Context) {
        let Some(at) = self.retry_at else { return };
        let left = at.saturating_sub(self.core.clock().elapsed());
        if let Some(p) = self.passphrase_field() {
            p.wrong = Some(left.as_secs_f32().ceil() as u64);
        }
        if left.is_zero() {
            self.retry_at = None;
        } else {
            ctx.request_repaint_after(left.min(Duration::from_secs(1)));
        }
    }

    /// A step of whoever holds the questionnaire.
    fn step(&mut self, step: Step, staff: Lang) {
        let lang = match &self.screen {
            Screen::Patient(v) => v.lang,
            _ => Lang::default(),
        };
        match self.core.step(step) {
            Ok(Outcome::Answering {
                invalid,
                next_skips,
                retype,
            }) => {
                if let Screen::Patient(view) = &mut self.screen {
                    view.stepped(invalid, next_skips, retype);
                }
            }
            Ok(Outcome::HandBack { finished, unsaved }) => {
                if self.core.access() == Access::Open {
                    // Staff filled in a clinician form: back to the participant.
                    self.screen = Screen::Staff;
                } else {
                    self.screen = Screen::HandBack {
                        finished,
                        unsaved,
                        lang,
                        passphrase: Passphrase::with_keyboard(),
                    };
                }
            }
            Err(e) => {
                self.error = Some(error_text(staff, &e));
                if self.core.questionnaire().is_none() {
                    self.screen = Screen::Staff;
                }
            }
        }
    }

    /// Counts a person's input in a new frame as activity for the idle lock.
    fn note_activity(&mut self, ctx: &egui::Context) {
        let pass = ctx.cumulative_pass_nr();
        if self.seen_pass == Some(pass) {
            // No frame since the last look (the window is hidden): the
            // input is that of a frame already counted.
            return;
        }
        self.seen_pass = Some(pass);
        let touched = ctx.input(|i| {
            i.events.iter().any(|e| {
                matches!(
                    e,
                    egui::Event::PointerButton { .. }
                        | egui::Event::PointerMoved(_)
                        | egui::Event::Touch { .. }
                        | egui::Event::MouseWheel { .. }
                        | egui::Event::Key { .. }
                        | egui::Event::Text(_)
                        | egui::Event::Paste(_)
                )
            })
        });
        if touched {
            self.core.touch();
        }
    }

    /// The idle lock and a delivery under way; runs before every frame and,
    /// while the window is hidden, whenever a wake-up asked for it.
    pub fn tick(&mut self, ctx: &egui::Context) {
        self.note_activity(ctx);
        self.count_down(ctx);
        let choosing_a_stick = matches!(self.screen, Screen::Recovery(_))
            || (matches!(self.screen, Screen::Staff)
                && self.staff_view.page == staff::Page::Delivery);
        if choosing_a_stick {
            self.core.look_for_volumes();
            ctx.request_repaint_after(Duration::from_secs(2));
        }
        match self.core.lock_if_idle() {
            IdleCheck::NotWatching => {}
            IdleCheck::Remaining(left) => ctx.request_repaint_after(left),
            IdleCheck::Locked(failed) => {
                self.screen = Screen::Unlock(UnlockDraft::default());
                self.staff_view = StaffView::default();
                let lang = staff_lang(ctx);
                self.error = Some(match failed {
                    None => t!(lang, "locked-idle"),
                    Some(e) => t!(lang, "locked-idle-unpaused", detail = error_text(lang, &e)),
                });
            }
        }
        match self.core.poll_pages() {
            PagesCheck::Done => {}
            PagesCheck::Running => ctx.request_repaint_after(Duration::from_millis(50)),
            PagesCheck::Changed(e) => {
                self.screen = Screen::Unlock(UnlockDraft::default());
                self.staff_view = StaffView::default();
                self.error = Some(error_text(staff_lang(ctx), &e));
            }
        }
        super::read_aloud::tick(self, ctx);
        if matches!(self.screen, Screen::Staff)
            && self.core.delivery().is_some_and(|d| d.is_running())
        {
            self.core.poll_delivery();
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        // Patient mode is full screen without decorations; commands are
        // sent only on a change, since each one asks for another frame.
        let fullscreen = match &self.screen {
            Screen::Patient(_) => !self.core.questionnaire().is_some_and(|q| q.by_staff),
            Screen::HandBack { .. } => true,
            _ => false,
        };
        if self.fullscreen != Some(fullscreen) {
            self.fullscreen = Some(fullscreen);
            ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(fullscreen));
            ctx.send_viewport_cmd(egui::ViewportCommand::Decorations(!fullscreen));
            if !fullscreen {
                // The staff screens use the whole screen they have: some
                // window managers ignore the maximised start.
                ctx.send_viewport_cmd(egui::ViewportCommand::Maximized(true));
            }
        }
    }

    /// One frame of the app: `tick`, then the screen.
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        self.tick(ui.ctx());
        self.draw(ui);
    }

    /// Draws the current screen, then hands what was asked for to the core.
    fn draw(&mut self, ui: &mut egui::Ui) {
        super::theme::fonts(ui.ctx());
        // The tablet's staff language, once it can be read (unlocked).
        if let Some(lang) = self.core.clinic().language {
            set_staff_lang(ui.ctx(), lang);
        }
        let patient = matches!(&self.screen, Screen::Patient(v) if !v.staff);
        if !patient && !matches!(self.screen, Screen::HandBack { .. }) {
            super::theme::staff(ui);
        }
        let asked = self.screen_ui(ui);
        super::read_aloud::speak(self, staff_lang(ui.ctx()));
        self.carry_out(asked, staff_lang(ui.ctx()));
    }

    /// Draws the current screen; returns what the person asked for.
    fn screen_ui(&mut self, ui: &mut egui::Ui) -> Asked {
        let error = self.error.as_deref();
        match &mut self.screen {
            Screen::Setup(draft) => {
                setup_ui(ui, draft, error).map_or(Asked::Nothing, |(d, p)| Asked::SetUp(d, p))
            }
            Screen::Recovery(draft) => match recovery_ui(ui, draft, self.core.volumes()) {
                Some(staff::RecoveryAsked::Noted) => Asked::Noted,
                Some(staff::RecoveryAsked::Save(dir)) => Asked::SaveRecovery(dir),
                None => Asked::Nothing,
            },
            Screen::Unlock(draft) => {
                unlock_ui(ui, draft, error).map_or(Asked::Nothing, Asked::Unlock)
            }
            Screen::Staff => staff::home_ui(ui, &self.core, &mut self.staff_view, error)
                .map_or(Asked::Nothing, Asked::Staff),
            Screen::Patient(view) => {
                let Some(q) = self.core.questionnaire() else {
                    return Asked::Left;
                };
                if let Some(e) = &q.save_error {
                    save_error_ui(ui, view.lang, e);
                }
                let core = &self.core;
                let ready = core.can_read_aloud() && !view.staff;
                view.speech.sync(ready, core.read_all(), core.reading());
                view.speech.media = core.media().clone();
                Asked::Steps(patient_ui(ui, &q.runner, view))
            }
            Screen::HandBack {
                finished,
                unsaved,
                lang,
                passphrase,
            } => {
                let note = unsaved.then(|| t!(staff_lang(ui.ctx()), "handback-check-storage"));
                let why = match (*finished, *unsaved) {
                    (_, true) => HandBack::Unsaved,
                    (true, false) => HandBack::Finished,
                    (false, false) => HandBack::Paused,
                };
                handback_ui(ui, *lang, why, passphrase, error.or(note.as_deref()))
                    .map_or(Asked::Nothing, |p| Asked::Unlock(Credential::Passphrase(p)))
            }
        }
    }

    fn carry_out(&mut self, asked: Asked, lang: Lang) {
        match asked {
            Asked::Nothing => {}
            Asked::SetUp(device, passphrase) => match self.core.set_up(&device, &passphrase) {
                Ok(recovery) => {
                    self.error = None;
                    self.screen = Screen::Recovery(staff::RecoveryDraft::new(recovery));
                }
                Err(e) => self.error = Some(error_text(lang, &e)),
            },
            Asked::Noted | Asked::Left => self.screen = Screen::Staff,
            Asked::SaveRecovery(dir) => {
                if let Screen::Recovery(d) = &mut self.screen {
                    d.saved = Some(match self.core.save_recovery_key(&dir, &d.key) {
                        Ok(path) => t!(lang, "recovery-saved", path = path.display().to_string()),
                        Err(e) => t!(lang, "recovery-not-saved", detail = error_text(lang, &e)),
                    });
                }
            }
            Asked::Unlock(with) => self.unlock(with, lang),
            Asked::Staff(action) => {
                self.error = None;
                match staff::actions::act(&mut self.core, &mut self.staff_view, action, lang) {
                    Ok(Next::Stay) => {}
                    Ok(Next::Opened) => {
                        let by_staff = self.core.questionnaire().is_some_and(|q| q.by_staff);
                        self.screen = Screen::Patient(if by_staff {
                            PatientView::for_staff(lang)
                        } else {
                            PatientView::default()
                        });
                    }
                    Ok(Next::Locked) => {
                        self.staff_view = StaffView::default();
                        self.screen = Screen::Unlock(UnlockDraft::default());
                    }
                    Err(e) => self.error = Some(error_text(lang, &e)),
                }
            }
            Asked::Steps(steps) => {
                for step in steps {
                    self.step(step, lang);
                }
            }
        }
    }
}

/// What a screen asked for this frame.
enum Asked {
    Nothing,
    SetUp(String, Zeroizing<String>),
    /// The recovery key is written down.
    Noted,
    /// Save the recovery key to a file in this folder.
    SaveRecovery(std::path::PathBuf),
    Unlock(Credential),
    Staff(staff::StaffAction),
    Steps(Vec<Step>),
    /// The questionnaire is gone (closed elsewhere): back to staff.
    Left,
}

/// The banner over a questionnaire whose last answer did not save.
fn save_error_ui(ui: &mut egui::Ui, lang: Lang, e: &kohort_tablet::store::StoreError) {
    egui::Panel::top("save_error").show(ui, |ui| {
        ui.label(
            egui::RichText::new(t!(lang, "patient-not-saved", detail = e.to_string()))
                .color(super::theme::WARN)
                .size(22.0),
        );
    });
}

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.tick(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.draw(ui);
    }
}
