//! One answer widget per item type.

use eframe::egui::{self, Button, RichText, Slider, Vec2};

use super::PatientView;
use super::fit;
use super::speech::{self, SpeechView};
use crate::core::Step;
use crate::i18n;
use crate::t;
use crate::ui::theme::{self, TOUCH};
use crate::ui::widgets::{date_picker, keyboard, numpad};
use kohort_form::runner::Runner;
use kohort_form::{Answer, AnswerValue};
use kohort_form::{Choice, Item, ItemKind, Lang, Row, choices};

/// How a stored value looks while typing it again.
pub(super) fn typed(v: &AnswerValue) -> String {
    match v {
        AnswerValue::Int(n) => n.to_string(),
        AnswerValue::Decimal(x) => x.to_string().replace('.', ","),
        AnswerValue::Text(t) => t.clone(),
        _ => String::new(),
    }
}

pub(super) fn matrix_declined(runner: &Runner, item: &Item) -> bool {
    match &item.kind {
        ItemKind::Matrix { rows, .. } => {
            !rows.is_empty()
                && rows
                    .iter()
                    .all(|r| runner.answer(&r.id) == Some(&Answer::Declined))
        }
        _ => false,
    }
}

fn value<'a>(runner: &'a Runner, id: &str) -> Option<&'a AnswerValue> {
    match runner.answer(id) {
        Some(Answer::Value(v)) => Some(v),
        _ => None,
    }
}

fn range_text(lang: Lang, min: Option<f64>, max: Option<f64>, unit: Option<&str>) -> String {
    let unit = unit.map(|u| format!(" {u}")).unwrap_or_default();
    let n = |x: f64| i18n::number(lang, x, if x.fract() == 0.0 { 0 } else { 1 });
    let (min, max) = (min.map(n), max.map(n));
    match (min, max) {
        (Some(lo), Some(hi)) => format!("{lo}–{hi}{unit}"),
        (Some(lo), None) => format!("≥ {lo}{unit}"),
        (None, Some(hi)) => format!("≤ {hi}{unit}"),
        (None, None) => unit.trim().to_owned(),
    }
}

pub(super) fn answer_ui(
    ui: &mut egui::Ui,
    runner: &Runner,
    item: &Item,
    view: &mut PatientView,
    out: &mut Vec<Step>,
) {
    let lang = view.lang;
    let id = item.id.clone();
    let current = value(runner, &id);
    match &item.kind {
        ItemKind::SingleChoice { .. } | ItemKind::YesNo => {
            choice_ui(ui, item, current, (lang, &mut view.speech), out);
        }
        ItemKind::Scale { options } => {
            scale_ui(ui, &id, options, current, (lang, &mut view.speech), out);
        }
        ItemKind::MultiChoice { options } => {
            multi_ui(ui, &id, options, current, (lang, &mut view.speech), out);
        }
        ItemKind::Integer { min, max, unit } | ItemKind::Decimal { min, max, unit } => {
            let decimal = matches!(item.kind, ItemKind::Decimal { .. });
            let range = range_text(lang, *min, *max, unit.as_ref().map(|u| u.get(lang)));
            number(ui, &id, (decimal, *min), &range, view, out);
        }
        ItemKind::Days { max } => {
            let range = t!(lang, "answer-days-range", max = *max);
            number(ui, &id, (false, None), &range, view, out);
        }
        ItemKind::Year { min, max } => {
            // Years are written without thousands separators or decimals.
            let range = match (min, max) {
                (Some(lo), Some(hi)) => format!("{lo}–{hi}"),
                (Some(lo), None) => format!("≥ {lo}"),
                (None, Some(hi)) => format!("≤ {hi}"),
                (None, None) => String::new(),
            };
            number(ui, &id, (false, min.map(|m| m as f64)), &range, view, out);
        }
        ItemKind::Slider {
            min,
            max,
            min_label,
            max_label,
        } => {
            slider(
                ui,
                item,
                (*min, *max),
                (min_label, max_label),
                current,
                view,
                out,
            );
        }
        ItemKind::Date => date_ui(ui, &id, current, view, out),
        ItemKind::Text { max_length } | ItemKind::LongText { max_length } => {
            let long = matches!(item.kind, ItemKind::LongText { .. });
            if keyboard(
                ui,
                &mut view.buffer,
                &mut view.shift,
                *max_length,
                long,
                lang,
            ) {
                out.push(Step::Set(
                    id.clone(),
                    AnswerValue::Text(view.buffer.clone()),
                ));
            }
        }
        ItemKind::Matrix { options, rows } => {
            matrix_ui(ui, runner, options, rows, (lang, &mut view.speech), out);
        }
        ItemKind::Note | ItemKind::Section | ItemKind::Score { .. } => {}
    }
}

/// One big button per option; a tap chooses it.
fn choice_ui(
    ui: &mut egui::Ui,
    item: &Item,
    current: Option<&AnswerValue>,
    said: (Lang, &mut SpeechView),
    out: &mut Vec<Step>,
) {
    choice_list(ui, &item.id, &choices(&item.kind), current, said, out);
}

/// A button exactly `width` wide (at least `height` high) whose text wraps
/// between words; returns whether it was tapped.
fn sized_button(ui: &mut egui::Ui, b: Button<'_>, width: f32, height: f32) -> egui::Response {
    ui.allocate_ui_with_layout(
        Vec2::new(width, height),
        egui::Layout::top_down_justified(egui::Align::Center),
        |ui| {
            ui.set_width(width);
            ui.add(b.wrap().min_size(Vec2::new(width, height)))
        },
    )
    .inner
}

/// The points of a scale side by side when every word of every label fits
/// its button; otherwise numbered buttons with the long labels at the ends
/// of the row; otherwise one under the other. No word is broken.
fn scale_ui(
    ui: &mut egui::Ui,
    id: &str,
    options: &[Choice],
    current: Option<&AnswerValue>,
    (lang, said): (Lang, &mut SpeechView),
    out: &mut Vec<Step>,
) {
    let gap = 10.0;
    let n = options.len().max(1) as f32;
    let width = ((ui.available_width() - (n - 1.0) * gap) / n).min(220.0);
    let fits = |ui: &egui::Ui, t: &str| width >= TOUCH && fit::fits_button(ui, t, width);
    let whole = options.iter().all(|c| fits(ui, c.text.get(lang)));
    let numbered = options.iter().all(|c| fits(ui, &c.code.to_string()));
    if !whole && !numbered {
        return choice_list(ui, id, options, current, (lang, said), out);
    }
    let mut legend = Vec::new();
    // All words or all numbers: a scale whose end buttons held words broken
    // over lines beside plain numbers read badly ("Ikke / noe / sug"); the
    // words then go under the scale's ends, wrapped between words.
    let shown: Vec<String> = options
        .iter()
        .map(|c| {
            if whole {
                c.text.get(lang).to_owned()
            } else {
                c.code.to_string()
            }
        })
        .collect();
    let height = fit::button_height(ui, shown.iter().map(String::as_str), width, TOUCH * 1.5);
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = gap;
        for (c, shown) in options.iter().zip(shown) {
            let text = c.text.get(lang);
            let chosen = current == Some(&AnswerValue::Code(c.code));
            if shown != text {
                legend.push(c);
            }
            let r = sized_button(ui, theme::toggle(chosen, shown), width, height);
            speech::mark(ui, said, &crate::core::read_aloud::option_id(c.code), &r);
            // The full label is the button's name when it shows a number.
            r.widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, chosen, text));
            if r.clicked() && !chosen {
                out.push(Step::Set(id.to_owned(), AnswerValue::Code(c.code)));
            }
        }
    });
    legend_ui(ui, options, &legend, lang);
}

/// Under numbered buttons: the first point's label at the left end, the
/// last one's at the right end, any other as "code = label" below.
fn legend_ui(ui: &mut egui::Ui, options: &[Choice], legend: &[&Choice], lang: Lang) {
    if legend.is_empty() {
        return;
    }
    let (first, last) = (options.first(), options.last());
    let in_legend = |c: &Choice| legend.iter().any(|l| l.code == c.code);
    let first = first.filter(|c| in_legend(c));
    let last = last.filter(|c| in_legend(c));
    let half = (ui.available_width() / 2.0 - 8.0).max(TOUCH);
    ui.horizontal(|ui| {
        ui.allocate_ui_with_layout(
            Vec2::new(half, 0.0),
            egui::Layout::top_down(egui::Align::Min),
            |ui| {
                ui.set_width(half);
                if let Some(c) = first {
                    ui.add(egui::Label::new(format!("{} = {}", c.code, c.text.get(lang))).wrap());
                }
            },
        );
        ui.allocate_ui_with_layout(
            Vec2::new(half, 0.0),
            egui::Layout::top_down(egui::Align::Max),
            |ui| {
                ui.set_width(half);
                if let Some(c) = last {
                    ui.add(egui::Label::new(format!("{} = {}", c.code, c.text.get(lang))).wrap());
                }
            },
        );
    });
    let ends = [options.first(), options.last()];
    for c in legend {
        if !ends.iter().flatten().any(|e| e.code == c.code) {
            ui.add(egui::Label::new(format!("{} = {}", c.code, c.text.get(lang))).wrap());
        }
    }
}

/// One big button per option, one under the other, each with its own
/// small speaker.
fn choice_list(
    ui: &mut egui::Ui,
    id: &str,
    options: &[Choice],
    current: Option<&AnswerValue>,
    (lang, said): (Lang, &mut SpeechView),
    out: &mut Vec<Step>,
) {
    for c in options {
        let chosen = current == Some(&AnswerValue::Code(c.code));
        let line = speech::option_line(lang, c.code, &c.text);
        let b = theme::toggle(chosen, c.text.get(lang)).wrap();
        let r = speech::with_speaker(ui, said, (lang, c.image.as_ref()), line, b);
        if r.clicked() && !chosen {
            out.push(Step::Set(id.to_owned(), AnswerValue::Code(c.code)));
        }
    }
}

/// Check boxes; an exclusive option ("none of these") clears the others.
fn multi_ui(
    ui: &mut egui::Ui,
    id: &str,
    options: &[Choice],
    current: Option<&AnswerValue>,
    (lang, said): (Lang, &mut SpeechView),
    out: &mut Vec<Step>,
) {
    let selected: Vec<i64> = match current {
        Some(AnswerValue::Codes(c)) => c.clone(),
        _ => Vec::new(),
    };
    for c in options {
        let on = selected.contains(&c.code);
        let mark = if on { "☑" } else { "☐" };
        let b = theme::toggle(on, format!("{mark}  {}", c.text.get(lang))).wrap();
        let line = speech::option_line(lang, c.code, &c.text);
        if !speech::with_speaker(ui, said, (lang, c.image.as_ref()), line, b).clicked() {
            continue;
        }
        let next: Vec<i64> = if on {
            selected.iter().copied().filter(|x| *x != c.code).collect()
        } else if c.exclusive {
            vec![c.code]
        } else {
            let exclusive: Vec<i64> = options
                .iter()
                .filter(|o| o.exclusive)
                .map(|o| o.code)
                .collect();
            let mut v: Vec<i64> = selected
                .iter()
                .copied()
                .filter(|x| !exclusive.contains(x))
                .collect();
            v.push(c.code);
            v
        };
        out.push(Step::Set(id.to_owned(), AnswerValue::Codes(next)));
    }
}

/// The date picker, starting at today; "use this date" keeps today.
fn date_ui(
    ui: &mut egui::Ui,
    id: &str,
    current: Option<&AnswerValue>,
    view: &mut PatientView,
    out: &mut Vec<Step>,
) {
    let lang = view.lang;
    let today = chrono::Local::now().date_naive();
    let mut date = view.date.unwrap_or(today);
    if date_picker(ui, id, &mut date, lang) {
        view.date = Some(date);
        out.push(Step::Set(id.to_owned(), AnswerValue::Date(date)));
    }
    if current.is_none() {
        let use_it = t!(lang, "answer-use-date");
        if ui
            .add(Button::new(use_it).min_size(Vec2::new(280.0, TOUCH)))
            .clicked()
        {
            view.date = Some(date);
            out.push(Step::Set(id.to_owned(), AnswerValue::Date(date)));
        }
    }
}

/// Several items on one scale: a row per item, its label beside its
/// buttons when label and buttons fit side by side (no word broken), else
/// the label on its own line with the buttons under it. Rows are striped
/// so each label stays with its own buttons.
fn matrix_ui(
    ui: &mut egui::Ui,
    runner: &Runner,
    options: &[Choice],
    rows: &[Row],
    (lang, said): (Lang, &mut SpeechView),
    out: &mut Vec<Step>,
) {
    let gap = 10.0;
    let n = options.len().max(1) as f32;
    let avail = ui.available_width();
    let font = fit::button_font(ui);
    let pad = fit::button_pad(ui);
    let need = options
        .iter()
        .map(|c| fit::widest_word(ui, c.text.get(lang), &font) + pad)
        .fold(TOUCH, f32::max);
    let label_w = (avail * 0.28).clamp(200.0, 420.0);
    let beside_w = ((avail - label_w - n * gap) / n).min(320.0);
    let body = fit::body_font(ui);
    let labels_fit = rows
        .iter()
        .all(|r| fit::widest_word(ui, r.text.get(lang), &body) <= label_w);
    let beside = beside_w >= need && labels_fit;
    let under_w = ((avail - n * gap) / n - 1.0).min(320.0).max(need);
    let texts = || options.iter().map(|c| c.text.get(lang));
    let height = fit::button_height(ui, texts(), if beside { beside_w } else { under_w }, TOUCH);
    for (i, row) in rows.iter().enumerate() {
        let fill = if i % 2 == 0 {
            ui.visuals().faint_bg_color
        } else {
            ui.visuals().panel_fill
        };
        let reading = said.reading.as_deref() == Some(&crate::core::read_aloud::row_id(&row.id));
        let fill = if reading { said.highlight.0 } else { fill };
        egui::Frame::new()
            .fill(fill)
            .inner_margin(Vec2::new(0.0, 6.0))
            .show(ui, |ui| {
                ui.set_width(avail);
                let buttons = |ui: &mut egui::Ui, width: f32, out: &mut Vec<Step>| {
                    ui.spacing_mut().item_spacing.x = gap;
                    let chosen_now = value(runner, &row.id);
                    for c in options {
                        let chosen = chosen_now == Some(&AnswerValue::Code(c.code));
                        let b = theme::toggle(chosen, c.text.get(lang));
                        if sized_button(ui, b, width, height).clicked() && !chosen {
                            out.push(Step::Set(row.id.clone(), AnswerValue::Code(c.code)));
                        }
                    }
                };
                if beside {
                    ui.horizontal(|ui| {
                        ui.allocate_ui_with_layout(
                            Vec2::new(label_w, TOUCH),
                            egui::Layout::top_down(egui::Align::Min),
                            |ui| {
                                ui.set_width(label_w);
                                speech::row_label(ui, said, lang, row);
                            },
                        );
                        buttons(ui, beside_w, out);
                    });
                } else {
                    speech::row_label(ui, said, lang, row);
                    ui.horizontal_wrapped(|ui| buttons(ui, under_w, out));
                }
            });
    }
}

/// The number pad, with what was typed turned into an answer (or a clear).
fn number(
    ui: &mut egui::Ui,
    id: &str,
    (decimal, min): (bool, Option<f64>),
    range: &str,
    view: &mut PatientView,
    out: &mut Vec<Step>,
) {
    if !numpad(ui, &mut view.buffer, decimal, range, view.lang) {
        return;
    }
    let text = view.buffer.replace(',', ".");
    let action = if text.is_empty() {
        Step::Clear(id.to_owned())
    } else if decimal {
        match text.parse::<f64>() {
            Ok(x) => Step::Set(id.to_owned(), AnswerValue::Decimal(x)),
            Err(_) => return,
        }
    } else {
        match text.parse::<i64>() {
            // "19" on the way to "1980" for a year from 1930: still typing, so
            // no message yet, and no answer either.
            Ok(n) if min.is_some_and(|m| (n as f64) < m && digits(n) < digits(m as i64)) => {
                view.message = None;
                Step::Clear(id.to_owned())
            }
            Ok(n) => Step::Set(id.to_owned(), AnswerValue::Int(n)),
            Err(_) => return,
        }
    };
    out.push(action);
}

fn digits(n: i64) -> usize {
    n.unsigned_abs().to_string().len()
}

fn slider(
    ui: &mut egui::Ui,
    item: &Item,
    (min, max): (i64, i64),
    (min_label, max_label): (&Option<kohort_form::Text>, &Option<kohort_form::Text>),
    current: Option<&AnswerValue>,
    view: &mut PatientView,
    out: &mut Vec<Step>,
) {
    let lang = view.lang;
    let answered = match current {
        Some(AnswerValue::Int(n)) => Some(*n),
        _ => None,
    };
    // While a drag is under way the value lives in the view; it is saved once,
    // when the drag ends, not on every frame of it.
    let live = view.buffer.parse::<i64>().ok().or(answered);
    let mut v = live.unwrap_or((min + max) / 2);
    let shown = live.map_or_else(|| "–".to_owned(), |n| n.to_string());
    ui.label(RichText::new(shown).size(64.0).strong());
    let name = item
        .text
        .as_ref()
        .map(|t| t.get(lang).to_owned())
        .unwrap_or_default();
    let mut changed = false;
    ui.horizontal(|ui| {
        if ui
            .add(Button::new("−").min_size(Vec2::splat(TOUCH)))
            .on_hover_text("−1")
            .clicked()
        {
            v = (v - 1).max(min);
            changed = true;
        }
        ui.spacing_mut().slider_width = (ui.available_width() - TOUCH - 40.0).max(200.0);
        ui.style_mut().spacing.interact_size.y = TOUCH;
        let r = ui
            .add(Slider::new(&mut v, min..=max).show_value(false))
            .on_hover_text(name);
        if r.changed() {
            view.buffer = v.to_string();
        }
        changed |= r.drag_stopped() || (r.changed() && !r.dragged());
        if ui
            .add(Button::new("+").min_size(Vec2::splat(TOUCH)))
            .on_hover_text("+1")
            .clicked()
        {
            v = (v + 1).min(max);
            changed = true;
        }
    });
    ui.horizontal(|ui| {
        if let Some(l) = min_label {
            ui.label(RichText::new(format!("{min} = {}", l.get(lang))).small());
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if let Some(l) = max_label {
                ui.label(RichText::new(format!("{max} = {}", l.get(lang))).small());
            }
        });
    });
    if changed {
        view.buffer = v.to_string();
        out.push(Step::Set(item.id.clone(), AnswerValue::Int(v)));
    }
}
