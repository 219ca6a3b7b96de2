//! A form author's preview: a questionnaire in patient mode, nothing saved.

use eframe::egui;

use super::patient::{PatientView, apply, patient_ui};
use crate::protocol::Questionnaire;
use crate::runner::Runner;

pub struct Preview {
    runner: Runner,
    view: PatientView,
}

impl Preview {
    /// Opens `q`, on the screen of `at` when given.
    pub fn new(q: Questionnaire, at: Option<&str>) -> Self {
        let runner = match at {
            Some(id) => Runner::resume(q, Default::default(), Some(id), Default::default()),
            None => Runner::new(q),
        };
        Preview {
            runner,
            view: PatientView::default(),
        }
    }
}

impl eframe::App for Preview {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if self.runner.at_end() {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.heading("Slutt på skjemaet / End of the form");
            });
            return;
        }
        for action in patient_ui(ui, &self.runner, &mut self.view) {
            apply(&mut self.runner, &mut self.view, action);
        }
    }
}
