//! A form author's preview: a questionnaire in patient mode, nothing saved.
//! Pause and the end show the real hand-back and thank-you screens; any
//! passphrase returns to the form.

use eframe::egui;

use super::patient::{HandBack, PatientView, handback_ui, patient_ui};
use super::widgets::Passphrase;
use crate::core::{Change, Refused, apply};
use kohort_form::runner::Runner;
use kohort_form::study::Questionnaire;

pub struct Preview {
    runner: Runner,
    view: PatientView,
    /// On the hand-back screen: `Some(true)` after the last question.
    ending: Option<bool>,
    passphrase: Passphrase,
    refused: Option<Refused>,
    /// Read-aloud, as on the tablet (the study's recordings, espeak-ng).
    speech: Option<crate::core::Speech>,
    read_all: bool,
}

impl Preview {
    /// Opens `q` on the screen of item `at`; `at` may also be `pause` or
    /// `end` to open on the hand-back or thank-you screen.
    pub fn new(q: Questionnaire, at: Option<&str>) -> Self {
        let runner = match at {
            Some(id) => Runner::resume(q, Default::default(), Some(id), Default::default()),
            None => Runner::new(q),
        };
        Preview {
            runner,
            view: PatientView::default(),
            ending: match at {
                Some("pause") => Some(false),
                Some("end") => Some(true),
                _ => None,
            },
            passphrase: Passphrase::with_keyboard(),
            refused: None,
            speech: None,
            read_all: false,
        }
    }
}

impl Preview {
    /// Opens with a text size and language chosen (screenshots, checks).
    pub fn with_look(mut self, size: crate::ui::theme::TextSize, lang: kohort_form::Lang) -> Self {
        self.view.size = size;
        self.view.lang = lang;
        self
    }

    /// Reads aloud as the tablet does, shows the study's pictures;
    /// `high_contrast` opens in that look.
    pub fn with_speech(
        mut self,
        speech: crate::core::Speech,
        media: crate::core::media::Media,
        high_contrast: bool,
    ) -> Self {
        self.speech = Some(speech);
        self.view.speech.media = media;
        self.view.high_contrast = high_contrast;
        self
    }
}

impl eframe::App for Preview {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if let Some(finished) = self.ending {
            let why = if finished {
                HandBack::Finished
            } else {
                HandBack::Paused
            };
            if handback_ui(ui, self.view.lang, why, &mut self.passphrase, None).is_some() {
                self.ending = None;
                if finished {
                    self.runner.back();
                }
            }
            return;
        }
        if let Some(s) = &self.speech {
            let reading = s.speaker.reading();
            self.view
                .speech
                .sync(s.speaker.ready(), self.read_all, reading);
        }
        let steps = patient_ui(ui, &self.runner, &mut self.view);
        if let Some(s) = &self.speech {
            if let Some(on) = super::read_aloud::carry(&s.speaker, &mut self.view.speech) {
                self.read_all = on;
            }
            if s.speaker.reading().is_some() {
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(50));
            }
        }
        for step in steps {
            let applied = apply(&mut self.runner, &mut self.refused, step);
            self.view
                .stepped(applied.invalid, applied.next_skips, applied.retype);
            for change in applied.changes {
                match change {
                    Change::Paused => self.ending = Some(false),
                    Change::Finished => self.ending = Some(true),
                    _ => {}
                }
            }
        }
    }
}
