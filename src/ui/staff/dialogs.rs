//! The dialogs over a participant's page: mark a form missed, correct the
//! anchor date, record the end of treatment, start a new episode, withdraw
//! consent. Modal, so each is in view wherever the page is scrolled.

use crate::ui::theme::STAFF_TOUCH;
use eframe::egui::{self, Button, RichText, Vec2};
use uuid::Uuid;

use super::{STAFF_LANG, StaffAction, parse_date};
use crate::ui::theme::{WARN, toggle};
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
        date: String,
    },
    End {
        episode: Uuid,
        date: String,
        end_type: Option<EndType>,
    },
    NewEpisode {
        date: String,
    },
    Withdraw {
        date: String,
    },
}

/// How an episode ended, as staff reads it.
pub fn end_label(t: EndType) -> &'static str {
    match t {
        EndType::Completed => "Treatment completed",
        EndType::DroppedOut => "Dropped out",
        EndType::Transferred => "Transferred",
        EndType::Discharged => "Discharged",
        EndType::Died => "Died",
        EndType::Other => "Other",
    }
}

fn date_field(ui: &mut egui::Ui, label: &str, value: &mut String) {
    ui.horizontal(|ui| {
        let l = ui.label(label);
        ui.add(
            egui::TextEdit::singleline(value)
                .desired_width(130.0)
                .hint_text("YYYY-MM-DD"),
        )
        .labelled_by(l.id);
    });
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
        close = ui.button("Cancel").clicked();
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

fn confirm(ui: &mut egui::Ui, text: &str, ready: bool) -> bool {
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
    ui.heading(format!("Mark {title} as missed"));
    if !study.missed_reasons.is_empty() {
        ui.label("Why?");
        ui.horizontal_wrapped(|ui| {
            for r in &study.missed_reasons {
                let chosen = *code == Some(r.code);
                if ui.add(toggle(chosen, r.text.get(STAFF_LANG))).clicked() {
                    *code = (!chosen).then_some(r.code);
                }
            }
        });
    }
    let l = ui.label(if study.missed_reasons.is_empty() {
        "Reason (kept sealed)"
    } else {
        "More about it (optional, kept sealed)"
    });
    ui.text_edit_singleline(reason).labelled_by(l.id);
    let ready = code.is_some() || !reason.trim().is_empty();
    Ok(
        confirm(ui, "Save missed", ready).then(|| StaffAction::MarkMissed {
            episode,
            form: form.to_owned(),
            occurrence,
            code: *code,
            reason: reason.trim().to_owned(),
        }),
    )
}

fn anchor_ui(ui: &mut egui::Ui, episode: Uuid, date: &mut String) -> Asked {
    ui.heading("Correct the anchor date");
    ui.label("Allowed until the baseline is completed; the change is audited.");
    date_field(ui, "New anchor date", date);
    if !confirm(ui, "Save anchor", true) {
        return Ok(None);
    }
    let anchor = parse_date(date, "The anchor date")?;
    Ok(Some(StaffAction::SetAnchor { episode, anchor }))
}

fn end_ui(
    ui: &mut egui::Ui,
    episode: Uuid,
    date: &mut String,
    end_type: &mut Option<EndType>,
) -> Asked {
    ui.heading("End of treatment");
    ui.label("Both end-of-treatment forms become due; later timepoints are no longer collected.");
    date_field(ui, "End date", date);
    ui.horizontal_wrapped(|ui| {
        for t in EndType::ALL {
            if ui.add(toggle(*end_type == Some(t), end_label(t))).clicked() {
                *end_type = Some(t);
            }
        }
    });
    let Some(end_type) = *end_type else {
        confirm(ui, "Record end of treatment", false);
        return Ok(None);
    };
    if !confirm(ui, "Record end of treatment", true) {
        return Ok(None);
    }
    let end = parse_date(date, "The end date")?;
    Ok(Some(StaffAction::EndEpisode {
        episode,
        end,
        end_type,
    }))
}

fn new_episode_ui(ui: &mut egui::Ui, participant: Uuid, date: &mut String) -> Asked {
    ui.heading("Returning to treatment");
    ui.label(
        "A new episode gets its own anchor date and schedule; earlier episodes stay as they are.",
    );
    date_field(ui, "New anchor date", date);
    if !confirm(ui, "Start new episode", true) {
        return Ok(None);
    }
    let anchor = parse_date(date, "The new anchor date")?;
    Ok(Some(StaffAction::NewEpisode {
        participant,
        anchor,
    }))
}

fn withdraw_ui(ui: &mut egui::Ui, participant: Uuid, date: &mut String) -> Asked {
    ui.heading("Withdraw consent");
    ui.label(
        RichText::new(
            "This stops all further questionnaires for this participant. Answers \
             already given are kept, as the protocol says, and the withdrawal is \
             sent to the research store.",
        )
        .color(WARN),
    );
    date_field(ui, "Withdrawn on", date);
    if !confirm(ui, "Confirm withdrawal", true) {
        return Ok(None);
    }
    let on = parse_date(date, "The withdrawal date")?;
    Ok(Some(StaffAction::Withdraw { participant, on }))
}
