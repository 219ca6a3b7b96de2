//! Read-aloud on the staff screens: why patients see no speaker buttons
//! (settings page), and "read everything" for a participant, switched on
//! by the nurse when handing the tablet over.

use eframe::egui::{self, RichText, Vec2};

use super::StaffAction;
use crate::core::SpeechProblem;
use crate::core::clinic::Clinic;
use crate::t;
use crate::ui::lang::staff_lang;
use crate::ui::theme::{STAFF_TOUCH, WARN, toggle};
use kohort_tablet::store::Participant;

/// On the settings page: whether read-aloud works on this tablet.
pub fn notice_ui(ui: &mut egui::Ui, problem: Option<SpeechProblem>) {
    let lang = staff_lang(ui.ctx());
    ui.label(RichText::new(t!(lang, "read-aloud-heading")).strong());
    match problem {
        None => {
            ui.label(t!(lang, "read-aloud-works"));
        }
        Some(p) => {
            let text = match p {
                SpeechProblem::Off => t!(lang, "read-aloud-off"),
                SpeechProblem::NoDevice(why) => t!(lang, "read-aloud-no-device", detail = why),
                SpeechProblem::NoVoice => t!(lang, "read-aloud-no-voice"),
            };
            ui.label(RichText::new(text).color(WARN).strong());
        }
    }
    ui.add_space(16.0);
}

/// "Read everything aloud" for this participant, on or off.
pub fn participant_switch(
    ui: &mut egui::Ui,
    data: &Clinic,
    p: &Participant,
) -> Option<StaffAction> {
    let lang = staff_lang(ui.ctx());
    let on = data.read_aloud.contains(&p.id);
    let name = t!(lang, "read-aloud-participant");
    let mark = if on { "☑" } else { "☐" };
    let r = ui.add(toggle(on, format!("{mark}  {name}")).min_size(Vec2::new(0.0, STAFF_TOUCH)));
    r.widget_info(|| egui::WidgetInfo::selected(egui::Role::CheckBox, true, on, &name));
    r.clicked().then_some(StaffAction::SetReadAloud {
        participant: p.id,
        on: !on,
    })
}
