//! Read-aloud on the patient screens: the big speaker button (question,
//! help, then each option), a small speaker per option, "read everything
//! to me", and the highlight of the line being read. The screen only asks
//! ([`SpeechAsk`]); the app core finds and plays the clips.

use eframe::egui::{self, Color32, RichText, Stroke, Vec2};

use super::PatientView;
use crate::core::read_aloud::{self, Line};
use crate::t;
use crate::ui::theme::{self, TOUCH};
use kohort_form::runner::Current;
use kohort_form::{Item, Lang};

/// The frame around the line being read, and the background of a question
/// being read: an orange with 3:1 against white (a control) and 4.5:1 under
/// black text (tests/app/contrast.rs).
pub const HIGHLIGHT: Color32 = Color32::from_rgb(0xE0, 0x70, 0x00);

/// What the patient's screen asks of read-aloud this frame.
#[derive(Clone, Debug, PartialEq)]
pub enum SpeechAsk {
    Read(Vec<Line>),
    Stop,
    /// Make the screen's clips ahead of a tap.
    Prepare(Vec<Line>),
    /// "Read everything to me" on or off.
    ReadAll(bool),
}

/// Read-aloud as the screen sees it.
#[derive(Debug, Default)]
pub struct SpeechView {
    /// Whether the buttons are shown (a sound device and a voice).
    pub ready: bool,
    /// "Read everything to me" is on for this participant.
    pub all: bool,
    /// The id of the line being read.
    pub reading: Option<String>,
    pub asked: Vec<SpeechAsk>,
    /// The screen (item, language) last followed.
    followed: Option<(String, Lang)>,
    /// The colour marking the line read, and its text's, in this look.
    pub highlight: (Color32, Color32),
    /// The study's pictures, drawn beside the options (with their speakers).
    pub media: crate::core::media::Media,
}

impl SpeechView {
    /// What the core says this frame.
    pub fn sync(&mut self, ready: bool, all: bool, reading: Option<String>) {
        self.ready = ready;
        self.all = all;
        self.reading = reading;
    }

    fn reads(&self, id: &str) -> bool {
        self.reading.as_deref() == Some(id)
    }
}

/// On a new screen (or language): its clips are made ahead, and it is
/// read out when "read everything" is on; otherwise reading stops.
pub(super) fn follow(view: &mut PatientView, current: Option<&Current<'_>>) {
    let s = &mut view.speech;
    let now = current.map(|c| (c.item.id.clone(), view.lang));
    if !s.ready || s.followed == now {
        return;
    }
    s.followed = now;
    let Some(c) = current else {
        s.asked.push(SpeechAsk::Stop);
        return;
    };
    let lines = read_aloud::script(c.item, view.lang);
    s.asked.push(SpeechAsk::Prepare(lines.clone()));
    if s.all {
        s.asked.push(SpeechAsk::Read(lines));
    } else if s.reading.is_some() {
        s.asked.push(SpeechAsk::Stop);
    }
}

/// The big speaker button and "read everything to me", above the question.
pub(super) fn speaker_row(ui: &mut egui::Ui, item: &Item, view: &mut PatientView) {
    let lang = view.lang;
    if view.staff {
        return;
    }
    ui.horizontal(|ui| {
        if view.speech.ready {
            speakers(ui, item, lang, &mut view.speech);
        }
        let name = t!(lang, "patient-high-contrast");
        let on = view.high_contrast;
        let mark = if on { "☑" } else { "☐" };
        let b = theme::toggle(on, format!("{mark}  {name}")).min_size(Vec2::new(0.0, TOUCH));
        let r = ui.add(b);
        r.widget_info(|| egui::WidgetInfo::selected(egui::Role::CheckBox, true, on, &name));
        if r.clicked() {
            view.high_contrast = !on;
        }
    });
    ui.add_space(8.0);
}

/// "Les opp" (a second tap stops it) and "read everything to me".
fn speakers(ui: &mut egui::Ui, item: &Item, lang: Lang, s: &mut SpeechView) {
    let name = t!(lang, "read-aloud");
    let busy = s.reading.is_some();
    // Room for the drawn speaker at the left of the words.
    let r = ui.add(
        theme::toggle(busy, RichText::new(format!("        {name}")).strong())
            .min_size(Vec2::new(220.0, TOUCH)),
    );
    let at = egui::Rect::from_center_size(
        egui::pos2(r.rect.left() + 36.0, r.rect.center().y),
        Vec2::splat(36.0),
    );
    speaker_icon(ui, at, busy);
    r.widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, busy, &name));
    if r.clicked() {
        s.asked.push(if busy {
            SpeechAsk::Stop
        } else {
            SpeechAsk::Read(read_aloud::script(item, lang))
        });
    }
    let all = t!(lang, "read-aloud-all");
    let mark = if s.all { "☑" } else { "☐" };
    let r =
        ui.add(theme::toggle(s.all, format!("{mark}  {all}")).min_size(Vec2::new(220.0, TOUCH)));
    r.widget_info(|| egui::WidgetInfo::selected(egui::Role::CheckBox, true, s.all, &all));
    if r.clicked() {
        s.asked.push(SpeechAsk::ReadAll(!s.all));
        // Switched on: this screen is read at once, as the next ones are.
        s.asked.push(if s.all {
            SpeechAsk::Stop
        } else {
            SpeechAsk::Read(read_aloud::script(item, lang))
        });
    }
}

/// A text of the screen (question, help), marked while it is read.
pub(super) fn text(view: &PatientView, id: &str, text: RichText) -> RichText {
    if view.speech.reads(id) {
        let (bg, fg) = view.speech.highlight;
        text.background_color(bg).color(fg)
    } else {
        text
    }
}

/// The small speaker of one option (or matrix row): reads just that.
pub(super) fn option_speaker(ui: &mut egui::Ui, s: &mut SpeechView, lang: Lang, line: Line) {
    if !s.ready {
        return;
    }
    let name = t!(lang, "read-aloud-option", option = line.text.as_str());
    let busy = s.reads(&line.id);
    let r = ui.add(theme::toggle(busy, "").min_size(Vec2::splat(TOUCH)));
    speaker_icon(
        ui,
        egui::Rect::from_center_size(r.rect.center(), Vec2::splat(32.0)),
        busy,
    );
    r.widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, busy, &name));
    if r.clicked() {
        s.asked.push(if busy {
            SpeechAsk::Stop
        } else {
            SpeechAsk::Read(vec![line])
        });
    }
}

/// Frames `r` while its line is read.
pub(super) fn mark(ui: &egui::Ui, s: &SpeechView, id: &str, r: &egui::Response) {
    if s.reads(id) {
        ui.painter().rect_stroke(
            r.rect.expand(3.0),
            10.0,
            Stroke::new(5.0, s.highlight.0),
            egui::StrokeKind::Outside,
        );
    }
}

/// The line of option `code` of an item.
pub(super) fn option_line(lang: Lang, code: i64, text: &kohort_form::Text) -> Line {
    Line {
        id: read_aloud::option_id(code),
        lang: lang.code().to_owned(),
        text: text.get(lang).to_owned(),
    }
}

/// The line of a matrix row.
pub(super) fn row_line(lang: Lang, row: &kohort_form::Row) -> Line {
    Line {
        id: read_aloud::row_id(&row.id),
        lang: lang.code().to_owned(),
        text: row.text.get(lang).to_owned(),
    }
}

/// An option's button with its small speaker beside it (the button takes
/// the rest of the width, up to 900 points); framed while it is read.
pub(super) fn with_speaker(
    ui: &mut egui::Ui,
    s: &mut SpeechView,
    (lang, picture): (Lang, Option<&kohort_form::Picture>),
    line: Line,
    button: egui::Button<'_>,
) -> egui::Response {
    let id = line.id.clone();
    let gap = ui.spacing().item_spacing.x;
    let speaker = if s.ready { TOUCH + gap } else { 0.0 };
    let pic_w = if picture.is_some() {
        2.0 * TOUCH + gap
    } else {
        0.0
    };
    let width = (ui.available_width() - speaker - pic_w).min(900.0);
    ui.horizontal(|ui| {
        if let Some(p) = picture {
            ui.allocate_ui(Vec2::new(2.0 * TOUCH, TOUCH), |ui| {
                super::pictures::picture_ui(ui, &s.media, p, lang, TOUCH);
            });
        }
        // A column of its own, so that long words wrap inside the button.
        let r = ui
            .allocate_ui_with_layout(
                Vec2::new(width, TOUCH),
                egui::Layout::top_down_justified(egui::Align::Center),
                |ui| {
                    ui.set_width(width);
                    ui.add(button.min_size(Vec2::new(width, TOUCH)))
                },
            )
            .inner;
        mark(ui, s, &id, &r);
        option_speaker(ui, s, lang, line);
        r
    })
    .inner
}

/// A matrix row's words with its small speaker before them.
pub(super) fn row_label(ui: &mut egui::Ui, s: &mut SpeechView, lang: Lang, row: &kohort_form::Row) {
    ui.horizontal(|ui| {
        option_speaker(ui, s, lang, row_line(lang, row));
        ui.add(egui::Label::new(row.text.get(lang)).wrap());
    });
}

/// A loudspeaker with two sound waves, drawn (the fonts have no such
/// glyph), in ink or, on a chosen button, in white.
fn speaker_icon(ui: &egui::Ui, rect: egui::Rect, chosen: bool) {
    let v = ui.visuals();
    let color = if chosen {
        v.selection.stroke.color
    } else {
        v.widgets.inactive.fg_stroke.color
    };
    let p = ui.painter();
    let (x, y, s) = (rect.left(), rect.center().y, rect.height());
    let pt = |dx: f32, dy: f32| egui::pos2(x + dx * s, y + dy * s);
    let cone = vec![
        pt(0.05, -0.15),
        pt(0.25, -0.15),
        pt(0.5, -0.4),
        pt(0.5, 0.4),
        pt(0.25, 0.15),
        pt(0.05, 0.15),
    ];
    p.add(egui::Shape::convex_polygon(cone, color, Stroke::NONE));
    for r in [0.18, 0.34] {
        let arc: Vec<egui::Pos2> = (0..=12)
            .map(|i| {
                let a = -0.9 + 1.8 * i as f32 / 12.0;
                pt(0.55 + r * a.cos(), r * a.sin())
            })
            .collect();
        p.add(egui::Shape::line(arc, Stroke::new(s * 0.07, color)));
    }
}
