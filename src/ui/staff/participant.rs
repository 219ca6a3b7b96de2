//! A participant's page: consent and contact permissions, the current
//! episode's timeline with an action per form, the anchor date (editable
//! until the baseline is completed), end of treatment, a new episode, and
//! withdrawal of consent. Earlier episodes are shown read-only.

use eframe::egui::{self, Button, RichText, Vec2};
use uuid::Uuid;

use super::today::{form_text, state_text, window_text};
use super::{StaffAction, named_button, parse_date};
use crate::clinic::Clinic;
use crate::form::{Lang, Respondent};
use crate::protocol::Study;
use crate::schedule::{Row, State};
use crate::store::{Episode, Participant};
use crate::ui::theme::{WARN, toggle};

/// How an episode ended: stored code and what staff reads.
pub const END_TYPES: &[(&str, &str)] = &[
    ("completed", "Treatment completed"),
    ("dropped_out", "Dropped out"),
    ("transferred", "Transferred"),
    ("discharged", "Discharged"),
    ("died", "Died"),
    ("other", "Other"),
];

/// Half-filled fields of the page; cleared when another page is shown.
#[derive(Default)]
pub struct PageDraft {
    pub missed: Option<MissedDraft>,
    /// The anchor being corrected.
    pub anchor: Option<String>,
    pub end_date: String,
    pub end_type: Option<&'static str>,
    pub new_anchor: String,
    /// The withdrawal date being confirmed.
    pub withdraw: Option<String>,
    /// A typed date that does not parse, and the like.
    pub problem: Option<String>,
}

pub struct MissedDraft {
    pub episode: Uuid,
    pub form: String,
    pub occurrence: u32,
    pub title: String,
    pub reason: String,
}

fn end_label(code: &str) -> &str {
    END_TYPES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, l)| l)
}

pub fn participant_ui(
    ui: &mut egui::Ui,
    study: &Study,
    data: &Clinic,
    p: &Participant,
    d: &mut PageDraft,
) -> Option<StaffAction> {
    let mut action = None;
    ui.heading(format!("Participant {}", p.study_code));
    let label = p
        .label
        .as_deref()
        .map(|l| format!("Label: {l} · "))
        .unwrap_or_default();
    ui.label(format!(
        "{label}Site {} · enrolled {}",
        p.site,
        p.enrolled_at.get(..10).unwrap_or("")
    ));
    let withdrawn = p.consent.as_ref().and_then(|c| c.withdrawn_at);
    if let Some(c) = &p.consent {
        let yn = |b: bool| if b { "yes" } else { "no" };
        ui.label(format!(
            "Consent {} (form version {}) · may be contacted for an interview: {} · relatives may be contacted: {}",
            c.date,
            c.version,
            yn(c.contact_interview),
            yn(c.contact_relatives)
        ));
    }
    if let Some(on) = withdrawn {
        ui.label(
            RichText::new(format!(
                "Consent withdrawn on {on}: nothing more is collected. Answers given before are kept."
            ))
            .color(WARN)
            .strong(),
        );
    }
    if let Some(problem) = &d.problem {
        ui.label(RichText::new(problem).color(WARN));
    }
    let episodes: Vec<&Episode> = data.episodes_of(p.id).collect();
    let Some((current, earlier)) = episodes.split_last() else {
        ui.label("No treatment episode recorded.");
        return None;
    };
    ui.separator();
    let n = episodes.len();
    ui.heading(if n > 1 {
        format!("Episode {n} (current)")
    } else {
        "Treatment episode".to_owned()
    });
    if let Some(a) = episode_ui(ui, study, data, p, current, withdrawn.is_none(), d) {
        action = Some(a);
    }
    for (i, e) in earlier.iter().enumerate().rev() {
        let title = format!(
            "Episode {} · {} – {} (read-only)",
            i + 1,
            e.anchor_date,
            e.end_date.map(|d| d.to_string()).unwrap_or_default()
        );
        egui::CollapsingHeader::new(title)
            .id_salt(e.id)
            .show(ui, |ui| {
                if let Some(Ok(rows)) = data.rows(e.id) {
                    timeline(ui, data, p, e, rows, false, d);
                }
            });
    }
    if withdrawn.is_none() {
        ui.separator();
        if let Some(a) = withdraw_ui(ui, p, d) {
            action = Some(a);
        }
    }
    action
}

/// The current episode: dates, timeline, and the actions that change it.
fn episode_ui(
    ui: &mut egui::Ui,
    study: &Study,
    data: &Clinic,
    p: &Participant,
    e: &Episode,
    collecting: bool,
    d: &mut PageDraft,
) -> Option<StaffAction> {
    let mut action = None;
    let rows = match data.rows(e.id) {
        Some(Ok(rows)) => rows.as_slice(),
        Some(Err(err)) => {
            ui.label(RichText::new(err).color(WARN));
            &[]
        }
        None => &[],
    };
    let baseline = study.timepoints.first().map(|t| t.form.id.as_str());
    let baseline_done = rows
        .iter()
        .any(|r| Some(r.form.as_str()) == baseline && matches!(r.state, State::Completed { .. }));
    ui.horizontal(|ui| {
        ui.label(format!("{}: {}", study.anchor.get(Lang::En), e.anchor_date));
        if collecting
            && !baseline_done
            && d.anchor.is_none()
            && ui.button("Correct anchor date").clicked()
        {
            d.anchor = Some(e.anchor_date.to_string());
        }
    });
    if let Some(typed) = &mut d.anchor {
        let mut problem = None;
        let mut close = false;
        ui.horizontal(|ui| {
            let l = ui.label("New anchor date");
            ui.text_edit_singleline(typed).labelled_by(l.id);
            if ui
                .add(Button::new("Save anchor").min_size(Vec2::new(0.0, 40.0)))
                .clicked()
            {
                match parse_date(typed, "The anchor date") {
                    Ok(anchor) => {
                        action = Some(StaffAction::SetAnchor {
                            episode: e.id,
                            anchor,
                        })
                    }
                    Err(err) => problem = Some(err),
                }
            }
            close = ui.button("Cancel").clicked();
        });
        if close || action.is_some() {
            d.anchor = None;
        }
        if problem.is_some() {
            d.problem = problem;
        }
    }
    if let Some(end) = e.end_date {
        ui.label(format!(
            "Treatment ended {end}: {}",
            end_label(e.end_type.as_deref().unwrap_or("other"))
        ));
    }
    if let Some(a) = timeline(ui, data, p, e, rows, collecting, d) {
        action = Some(a);
    }
    if let Some(a) = missed_ui(ui, d) {
        action = Some(a);
    }
    if !collecting {
        return action;
    }
    ui.add_space(8.0);
    match e.end_date {
        None => {
            ui.label(RichText::new("End of treatment").strong());
            ui.horizontal_wrapped(|ui| {
                let l = ui.label("End date");
                ui.add(
                    egui::TextEdit::singleline(&mut d.end_date)
                        .desired_width(120.0)
                        .hint_text("YYYY-MM-DD"),
                )
                .labelled_by(l.id);
                for (code, label) in END_TYPES {
                    if ui.add(toggle(d.end_type == Some(code), *label)).clicked() {
                        d.end_type = Some(code);
                    }
                }
            });
            let ready = d.end_type.is_some() && !d.end_date.trim().is_empty();
            if ui
                .add_enabled(
                    ready,
                    Button::new("Record end of treatment").min_size(Vec2::new(0.0, 40.0)),
                )
                .clicked()
                && let Some(end_type) = d.end_type
            {
                match parse_date(&d.end_date, "The end date") {
                    Ok(end) => {
                        action = Some(StaffAction::EndEpisode {
                            episode: e.id,
                            end,
                            end_type,
                        })
                    }
                    Err(err) => d.problem = Some(err),
                }
            }
        }
        Some(_) => {
            ui.label(RichText::new("Returning to treatment").strong());
            ui.horizontal(|ui| {
                let l = ui.label("New anchor date");
                ui.add(
                    egui::TextEdit::singleline(&mut d.new_anchor)
                        .desired_width(120.0)
                        .hint_text("YYYY-MM-DD"),
                )
                .labelled_by(l.id);
                if ui
                    .add(Button::new("Start new episode").min_size(Vec2::new(0.0, 40.0)))
                    .clicked()
                {
                    match parse_date(&d.new_anchor, "The new anchor date") {
                        Ok(anchor) => {
                            action = Some(StaffAction::NewEpisode {
                                participant: p.id,
                                anchor,
                            })
                        }
                        Err(err) => d.problem = Some(err),
                    }
                }
            });
        }
    }
    action
}

/// Every form of an episode with its dates and state; with `active`, a
/// button per row to start, resume or fill it in, or to mark it missed.
fn timeline(
    ui: &mut egui::Ui,
    data: &Clinic,
    p: &Participant,
    e: &Episode,
    rows: &[Row],
    active: bool,
    d: &mut PageDraft,
) -> Option<StaffAction> {
    let mut action = None;
    egui::Grid::new(("timeline", e.id))
        .num_columns(5)
        .spacing([14.0, 6.0])
        .striped(true)
        .show(ui, |ui| {
            for h in ["Form", "Target", "Window", "State", ""] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for row in rows {
                let title = row.title(Lang::En);
                ui.label(form_text(row));
                ui.label(row.target.map(|t| t.to_string()).unwrap_or_default());
                ui.label(window_text(row));
                ui.label(state_text(&row.state));
                if active {
                    ui.horizontal(|ui| {
                        if let Some(a) = row_actions(ui, data, p, e, row, &title, d) {
                            action = Some(a);
                        }
                    });
                } else {
                    ui.label("");
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
    let patient = row.respondent == Respondent::Patient;
    if let Some(s) = data.open_session(e.id, row) {
        let text = if patient {
            "Resume with patient"
        } else {
            "Continue"
        };
        return named_button(ui, text, &format!("{text}: {title}"))
            .then_some(StaffAction::Resume(s.id));
    }
    let mut action = None;
    if row.state.is_due() || row.state == State::Available {
        let text = match (patient, row.state == State::Available) {
            (true, _) => "Give to patient",
            (false, true) => "Record new",
            (false, false) => "Fill in",
        };
        if named_button(ui, text, &format!("{text}: {title}")) {
            action = Some(StaffAction::Start {
                participant: p.id,
                episode: e.id,
                form: row.form.clone(),
                occurrence: data.next_occurrence(e.id, row),
            });
        }
    }
    if matches!(row.state, State::Open | State::Late { .. } | State::Closed)
        && named_button(ui, "Missed…", &format!("Mark missed: {title}"))
    {
        d.missed = Some(MissedDraft {
            episode: e.id,
            form: row.form.clone(),
            occurrence: row.occurrence.unwrap_or(0),
            title: title.to_owned(),
            reason: String::new(),
        });
    }
    action
}

fn missed_ui(ui: &mut egui::Ui, d: &mut PageDraft) -> Option<StaffAction> {
    let m = d.missed.as_mut()?;
    let mut action = None;
    let mut close = false;
    ui.group(|ui| {
        ui.label(RichText::new(format!("Mark {} as missed", m.title)).strong());
        let l = ui.label("Reason (kept sealed)");
        ui.text_edit_singleline(&mut m.reason).labelled_by(l.id);
        ui.horizontal(|ui| {
            let ready = !m.reason.trim().is_empty();
            if ui
                .add_enabled(
                    ready,
                    Button::new("Save missed").min_size(Vec2::new(0.0, 40.0)),
                )
                .clicked()
            {
                action = Some(StaffAction::MarkMissed {
                    episode: m.episode,
                    form: m.form.clone(),
                    occurrence: m.occurrence,
                    reason: m.reason.trim().to_owned(),
                });
                close = true;
            }
            if ui.button("Cancel").clicked() {
                close = true;
            }
        });
    });
    if close {
        d.missed = None;
    }
    action
}

fn withdraw_ui(ui: &mut egui::Ui, p: &Participant, d: &mut PageDraft) -> Option<StaffAction> {
    let mut action = None;
    match &mut d.withdraw {
        None => {
            if ui.button("Withdraw consent…").clicked() {
                d.withdraw = Some(String::new());
            }
        }
        Some(typed) => {
            ui.label(
                RichText::new(
                    "Withdrawing consent stops all further questionnaires for this participant. \
                     Answers already given are kept, as the protocol says, and the withdrawal \
                     is sent to the research store.",
                )
                .color(WARN),
            );
            let mut cancel = false;
            ui.horizontal(|ui| {
                let l = ui.label("Withdrawn on");
                ui.add(
                    egui::TextEdit::singleline(typed)
                        .desired_width(120.0)
                        .hint_text("YYYY-MM-DD"),
                )
                .labelled_by(l.id);
                if ui
                    .add(Button::new("Confirm withdrawal").min_size(Vec2::new(0.0, 40.0)))
                    .clicked()
                {
                    match parse_date(typed, "The withdrawal date") {
                        Ok(on) => {
                            action = Some(StaffAction::Withdraw {
                                participant: p.id,
                                on,
                            })
                        }
                        Err(err) => d.problem = Some(err),
                    }
                }
                cancel = ui.button("Cancel").clicked();
            });
            if cancel || action.is_some() {
                d.withdraw = None;
            }
        }
    }
    action
}
