//! The app's mark (drawn from the same shapes as assets/kohort.svg) and the
//! card the locked screens sit on: set-up, recovery key and unlock, centred
//! on a quiet background with the mark and name on top.

use eframe::egui::{self, Color32, CornerRadius, Frame, Pos2, Rect, RichText, Stroke, Vec2};

use super::theme::{INK, PAPER, QUIET};

const TEAL: Color32 = Color32::from_rgb(0x0b, 0x5e, 0x6b);
const PALE: Color32 = Color32::from_rgb(0xe8, 0xf3, 0xf4);
const LINE: Color32 = Color32::from_rgb(0x7a, 0xa9, 0xb0);

/// The mark, `size` points square.
pub fn mark(ui: &mut egui::Ui, size: f32) {
    let (rect, _) = ui.allocate_exact_size(Vec2::splat(size), egui::Sense::hover());
    let p = ui.painter();
    // The SVG's 256-unit box mapped onto `rect`.
    let s = size / 256.0;
    let at = |x: f32, y: f32| Pos2::new(rect.left() + x * s, rect.top() + y * s);
    let r = |x: f32, y: f32, w: f32, h: f32| Rect::from_min_size(at(x, y), Vec2::new(w * s, h * s));
    let round = |v: f32| CornerRadius::same((v * s).round().clamp(0.0, 255.0) as u8);
    p.rect_filled(r(8.0, 8.0, 240.0, 240.0), round(52.0), TEAL);
    p.rect_filled(r(52.0, 36.0, 152.0, 184.0), round(18.0), PAPER);
    p.rect_filled(r(66.0, 52.0, 124.0, 152.0), round(8.0), PALE);
    for (y, w) in [(84.0, 66.0), (128.0, 54.0)] {
        p.circle_filled(at(88.0, y), 11.0 * s, TEAL);
        p.rect_filled(r(108.0, y - 6.0, w, 12.0), round(6.0), LINE);
        let tick = [at(82.5, y + 0.5), at(86.5, y + 4.5), at(94.5, y - 4.5)];
        p.line(tick.to_vec(), Stroke::new(4.0 * s, PAPER));
    }
    p.circle_stroke(at(88.0, 172.0), 9.5 * s, Stroke::new(4.0 * s, TEAL));
    p.rect_filled(r(108.0, 166.0, 60.0, 12.0), round(6.0), LINE);
}

/// A card `width` points wide, centred, with the mark and "Kohort" on top.
pub fn card<R: Default>(ui: &mut egui::Ui, width: f32, add: impl FnOnce(&mut egui::Ui) -> R) -> R {
    let mut out = None;
    egui::CentralPanel::default()
        .frame(Frame::new().fill(QUIET).inner_margin(16.0))
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .auto_shrink(false)
                .show(ui, |ui| {
                    ui.vertical_centered(|ui| {
                        ui.add_space(8.0);
                        Frame::new()
                            .fill(PAPER)
                            .stroke(Stroke::new(1.0, Color32::from_gray(0xC8)))
                            .corner_radius(16.0)
                            .inner_margin(24.0)
                            .show(ui, |ui| {
                                ui.set_width(width.min(ui.available_width()));
                                ui.with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
                                    ui.horizontal(|ui| {
                                        mark(ui, 48.0);
                                        ui.label(
                                            RichText::new("Kohort").size(34.0).strong().color(INK),
                                        );
                                    });
                                    ui.add_space(4.0);
                                    out = Some(add(ui));
                                });
                            });
                    });
                });
        });
    out.unwrap_or_default()
}
