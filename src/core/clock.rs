//! Time for the app core: the wall clock for schedules and the idle lock,
//! injectable so tests move time instead of sleeping.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};

pub trait Clock: Send + Sync {
    /// Time since an arbitrary start that never goes back (the idle lock).
    fn elapsed(&self) -> Duration;
    /// The day schedules are computed for, in the tablet's time zone.
    fn today(&self) -> NaiveDate;
    /// The wall-clock time (retention and purge).
    fn now(&self) -> DateTime<Utc>;
}

/// The machine's clocks.
pub struct SystemClock {
    start: Instant,
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock {
            start: Instant::now(),
        }
    }
}

impl Clock for SystemClock {
    fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    fn today(&self) -> NaiveDate {
        chrono::Local::now().date_naive()
    }

    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that tests move (clones share it): `elapsed` moves only when
/// told; the wall clock runs on from the machine's, shifted by what was
/// advanced, since the store stamps its records with the machine's time.
#[derive(Clone)]
pub struct ManualClock {
    state: Arc<Mutex<Manual>>,
}

struct Manual {
    elapsed: Duration,
    shift: chrono::Duration,
    /// Set apart from `now`: a test may walk the schedule by days while
    /// the wall clock stays real.
    today: Option<NaiveDate>,
}

impl ManualClock {
    /// Starts at the machine's current time.
    pub fn new() -> Self {
        ManualClock {
            state: Arc::new(Mutex::new(Manual {
                elapsed: Duration::ZERO,
                shift: chrono::Duration::zero(),
                today: None,
            })),
        }
    }

    /// A clock whose day is `today`.
    pub fn on(today: NaiveDate) -> Self {
        let c = Self::new();
        c.set_today(today);
        c
    }

    /// Moves time forward by `d`.
    pub fn advance(&self, d: Duration) {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        s.elapsed += d;
        s.shift += chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
    }

    /// Sets the day schedules are computed for.
    pub fn set_today(&self, today: NaiveDate) {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .today = Some(today);
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn elapsed(&self) -> Duration {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .elapsed
    }

    fn today(&self) -> NaiveDate {
        let today = self
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .today;
        today.unwrap_or_else(|| self.now().date_naive())
    }

    fn now(&self) -> DateTime<Utc> {
        Utc::now()
            + self
                .state
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .shift
    }
}
