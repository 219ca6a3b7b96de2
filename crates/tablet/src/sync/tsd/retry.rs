//! Trying a request again after a network error or a busy server, waiting
//! longer each time, until it succeeds, is refused, or runs out of tries.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::super::error::DeliveryError;
use super::super::outbox::Event;
use super::TsdError;
use super::answer::Fail;

/// How the upload behaves; the defaults suit a clinic's network.
#[derive(Clone, Debug)]
pub struct Tuning {
    /// Files larger than this go by resumable upload.
    pub resumable_above: u64,
    pub chunk_size: u64,
    /// Tries of each request before giving up.
    pub attempts: u32,
    /// The first wait after a failure; it doubles each time, up to `max_wait`.
    pub first_wait: Duration,
    pub max_wait: Duration,
    pub connect_timeout: Duration,
    /// How long the server may take to answer once the body is sent.
    pub answer_timeout: Duration,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            resumable_above: 64 << 20,
            chunk_size: 16 << 20,
            attempts: 6,
            first_wait: Duration::from_secs(2),
            max_wait: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(20),
            answer_timeout: Duration::from_secs(300),
        }
    }
}

/// One try of a request; it may report progress.
pub(super) type Attempt<'a, T> = dyn FnMut(&mut dyn FnMut(Event)) -> Result<T, Fail> + 'a;

/// Runs `attempt` until it succeeds, stops, or runs out of tries,
/// waiting longer after each failure.
pub(super) fn retrying<T>(
    tuning: &Tuning,
    file: &str,
    cancel: &AtomicBool,
    report: &mut dyn FnMut(Event),
    attempt: &mut Attempt<'_, T>,
) -> Result<T, DeliveryError> {
    let mut wait = tuning.first_wait;
    for n in 1..=tuning.attempts.max(1) {
        if cancel.load(Ordering::Relaxed) {
            return Err(DeliveryError::Cancelled);
        }
        let reason = match attempt(report) {
            Ok(v) => return Ok(v),
            Err(Fail::Stop(e)) => return Err(e.into()),
            Err(Fail::Retry(reason)) => reason,
        };
        if n == tuning.attempts.max(1) {
            return Err(TsdError::GaveUp {
                file: file.to_owned(),
                attempts: n,
                last: reason,
            }
            .into());
        }
        report(Event::Retrying {
            file: file.to_owned(),
            attempt: n,
            wait,
            reason,
        });
        sleep_unless_cancelled(wait, cancel);
        wait = (wait * 2).min(tuning.max_wait);
    }
    Err(DeliveryError::Cancelled)
}

fn sleep_unless_cancelled(wait: Duration, cancel: &AtomicBool) {
    let step = Duration::from_millis(50);
    let mut left = wait;
    while !left.is_zero() && !cancel.load(Ordering::Relaxed) {
        let d = left.min(step);
        std::thread::sleep(d);
        left -= d;
    }
}
