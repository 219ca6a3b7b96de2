//! Device settings staff may change: the idle lock.

use crate::ui::theme::STAFF_TOUCH;
use eframe::egui::{self, Button, RichText, Vec2};

use super::StaffAction;
use crate::core::clinic::Clinic;
use crate::ui::theme::WARN;

#[derive(Default)]
pub struct SettingsDraft {
    /// Typed minutes; empty shows the current value.
    pub idle_lock: String,
}

/// The longest idle lock offered: a shift.
const MAX_IDLE_MINUTES: u32 = 240;

pub fn settings_ui(ui: &mut egui::Ui, data: &Clinic, d: &mut SettingsDraft) -> Option<StaffAction> {
    ui.heading("Settings");
    ui.label(format!(
        "Staff screens lock after {} minutes without a touch (0: never).",
        data.idle_lock_minutes
    ));
    let mut action = None;
    ui.horizontal(|ui| {
        let l = ui.label("Lock after (minutes)");
        ui.text_edit_singleline(&mut d.idle_lock).labelled_by(l.id);
        let parsed = d.idle_lock.trim().parse::<u32>();
        let ok = matches!(parsed, Ok(m) if m <= MAX_IDLE_MINUTES);
        if ui
            .add_enabled(
                ok,
                Button::new("Save").min_size(Vec2::new(100.0, STAFF_TOUCH)),
            )
            .clicked()
            && let Ok(m) = parsed
        {
            action = Some(StaffAction::SetIdleLock(m));
            d.idle_lock.clear();
        }
    });
    if !d.idle_lock.trim().is_empty()
        && d.idle_lock
            .trim()
            .parse::<u32>()
            .map_or(true, |m| m > MAX_IDLE_MINUTES)
    {
        ui.label(
            RichText::new(format!(
                "Type a whole number of minutes, 0 to {MAX_IDLE_MINUTES}."
            ))
            .color(WARN),
        );
    }
    action
}
