//! Look of the patient screens: large type, high contrast, big targets.

use eframe::egui::{self, Color32, CornerRadius, FontId, Stroke, TextStyle, Vec2};
use serde::{Deserialize, Serialize};

/// The patient's choice of text size, kept for the session.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextSize {
    #[default]
    Normal,
    Large,
    Larger,
}

impl TextSize {
    pub const ALL: [TextSize; 3] = [TextSize::Normal, TextSize::Large, TextSize::Larger];

    pub fn factor(self) -> f32 {
        match self {
            TextSize::Normal => 1.0,
            TextSize::Large => 1.2,
            TextSize::Larger => 1.45,
        }
    }
}

pub const INK: Color32 = Color32::from_rgb(0x11, 0x11, 0x11);
pub const PAPER: Color32 = Color32::from_rgb(0xFF, 0xFF, 0xFF);
pub const CHOSEN: Color32 = Color32::from_rgb(0x0B, 0x3D, 0x91);
pub const QUIET: Color32 = Color32::from_rgb(0xEE, 0xF1, 0xF5);
pub const WARN: Color32 = Color32::from_rgb(0x8A, 0x3B, 0x00);
pub const WARN_BG: Color32 = Color32::from_rgb(0xFF, 0xF4, 0xE0);

/// Smallest side of anything a patient taps, in points (at least 48 px).
pub const TOUCH: f32 = 64.0;

/// Smallest side of anything staff taps: a finger on a tablet.
pub const STAFF_TOUCH: f32 = 48.0;

/// Staff text, at arm's length on a tablet: never smaller than this.
pub const STAFF_TEXT: f32 = 18.0;

/// Applies the patient look to `ui` and everything inside it.
pub fn patient(ui: &mut egui::Ui, size: TextSize) {
    let f = size.factor();
    let style = ui.style_mut();
    style.text_styles = [
        (TextStyle::Heading, FontId::proportional(34.0 * f)),
        (TextStyle::Body, FontId::proportional(26.0 * f)),
        (TextStyle::Button, FontId::proportional(26.0 * f)),
        (TextStyle::Small, FontId::proportional(20.0 * f)),
        (TextStyle::Monospace, FontId::monospace(26.0 * f)),
    ]
    .into();
    style.spacing.item_spacing = Vec2::new(14.0, 14.0);
    style.spacing.button_padding = Vec2::new(20.0, 12.0);
    style.spacing.interact_size = Vec2::new(TOUCH, TOUCH);
    let v = &mut style.visuals;
    *v = egui::Visuals::light();
    v.override_text_color = None;
    v.panel_fill = PAPER;
    v.window_fill = PAPER;
    v.selection.bg_fill = CHOSEN;
    v.selection.stroke = Stroke::new(2.0, PAPER);
    for w in [
        &mut v.widgets.inactive,
        &mut v.widgets.hovered,
        &mut v.widgets.active,
    ] {
        w.fg_stroke = Stroke::new(2.0, INK);
        w.bg_stroke = Stroke::new(2.0, Color32::from_gray(0x55));
        w.corner_radius = CornerRadius::same(10);
    }
    v.widgets.inactive.weak_bg_fill = QUIET;
    v.widgets.inactive.bg_fill = QUIET;
    v.widgets.hovered.weak_bg_fill = Color32::from_rgb(0xDD, 0xE6, 0xF3);
    v.widgets.active.weak_bg_fill = Color32::from_rgb(0xC8, 0xD6, 0xEE);
    v.widgets.noninteractive.fg_stroke = Stroke::new(1.0, INK);
}

/// Installs DejaVu Sans as the first proportional font: sturdier than the
/// default thin face for poor eyesight, and it has the arrows and check
/// boxes the screens use. Cheap to call every frame.
pub fn fonts(ctx: &egui::Context) {
    use egui::epaint::text::{FontInsert, InsertFontFamily};
    ctx.add_font(FontInsert::new(
        "DejaVuSans",
        egui::FontData::from_static(include_bytes!("../../assets/fonts/DejaVuSans.ttf")),
        vec![InsertFontFamily {
            family: egui::FontFamily::Proportional,
            priority: egui::epaint::text::FontPriority::Highest,
        }],
    ));
}

/// A button that shows whether it is chosen, framed even when not chosen so
/// a patient can see it is something to tap.
pub fn toggle<'a>(selected: bool, text: impl egui::IntoAtoms<'a>) -> egui::Button<'a> {
    egui::Button::selectable(selected, text).frame_when_inactive(true)
}

/// The staff look: the same light, high-contrast palette with type that is
/// comfortable at arm's length on a tablet.
pub fn staff(ui: &mut egui::Ui) {
    let style = ui.style_mut();
    style.text_styles = [
        (TextStyle::Heading, FontId::proportional(26.0)),
        (TextStyle::Body, FontId::proportional(STAFF_TEXT)),
        (TextStyle::Button, FontId::proportional(STAFF_TEXT)),
        (TextStyle::Small, FontId::proportional(STAFF_TEXT)),
        (TextStyle::Monospace, FontId::monospace(STAFF_TEXT)),
    ]
    .into();
    style.spacing.item_spacing = Vec2::new(10.0, 8.0);
    style.spacing.button_padding = Vec2::new(12.0, 8.0);
    // Buttons, fields and check boxes a finger can hit.
    style.spacing.interact_size = Vec2::new(STAFF_TOUCH, STAFF_TOUCH);
    style.spacing.icon_width = 32.0;
    style.spacing.icon_width_inner = 20.0;
    style.spacing.icon_spacing = 10.0;
    style.visuals = egui::Visuals::light();
    style.visuals.panel_fill = PAPER;
    style.visuals.widgets.noninteractive.fg_stroke = Stroke::new(1.0, INK);
    style.visuals.widgets.inactive.fg_stroke = Stroke::new(1.0, INK);
    style.visuals.widgets.inactive.bg_stroke = Stroke::new(1.0, Color32::from_gray(0x77));
}
