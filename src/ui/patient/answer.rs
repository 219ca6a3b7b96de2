//! One answer widget per item type.

use eframe::egui::{self, Button, RichText, Slider, Vec2};

use super::PatientView;
use crate::core::Step;
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

fn range_text(min: Option<f64>, max: Option<f64>, unit: Option<&str>) -> String {
    let unit = unit.map(|u| format!(" {u}")).unwrap_or_default();
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
            choice_ui(ui, item, current, lang, out);
        }
        ItemKind::Scale { options } => scale_ui(ui, &id, options, current, lang, out),
        ItemKind::MultiChoice { options } => multi_ui(ui, &id, options, current, lang, out),
        ItemKind::Integer { min, max, unit } | ItemKind::Decimal { min, max, unit } => {
            let decimal = matches!(item.kind, ItemKind::Decimal { .. });
            let range = range_text(*min, *max, unit.as_ref().map(|u| u.get(lang)));
            number(ui, &id, (decimal, *min), &range, view, out);
        }
        ItemKind::Days { max } => {
            let range = match lang {
                Lang::Nb => format!("0–{max} dager"),
                Lang::En => format!("0–{max} days"),
            };
            number(ui, &id, (false, None), &range, view, out);
        }
        ItemKind::Year { min, max } => {
            let range = range_text(min.map(|m| m as f64), max.map(|m| m as f64), None);
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
        ItemKind::Matrix { options, rows } => matrix_ui(ui, runner, options, rows, lang, out),
        ItemKind::Note | ItemKind::Section | ItemKind::Score { .. } => {}
    }
}

/// One big button per option; a tap chooses it.
fn choice_ui(
    ui: &mut egui::Ui,
    item: &Item,
    current: Option<&AnswerValue>,
    lang: Lang,
    out: &mut Vec<Step>,
) {
    for c in choices(&item.kind) {
        let chosen = current == Some(&AnswerValue::Code(c.code));
        let b = theme::toggle(chosen, c.text.get(lang))
            .wrap()
            .min_size(Vec2::new(ui.available_width().min(900.0), TOUCH));
        if ui.add(b).clicked() && !chosen {
            out.push(Step::Set(item.id.clone(), AnswerValue::Code(c.code)));
        }
    }
}

/// The labelled points of a scale side by side.
fn scale_ui(
    ui: &mut egui::Ui,
    id: &str,
    options: &[Choice],
    current: Option<&AnswerValue>,
    lang: Lang,
    out: &mut Vec<Step>,
) {
    let n = options.len().max(1) as f32;
    let width = ((ui.available_width() - (n - 1.0) * 10.0) / n).clamp(TOUCH, 220.0);
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 10.0;
        for c in options {
            let chosen = current == Some(&AnswerValue::Code(c.code));
            let b = theme::toggle(chosen, c.text.get(lang))
                .wrap()
                .min_size(Vec2::new(width, TOUCH * 1.5));
            if ui.add_sized([width, TOUCH * 1.5], b).clicked() && !chosen {
                out.push(Step::Set(id.to_owned(), AnswerValue::Code(c.code)));
            }
        }
    });
}

/// Check boxes; an exclusive option ("none of these") clears the others.
fn multi_ui(
    ui: &mut egui::Ui,
    id: &str,
    options: &[Choice],
    current: Option<&AnswerValue>,
    lang: Lang,
    out: &mut Vec<Step>,
) {
    let selected: Vec<i64> = match current {
        Some(AnswerValue::Codes(c)) => c.clone(),
        _ => Vec::new(),
    };
    for c in options {
        let on = selected.contains(&c.code);
        let mark = if on { "☑" } else { "☐" };
        let b = theme::toggle(on, format!("{mark}  {}", c.text.get(lang)))
            .wrap()
            .min_size(Vec2::new(ui.available_width().min(900.0), TOUCH));
        if !ui.add(b).clicked() {
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
    if date_picker(ui, &mut date, lang) {
        view.date = Some(date);
        out.push(Step::Set(id.to_owned(), AnswerValue::Date(date)));
    }
    if current.is_none() {
        let use_it = match lang {
            Lang::Nb => "Bruk denne datoen",
            Lang::En => "Use this date",
        };
        if ui
            .add(Button::new(use_it).min_size(Vec2::new(280.0, TOUCH)))
            .clicked()
        {
            view.date = Some(date);
            out.push(Step::Set(id.to_owned(), AnswerValue::Date(date)));
        }
    }
}

/// Several items on one scale: a row per item, its label beside its buttons.
fn matrix_ui(
    ui: &mut egui::Ui,
    runner: &Runner,
    options: &[Choice],
    rows: &[Row],
    lang: Lang,
    out: &mut Vec<Step>,
) {
    let label_width = 300.0;
    let n = options.len().max(1) as f32;
    let width = ((ui.available_width() - label_width - n * 10.0) / n).clamp(TOUCH, 200.0);
    egui::Grid::new("matrix")
        .spacing([10.0, 10.0])
        .striped(true)
        .show(ui, |ui| {
            for row in rows {
                ui.allocate_ui_with_layout(
                    Vec2::new(label_width, TOUCH),
                    egui::Layout::left_to_right(egui::Align::Center).with_main_wrap(true),
                    |ui| {
                        ui.set_width(label_width);
                        ui.add(egui::Label::new(row.text.get(lang)).wrap());
                    },
                );
                let chosen_now = value(runner, &row.id);
                for c in options {
                    let chosen = chosen_now == Some(&AnswerValue::Code(c.code));
                    let b = theme::toggle(chosen, RichText::new(c.text.get(lang)).size(20.0))
                        .wrap()
                        .min_size(Vec2::new(width, TOUCH));
                    if ui.add_sized([width, TOUCH], b).clicked() && !chosen {
                        out.push(Step::Set(row.id.clone(), AnswerValue::Code(c.code)));
                    }
                }
                ui.end_row();
            }
        });
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
