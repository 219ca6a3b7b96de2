//! The staff home: today's work across all participants, most pressing
//! first, and counts per site.

use chrono::Datelike;
use eframe::egui::{self, RichText};

use super::{Page, StaffAction, StaffView, named_button};
use crate::core::clinic::{Clinic, Work};
use crate::i18n::{self, Lang};
use crate::t;
use crate::ui::lang::staff_lang;
use crate::ui::theme::STAFF_TOUCH;
use crate::ui::theme::WARN;
use kohort_form::Respondent;
use kohort_form::schedule::{Row, State};
use kohort_form::study::Study;

/// A state label, late ones in the warning colour and bold; a missed
/// form's coded reason in the study's words.
pub(crate) fn state_text(lang: Lang, study: &Study, state: &State) -> RichText {
    let text = RichText::new(state_label(lang, study, state));
    if state.days_late().is_some() {
        return text.color(WARN).strong();
    }
    match state {
        State::Closed => text.color(WARN).strong(),
        State::InProgress { .. } | State::Paused { .. } | State::Open => text.strong(),
        _ => text,
    }
}

/// A state in words, from the catalogue.
pub(crate) fn state_label(lang: Lang, study: &Study, state: &State) -> String {
    let pct = |p: &Option<f32>| match p {
        Some(p) if p.is_finite() => format!(" ({:.0} %)", p.clamp(0.0, 1.0) * 100.0),
        _ => String::new(),
    };
    let late = |d: &Option<i64>| match d {
        Some(d) => t!(lang, "state-late-suffix", days = *d),
        None => String::new(),
    };
    match state {
        State::Upcoming => t!(lang, "state-upcoming"),
        State::Open => t!(lang, "state-open"),
        State::Late { days_late } => t!(lang, "state-late", days = *days_late),
        State::InProgress {
            progress,
            days_late,
        } => t!(lang, "state-in-progress") + &pct(progress) + &late(days_late),
        State::Paused {
            progress,
            days_late,
        } => t!(lang, "state-paused") + &pct(progress) + &late(days_late),
        State::Completed { on, deviation_days } => {
            let on = i18n::day_short(lang, *on);
            match deviation_days {
                Some(d) => t!(
                    lang,
                    "state-completed-off",
                    on = on,
                    days = format!("{d:+}")
                ),
                None => t!(lang, "state-completed", on = on),
            }
        }
        State::Missed { code, reason } => {
            let coded = code
                .and_then(|c| study.missed_reason(c))
                .map(|t| t.get(lang));
            let why = match (coded, reason.is_empty()) {
                (Some(c), true) => c.to_owned(),
                (Some(c), false) => format!("{c} – {reason}"),
                (None, false) => reason.clone(),
                (None, true) => return t!(lang, "state-missed"),
            };
            t!(lang, "state-missed-why", why = why)
        }
        State::NotApplicable => t!(lang, "state-not-applicable"),
        State::Closed => t!(lang, "state-closed"),
        State::Available => t!(lang, "state-available"),
        State::Withdrawn => t!(lang, "state-withdrawn"),
    }
}

/// A row's window in table dates, the year written once when both ends
/// share it (`06.01.–06.04.2026`), so it fits its column.
pub(crate) fn window_text(lang: Lang, row: &Row) -> String {
    match (row.opens, row.closes) {
        (Some(o), Some(c)) if o.year() == c.year() => {
            let short = i18n::day_short(lang, o);
            let cut = short.len().saturating_sub(4);
            format!("{}–{}", &short[..cut], i18n::day_short(lang, c))
        }
        (Some(o), Some(c)) => format!("{}–{}", i18n::day_short(lang, o), i18n::day_short(lang, c)),
        (Some(o), None) => t!(lang, "window-from", day = i18n::day_short(lang, o)),
        _ => String::new(),
    }
}

/// A row's title, with clinician forms marked.
pub(crate) fn form_text(lang: Lang, row: &Row) -> String {
    match row.respondent {
        Respondent::Patient => row.title(lang),
        Respondent::Clinician => t!(lang, "form-by-staff", title = row.title(lang)),
    }
}

/// Height of one work row: a touch-sized button and the gap below it.
const ROW: f32 = STAFF_TOUCH + 4.0;

/// The work list with only the rows in sight laid out: with hundreds of
/// forms due, laying out every row each frame is what made the home page
/// slow. The space of the others is kept, so the page scrolls as before.
/// Columns have fixed shares of the width, so they do not shift while
/// scrolling.
fn work_list(ui: &mut egui::Ui, study: &Study, work: &[Work<'_>], view: &mut StaffView) {
    let lang = staff_lang(ui.ctx());
    let width = ui.available_width();
    let gap = 12.0;
    let shares = [0.19, 0.35, 0.24, 0.22];
    // Each column's rect within a row at `top`, `height` high.
    let columns = |left: f32, top: f32, height: f32| {
        let mut x = left;
        shares.map(|share| {
            let w = width * share;
            let r = egui::Rect::from_min_size(egui::pos2(x, top), egui::vec2(w - gap, height));
            x += w;
            r
        })
    };
    let cell = |ui: &mut egui::Ui, rect: egui::Rect, text: RichText| {
        ui.scope_builder(
            egui::UiBuilder::new()
                .max_rect(rect)
                .layout(egui::Layout::left_to_right(egui::Align::Center)),
            // Two lines fit a row: a long form title wraps rather than
            // being cut.
            |ui| ui.add(egui::Label::new(text).wrap()),
        );
    };
    let (head, _) = ui.allocate_exact_size(egui::vec2(width, 28.0), egui::Sense::hover());
    let heads = [
        t!(lang, "work-participant"),
        t!(lang, "work-form"),
        t!(lang, "work-state"),
        t!(lang, "work-window"),
    ];
    for (h, rect) in heads
        .into_iter()
        .zip(columns(head.left(), head.top(), head.height()))
    {
        cell(ui, rect, RichText::new(h).strong());
    }
    let top = ui.cursor().top();
    let clip = ui.clip_rect();
    let first = (((clip.top() - top) / ROW).floor().max(0.0) as usize).min(work.len());
    let last = ((((clip.bottom() - top) / ROW).ceil().max(0.0)) as usize + 1).min(work.len());
    let spacing = ui.spacing().item_spacing.y;
    ui.spacing_mut().item_spacing.y = 0.0;
    ui.add_space(first as f32 * ROW);
    for (i, w) in work.iter().enumerate().take(last).skip(first) {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(width, ROW), egui::Sense::hover());
        if i % 2 == 1 {
            ui.painter()
                .rect_filled(rect, 0.0, ui.visuals().faint_bg_color);
        }
        let [c0, c1, c2, c3] = columns(rect.left(), rect.top(), ROW);
        // The study code is the button: one tap opens the page.
        let code = &w.participant.study_code;
        let name = t!(lang, "work-open", code = code, title = w.row.title(lang));
        let opened = ui
            .scope_builder(
                egui::UiBuilder::new()
                    .max_rect(c0)
                    .layout(egui::Layout::left_to_right(egui::Align::Center)),
                |ui| named_button(ui, code, &name),
            )
            .inner;
        if opened {
            view.show(Page::Participant(w.participant.id));
        }
        cell(ui, c1, RichText::new(form_text(lang, w.row)));
        cell(ui, c2, state_text(lang, study, &w.row.state));
        cell(ui, c3, RichText::new(window_text(lang, w.row)));
    }
    ui.add_space(work.len().saturating_sub(last) as f32 * ROW);
    ui.spacing_mut().item_spacing.y = spacing;
}

pub fn today_ui(
    ui: &mut egui::Ui,
    study: &Study,
    data: &Clinic,
    view: &mut StaffView,
) -> Option<StaffAction> {
    let lang = staff_lang(ui.ctx());
    let today = data
        .today
        .map(|d| {
            format!(
                "{} {}",
                i18n::weekday_name(lang, d.weekday()),
                i18n::day_long(lang, d)
            )
        })
        .unwrap_or_default();
    ui.heading(t!(lang, "today-title", day = today));
    let work = data.work();
    if data.participants.is_empty() {
        ui.label(t!(lang, "today-no-participants"));
    } else if work.is_empty() {
        ui.label(t!(lang, "today-nothing-due"));
    } else {
        work_list(ui, study, &work, view);
    }
    ui.add_space(20.0);
    ui.heading(t!(lang, "sites-title"));
    egui::Grid::new("sites")
        .num_columns(5)
        .spacing([28.0, 8.0])
        .striped(true)
        .show(ui, |ui| {
            for h in [
                t!(lang, "sites-site"),
                t!(lang, "sites-participants"),
                t!(lang, "sites-due"),
                t!(lang, "sites-late"),
                t!(lang, "sites-paused"),
            ] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for c in data.sites(study) {
                ui.label(&c.site);
                ui.label(c.participants.to_string());
                ui.label(c.due.to_string());
                let late = RichText::new(c.late.to_string());
                ui.label(if c.late > 0 {
                    late.color(WARN).strong()
                } else {
                    late
                });
                ui.label(c.paused.to_string());
                ui.end_row();
            }
        });
    None
}
