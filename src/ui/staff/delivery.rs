//! The data manager's page: the batches and where each one is (sealed,
//! delivered, confirmed, purged), sessions waiting for a batch, the last
//! delivery and the research key; seal a batch, copy to a folder (a USB
//! stick), upload to TSD, apply a receipt, purge.
//!
//! Transfers run on a worker thread ([`Transfer`]) that only reads files
//! and talks to the destination; [`poll`] runs on the UI thread each frame
//! while one is under way and records what it reports in the store.

use std::path::{Path, PathBuf};

use chrono::Utc;
use eframe::egui::{self, Button, ProgressBar, RichText, Vec2};
use zeroize::Zeroizing;

use crate::ui::theme::WARN;
use kohort_tablet::store::{BatchState, MAX_RETENTION_DAYS, Store};
use kohort_tablet::sync::{self, Event, Exported, Status, Target, Transfer, Tsd};

/// The page's fields and what it shows, reloaded on every staff refresh.
pub struct DeliveryView {
    pub status: Option<Status>,
    pub load_error: Option<String>,
    pub folder: String,
    pub url: String,
    pub project: String,
    pub group: String,
    pub token_file: String,
    pub receipt: String,
    pub retention: String,
    /// The transfer under way or last finished.
    pub progress: Option<Progress>,
    /// What the last action did.
    pub message: Option<String>,
}

impl Default for DeliveryView {
    fn default() -> Self {
        DeliveryView {
            status: None,
            load_error: None,
            folder: "/media/".into(),
            url: "https://api.tsd.usit.no".into(),
            project: String::new(),
            group: String::new(),
            token_file: String::new(),
            receipt: String::new(),
            retention: String::new(),
            progress: None,
            message: None,
        }
    }
}

/// A transfer as the page shows it.
#[derive(Clone, Debug, Default)]
pub struct Progress {
    pub what: String,
    pub file: String,
    pub done: u64,
    pub total: u64,
    pub delivered: usize,
    /// The latest retry, while the transfer goes on.
    pub retry: Option<String>,
    pub running: bool,
    /// How it ended, when it failed.
    pub failed: Option<String>,
}

/// What the data manager asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeliveryAction {
    Seal,
    ToFolder(PathBuf),
    Upload {
        url: String,
        project: String,
        group: Option<String>,
        token_file: PathBuf,
    },
    Cancel,
    ApplyReceipt(PathBuf),
    Purge,
    SetRetention(u32),
}

/// Reads what the page shows.
pub fn load(store: &Store, db: &Path, view: &mut DeliveryView) {
    match Status::load(store, &sync::outbox(db), Utc::now()) {
        Ok(s) => {
            view.status = Some(s);
            view.load_error = None;
        }
        Err(e) => view.load_error = Some(e.to_string()),
    }
}

/// Carries out an action on the UI thread; a transfer goes to a worker.
pub fn act(
    store: &mut Store,
    db: &Path,
    action: DeliveryAction,
    view: &mut DeliveryView,
    transfer: &mut Option<Transfer>,
) -> Result<(), String> {
    let outbox = sync::outbox(db);
    let busy = || "A transfer is under way; wait for it or stop it first.".to_owned();
    view.message = None;
    match action {
        DeliveryAction::Seal => {
            std::fs::create_dir_all(&outbox)
                .map_err(|e| format!("Cannot create {}: {e}", outbox.display()))?;
            view.message = Some(
                match sync::export(store, &outbox).map_err(|e| e.to_string())? {
                    Exported::Nothing => "No completed session is waiting: nothing sealed.".into(),
                    Exported::Batch { seq, sessions, .. } => {
                        format!("Sealed batch {seq} with {sessions} session(s) into the outbox.")
                    }
                },
            );
        }
        DeliveryAction::ToFolder(dir) => {
            if transfer.is_some() {
                return Err(busy());
            }
            start(
                store,
                &outbox,
                Target::Folder(dir),
                "Copy to folder",
                view,
                transfer,
            )?;
        }
        DeliveryAction::Upload {
            url,
            project,
            group,
            token_file,
        } => {
            if transfer.is_some() {
                return Err(busy());
            }
            let token = Zeroizing::new(std::fs::read_to_string(&token_file).map_err(|e| {
                format!("Cannot read the token file {}: {e}", token_file.display())
            })?);
            let tsd =
                Tsd::new(&url, &project, group.as_deref(), &token).map_err(|e| e.to_string())?;
            start(
                store,
                &outbox,
                Target::Tsd(tsd),
                "Upload to TSD",
                view,
                transfer,
            )?;
        }
        DeliveryAction::Cancel => {
            if let Some(t) = transfer {
                t.cancel();
            }
        }
        DeliveryAction::ApplyReceipt(path) => {
            let text = sync::read_receipt(&path).map_err(|e| e.to_string())?;
            let done = sync::apply_receipt(store, &text).map_err(|e| e.to_string())?;
            view.message = Some(if done.newly.is_empty() {
                "The receipt is genuine; it confirms no new batch.".into()
            } else {
                format!(
                    "The receipt is genuine: batch(es) {} confirmed.",
                    join(&done.newly)
                )
            });
        }
        DeliveryAction::Purge => {
            let r = sync::purge(store, &outbox, Utc::now()).map_err(|e| e.to_string())?;
            let mut m = format!(
                "Purged the answers of {} session(s); the sessions stay in the schedule.",
                r.purged.sessions
            );
            if !r.purged.checkpointed || !r.files_left.is_empty() {
                m.push_str(" Some purged bytes may remain until the next purge.");
            }
            view.message = Some(m);
        }
        DeliveryAction::SetRetention(days) => {
            store.set_retention_days(days).map_err(|e| e.to_string())?;
            view.retention.clear();
        }
    }
    Ok(())
}

fn start(
    store: &Store,
    outbox: &Path,
    target: Target,
    what: &str,
    view: &mut DeliveryView,
    transfer: &mut Option<Transfer>,
) -> Result<(), String> {
    let plan = sync::plan(store, outbox).map_err(|e| e.to_string())?;
    if plan.files.is_empty() {
        view.message = Some("Every sealed batch is confirmed: nothing to deliver.".into());
        return Ok(());
    }
    view.progress = Some(Progress {
        what: what.to_owned(),
        running: true,
        ..Default::default()
    });
    *transfer = Some(Transfer::spawn(plan, target));
    Ok(())
}

/// Records what the worker reported (only while the store is open; events
/// wait in the channel while it is locked). Returns whether a batch moved on.
pub fn poll(
    store: Option<&mut Store>,
    view: &mut DeliveryView,
    transfer: &mut Option<Transfer>,
) -> bool {
    let (Some(store), Some(t)) = (store, transfer.as_mut()) else {
        return false;
    };
    let mut moved = false;
    let mut finished = false;
    let p = view.progress.get_or_insert_with(|| Progress {
        what: "Transfer".into(),
        running: true,
        ..Default::default()
    });
    for event in t.poll() {
        if let Err(e) = t.record(store, &event) {
            p.failed = Some(format!("Delivered, but not recorded: {e}"));
        }
        match event {
            Event::Progress { file, done, total } => {
                p.file = file;
                p.done = done;
                p.total = total;
            }
            Event::Retrying {
                file,
                attempt,
                wait,
                reason,
            } => {
                p.file.clone_from(&file);
                p.retry = Some(format!(
                    "{file}: {reason}. Trying again ({}) in {} s.",
                    attempt + 1,
                    wait.as_secs_f32().ceil()
                ));
            }
            Event::Delivered(_) => {
                p.delivered += 1;
                p.retry = None;
                moved = true;
            }
            Event::Finished(why) => {
                p.running = false;
                p.retry = None;
                if why.is_some() {
                    p.failed = why;
                }
                finished = true;
                moved = true;
            }
        }
    }
    if finished {
        *transfer = None;
    }
    moved
}

fn join(v: &[u64]) -> String {
    v.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
}

fn state_text(s: BatchState) -> RichText {
    let t = RichText::new(s.as_str());
    match s {
        BatchState::Sealed => t.color(WARN).strong(),
        BatchState::Delivered => t.strong(),
        BatchState::Confirmed | BatchState::Purged => t,
    }
}

/// A label, a one-line field lined up with the others, and whatever
/// `then` adds on the same row.
fn field(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    hint: &str,
    then: impl FnOnce(&mut egui::Ui),
) {
    ui.horizontal(|ui| {
        let l = ui.label(label);
        ui.add_space((150.0 - l.rect.width()).max(0.0));
        ui.add(
            egui::TextEdit::singleline(text)
                .hint_text(hint)
                .desired_width(420.0),
        )
        .labelled_by(l.id);
        then(ui);
    });
}

const BIG: Vec2 = Vec2::new(0.0, 40.0);

pub fn delivery_ui(ui: &mut egui::Ui, v: &mut DeliveryView) -> Option<DeliveryAction> {
    let mut action = None;
    ui.heading("Data manager");
    if let Some(e) = &v.load_error {
        ui.label(RichText::new(e).color(WARN));
    }
    // Taken out for the frame (no copy per frame), put back at the end.
    let s = v.status.take()?;
    let running = v.progress.as_ref().is_some_and(|p| p.running);
    match &s.research_key {
        Some(fp) => ui.label(format!("Research key fingerprint: {fp}")),
        None => ui.label(
            RichText::new(
                "No research key set: batches cannot be sealed \
                 (kohort device set-research-key research.pub).",
            )
            .color(WARN)
            .strong(),
        ),
    };
    ui.label(format!(
        "Completed sessions not yet in a batch: {}",
        s.unbatched
    ));
    ui.label(match s.last_delivery() {
        Some(d) => format!(
            "Last delivery: batch {} at {} via {}",
            d.batch,
            d.at.get(..16).unwrap_or(&d.at).replace('T', " "),
            d.via.describe()
        ),
        None => "Last delivery: none yet".into(),
    });
    if let Some(m) = &v.message {
        ui.label(RichText::new(m).strong());
    }
    ui.add_space(6.0);
    if ui
        .add_enabled(
            s.unbatched > 0 && s.research_key.is_some(),
            Button::new("Seal a new batch").min_size(BIG),
        )
        .clicked()
    {
        action = Some(DeliveryAction::Seal);
    }

    ui.add_space(8.0);
    ui.heading("Batches");
    if s.batches.is_empty() {
        ui.label("No batch sealed yet.");
    } else {
        egui::Grid::new("batches")
            .num_columns(5)
            .spacing([20.0, 6.0])
            .striped(true)
            .show(ui, |ui| {
                for h in [
                    "Batch",
                    "Sealed",
                    "Sessions",
                    "State",
                    "Delivered / confirmed",
                ] {
                    ui.label(RichText::new(h).strong());
                }
                ui.end_row();
                for b in s.batches.iter().rev() {
                    ui.label(b.seq.to_string());
                    ui.label(b.created_at.get(..10).unwrap_or(&b.created_at));
                    ui.label(b.records.to_string());
                    ui.label(state_text(b.state));
                    let how = match (b.state, s.delivery_of(b.seq)) {
                        (BatchState::Confirmed | BatchState::Purged, _) => format!(
                            "confirmed {}",
                            b.confirmed_at
                                .as_deref()
                                .and_then(|c| c.get(..10))
                                .unwrap_or("")
                        ),
                        (_, Some(d)) => d.via.describe(),
                        (_, None) => "in the outbox".into(),
                    };
                    ui.label(how);
                    ui.end_row();
                }
            });
    }

    ui.add_space(8.0);
    ui.heading("Deliver");
    ui.label(format!(
        "{} batch(es) await a receipt; each delivery sends all of them.",
        s.awaiting()
    ));
    let folder_ok = !running && s.awaiting() > 0 && !v.folder.trim().is_empty();
    let mut copy = false;
    field(ui, "Folder", &mut v.folder, "/media/USB-STICK", |ui| {
        copy = ui
            .add_enabled(folder_ok, Button::new("Copy to folder").min_size(BIG))
            .clicked();
    });
    ui.add_space(6.0);
    field(
        ui,
        "TSD address",
        &mut v.url,
        "https://api.tsd.usit.no",
        |_| {},
    );
    field(ui, "Project", &mut v.project, "p11", |_| {});
    field(
        ui,
        "Group (optional)",
        &mut v.group,
        "p11-member-group",
        |_| {},
    );
    let hint = "/media/USB-STICK/tsd-token.txt";
    field(ui, "Token file", &mut v.token_file, hint, |_| {});
    if copy {
        action = Some(DeliveryAction::ToFolder(PathBuf::from(v.folder.trim())));
    }
    let ready =
        !v.url.trim().is_empty() && !v.project.trim().is_empty() && !v.token_file.trim().is_empty();
    ui.horizontal(|ui| {
        if ui
            .add_enabled(
                !running && s.awaiting() > 0 && ready,
                Button::new("Upload to TSD").min_size(BIG),
            )
            .clicked()
        {
            action = Some(DeliveryAction::Upload {
                url: v.url.trim().to_owned(),
                project: v.project.trim().to_owned(),
                group: Some(v.group.trim().to_owned()).filter(|g| !g.is_empty()),
                token_file: PathBuf::from(v.token_file.trim()),
            });
        }
        if running && ui.add(Button::new("Stop").min_size(BIG)).clicked() {
            action = Some(DeliveryAction::Cancel);
        }
    });
    if let Some(p) = &v.progress {
        let fraction = if p.total == 0 {
            0.0
        } else {
            p.done as f32 / p.total as f32
        };
        let text = if p.running && p.file.is_empty() {
            format!("{}: starting", p.what)
        } else if p.running {
            format!("{}: {} ({} delivered)", p.what, p.file, p.delivered)
        } else if p.failed.is_some() {
            format!("{}: stopped, {} delivered", p.what, p.delivered)
        } else {
            format!("{}: done, {} delivered", p.what, p.delivered)
        };
        ui.add(ProgressBar::new(fraction).text(text).desired_width(560.0));
        if let Some(r) = &p.retry {
            ui.label(RichText::new(r).color(WARN));
        }
        if let Some(f) = &p.failed {
            ui.label(
                RichText::new(format!("Not delivered: {f}"))
                    .color(WARN)
                    .strong(),
            );
        }
    }

    ui.add_space(8.0);
    ui.heading("Receipt and purge");
    let receipt_ok = !v.receipt.trim().is_empty();
    let mut apply = false;
    let hint = "/media/USB-STICK/….receipt";
    field(ui, "Receipt file", &mut v.receipt, hint, |ui| {
        apply = ui
            .add_enabled(receipt_ok, Button::new("Apply receipt").min_size(BIG))
            .clicked();
    });
    if apply {
        action = Some(DeliveryAction::ApplyReceipt(PathBuf::from(
            v.receipt.trim(),
        )));
    }
    ui.label(format!(
        "Answers of confirmed batches are kept {} day(s), then may be purged; \
         {} session(s) can be purged now. Nothing unconfirmed is ever purged.",
        s.retention_days, s.purge_eligible
    ));
    ui.horizontal(|ui| {
        if ui
            .add_enabled(
                s.purge_eligible > 0,
                Button::new(format!("Purge {} session(s)", s.purge_eligible)).min_size(BIG),
            )
            .clicked()
        {
            action = Some(DeliveryAction::Purge);
        }
        let l = ui.label("Keep (days)");
        ui.add(
            egui::TextEdit::singleline(&mut v.retention)
                .hint_text(s.retention_days.to_string())
                .desired_width(60.0),
        )
        .labelled_by(l.id);
        let days = v
            .retention
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|d| *d <= MAX_RETENTION_DAYS);
        if ui
            .add_enabled(days.is_some(), Button::new("Save").min_size(BIG))
            .clicked()
            && let Some(d) = days
        {
            action = Some(DeliveryAction::SetRetention(d));
        }
    });
    v.status = Some(s);
    action
}
