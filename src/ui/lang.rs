//! The staff language of the screens being drawn, kept in the egui context
//! (so each window, and each test harness, has its own).

use eframe::egui;

use crate::i18n::Lang;

fn lang_id() -> egui::Id {
    egui::Id::unique("kohort-staff-language")
}

/// Sets the staff language for the screens drawn from now on.
pub fn set_staff_lang(ctx: &egui::Context, lang: Lang) {
    ctx.data_mut(|d| d.insert_temp(lang_id(), lang));
}

/// The staff language (bokmål until set).
pub fn staff_lang(ctx: &egui::Context) -> Lang {
    ctx.data(|d| d.get_temp(lang_id())).unwrap_or_default()
}

/// Bokmål, nynorsk, English: the staff language, chosen with one tap (on
/// the locked screens, before the tablet's setting can be read).
pub fn lang_row(ui: &mut egui::Ui) {
    let now = staff_lang(ui.ctx());
    ui.horizontal(|ui| {
        for l in Lang::ALL {
            let b = crate::ui::theme::toggle(now == l, l.own_name())
                .min_size(egui::Vec2::new(120.0, crate::ui::theme::STAFF_TOUCH));
            if ui.add(b).clicked() {
                set_staff_lang(ui.ctx(), l);
            }
        }
    });
}
