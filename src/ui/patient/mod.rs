//! Patient mode: one question per screen, big targets, Back / Next /
//! "Vil ikke svare", progress, language and text size. The screen only
//! reads the runner; what the patient does comes back as [`Step`]s that
//! the app core applies to the runner and the store.

mod answer;
mod fit;
mod handback;
mod pictures;
mod speech;

pub use handback::{HandBack, handback_ui};
pub use speech::{HIGHLIGHT, SpeechAsk, SpeechView};

use chrono::NaiveDate;
use eframe::egui::{self, Button, Frame, ProgressBar, RichText, ScrollArea, Vec2};

use crate::core::{Step, read_aloud};
use crate::ui::theme::{self, TOUCH, TextSize};
use kohort_form::runner::{Current, Runner};
use kohort_form::{Answer, AnswerValue};
use kohort_form::{Invalid, Lang};

use crate::i18n;
use crate::t;

/// Screen state that is not an answer: language, text size, what is being
/// typed, and a gentle message about the last input.
#[derive(Debug, Default)]
pub struct PatientView {
    pub lang: Lang,
    pub size: TextSize,
    /// The item whose typing state below belongs to.
    pub editing: Option<String>,
    pub buffer: String,
    pub shift: bool,
    pub date: Option<NaiveDate>,
    pub message: Option<Invalid>,
    /// The item whose screen is showing: a new one starts at its top.
    shown: Option<String>,
    /// Next stayed on a refused value; the next Next goes on without it.
    pub next_skips: bool,
    /// Staff fills in a clinician form: the staff look, no text size or
    /// language buttons, "not recorded" instead of "prefer not to answer".
    pub staff: bool,
    /// Read-aloud: shown or not, what is read, what the patient asked.
    pub speech: SpeechView,
    /// The high-contrast look (white on black) instead of the standard one.
    pub high_contrast: bool,
}

impl PatientView {
    /// The view of a clinician form, in the staff's language.
    pub fn for_staff(lang: Lang) -> Self {
        PatientView {
            lang,
            staff: true,
            ..Default::default()
        }
    }

    /// The colours of the patient's chosen look.
    pub fn palette(&self) -> &'static crate::ui::contrast::Palette {
        if self.high_contrast && !self.staff {
            &crate::ui::contrast::HIGH
        } else {
            &crate::ui::contrast::STANDARD
        }
    }

    /// Resets typing state when the screen shows another item.
    fn follow(&mut self, runner: &Runner) {
        let id = runner.position_id().map(str::to_owned);
        if self.editing != id {
            self.buffer = match id.as_deref().and_then(|i| runner.answer(i)) {
                Some(Answer::Value(v)) => answer::typed(v),
                _ => String::new(),
            };
            self.date = match id.as_deref().and_then(|i| runner.answer(i)) {
                Some(Answer::Value(AnswerValue::Date(d))) => Some(*d),
                _ => None,
            };
            self.editing = id;
            self.shift = false;
            self.message = None;
            self.next_skips = false;
        }
    }

    /// Follows what the core did with a step: a refused value's message,
    /// typing afresh after "Vil ikke svare" was chosen or undone.
    pub fn stepped(&mut self, invalid: Option<Invalid>, next_skips: bool, retype: bool) {
        self.message = invalid;
        self.next_skips = next_skips;
        if retype {
            self.editing = None;
        }
    }
}

/// Draws the question on screen and returns what the patient did.
pub fn patient_ui(ui: &mut egui::Ui, runner: &Runner, view: &mut PatientView) -> Vec<Step> {
    view.follow(runner);
    theme::fonts(ui.ctx());
    if view.staff {
        theme::staff(ui);
    } else {
        theme::patient(ui, view.size);
        view.palette().apply(ui);
    }
    view.speech.highlight = (view.palette().highlight, view.palette().on_highlight);
    let mut actions = Vec::new();
    let Some(current) = runner.current() else {
        speech::follow(view, None);
        end_ui(ui, view.lang, view.palette().paper, &mut actions);
        return actions;
    };
    speech::follow(view, Some(&current));
    top_ui(ui, runner, &current, view, &mut actions);
    bottom_ui(ui, runner, &current, view, &mut actions);
    question_ui(ui, runner, &current, view, &mut actions);
    actions
}

/// The section, Pause, text size and language; progress below.
fn top_ui(
    ui: &mut egui::Ui,
    runner: &Runner,
    current: &Current<'_>,
    view: &mut PatientView,
    actions: &mut Vec<Step>,
) {
    let lang = view.lang;
    egui::Panel::top("patient_top")
        .frame(Frame::new().fill(view.palette().quiet).inner_margin(12.0))
        .show(ui, |ui| {
            let title = RichText::new(current.section.get(lang)).heading().strong();
            let title_w = fit::line_width(ui, current.section.get(lang), &fit::heading_font(ui));
            // The controls keep their place; the title moves to a line of
            // its own rather than run under them.
            if title_w + controls_width(ui, lang) + 24.0 > ui.available_width() {
                ui.add(egui::Label::new(title).wrap());
                ui.allocate_ui_with_layout(
                    Vec2::new(ui.available_width(), TOUCH),
                    egui::Layout::right_to_left(egui::Align::Center),
                    |ui| controls_ui(ui, view, actions),
                );
            } else {
                ui.horizontal(|ui| {
                    ui.label(title);
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        controls_ui(ui, view, actions);
                    });
                });
            }
            let p = runner.progress();
            let fraction = if p.total == 0 {
                0.0
            } else {
                p.step as f32 / p.total as f32
            };
            ui.horizontal(|ui| {
                let text = t!(lang, "patient-progress", step = p.step, total = p.total);
                ui.label(RichText::new(text).small());
                ui.add(
                    ProgressBar::new(fraction)
                        .desired_height(18.0)
                        .fill(view.palette().chosen),
                );
            });
        });
}

const PAUSE_W: f32 = 140.0;
const LANG_W: f32 = 120.0;

/// How wide Pause, the text sizes and the languages are together.
fn controls_width(ui: &egui::Ui, lang: Lang) -> f32 {
    let font = fit::button_font(ui);
    let pad = fit::button_pad(ui);
    let button = |t: &str, min: f32| (fit::line_width(ui, t, &font) + pad).max(min);
    let gap = ui.spacing().item_spacing.x;
    button(&t!(lang, "patient-pause"), PAUSE_W)
        + 3.0 * (TOUCH + gap)
        + Lang::ALL
            .iter()
            .map(|l| button(l.own_name(), LANG_W) + gap)
            .sum::<f32>()
        + 48.0
}

/// Pause, text size and language, right to left.
fn controls_ui(ui: &mut egui::Ui, view: &mut PatientView, actions: &mut Vec<Step>) {
    let lang = view.lang;
    if ui
        .add(Button::new(t!(lang, "patient-pause")).min_size(Vec2::new(PAUSE_W, TOUCH)))
        .clicked()
    {
        actions.push(Step::Pause);
    }
    if view.staff {
        return;
    }
    ui.add_space(24.0);
    for size in TextSize::ALL.iter().rev() {
        let label = RichText::new("A").size(22.0 * size.factor() * 1.2);
        let name = match size {
            TextSize::Normal => t!(lang, "patient-text-normal"),
            TextSize::Large => t!(lang, "patient-text-large"),
            TextSize::Larger => t!(lang, "patient-text-larger"),
        };
        let selected = view.size == *size;
        let r = ui
            .add(theme::toggle(selected, label).min_size(Vec2::splat(TOUCH)))
            .on_hover_text(&name);
        // The button shows only "A": a screen reader (and a test) needs its name.
        r.widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, selected, &name));
        if r.clicked() {
            view.size = *size;
        }
    }
    ui.add_space(24.0);
    // Right to left: bokmål ends up first.
    for l in Lang::ALL.into_iter().rev() {
        let b = theme::toggle(lang == l, l.own_name()).min_size(Vec2::new(LANG_W, TOUCH));
        if ui.add(b).clicked() {
            view.lang = l;
        }
    }
}

/// Back, "Vil ikke svare", Next.
fn bottom_ui(
    ui: &mut egui::Ui,
    runner: &Runner,
    current: &Current<'_>,
    view: &PatientView,
    actions: &mut Vec<Step>,
) {
    let lang = view.lang;
    let decline_text = if view.staff {
        t!(lang, "patient-not-recorded")
    } else {
        t!(lang, "patient-decline")
    };
    egui::Panel::bottom("patient_bottom")
        .frame(Frame::new().fill(view.palette().quiet).inner_margin(16.0))
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                let big = Vec2::new(220.0, TOUCH + 8.0);
                if ui
                    .add(Button::new(t!(lang, "patient-back")).min_size(big))
                    .clicked()
                {
                    actions.push(Step::Back);
                }
                let declined = runner.answer(&current.item.id) == Some(&Answer::Declined)
                    || answer::matrix_declined(runner, current.item);
                ui.add_space((ui.available_width() - 2.0 * 220.0 - 360.0).max(0.0) / 2.0);
                let decline =
                    theme::toggle(declined, decline_text).min_size(Vec2::new(360.0, TOUCH + 8.0));
                if !current.item.kind.is_display() && ui.add(decline).clicked() {
                    actions.push(if declined {
                        Step::Clear(current.item.id.clone())
                    } else {
                        Step::Decline(current.item.id.clone())
                    });
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let next =
                        Button::new(RichText::new(t!(lang, "patient-next")).strong()).min_size(big);
                    if ui.add(next).clicked() {
                        actions.push(Step::Next);
                    }
                });
            });
        });
}

/// The question, its help, the answer widget and a message about the input.
fn question_ui(
    ui: &mut egui::Ui,
    runner: &Runner,
    current: &Current<'_>,
    view: &mut PatientView,
    actions: &mut Vec<Step>,
) {
    let lang = view.lang;
    let fresh = view.shown.as_deref() != Some(current.item.id.as_str());
    if fresh {
        view.shown = Some(current.item.id.clone());
    }
    egui::CentralPanel::default()
        .frame(
            Frame::new()
                .fill(view.palette().paper)
                .inner_margin(Vec2::new(48.0, 16.0)),
        )
        .show(ui, |ui| {
            let mut area = ScrollArea::vertical()
                .id_salt("question")
                .auto_shrink([false, false]);
            if fresh {
                // Every question opens at its top, whatever was scrolled before.
                area = area.vertical_scroll_offset(0.0);
            }
            let out = area.show(ui, |ui| {
                ui.set_max_width(ui.available_width());
                speech::speaker_row(ui, current.item, view);
                if let Some(text) = &current.item.text {
                    let text = RichText::new(text.get(lang)).heading().strong();
                    ui.label(speech::text(view, read_aloud::QUESTION, text));
                }
                if let Some(help) = &current.item.help {
                    let help = RichText::new(help.get(lang)).small();
                    ui.label(speech::text(view, read_aloud::HELP, help));
                }
                if let Some(pic) = &current.item.image {
                    pictures::picture_ui(ui, &view.speech.media, pic, lang, 200.0);
                }
                ui.add_space(12.0);
                answer::answer_ui(ui, runner, current.item, view, actions);
                if let Some(msg) = &view.message {
                    ui.add_space(8.0);
                    Frame::new()
                        .fill(view.palette().warn_bg)
                        .inner_margin(12.0)
                        .corner_radius(8.0)
                        .show(ui, |ui| {
                            let warn = view.palette().warn;
                            ui.label(RichText::new(invalid_text(lang, msg)).color(warn));
                            if view.next_skips {
                                ui.label(t!(lang, "patient-next-again"));
                            }
                        });
                }
            });
            let hidden =
                out.content_size.y - out.state.clamped_offset().y - out.inner_rect.height();
            if hidden > 8.0 {
                more_below_ui(ui, out.inner_rect, lang, view.palette());
            }
        });
}

/// A cue over the bottom of the question when answers continue below it.
fn more_below_ui(
    ui: &mut egui::Ui,
    area: egui::Rect,
    lang: Lang,
    pal: &crate::ui::contrast::Palette,
) {
    let text = t!(lang, "patient-more-below");
    let rect = egui::Rect::from_min_max(
        egui::pos2(area.center().x - 200.0, area.bottom() - 48.0),
        egui::pos2(area.center().x + 200.0, area.bottom() - 4.0),
    );
    ui.put(
        rect,
        egui::Label::new(
            RichText::new(text)
                .size(22.0)
                .color(pal.on_chosen)
                .background_color(pal.chosen),
        ),
    );
}

/// Past the last screen but not yet completed (the completion did not save,
/// or the session was resumed there): finish again, or go back.
fn end_ui(ui: &mut egui::Ui, lang: Lang, paper: egui::Color32, actions: &mut Vec<Step>) {
    let (text, finish) = (t!(lang, "patient-end"), t!(lang, "patient-finish"));
    egui::CentralPanel::default()
        .frame(Frame::new().fill(paper).inner_margin(48.0))
        .show(ui, |ui| {
            ui.label(RichText::new(text).heading().strong());
            ui.add_space(24.0);
            ui.horizontal(|ui| {
                let big = Vec2::new(220.0, TOUCH + 8.0);
                if ui
                    .add(Button::new(t!(lang, "patient-back")).min_size(big))
                    .clicked()
                {
                    actions.push(Step::Back);
                }
                if ui
                    .add(Button::new(RichText::new(finish).strong()).min_size(big))
                    .clicked()
                {
                    actions.push(Step::Next);
                }
                if ui
                    .add(Button::new(t!(lang, "patient-pause")).min_size(big))
                    .clicked()
                {
                    actions.push(Step::Pause);
                }
            });
        });
}

/// Why a value was refused, in the respondent's language.
pub(crate) fn invalid_text(lang: Lang, why: &Invalid) -> String {
    let range = |lo: Option<f64>, hi: Option<f64>| {
        let n = |x: f64| i18n::number(lang, x, if x.fract() == 0.0 { 0 } else { 1 });
        match (lo, hi) {
            (Some(lo), Some(hi)) => t!(lang, "invalid-range-both", min = n(lo), max = n(hi)),
            (Some(lo), None) => t!(lang, "invalid-range-min", min = n(lo)),
            (None, Some(hi)) => t!(lang, "invalid-range-max", max = n(hi)),
            (None, None) => t!(lang, "invalid-wrong"),
        }
    };
    match why {
        Invalid::Wrong | Invalid::Unknown(_) => t!(lang, "invalid-wrong"),
        Invalid::Exclusive => t!(lang, "invalid-exclusive"),
        Invalid::Range { min, max } => range(*min, *max),
        Invalid::Days { max } => t!(lang, "invalid-days", max = *max),
        Invalid::TooLong { max } => t!(lang, "invalid-too-long", max = *max),
    }
}
