//! Delivering sealed batches: which files go (every batch not yet
//! confirmed, from the outbox), the transports (a folder, or the TSD file
//! API) run on a worker thread that only reads files and talks to the
//! destination, and the events it reports back. The thread that owns the
//! store records each [`Delivered`] event with [`record`]; nothing is
//! marked delivered before the transport has checked the bytes arrived.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::store::{BatchRow, BatchState, DeliveryRow, FailedAction, Store, StoreError, Via};

use super::folder;
use super::tsd::{Tsd, TsdError};

/// Sealed batch files wait here until the research store confirms them:
/// the folder `outbox/` beside the database.
pub fn outbox(db: &Path) -> PathBuf {
    db.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("outbox")
}

#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{0} is not a folder: is the USB stick plugged in and mounted? (Kohort does not create it)"
    )]
    NoFolder(PathBuf),
    #[error(
        "the batch file {name} in the outbox does not match the batch sealed: it was damaged or replaced"
    )]
    Damaged { name: String },
    #[error("{name} did not read back as written from {dir}: the copy is not trusted")]
    ReadBack { name: String, dir: PathBuf },
    #[error(transparent)]
    Tsd(#[from] TsdError),
    #[error("stopped before the end")]
    Cancelled,
}

pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> DeliveryError + '_ {
    move |source| DeliveryError::Io {
        path: path.to_owned(),
        source,
    }
}

/// One batch file to deliver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxFile {
    pub seq: u64,
    pub name: String,
    pub path: PathBuf,
    /// SHA-256 (hex) recorded when it was sealed.
    pub sha256: String,
}

/// What a delivery will carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub device_id: String,
    pub files: Vec<OutboxFile>,
}

/// Every batch not yet confirmed, oldest first. Sending one again is
/// harmless: file names are deterministic and the importer de-duplicates.
pub fn plan(store: &Store, outbox: &Path) -> Result<Plan, StoreError> {
    Ok(Plan {
        device_id: store.device()?.id.to_string(),
        files: store
            .batches()?
            .into_iter()
            .filter(|b| b.state.awaits_receipt())
            .map(|b| OutboxFile {
                seq: b.seq,
                path: outbox.join(&b.file_name),
                name: b.file_name,
                sha256: b.hash,
            })
            .collect(),
    })
}

/// Where the files go.
#[derive(Debug)]
pub enum Target {
    Folder(PathBuf),
    Tsd(Tsd),
}

impl Target {
    fn failed(&self) -> FailedAction {
        match self {
            Target::Folder(_) => FailedAction::Folder,
            Target::Tsd(_) => FailedAction::Upload,
        }
    }
}

/// A batch file that arrived and was checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivered {
    pub seq: u64,
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
    pub via: Via,
}

/// What the worker reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Bytes sent of all files together.
    Progress {
        file: String,
        done: u64,
        total: u64,
    },
    /// A network error or a busy server; the transfer goes on after `wait`.
    Retrying {
        file: String,
        attempt: u32,
        wait: Duration,
        reason: String,
    },
    Delivered(Delivered),
    /// The end: `None` when every file was delivered, else why not.
    Finished(Option<String>),
}

/// Delivers `plan` on the current thread, reporting through `report`.
pub fn run(
    plan: &Plan,
    target: &Target,
    cancel: &AtomicBool,
    report: &mut dyn FnMut(Event),
) -> Result<(), DeliveryError> {
    match target {
        Target::Folder(dir) => folder::deliver(plan, dir, cancel, report),
        Target::Tsd(tsd) => tsd.deliver(plan, cancel, report),
    }
}

/// A delivery running on its own thread.
pub struct Transfer {
    events: Receiver<Event>,
    cancel: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    failed: FailedAction,
}

impl Transfer {
    /// Starts delivering `plan` to `target` on a worker thread.
    pub fn spawn(plan: Plan, target: Target) -> Transfer {
        let (tx, events) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&cancel);
        let failed = target.failed();
        let thread = std::thread::spawn(move || {
            let mut report = |e: Event| {
                // The receiver is gone: nobody will record anything, so stop.
                if tx.send(e).is_err() {
                    stop.store(true, Ordering::Relaxed);
                }
            };
            let outcome = run(&plan, &target, &stop, &mut report);
            report(Event::Finished(outcome.err().map(|e| e.to_string())));
        });
        Transfer {
            events,
            cancel,
            thread: Some(thread),
            failed,
        }
    }

    /// Events so far, without waiting.
    pub fn poll(&mut self) -> Vec<Event> {
        let mut out = Vec::new();
        loop {
            match self.events.try_recv() {
                Ok(e) => out.push(e),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    if let Some(t) = self.thread.take() {
                        let _ = t.join();
                    }
                    break;
                }
            }
        }
        out
    }

    /// The next event, waiting for it; `None` once the worker is done.
    pub fn wait(&mut self) -> Option<Event> {
        let e = self.events.recv().ok();
        if e.is_none()
            && let Some(t) = self.thread.take()
        {
            let _ = t.join();
        }
        e
    }

    /// Asks the worker to stop at the next chunk or file.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Records an event in the store (on the thread that owns it): a
    /// delivered file moves its batch on; a failure is audited.
    pub fn record(&self, store: &mut Store, event: &Event) -> Result<(), StoreError> {
        match event {
            Event::Delivered(d) => record(store, d),
            Event::Finished(Some(why)) => store.record_failed_delivery(self.failed, why),
            _ => Ok(()),
        }
    }
}

/// Records one delivered file.
pub fn record(store: &mut Store, d: &Delivered) -> Result<(), StoreError> {
    store.record_delivery(d.seq, &d.via, d.bytes, &d.sha256)
}

/// What the data manager's screen shows.
#[derive(Clone, Debug, Default)]
pub struct Status {
    pub batches: Vec<BatchRow>,
    pub deliveries: Vec<DeliveryRow>,
    /// Completed sessions not yet in any batch.
    pub unbatched: usize,
    /// The research key's fingerprint, if one is set.
    pub research_key: Option<String>,
    pub retention_days: u32,
    /// Sessions a purge now would remove the answers of.
    pub purge_eligible: usize,
    pub outbox: PathBuf,
}

impl Status {
    pub fn load(store: &Store, outbox: &Path, now: DateTime<Utc>) -> Result<Status, StoreError> {
        Ok(Status {
            batches: store.batches()?,
            deliveries: store.deliveries()?,
            unbatched: store.unbatched_completed()?.len(),
            research_key: store.research_fingerprint()?,
            retention_days: store.retention_days()?,
            purge_eligible: store.purge_eligible(now)?,
            outbox: outbox.to_owned(),
        })
    }

    pub fn last_delivery(&self) -> Option<&DeliveryRow> {
        self.deliveries.last()
    }

    /// The latest delivery of one batch.
    pub fn delivery_of(&self, seq: u64) -> Option<&DeliveryRow> {
        self.deliveries.iter().rev().find(|d| d.batch == seq)
    }

    /// Batches still to be carried to the research store.
    pub fn awaiting(&self) -> usize {
        self.batches
            .iter()
            .filter(|b| b.state.awaits_receipt())
            .count()
    }

    pub fn count(&self, state: BatchState) -> usize {
        self.batches.iter().filter(|b| b.state == state).count()
    }
}
