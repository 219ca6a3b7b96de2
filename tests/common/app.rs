//! Driving the whole app in an egui_kittest harness.

use std::path::Path;
use std::sync::Arc;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kohort::ui::app::App;

/// The app on `db` with the shipped study, no unlock delay, `size` points.
pub fn harness(db: &Path, size: [f32; 2], app: impl FnOnce(App) -> App) -> Harness<'static, App> {
    let app = app(App::new(Arc::new(super::study()), db.to_owned()).without_unlock_delay());
    Harness::builder()
        .with_size(size)
        .build_ui_state(|ui, app: &mut App| app.frame(ui), app)
}

pub fn tap(h: &mut Harness<'_, App>, label: &str) {
    h.get_by_label(label).click();
    h.run();
}

pub fn type_into(h: &mut Harness<'_, App>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}
