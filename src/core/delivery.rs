//! The data manager's actions on an open store: seal a batch, deliver to a
//! folder or upload to TSD, apply a receipt, purge, set the research key
//! and the retention. The command line and the app's data-manager page
//! call these same functions.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use zeroize::Zeroizing;

use kohort_batch::ResearchPublic;
use kohort_tablet::store::{Confirmed, FailedAction, PRACTICE_KEY_SETTING, Store};
use kohort_tablet::sync::{self, Event, Exported, PurgeReport, Status, Target, Transfer, Tsd};

use super::error::{CoreError, Result};

/// Where batch files wait: `--outbox`, else `outbox/` beside the database.
pub fn outbox(db: &Path, given: Option<&Path>) -> PathBuf {
    given.map_or_else(|| sync::outbox(db), Path::to_owned)
}

/// Seals every completed session not yet in a batch into the next batch
/// file in `outbox` (created when missing).
pub fn seal(store: &mut Store, outbox: &Path) -> Result<Exported> {
    std::fs::create_dir_all(outbox).map_err(|source| CoreError::Create {
        path: outbox.to_owned(),
        source,
    })?;
    Ok(sync::export(store, outbox)?)
}

/// Before a delivery: a batch whose file is missing is sealed again first,
/// while nothing after it has left the tablet, so that it goes with the
/// others instead of being skipped for good. Once a later batch has left,
/// it cannot be (the delivery then skips it and says so).
fn reseal_if_missing(store: &mut Store, outbox: &Path) -> Result<()> {
    let missing = store.batches()?.iter().any(|b| {
        b.state == kohort_tablet::store::BatchState::Sealed
            && !(sync::outbox::plain_name(&b.file_name) && outbox.join(&b.file_name).is_file())
    });
    if !missing {
        return Ok(());
    }
    match sync::reseal(store, outbox) {
        Ok(_) | Err(sync::ExportError::CannotReseal(_) | sync::ExportError::BeforeEpoch(_)) => {
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// Seals again the batches whose files are missing from the outbox (and
/// the ones after them), from the answers still on the tablet.
pub fn reseal(store: &mut Store, outbox: &Path) -> Result<Vec<u64>> {
    Ok(sync::reseal(store, outbox)?)
}

/// What the data manager's page and `kohort batches` show.
pub fn status(store: &Store, outbox: &Path, now: DateTime<Utc>) -> Result<Status> {
    Ok(Status::load(store, outbox, now)?)
}

/// The largest token file read: TSD's tokens are a few kilobytes.
const MAX_TOKEN: u64 = 64 << 10;
/// The largest research key file read (`research.pub` is a few lines).
const MAX_KEY_FILE: u64 = 16 << 10;

/// An upload to the TSD file API, as the data manager gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadRequest {
    pub url: String,
    pub project: String,
    pub group: Option<String>,
    pub token_file: PathBuf,
}

impl UploadRequest {
    /// Reads the token (never kept longer than the transfer) and checks the
    /// address, project and group.
    pub fn target(&self) -> Result<Target> {
        let token = Zeroizing::new(kohort_files::read_small_text(&self.token_file, MAX_TOKEN)?);
        Ok(Target::Tsd(Box::new(Tsd::new(
            &self.url,
            &self.project,
            self.group.as_deref(),
            &token,
        )?)))
    }
}

/// A transfer as a person follows it: the bytes so far, what arrived, the
/// latest retry, how it ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
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

impl Progress {
    pub fn fraction(&self) -> f32 {
        if self.total == 0 {
            0.0
        } else {
            self.done as f32 / self.total as f32
        }
    }
}

/// Which way a delivery goes, for the words around its progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    Folder,
    Tsd,
}

/// A delivery under way on a worker thread. The thread that owns the store
/// calls [`Delivery::pump`], which records what the worker reports: a file
/// that arrived moves its batch on, a failure is audited.
pub struct Delivery {
    transfer: Transfer,
    pub route: Route,
    pub progress: Progress,
}

impl Delivery {
    /// [`Delivery::start`] with the target still to be made (a token file
    /// to read, an address to check); whatever stops it from starting is
    /// audited as a failed delivery (never with the token).
    pub fn begin(
        store: &mut Store,
        outbox: &Path,
        route: Route,
        target: impl FnOnce() -> Result<Target>,
    ) -> Result<Option<Delivery>> {
        let started = target().and_then(|t| {
            reseal_if_missing(store, outbox)?;
            Delivery::start(store, outbox, t)
        });
        if let Err(e) = &started {
            let action = match route {
                Route::Folder => FailedAction::Folder,
                Route::Tsd => FailedAction::Upload,
            };
            // The failure is what the person is told; not being able to
            // audit it too must not hide it.
            let _ = store.record_failed_delivery(action, &e.to_string());
        }
        started
    }

    /// Starts delivering every batch not yet confirmed; `None` when there
    /// is nothing to deliver.
    pub fn start(store: &Store, outbox: &Path, target: Target) -> Result<Option<Delivery>> {
        let held = sync::lock::take(store)?;
        sync::roll_forward(store, outbox, &held)?;
        let plan = sync::plan(store, outbox)?;
        if plan.files.is_empty() {
            return Ok(None);
        }
        let route = match target {
            Target::Folder(_) | Target::LocalFolder(_) => Route::Folder,
            Target::Tsd(_) => Route::Tsd,
        };
        Ok(Some(Delivery {
            transfer: Transfer::spawn_holding(plan, target, held),
            route,
            progress: Progress {
                running: true,
                ..Default::default()
            },
        }))
    }

    /// Records what the worker reported: without waiting, or (`wait`) the
    /// next event, blocking. Returns the events; after `Finished`, the
    /// delivery is over.
    pub fn pump(&mut self, store: &mut Store, wait: bool) -> Vec<Event> {
        let events = if wait {
            self.transfer.wait().into_iter().collect()
        } else {
            self.transfer.poll()
        };
        for event in &events {
            if let Err(e) = self.transfer.record(store, event) {
                self.progress.failed = Some(format!("delivered, but not recorded: {e}"));
            }
            self.follow(event);
        }
        events
    }

    fn follow(&mut self, event: &Event) {
        let p = &mut self.progress;
        match event {
            Event::Progress { file, done, total } => {
                p.file.clone_from(file);
                p.done = *done;
                p.total = *total;
            }
            Event::Retrying {
                file,
                attempt,
                wait,
                reason,
            } => {
                p.file.clone_from(file);
                p.retry = Some(format!(
                    "{file}: {reason}. Trying again ({}) in {} s.",
                    attempt + 1,
                    wait.as_secs_f32().ceil()
                ));
            }
            Event::Delivered(_) => {
                p.delivered += 1;
                p.retry = None;
            }
            Event::Skipped { .. } => {}
            Event::Finished(why) => {
                p.running = false;
                p.retry = None;
                if why.is_some() {
                    p.failed.clone_from(why);
                }
            }
        }
    }

    pub fn is_running(&self) -> bool {
        self.progress.running
    }

    /// Asks the worker to stop at the next chunk or file.
    pub fn cancel(&self) {
        self.transfer.cancel();
    }
}

/// Verifies a receipt file from the research store and confirms the
/// batches it lists.
pub fn apply_receipt(store: &mut Store, file: &Path) -> Result<Confirmed> {
    let text = match sync::read_receipt(file) {
        Ok(t) => t,
        Err(e) => {
            // Audited like a refused receipt; the failure is what the
            // person is told even if the audit cannot be written.
            let _ = store.record_failed_delivery(FailedAction::Receipt, &e.to_string());
            return Err(e.into());
        }
    };
    Ok(sync::apply_receipt(store, &text)?)
}

/// Removes the answers the research store confirmed at least the retention
/// period before `now`, and the outbox copies of purged batches.
pub fn purge(store: &mut Store, outbox: &Path, now: DateTime<Utc>) -> Result<PurgeReport> {
    Ok(sync::purge(store, outbox, now)?)
}

/// Days confirmed answers stay before a purge may remove them.
pub fn set_retention(store: &mut Store, days: u32) -> Result<()> {
    Ok(store.set_retention_days(days)?)
}

/// Sets the research store's public key that batches are sealed to.
pub fn set_research_key(store: &mut Store, file: &Path) -> Result<ResearchPublic> {
    let text = kohort_files::read_small_text(file, MAX_KEY_FILE)?;
    let key = ResearchPublic::parse(&text).map_err(|e| {
        CoreError::Invalid(format!(
            "{} is not a research public key: {e}",
            file.display()
        ))
    })?;
    store.set_research_key(&key.render(), &key.fingerprint())?;
    Ok(key)
}

/// Gives a demo tablet a research key of its own to practise with: a new
/// key pair whose private half is written to `dir` (for a practice import),
/// the public half set on the tablet and marked as practice. Not for real
/// data: the data manager's page says so.
pub fn set_practice_key(store: &mut Store, study: &str, dir: &Path) -> Result<ResearchPublic> {
    let keys = kohort_batch::ResearchKeys::generate(study);
    let public = keys
        .public()
        .map_err(|e| CoreError::Invalid(format!("cannot make a practice key: {e}")))?;
    std::fs::create_dir_all(dir).map_err(|source| CoreError::Create {
        path: dir.to_owned(),
        source,
    })?;
    for (name, bytes, private) in [
        ("research.key", keys.render().as_bytes().to_vec(), true),
        ("research.pub", public.render().into_bytes(), false),
    ] {
        let path = dir.join(name);
        let written = if private {
            kohort_files::write_new_private(&path, &bytes)
        } else {
            kohort_files::write_atomic(&path, &bytes)
        };
        written.map_err(|source| CoreError::Create { path, source })?;
    }
    store.set_research_key(&public.render(), &public.fingerprint())?;
    store.set_setting(PRACTICE_KEY_SETTING, &public.fingerprint())?;
    Ok(public)
}
