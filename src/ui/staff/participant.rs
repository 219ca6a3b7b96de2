//! A participant's page: consent and contact permissions, the current
//! episode's timeline with an action per form, the anchor date (editable
//! until the baseline is completed), end of treatment, a new episode, and
//! withdrawal of consent. Earlier episodes are shown read-only.

use eframe::egui::{self, RichText};

use super::dialogs::{Dialog, PageDraft, dialog_ui, end_label};
use super::today::{form_text, state_label, state_text, window_text};
use super::{StaffAction, named_button};
use crate::core::clinic::Clinic;
use crate::i18n;
use crate::t;
use crate::ui::lang::staff_lang;
use crate::ui::theme::WARN;
use chrono::NaiveDate;
use kohort_form::Respondent;
use kohort_form::schedule::{EndType, Row, State};
use kohort_form::study::Study;
use kohort_tablet::store::{Episode, Participant};

pub fn participant_ui(
    ui: &mut egui::Ui,
    study: &Study,
    data: &Clinic,
    p: &Participant,
    d: &mut PageDraft,
) -> Option<StaffAction> {
    let mut action = None;
    let lang = staff_lang(ui.ctx());
    ui.heading(t!(lang, "participant-title", code = &p.study_code));
    let label = p
        .label
        .as_deref()
        .map(|l| t!(lang, "participant-label", label = l) + " · ")
        .unwrap_or_default();
    let enrolled = i18n::day_long(
        lang,
        p.enrolled_at.with_timezone(&chrono::Local).date_naive(),
    );
    ui.label(
        label
            + &t!(
                lang,
                "participant-site",
                site = &p.site,
                enrolled = enrolled
            ),
    );
    if let Some(a) = super::read_aloud::participant_switch(ui, data, p) {
        action = Some(a);
    }
    let withdrawn = p.consent.as_ref().and_then(|c| c.withdrawn_at);
    if let Some(c) = &p.consent {
        let yn = |b: bool| if b { t!(lang, "yes") } else { t!(lang, "no") };
        ui.horizontal_wrapped(|ui| {
            ui.label(t!(
                lang,
                "participant-consent",
                date = i18n::day_long(lang, c.date),
                version = &c.version,
                interview = yn(c.contact_interview),
                relatives = yn(c.contact_relatives)
            ));
            if withdrawn.is_none() && ui.button(t!(lang, "participant-withdraw")).clicked() {
                d.dialog = Some(Dialog::Withdraw { date: today(data) });
            }
        });
    }
    if let Some(on) = withdrawn {
        ui.label(
            RichText::new(t!(
                lang,
                "participant-withdrawn",
                on = i18n::day_long(lang, on)
            ))
            .color(WARN)
            .strong(),
        );
    }
    let episodes: Vec<&Episode> = data.episodes_of(p.id).collect();
    let Some((current, earlier)) = episodes.split_last() else {
        ui.label(t!(lang, "participant-no-episode"));
        return None;
    };
    ui.separator();
    let n = episodes.len();
    ui.heading(if n > 1 {
        t!(lang, "episode-current", number = n)
    } else {
        t!(lang, "episode-title")
    });
    let collecting = withdrawn.is_none();
    episode_header(ui, study, data, current, collecting, d);
    let rows = match data.rows(current.id) {
        Some(Ok(rows)) => rows.as_slice(),
        Some(Err(err)) => {
            ui.label(RichText::new(err).color(WARN));
            &[]
        }
        None => &[],
    };
    if let Some(a) = timeline(ui, (study, data), p, current, rows, collecting, d) {
        action = Some(a);
    }
    for (i, e) in earlier.iter().enumerate().rev() {
        let title = t!(
            lang,
            "episode-earlier",
            number = i + 1,
            from = i18n::day_short(lang, e.anchor_date),
            to = e
                .end_date
                .map(|d| i18n::day_short(lang, d))
                .unwrap_or_default()
        );
        egui::CollapsingHeader::new(title)
            .id_salt(e.id)
            .show(ui, |ui| {
                if let Some(Ok(rows)) = data.rows(e.id) {
                    timeline(ui, (study, data), p, e, rows, false, d);
                }
            });
    }
    if let Some(a) = dialog_ui(ui, study, p, d) {
        action = Some(a);
    }
    action
}

fn today(data: &Clinic) -> NaiveDate {
    data.today
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// The episode's dates and the buttons that change them.
fn episode_header(
    ui: &mut egui::Ui,
    study: &Study,
    data: &Clinic,
    e: &Episode,
    collecting: bool,
    d: &mut PageDraft,
) {
    let rows = match data.rows(e.id) {
        Some(Ok(rows)) => rows.as_slice(),
        _ => &[],
    };
    let baseline = study.timepoints.first().map(|t| t.form.id.as_str());
    let baseline_done = rows
        .iter()
        .any(|r| Some(r.form.as_str()) == baseline && matches!(r.state, State::Completed { .. }));
    let lang = staff_lang(ui.ctx());
    ui.horizontal_wrapped(|ui| {
        ui.label(format!(
            "{}: {}",
            study.anchor.get(lang),
            i18n::day_long(lang, e.anchor_date)
        ));
        if collecting && !baseline_done && ui.button(t!(lang, "episode-correct-anchor")).clicked() {
            d.dialog = Some(Dialog::Anchor {
                episode: e.id,
                date: e.anchor_date,
            });
        }
        match e.end_date {
            Some(end) => {
                ui.label(t!(
                    lang,
                    "episode-ended",
                    on = i18n::day_long(lang, end),
                    how = end_label(lang, e.end_type.unwrap_or(EndType::Other))
                ));
                if collecting && ui.button(t!(lang, "episode-new")).clicked() {
                    d.dialog = Some(Dialog::NewEpisode { date: today(data) });
                }
            }
            None => {
                if collecting && ui.button(t!(lang, "episode-end")).clicked() {
                    d.dialog = Some(Dialog::End {
                        episode: e.id,
                        date: today(data),
                        end_type: None,
                    });
                }
            }
        }
    });
}

/// Every form of an episode with its dates and state; with `active`, a
/// button per row to start, resume or fill it in, or to mark it missed.
fn timeline(
    ui: &mut egui::Ui,
    (study, data): (&Study, &Clinic),
    p: &Participant,
    e: &Episode,
    rows: &[Row],
    active: bool,
    d: &mut PageDraft,
) -> Option<StaffAction> {
    let mut action = None;
    let lang = staff_lang(ui.ctx());
    egui::Grid::new(("timeline", e.id))
        .num_columns(4)
        .max_col_width(250.0)
        .spacing([14.0, 6.0])
        .striped(true)
        .show(ui, |ui| {
            for h in [
                t!(lang, "work-form"),
                t!(lang, "timeline-target"),
                t!(lang, "work-state"),
                String::new(),
            ] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for row in rows {
                let title = row.title(lang);
                ui.add(egui::Label::new(form_text(lang, row)).wrap());
                let target = row
                    .target
                    .map(|t| i18n::day_short(lang, t))
                    .unwrap_or_default();
                ui.label(target).on_hover_text(window_text(lang, row));
                let state = match (&row.state, row.opens, row.closes) {
                    (State::Upcoming, Some(o), _) => {
                        RichText::new(t!(lang, "timeline-opens", day = i18n::day_short(lang, o)))
                    }
                    (State::Open, _, Some(c)) => RichText::new(t!(
                        lang,
                        "timeline-open-until",
                        day = i18n::day_short(lang, c)
                    ))
                    .strong(),
                    (s @ State::Completed { .. }, _, _) if data.purged(e.id, row) => {
                        RichText::new(t!(
                            lang,
                            "timeline-at-store",
                            state = state_label(lang, study, s)
                        ))
                    }
                    (s, _, _) => state_text(lang, study, s),
                };
                ui.add(egui::Label::new(state).wrap());
                if active {
                    ui.horizontal(|ui| {
                        if let Some(a) = row_actions(ui, data, p, e, row, &title, d) {
                            action = Some(a);
                        }
                    });
                } else {
                    ui.label(String::new());
                }
                ui.end_row();
            }
        });
    action
}

fn row_actions(
    ui: &mut egui::Ui,
    data: &Clinic,
    p: &Participant,
    e: &Episode,
    row: &Row,
    title: &str,
    d: &mut PageDraft,
) -> Option<StaffAction> {
    let lang = staff_lang(ui.ctx());
    let patient = row.respondent == Respondent::Patient;
    // The "record another" row of an event form always starts a new one;
    // a paused event has its own numbered row with Continue.
    let resumable = (row.state != State::Available)
        .then(|| data.open_session(e.id, row))
        .flatten();
    if let Some(s) = resumable {
        let text = if patient {
            t!(lang, "row-resume-patient")
        } else {
            t!(lang, "row-continue")
        };
        return named_button(ui, &text, &format!("{text}: {title}"))
            .then_some(StaffAction::Resume(s.id));
    }
    let mut action = None;
    if row.state.is_due() || row.state == State::Available {
        let text = match (patient, row.state == State::Available) {
            (true, _) => t!(lang, "row-give"),
            (false, true) => t!(lang, "row-record-new"),
            (false, false) => t!(lang, "row-fill-in"),
        };
        if named_button(ui, &text, &format!("{text}: {title}")) {
            action = Some(StaffAction::Start {
                participant: p.id,
                episode: e.id,
                form: row.form.clone(),
                occurrence: data.next_occurrence(e.id, row),
            });
        }
    }
    if matches!(row.state, State::Open | State::Late { .. } | State::Closed)
        && named_button(
            ui,
            &t!(lang, "row-missed"),
            &t!(lang, "row-missed-name", title = title),
        )
    {
        d.dialog = Some(Dialog::Missed {
            episode: e.id,
            form: row.form.clone(),
            occurrence: row.occurrence.unwrap_or(0),
            title: title.to_owned(),
            code: None,
            reason: String::new(),
        });
    }
    action
}
