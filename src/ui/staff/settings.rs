//! Device settings staff may change: the staff language, the idle lock and
//! the staff passphrase.

use crate::ui::theme::STAFF_TOUCH;
use eframe::egui::{self, Button, RichText, Vec2};
use zeroize::Zeroizing;

use super::StaffAction;
use crate::core::clinic::Clinic;
use crate::i18n::Lang;
use crate::t;
use crate::ui::lang::staff_lang;
use crate::ui::theme::{WARN, toggle};
use crate::ui::widgets::{FieldLook, touch_field};

#[derive(Default)]
pub struct SettingsDraft {
    /// Typed minutes; empty shows the current value.
    pub idle_lock: String,
    /// A new staff passphrase, and again.
    pub new_pass: Zeroizing<String>,
    pub new_again: Zeroizing<String>,
    /// The last change went through.
    pub passphrase_changed: bool,
}

/// The longest idle lock offered: a shift.
const MAX_IDLE_MINUTES: u32 = 240;

pub fn settings_ui(ui: &mut egui::Ui, data: &Clinic, d: &mut SettingsDraft) -> Option<StaffAction> {
    let lang = staff_lang(ui.ctx());
    ui.heading(t!(lang, "settings-title"));
    let mut action = None;
    ui.label(RichText::new(t!(lang, "settings-language")).strong());
    ui.horizontal(|ui| {
        for l in Lang::ALL {
            let b = toggle(lang == l, l.own_name()).min_size(Vec2::new(140.0, STAFF_TOUCH));
            if ui.add(b).clicked() && l != lang {
                action = Some(StaffAction::SetLanguage(l));
            }
        }
    });
    ui.add_space(16.0);
    ui.label(t!(lang, "settings-idle", minutes = data.idle_lock_minutes));
    ui.horizontal(|ui| {
        let look = FieldLook {
            width: 80.0,
            max_chars: 3,
            ..Default::default()
        };
        touch_field(
            ui,
            lang,
            &t!(lang, "settings-idle-field"),
            &mut d.idle_lock,
            look,
        );
        let parsed = d.idle_lock.trim().parse::<u32>();
        let ok = matches!(parsed, Ok(m) if m <= MAX_IDLE_MINUTES);
        if ui
            .add_enabled(
                ok,
                Button::new(t!(lang, "settings-save")).min_size(Vec2::new(100.0, STAFF_TOUCH)),
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
            RichText::new(t!(lang, "settings-idle-wrong", max = MAX_IDLE_MINUTES)).color(WARN),
        );
    }
    ui.add_space(16.0);
    action = passphrase_ui(ui, d).or(action);
    ui.add_space(16.0);
    ui.heading(t!(lang, "settings-tablet"));
    ui.label(t!(lang, "settings-tablet-name", name = &data.device));
    ui.label(
        RichText::new(t!(
            lang,
            "settings-fingerprint",
            fingerprint = &data.device_fingerprint
        ))
        .monospace()
        .size(22.0),
    );
    ui.label(t!(lang, "settings-fingerprint-why"));
    action
}

/// A new staff passphrase, typed twice. Nothing is encrypted again: the
/// tablet's key is wrapped under the new passphrase; the recovery key stays.
fn passphrase_ui(ui: &mut egui::Ui, d: &mut SettingsDraft) -> Option<StaffAction> {
    let lang = staff_lang(ui.ctx());
    ui.heading(t!(lang, "settings-passphrase"));
    ui.label(t!(lang, "settings-passphrase-body"));
    let secret = FieldLook {
        password: true,
        label_width: 280.0,
        ..Default::default()
    };
    touch_field(
        ui,
        lang,
        &t!(lang, "settings-new-passphrase"),
        &mut d.new_pass,
        secret,
    );
    touch_field(
        ui,
        lang,
        &t!(lang, "settings-new-again"),
        &mut d.new_again,
        secret,
    );
    if d.passphrase_changed {
        ui.label(t!(lang, "settings-passphrase-changed"));
    }
    let ready = !d.new_pass.is_empty() && !d.new_again.is_empty();
    let change =
        Button::new(t!(lang, "settings-change-passphrase")).min_size(Vec2::new(200.0, STAFF_TOUCH));
    if ui.add_enabled(ready, change).clicked() {
        d.passphrase_changed = false;
        return Some(StaffAction::ChangePassphrase {
            new: std::mem::take(&mut d.new_pass),
            again: std::mem::take(&mut d.new_again),
        });
    }
    None
}
