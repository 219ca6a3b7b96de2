//! Staff screens: set-up and unlock, and a simple home to enrol a
//! participant and hand a questionnaire to the patient.

mod access;
mod enrol;

pub use access::{SetupDraft, UnlockDraft, UnlockWith, recovery_ui, setup_ui, unlock_ui};
pub use enrol::{EnrolDraft, enrol_ui};

use std::collections::HashMap;

use chrono::NaiveDate;
use eframe::egui::{self, Button, RichText, Vec2};
use uuid::Uuid;

use crate::form::{Lang, Respondent};
use crate::protocol::Study;
use crate::schedule::{EpisodeDates, Fact, Happened, Row, State, schedule};
use crate::store::{Episode, Participant, SessionStatus, SessionSummary};
use crate::ui::theme::{TOUCH, WARN};

/// What the staff screens show, read from the store when something changes
/// (never per frame).
#[derive(Default)]
pub struct StaffData {
    pub device: String,
    pub participants: Vec<Participant>,
    pub episodes: Vec<Episode>,
    pub sessions: Vec<SessionSummary>,
    /// Each episode's schedule, computed here rather than every frame.
    pub schedules: HashMap<Uuid, Result<Vec<Row>, String>>,
}

/// The schedule of every episode as of `today`, from the sessions recorded.
pub fn schedules(
    study: &Study,
    episodes: &[Episode],
    sessions: &[SessionSummary],
    today: NaiveDate,
) -> HashMap<Uuid, Result<Vec<Row>, String>> {
    episodes
        .iter()
        .map(|e| {
            let dates = EpisodeDates {
                anchor: e.anchor_date,
                end: e.end_date,
            };
            let rows = schedule(study, dates, today, &facts(sessions, e.id));
            (e.id, rows.map_err(|err| err.to_string()))
        })
        .collect()
}

#[derive(Default)]
pub struct StaffView {
    pub selected: Option<Uuid>,
    pub enrolling: Option<EnrolDraft>,
    pub search: String,
}

/// What staff asked for.
pub enum StaffAction {
    Lock,
    Enrol(EnrolDraft),
    /// Start a new session of a form for the participant's current episode.
    Start {
        participant: Uuid,
        episode: Uuid,
        form: String,
    },
    Resume(Uuid),
}

pub fn home_ui(
    ui: &mut egui::Ui,
    study: &Study,
    data: &StaffData,
    view: &mut StaffView,
    error: Option<&str>,
) -> Option<StaffAction> {
    let mut action = None;
    egui::Panel::top("staff_top").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.heading(format!("Kohort · {}", study.title.get(Lang::En)));
            ui.label(format!("Tablet: {}", data.device));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .add(Button::new("Lock").min_size(Vec2::new(100.0, 40.0)))
                    .clicked()
                {
                    action = Some(StaffAction::Lock);
                }
            });
        });
        if let Some(e) = error {
            ui.label(RichText::new(e).color(WARN));
        }
    });
    egui::Panel::left("participants")
        .default_size(320.0)
        .show(ui, |ui| {
            ui.heading("Participants");
            if ui
                .add(Button::new("Enrol participant").min_size(Vec2::new(220.0, 40.0)))
                .clicked()
            {
                view.enrolling = Some(EnrolDraft::new());
                view.selected = None;
            }
            let l = ui.label("Search by study code or label");
            ui.text_edit_singleline(&mut view.search).labelled_by(l.id);
            let needle = view.search.to_lowercase();
            egui::ScrollArea::vertical().show(ui, |ui| {
                for p in &data.participants {
                    let label = p.label.as_deref().unwrap_or("");
                    let hay = format!("{} {}", p.study_code, label).to_lowercase();
                    if !needle.is_empty() && !hay.contains(&needle) {
                        continue;
                    }
                    let text = if label.is_empty() {
                        p.study_code.clone()
                    } else {
                        format!("{} · {label}", p.study_code)
                    };
                    let b = crate::ui::theme::toggle(view.selected == Some(p.id), text)
                        .min_size(Vec2::new(ui.available_width(), 40.0));
                    if ui.add(b).clicked() {
                        view.selected = Some(p.id);
                        view.enrolling = None;
                    }
                }
            });
        });
    egui::CentralPanel::default().show(ui, |ui| {
        if let Some(draft) = &mut view.enrolling {
            if let Some(done) = enrol_ui(ui, draft) {
                action = Some(StaffAction::Enrol(done));
            }
            return;
        }
        let Some(p) = view
            .selected
            .and_then(|id| data.participants.iter().find(|p| p.id == id))
        else {
            ui.label("Choose a participant, or enrol a new one.");
            return;
        };
        if let Some(a) = participant_ui(ui, data, p) {
            action = Some(a);
        }
    });
    action
}

/// The date part of a stored RFC 3339 time.
fn day(at: &str) -> Option<NaiveDate> {
    at.get(..10)?.parse().ok()
}

/// What happened to each patient form of the episode, for the schedule.
fn facts(sessions: &[SessionSummary], episode: Uuid) -> Vec<Fact> {
    sessions
        .iter()
        .filter(|s| s.episode == episode && s.respondent == Respondent::Patient)
        .filter_map(|s| {
            let started = day(&s.started_at)?;
            let happened = match s.status {
                SessionStatus::Completed => Happened::Completed {
                    on: s.completed_at.as_deref().and_then(day).unwrap_or(started),
                },
                SessionStatus::Paused => Happened::Paused {
                    started,
                    progress: None,
                },
                SessionStatus::InProgress => Happened::InProgress {
                    started,
                    progress: None,
                },
                SessionStatus::Abandoned => Happened::Abandoned { on: started },
            };
            Some(Fact {
                form: s.form_id.clone(),
                occurrence: 0,
                happened,
            })
        })
        .collect()
}

fn participant_ui(ui: &mut egui::Ui, data: &StaffData, p: &Participant) -> Option<StaffAction> {
    let mut action = None;
    ui.heading(&p.study_code);
    ui.label(format!("Site: {}", p.site));
    if let Some(label) = &p.label {
        ui.label(format!("Label: {label}"));
    }
    let Some(episode) = data
        .episodes
        .iter()
        .filter(|e| e.participant == p.id)
        .max_by_key(|e| e.anchor_date)
    else {
        ui.label("No treatment episode recorded.");
        return None;
    };
    ui.label(format!("Anchor date: {}", episode.anchor_date));
    ui.add_space(12.0);
    ui.heading("Patient questionnaires");
    let rows = match data.schedules.get(&episode.id) {
        Some(Ok(rows)) => rows,
        Some(Err(e)) => {
            ui.label(RichText::new(e).color(WARN));
            return None;
        }
        None => return None,
    };
    egui::Grid::new("forms")
        .num_columns(4)
        .spacing([24.0, 10.0])
        .striped(true)
        .show(ui, |ui| {
            for row in rows.iter().filter(|r| r.respondent == Respondent::Patient) {
                let title = row.title(Lang::En);
                ui.label(&title);
                ui.label(match (row.opens, row.closes) {
                    (Some(o), Some(c)) => format!("{o} – {c}"),
                    (Some(o), None) => format!("from {o}"),
                    _ => String::new(),
                });
                let late = matches!(row.state, State::Late { .. });
                let label = RichText::new(row.state.label(Lang::En));
                ui.label(if late {
                    label.color(WARN).strong()
                } else {
                    label
                });
                let open_session = data
                    .sessions
                    .iter()
                    .filter(|s| s.episode == episode.id && s.form_id == row.form)
                    .filter(|s| {
                        matches!(s.status, SessionStatus::Paused | SessionStatus::InProgress)
                    })
                    .max_by_key(|s| s.started_at.clone());
                let big = Vec2::new(0.0, TOUCH * 0.7);
                if let Some(s) = open_session {
                    if ui
                        .add(Button::new(format!("Resume with patient: {title}")).min_size(big))
                        .clicked()
                    {
                        action = Some(StaffAction::Resume(s.id));
                    }
                } else if row.state.is_due() {
                    if ui
                        .add(Button::new(format!("Give to patient: {title}")).min_size(big))
                        .clicked()
                    {
                        action = Some(StaffAction::Start {
                            participant: p.id,
                            episode: episode.id,
                            form: row.form.clone(),
                        });
                    }
                } else {
                    ui.label("");
                }
                ui.end_row();
            }
        });
    action
}
