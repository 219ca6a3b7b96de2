//! A delivery on a worker thread that only reads files and talks to the
//! destination (a folder, or the TSD file API); the thread that owns the
//! store records each [`Delivered`] event with [`record`]; nothing is
//! marked delivered before the transport has checked the bytes arrived.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::thread::JoinHandle;

use crate::store::{FailedAction, Store, StoreError};

use super::error::DeliveryError;
use super::folder;
use super::outbox::{Delivered, Event, Plan};
use super::tsd::Tsd;

/// Where the files go.
#[derive(Debug)]
pub enum Target {
    /// A folder on another file system than the outbox: a USB stick.
    Folder(PathBuf),
    /// Any folder, also on the tablet's own disk (practice on one machine).
    LocalFolder(PathBuf),
    // Boxed: the TSD destination is large beside a path.
    Tsd(Box<Tsd>),
}

impl Target {
    fn failed(&self) -> FailedAction {
        match self {
            Target::Folder(_) | Target::LocalFolder(_) => FailedAction::Folder,
            Target::Tsd(_) => FailedAction::Upload,
        }
    }
}

/// Delivers `plan` on the current thread, reporting through `report`.
pub fn run(
    plan: &Plan,
    target: &Target,
    cancel: &AtomicBool,
    report: &mut dyn FnMut(Event),
) -> Result<(), DeliveryError> {
    match target {
        Target::Folder(dir) => folder::deliver(plan, dir, true, cancel, report),
        Target::LocalFolder(dir) => folder::deliver(plan, dir, false, cancel, report),
        Target::Tsd(tsd) => tsd.deliver(plan, cancel, report),
    }
}

/// A delivery running on its own thread.
pub struct Transfer {
    events: Receiver<Event>,
    cancel: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    failed: FailedAction,
    /// The worker said it finished (a worker that vanished did not).
    finished: bool,
}

impl Transfer {
    /// Starts delivering `plan` to `target` on a worker thread.
    pub fn spawn(plan: Plan, target: Target) -> Transfer {
        let failed = target.failed();
        Self::spawn_job(failed, move |stop, report| {
            run(&plan, &target, stop, report)
        })
    }

    /// [`Transfer::spawn`] holding the outbox lock for as long as the
    /// worker reads the outbox, and not a moment longer (whether or not
    /// anyone is there to record what it reports).
    pub fn spawn_holding(plan: Plan, target: Target, held: super::OutboxLock) -> Transfer {
        let failed = target.failed();
        Self::spawn_job(failed, move |stop, report| {
            let done = run(&plan, &target, stop, report);
            drop(held);
            done
        })
    }

    /// Runs `job` on a worker thread as a transfer. A panic in it ends the
    /// transfer with a message instead of leaving the page on "running".
    #[doc(hidden)]
    pub fn spawn_job<F>(failed: FailedAction, job: F) -> Transfer
    where
        F: FnOnce(&AtomicBool, &mut dyn FnMut(Event)) -> Result<(), DeliveryError> + Send + 'static,
    {
        let (tx, events) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&cancel);
        let thread = std::thread::spawn(move || {
            let mut report = |e: Event| {
                // The receiver is gone: nobody will record anything, so stop.
                if tx.send(e).is_err() {
                    stop.store(true, Ordering::Relaxed);
                }
            };
            let outcome =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&stop, &mut report)))
                    .unwrap_or_else(|panic| Err(DeliveryError::Crashed(panic_text(&*panic))));
            report(Event::Finished(outcome.err().map(|e| e.to_string())));
        });
        Transfer {
            events,
            cancel,
            thread: Some(thread),
            failed,
            finished: false,
        }
    }

    /// The end the worker did not report, if it is gone without one.
    fn vanished(&mut self) -> Option<Event> {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        (!self.finished).then(|| {
            self.finished = true;
            Event::Finished(Some(
                DeliveryError::Crashed("the worker ended without a word".into()).to_string(),
            ))
        })
    }

    /// Events so far, without waiting.
    pub fn poll(&mut self) -> Vec<Event> {
        let mut out = Vec::new();
        loop {
            match self.events.try_recv() {
                Ok(e) => {
                    self.finished |= matches!(e, Event::Finished(_));
                    out.push(e);
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    out.extend(self.vanished());
                    break;
                }
            }
        }
        out
    }

    /// The next event, waiting for it; `None` once the worker is done.
    pub fn wait(&mut self) -> Option<Event> {
        match self.events.recv() {
            Ok(e) => {
                self.finished |= matches!(e, Event::Finished(_));
                Some(e)
            }
            Err(_) => self.vanished(),
        }
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

/// What a panic carried, as text.
fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

/// Records one delivered file.
pub fn record(store: &mut Store, d: &Delivered) -> Result<(), StoreError> {
    store.record_delivery(d.seq, &d.via, d.bytes, &d.sha256, d.checked)
}
