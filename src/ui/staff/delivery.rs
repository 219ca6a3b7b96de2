//! The data manager's page: the batches and where each one is (sealed,
//! delivered, confirmed, purged), sessions waiting for a batch, the last
//! delivery and the research key; seal a batch, copy to a folder (a USB
//! stick), upload to TSD, apply a receipt, purge. The app core does each
//! of them (transfers on a worker thread); this page shows its state.

use std::path::PathBuf;

use crate::ui::theme::STAFF_TOUCH;
use eframe::egui::{self, Button, ProgressBar, RichText, Vec2};

use kohort_files::volumes::Volume;

use crate::core::{Delivery, Route, UploadRequest};
use crate::i18n::{self, Lang};
use crate::ui::lang::staff_lang;
use crate::ui::theme::WARN;
use crate::ui::theme::toggle;
use crate::ui::widgets::{FieldLook, touch_field};
use crate::{t, ts};
use kohort_tablet::store::{BatchState, MAX_RETENTION_DAYS, Via};
use kohort_tablet::sync::Status;

/// The page's fields.
pub struct DeliveryView {
    pub folder: String,
    pub url: String,
    pub project: String,
    pub group: String,
    pub token_file: String,
    pub receipt: String,
    pub retention: String,
    /// What the last action did.
    pub message: Option<String>,
    /// The purge waits for a second, confirming tap.
    pub confirm_purge: bool,
    /// A folder is typed instead of picked from the sticks.
    pub typed_folder: bool,
}

impl Default for DeliveryView {
    fn default() -> Self {
        DeliveryView {
            folder: "/media/".into(),
            url: "https://api.tsd.usit.no".into(),
            project: String::new(),
            group: String::new(),
            token_file: String::new(),
            receipt: String::new(),
            retention: String::new(),
            message: None,
            confirm_purge: false,
            typed_folder: false,
        }
    }
}

/// What the data manager asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeliveryAction {
    Seal,
    /// Seal again the batches whose files are missing from the outbox.
    Reseal,
    ToFolder(PathBuf),
    Upload(UploadRequest),
    Cancel,
    ApplyReceipt(PathBuf),
    Purge,
    SetRetention(u32),
}

fn state_text(lang: Lang, s: BatchState) -> RichText {
    let t = RichText::new(match s {
        BatchState::Sealed => t!(lang, "batch-sealed"),
        BatchState::Delivered => t!(lang, "batch-delivered"),
        BatchState::Confirmed => t!(lang, "batch-confirmed"),
        BatchState::Purged => t!(lang, "batch-purged"),
    });
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
    let lang = staff_lang(ui.ctx());
    let look = FieldLook {
        hint,
        width: 420.0,
        label_width: 150.0,
        ..Default::default()
    };
    ui.horizontal(|ui| {
        touch_field(ui, lang, label, text, look);
        then(ui);
    });
}

const BIG: Vec2 = Vec2::new(0.0, STAFF_TOUCH);

/// Where a batch went, in words.
fn via_text(lang: Lang, via: &Via) -> String {
    match via {
        Via::Folder { path } => t!(lang, "via-folder", path = path),
        Via::Upload {
            url,
            project,
            group,
        } => t!(
            lang,
            "via-upload",
            url = url,
            project = project,
            group = group
        ),
    }
}

pub fn delivery_ui(
    ui: &mut egui::Ui,
    status: Option<&Status>,
    delivery: Option<&Delivery>,
    volumes: &[Volume],
    v: &mut DeliveryView,
) -> Option<DeliveryAction> {
    ui.heading(ts!(ui, "home-data-manager"));
    let s = status?;
    let running = delivery.is_some_and(Delivery::is_running);
    let mut action = summary_ui(ui, s, v);
    ui.add_space(8.0);
    action = batches_ui(ui, s, running).or(action);
    ui.add_space(8.0);
    action = deliver_ui(ui, s, running, volumes, v).or(action);
    if let Some(d) = delivery {
        progress_ui(ui, d);
    }
    ui.add_space(8.0);
    action = receipt_ui(ui, s, volumes, v).or(action);
    purge_dialog_ui(ui, s, v).or(action)
}

/// The research key, what waits for a batch, the last delivery, and Seal.
fn summary_ui(ui: &mut egui::Ui, s: &Status, v: &DeliveryView) -> Option<DeliveryAction> {
    let lang = staff_lang(ui.ctx());
    match &s.research_key {
        Some(fp) if s.practice_key => ui.label(
            RichText::new(t!(lang, "key-practice", fingerprint = fp))
                .color(WARN)
                .strong(),
        ),
        Some(fp) => ui.label(t!(lang, "key-fingerprint", fingerprint = fp)),
        None => ui.label(RichText::new(t!(lang, "key-none")).color(WARN).strong()),
    };
    ui.label(t!(lang, "unbatched", count = s.unbatched));
    ui.label(match s.last_delivery() {
        Some(d) => t!(
            lang,
            "last-delivery",
            batch = d.batch,
            at = i18n::minute(lang, &d.at),
            via = via_text(lang, &d.via)
        ),
        None => t!(lang, "last-delivery-none"),
    });
    if let Some(m) = &v.message {
        ui.label(RichText::new(m).strong());
    }
    ui.add_space(6.0);
    let seal = Button::new(t!(lang, "seal-button")).min_size(BIG);
    ui.add_enabled(s.unbatched > 0 && s.research_key.is_some(), seal)
        .clicked()
        .then_some(DeliveryAction::Seal)
}

fn batches_ui(ui: &mut egui::Ui, s: &Status, running: bool) -> Option<DeliveryAction> {
    let lang = staff_lang(ui.ctx());
    ui.heading(t!(lang, "batches-title"));
    if s.batches.is_empty() {
        ui.label(t!(lang, "batches-none"));
        return None;
    }
    egui::Grid::new("batches")
        .num_columns(5)
        .spacing([20.0, 6.0])
        .striped(true)
        .show(ui, |ui| {
            for h in [
                t!(lang, "batches-batch"),
                t!(lang, "batches-sealed"),
                t!(lang, "batches-sessions"),
                t!(lang, "work-state"),
                t!(lang, "batches-where"),
            ] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for b in s.batches.iter().rev() {
                ui.label(b.seq.to_string());
                ui.label(day(lang, &b.created_at));
                ui.label(b.records.to_string());
                ui.label(state_text(lang, b.state));
                let how = match (b.state, s.delivery_of(b.seq)) {
                    (BatchState::Confirmed | BatchState::Purged, _) => t!(
                        lang,
                        "batches-confirmed-on",
                        day = b
                            .confirmed_at
                            .as_ref()
                            .map(|at| day(lang, at))
                            .unwrap_or_default()
                    ),
                    _ if s.missing.contains(&b.seq) => t!(lang, "batches-file-missing"),
                    (_, Some(d)) if !d.checked => {
                        t!(lang, "batches-unchecked", via = via_text(lang, &d.via))
                    }
                    (_, Some(d)) => via_text(lang, &d.via),
                    (_, None) => t!(lang, "batches-in-outbox"),
                };
                if s.missing.contains(&b.seq) {
                    ui.label(RichText::new(how).color(WARN).strong());
                } else {
                    ui.label(how);
                }
                ui.end_row();
            }
        });
    if !s.missing.is_empty() {
        ui.label(
            RichText::new(t!(
                lang,
                "batches-missing",
                count = s.missing.len(),
                outbox = s.outbox.display().to_string()
            ))
            .color(WARN),
        );
        let again = Button::new(t!(lang, "batches-reseal")).min_size(BIG);
        if ui.add_enabled(!running, again).clicked() {
            return Some(DeliveryAction::Reseal);
        }
    }
    None
}

/// Copy to a folder, or upload to TSD.
fn deliver_ui(
    ui: &mut egui::Ui,
    s: &Status,
    running: bool,
    volumes: &[Volume],
    v: &mut DeliveryView,
) -> Option<DeliveryAction> {
    let mut action = None;
    let lang = staff_lang(ui.ctx());
    ui.heading(t!(lang, "deliver-title"));
    ui.label(t!(lang, "deliver-awaiting", count = s.awaiting()));
    let can = !running && s.awaiting() > 0;
    ui.horizontal_wrapped(|ui| {
        for vol in volumes {
            let copy =
                Button::new(t!(lang, "deliver-copy-stick", stick = &vol.label)).min_size(BIG);
            if ui.add_enabled(can, copy).clicked() {
                action = Some(DeliveryAction::ToFolder(vol.path.clone()));
            }
        }
        if volumes.is_empty() {
            ui.label(t!(lang, "deliver-no-stick"));
        }
        if ui
            .add(toggle(v.typed_folder, t!(lang, "deliver-other-folder")))
            .clicked()
        {
            v.typed_folder = !v.typed_folder;
        }
    });
    if v.typed_folder {
        let folder_ok = can && !v.folder.trim().is_empty();
        let mut copy = false;
        field(
            ui,
            &t!(lang, "deliver-folder"),
            &mut v.folder,
            "/media/USB-STICK",
            |ui| {
                copy = ui
                    .add_enabled(
                        folder_ok,
                        Button::new(t!(lang, "deliver-copy-folder")).min_size(BIG),
                    )
                    .clicked();
            },
        );
        if copy {
            action = Some(DeliveryAction::ToFolder(PathBuf::from(v.folder.trim())));
        }
    }
    ui.add_space(6.0);
    let tsd = "https://api.tsd.usit.no";
    field(ui, &t!(lang, "tsd-address"), &mut v.url, tsd, |_| {});
    field(ui, &t!(lang, "tsd-project"), &mut v.project, "p11", |_| {});
    let group = "p11-member-group";
    field(ui, &t!(lang, "tsd-group"), &mut v.group, group, |_| {});
    let hint = "/media/USB-STICK/tsd-token.txt";
    field(ui, &t!(lang, "tsd-token"), &mut v.token_file, hint, |_| {});
    pick_files(ui, volumes, "token", &mut v.token_file);
    let ready =
        !v.url.trim().is_empty() && !v.project.trim().is_empty() && !v.token_file.trim().is_empty();
    ui.horizontal(|ui| {
        let upload = Button::new(t!(lang, "tsd-upload")).min_size(BIG);
        if ui
            .add_enabled(!running && s.awaiting() > 0 && ready, upload)
            .clicked()
        {
            action = Some(DeliveryAction::Upload(UploadRequest {
                url: v.url.trim().to_owned(),
                project: v.project.trim().to_owned(),
                group: Some(v.group.trim().to_owned()).filter(|g| !g.is_empty()),
                token_file: PathBuf::from(v.token_file.trim()),
            }));
        }
        if running
            && ui
                .add(Button::new(t!(lang, "deliver-stop")).min_size(BIG))
                .clicked()
        {
            action = Some(DeliveryAction::Cancel);
        }
    });
    action
}

fn progress_ui(ui: &mut egui::Ui, d: &Delivery) {
    let lang = staff_lang(ui.ctx());
    let p = &d.progress;
    let what = match d.route {
        Route::Folder => t!(lang, "deliver-copy-folder"),
        Route::Tsd => t!(lang, "tsd-upload"),
    };
    let text = if p.running && p.file.is_empty() {
        t!(lang, "progress-starting", what = what)
    } else if p.running {
        t!(
            lang,
            "progress-file",
            what = what,
            file = &p.file,
            delivered = p.delivered
        )
    } else if p.failed.is_some() {
        t!(
            lang,
            "progress-stopped",
            what = what,
            delivered = p.delivered
        )
    } else {
        t!(lang, "progress-done", what = what, delivered = p.delivered)
    };
    ui.add(
        ProgressBar::new(p.fraction())
            .text(text)
            .desired_width(560.0),
    );
    if let Some(r) = &p.retry {
        ui.label(RichText::new(r).color(WARN));
    }
    if let Some(f) = &p.failed {
        ui.label(
            RichText::new(t!(lang, "progress-failed", detail = f))
                .color(WARN)
                .strong(),
        );
    }
}

/// Apply a receipt; purge; the retention period.
fn receipt_ui(
    ui: &mut egui::Ui,
    s: &Status,
    volumes: &[Volume],
    v: &mut DeliveryView,
) -> Option<DeliveryAction> {
    let mut action = None;
    let lang = staff_lang(ui.ctx());
    ui.heading(t!(lang, "receipt-title"));
    pick_files(ui, volumes, ".receipt", &mut v.receipt);
    let receipt_ok = !v.receipt.trim().is_empty();
    let mut apply = false;
    let hint = "/media/USB-STICK/….receipt";
    field(ui, &t!(lang, "receipt-file"), &mut v.receipt, hint, |ui| {
        apply = ui
            .add_enabled(
                receipt_ok,
                Button::new(t!(lang, "receipt-apply")).min_size(BIG),
            )
            .clicked();
    });
    if apply {
        action = Some(DeliveryAction::ApplyReceipt(PathBuf::from(
            v.receipt.trim(),
        )));
    }
    ui.label(t!(
        lang,
        "retention-body",
        days = s.retention_days,
        sessions = s.purge_eligible
    ));
    ui.horizontal(|ui| {
        let purge =
            Button::new(t!(lang, "purge-button", sessions = s.purge_eligible)).min_size(BIG);
        if ui.add_enabled(s.purge_eligible > 0, purge).clicked() {
            v.confirm_purge = true;
        }
        let l = ui.label(t!(lang, "retention-field"));
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
            .add_enabled(
                days.is_some(),
                Button::new(t!(lang, "settings-save")).min_size(BIG),
            )
            .clicked()
            && let Some(d) = days
        {
            action = Some(DeliveryAction::SetRetention(d));
        }
    });
    action
}

/// Files on the plugged-in sticks whose names hold `pattern` (receipts,
/// token files), a button each that puts the file in `into`.
fn pick_files(ui: &mut egui::Ui, volumes: &[Volume], pattern: &str, into: &mut String) {
    let found: Vec<(&Volume, PathBuf)> = volumes
        .iter()
        .flat_map(|vol| {
            vol.files
                .iter()
                .filter(|f| {
                    f.file_name()
                        .is_some_and(|n| n.to_string_lossy().contains(pattern))
                })
                .map(move |f| (vol, f.clone()))
        })
        .take(6)
        .collect();
    if found.is_empty() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        for (vol, f) in found {
            let name = f
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let chosen = into.trim() == f.display().to_string();
            if ui
                .add(toggle(chosen, format!("{name} ({})", vol.label)).min_size(BIG))
                .clicked()
            {
                *into = f.display().to_string();
            }
        }
    });
}

/// Asks before a purge, naming how many sessions leave the tablet.
fn purge_dialog_ui(ui: &mut egui::Ui, s: &Status, v: &mut DeliveryView) -> Option<DeliveryAction> {
    if !v.confirm_purge {
        return None;
    }
    let mut action = None;
    let modal = egui::Modal::new(ui.scope_id().with("confirm_purge")).show(ui.ctx(), |ui| {
        crate::ui::theme::staff(ui);
        ui.set_max_width(560.0);
        let lang = staff_lang(ui.ctx());
        ui.heading(t!(lang, "purge-title"));
        ui.label(t!(lang, "purge-body", sessions = s.purge_eligible));
        ui.horizontal(|ui| {
            let go = Button::new(t!(lang, "purge-now", sessions = s.purge_eligible)).min_size(BIG);
            if ui.add(go).clicked() {
                action = Some(DeliveryAction::Purge);
            }
            if ui
                .add(Button::new(t!(lang, "dialog-cancel")).min_size(BIG))
                .clicked()
            {
                v.confirm_purge = false;
            }
        });
    });
    if action.is_some() || modal.should_close() {
        v.confirm_purge = false;
    }
    action
}

/// The day of an instant, in table dates.
fn day(lang: Lang, at: &chrono::DateTime<chrono::Utc>) -> String {
    i18n::day_short(lang, at.with_timezone(&chrono::Local).date_naive())
}
