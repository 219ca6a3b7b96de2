//! Pictures beside questions and options (a study's `forms/media/`), drawn
//! from pixels the app core decoded; a picture that could not be read (or
//! an SVG, not drawn yet) shows its alt text instead.

use eframe::egui::{self, RichText, Vec2};

use crate::core::media::Media;
use kohort_form::{Lang, Picture};

/// Draws `pic` `height` points high (less when the room is narrow); its alt text is its name for
/// a screen reader.
pub(super) fn picture_ui(ui: &mut egui::Ui, media: &Media, pic: &Picture, lang: Lang, height: f32) {
    let alt = pic.alt.get(lang);
    let Some(px) = media.get(&pic.file) else {
        ui.label(RichText::new(format!("[{alt}]")).small().italics());
        return;
    };
    let id = egui::Id::unique(("picture", &pic.file));
    let tex = ui.ctx().data_mut(|d| d.get_temp::<egui::TextureHandle>(id));
    let tex = tex.unwrap_or_else(|| {
        let image = egui::ColorImage::from_rgba_unmultiplied(px.size, &px.rgba);
        let t = ui
            .ctx()
            .load_texture(&pic.file, image, egui::TextureOptions::LINEAR);
        ui.ctx().data_mut(|d| d.insert_temp(id, t.clone()));
        t
    });
    let [w, h] = px.size;
    // As high as asked, narrower than the room there is.
    let scale = (height / h.max(1) as f32).min(ui.available_width().max(1.0) / w.max(1) as f32);
    let size = Vec2::new(w as f32 * scale, h as f32 * scale);
    ui.add(egui::Image::new((tex.id(), size)).alt_text(alt));
}
