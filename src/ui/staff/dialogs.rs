//! The dialogs over a participant's page: mark a form missed, correct the
//! anchor date, record the end of treatment, start a new episode, withdraw
//! consent. Modal, so each is in view wherever the page is scrolled.

use crate::ui::theme::STAFF_TOUCH;
use eframe::egui::{self, Button, RichText, Vec2};
use uuid::Uuid;

use super::StaffAction;
use crate::i18n::{self, Lang};
use crate::ui::lang::staff_lang;
use crate::ui::theme::{WARN, toggle};
use crate::ui::widgets::{FieldLook, date_row, touch_field};
use crate::{t, ts};
use chrono::NaiveDate;
use kohort_form::schedule::EndType;
use kohort_form::study::Study;
use kohort_tablet::store::Participant;

/// Half-filled fields of the page; cleared when another page is shown.
#[derive(Default)]
pub struct PageDraft {
    /// The dialog open over the page, if any.
    pub dialog: Option<Dialog>,
    /// A typed date that does not parse, and the like.
    pub problem: Option<String>,
}

/// A change that needs a few fields and a confirmation, shown as a modal
/// dialog so it is in view wherever the page is scrolled.
pub enum Dialog {
    Missed {
        episode: Uuid,
        form: String,
        occurrence: u32,
        title: String,
        /// The study's coded reason chosen, if any.
        code: Option<i64>,
        reason: String,
    },
    Anchor {
        episode: Uuid,
        date: NaiveDate,
    },
    End {
        episode: Uuid,
        date: NaiveDate,
        end_type: Option<EndType>,
    },
    NewEpisode {
        date: NaiveDate,
    },
    Withdraw {
        date: NaiveDate,
    },
}

/// How an episode ended, as staff reads it.
pub fn end_label(lang: Lang, t: EndType) -> String {
    match t {
        EndType::Completed => t!(lang, "end-completed"),
        EndType::DroppedOut => t!(lang, "end-dropped-out"),
        EndType::Transferred => t!(lang, "end-transferred"),
        EndType::Discharged => t!(lang, "end-discharged"),
        EndType::Died => t!(lang, "end-died"),
        EndType::Other => t!(lang, "end-other"),
    }
}

/// A date chosen by touch (no typing), shown as Norwegians write it.
fn date_field(ui: &mut egui::Ui, label: &str, value: &mut NaiveDate) {
    let lang = staff_lang(ui.ctx());
    ui.label(RichText::new(format!("{label}: {}", i18n::day_long(lang, *value))).strong());
    date_row(ui, label, value, lang);
}

/// The open dialog over the page: returns the confirmed action; Cancel or
/// a confirmed action closes it.
pub(super) fn dialog_ui(
    ui: &mut egui::Ui,
    study: &Study,
    p: &Participant,
    d: &mut PageDraft,
) -> Option<StaffAction> {
    let PageDraft {
        dialog: Some(dialog),
        problem: kept,
    } = d
    else {
        return None;
    };
    let mut action = None;
    let mut problem = None;
    let mut close = false;
    let modal = egui::Modal::new(ui.scope_id().with("participant_dialog")).show(ui.ctx(), |ui| {
        crate::ui::theme::staff(ui);
        ui.set_max_width(640.0);
        let asked = match dialog {
            Dialog::Missed {
                episode,
                form,
                occurrence,
                title,
                code,
                reason,
            } => missed_ui(
                ui,
                study,
                (*episode, form, *occurrence),
                title,
                (code, reason),
            ),
            Dialog::Anchor { episode, date } => anchor_ui(ui, *episode, date),
            Dialog::End {
                episode,
                date,
                end_type,
            } => end_ui(ui, *episode, date, end_type),
            Dialog::NewEpisode { date } => new_episode_ui(ui, p.id, date),
            Dialog::Withdraw { date } => withdraw_ui(ui, p.id, date),
        };
        match asked {
            Ok(a) => action = a,
            Err(e) => problem = Some(e),
        }
        if let Some(e) = problem.as_ref().or(kept.as_ref()) {
            ui.label(RichText::new(e).color(WARN));
        }
        close = ui.button(ts!(ui, "dialog-cancel")).clicked();
    });
    if problem.is_some() {
        *kept = problem;
    }
    if close || modal.should_close() || action.is_some() {
        d.dialog = None;
        d.problem = None;
    }
    action
}

fn confirm(ui: &mut egui::Ui, text: String, ready: bool) -> bool {
    ui.add_enabled(
        ready,
        Button::new(text).min_size(Vec2::new(0.0, STAFF_TOUCH)),
    )
    .clicked()
}

/// What a dialog asked for: nothing yet, an action, or what is wrong.
type Asked = Result<Option<StaffAction>, String>;

/// The study's coded reasons as buttons, and words of one's own (needed
/// when the study has no coded reasons).
fn missed_ui(
    ui: &mut egui::Ui,
    study: &Study,
    (episode, form, occurrence): (Uuid, &str, u32),
    title: &str,
    (code, reason): (&mut Option<i64>, &mut String),
) -> Asked {
    let lang = staff_lang(ui.ctx());
    ui.heading(t!(lang, "missed-title", title = title));
    if !study.missed_reasons.is_empty() {
        ui.label(t!(lang, "missed-why"));
        ui.horizontal_wrapped(|ui| {
            for r in &study.missed_reasons {
                let chosen = *code == Some(r.code);
                if ui.add(toggle(chosen, r.text.get(lang))).clicked() {
                    *code = (!chosen).then_some(r.code);
                }
            }
        });
    }
    let label = if study.missed_reasons.is_empty() {
        t!(lang, "missed-reason")
    } else {
        t!(lang, "missed-more")
    };
    let look = FieldLook {
        width: 520.0,
        ..Default::default()
    };
    ui.label(&label);
    touch_field(ui, lang, &t!(lang, "missed-reason-field"), reason, look);
    let ready = code.is_some() || !reason.trim().is_empty();
    Ok(
        confirm(ui, t!(lang, "missed-save"), ready).then(|| StaffAction::MarkMissed {
            episode,
            form: form.to_owned(),
            occurrence,
            code: *code,
            reason: reason.trim().to_owned(),
        }),
    )
}

fn anchor_ui(ui: &mut egui::Ui, episode: Uuid, date: &mut NaiveDate) -> Asked {
    let lang = staff_lang(ui.ctx());
    ui.heading(t!(lang, "anchor-title"));
    ui.label(t!(lang, "anchor-body"));
    date_field(ui, &t!(lang, "anchor-new"), date);
    if !confirm(ui, t!(lang, "anchor-save"), true) {
        return Ok(None);
    }
    Ok(Some(StaffAction::SetAnchor {
        episode,
        anchor: *date,
    }))
}

fn end_ui(
    ui: &mut egui::Ui,
    episode: Uuid,
    date: &mut NaiveDate,
    end_type: &mut Option<EndType>,
) -> Asked {
    let lang = staff_lang(ui.ctx());
    ui.heading(t!(lang, "end-title"));
    ui.label(t!(lang, "end-body"));
    date_field(ui, &t!(lang, "end-date"), date);
    ui.horizontal_wrapped(|ui| {
        for t in EndType::ALL {
            if ui
                .add(toggle(*end_type == Some(t), end_label(lang, t)))
                .clicked()
            {
                *end_type = Some(t);
            }
        }
    });
    let Some(end_type) = *end_type else {
        confirm(ui, t!(lang, "end-save"), false);
        return Ok(None);
    };
    if !confirm(ui, t!(lang, "end-save"), true) {
        return Ok(None);
    }
    Ok(Some(StaffAction::EndEpisode {
        episode,
        end: *date,
        end_type,
    }))
}

fn new_episode_ui(ui: &mut egui::Ui, participant: Uuid, date: &mut NaiveDate) -> Asked {
    let lang = staff_lang(ui.ctx());
    ui.heading(t!(lang, "new-episode-title"));
    ui.label(t!(lang, "new-episode-body"));
    date_field(ui, &t!(lang, "anchor-new"), date);
    if !confirm(ui, t!(lang, "new-episode-save"), true) {
        return Ok(None);
    }
    Ok(Some(StaffAction::NewEpisode {
        participant,
        anchor: *date,
    }))
}

fn withdraw_ui(ui: &mut egui::Ui, participant: Uuid, date: &mut NaiveDate) -> Asked {
    let lang = staff_lang(ui.ctx());
    ui.heading(t!(lang, "withdraw-title"));
    ui.label(RichText::new(t!(lang, "withdraw-body")).color(WARN));
    date_field(ui, &t!(lang, "withdraw-date"), date);
    if !confirm(ui, t!(lang, "withdraw-save"), true) {
        return Ok(None);
    }
    Ok(Some(StaffAction::Withdraw {
        participant,
        on: *date,
    }))
}
