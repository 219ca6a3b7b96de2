//! A labelled one-line field with the in-app keyboard a tap away: a tablet
//! without a physical keyboard (Windows shows no on-screen keyboard to
//! egui, a kiosk has none) can still be set up and used. The keyboard docks
//! at the bottom of the screen, over whatever is there, and shows what is
//! typed (dots for a passphrase), so it fits a narrow panel's field too.
//! One keyboard is open at a time.

use eframe::egui::{self, Button, RichText, TextEdit, Vec2};

use super::keyboard::keys;
use crate::i18n::Lang;
use crate::t;
use crate::ui::theme::{INK, QUIET, STAFF_TOUCH};

/// How a field looks and what it takes.
#[derive(Clone, Copy)]
pub struct FieldLook<'a> {
    pub hint: &'a str,
    pub password: bool,
    /// The field's width; 0 fills what the label and the keyboard button
    /// leave of the row.
    pub width: f32,
    pub max_chars: usize,
    /// The label's column width, to line fields up (0: as wide as it is).
    pub label_width: f32,
}

impl Default for FieldLook<'_> {
    fn default() -> Self {
        FieldLook {
            hint: "",
            password: false,
            width: 360.0,
            max_chars: 200,
            label_width: 0.0,
        }
    }
}

/// Which field's keyboard is open, and whether the next letter is a capital.
#[derive(Clone, Copy, Default)]
struct Open {
    field: Option<egui::Id>,
    shift: bool,
}

fn open_id() -> egui::Id {
    egui::Id::unique("kohort-open-keyboard")
}

/// The label, the field and its keyboard button on one line; the keyboard
/// below when open. Returns the field's response.
pub fn touch_field(
    ui: &mut egui::Ui,
    lang: Lang,
    label: &str,
    text: &mut String,
    look: FieldLook<'_>,
) -> egui::Response {
    let id = ui.scope_id().with(("touch_field", label));
    let mut open: Open = ui.data(|d| d.get_temp(open_id())).unwrap_or_default();
    let mine = open.field == Some(id);
    let response = ui
        .horizontal(|ui| {
            let l = label_cell(ui, label, look.label_width);
            let width = if look.width > 0.0 {
                look.width
            } else {
                // The field's frame and the gap before the button take
                // some of what is left.
                (ui.available_width() - STAFF_TOUCH - 3.0 * ui.spacing().item_spacing.x - 16.0)
                    .max(40.0)
            };
            let r = ui
                .add(
                    TextEdit::singleline(text)
                        .password(look.password)
                        .hint_text(look.hint)
                        .desired_width(width),
                )
                .labelled_by(l.id);
            let name = t!(lang, "key-keyboard-for", field = label);
            let b = ui.add(
                crate::ui::theme::toggle(mine, RichText::new("⌨").size(24.0))
                    .min_size(Vec2::splat(STAFF_TOUCH)),
            );
            b.widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, mine, &name));
            if b.clicked() {
                open.field = (!mine).then_some(id);
                open.shift = false;
            }
            r
        })
        .inner;
    if open.field == Some(id) {
        dock(ui, lang, label, text, look, &mut open);
    }
    ui.data_mut(|d| d.insert_temp(open_id(), open));
    response
}

/// The keyboard docked at the bottom of the screen, typing into `text`.
fn dock(
    ui: &mut egui::Ui,
    lang: Lang,
    label: &str,
    text: &mut String,
    look: FieldLook<'_>,
    open: &mut Open,
) {
    let id = ui.scope_id().with(("keyboard_dock", label));
    egui::Area::new(id)
        .anchor(egui::Align2::CENTER_BOTTOM, [0.0, -8.0])
        .order(egui::Order::Foreground)
        .show(ui.ctx(), |ui| {
            egui::Frame::new()
                .fill(QUIET)
                .stroke(egui::Stroke::new(2.0, INK))
                .corner_radius(12.0)
                .inner_margin(16.0)
                .show(ui, |ui| {
                    let shown = if look.password {
                        "•".repeat(text.chars().count())
                    } else {
                        text.clone()
                    };
                    ui.horizontal(|ui| {
                        ui.label(RichText::new(format!("{label}:")).strong());
                        ui.label(RichText::new(format!("{shown}▏")).size(26.0));
                    });
                    keys(ui, text, &mut open.shift, look.max_chars, lang);
                    let done =
                        Button::new(t!(lang, "key-done")).min_size(Vec2::new(160.0, STAFF_TOUCH));
                    if ui.add(done).clicked() {
                        open.field = None;
                    }
                });
        });
}

/// A label in a column `width` wide (or as wide as it is), centred on the
/// row's height.
pub fn label_cell(ui: &mut egui::Ui, label: &str, width: f32) -> egui::Response {
    if width <= 0.0 {
        return ui.label(label);
    }
    ui.allocate_ui_with_layout(
        Vec2::new(width, STAFF_TOUCH),
        egui::Layout::left_to_right(egui::Align::Center),
        |ui| {
            ui.set_min_width(width);
            ui.add(egui::Label::new(label).wrap())
        },
    )
    .inner
}
