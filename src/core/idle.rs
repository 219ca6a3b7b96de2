//! The idle lock: staff screens (and a clinician form, paused first) lock
//! after a while without a touch; a patient's questionnaire never does.
//! Time comes from the core's clock, so the check works the same whether
//! it runs in a frame or while the window is hidden.

use std::time::Duration;

use super::{Core, CoreError};

/// When the staff screens were last touched, and after how long they lock.
#[derive(Debug, Default)]
pub struct Idle {
    last: Duration,
    /// From the setting (0: never).
    minutes: u32,
    /// Overrides the setting (tests).
    forced: Option<Duration>,
}

impl Idle {
    pub(super) fn touch(&mut self, at: Duration) {
        self.last = at;
    }

    pub(super) fn set_limit_minutes(&mut self, minutes: u32) {
        self.minutes = minutes;
    }

    fn limit(&self) -> Option<Duration> {
        self.forced.or_else(|| {
            (self.minutes > 0).then(|| Duration::from_secs(u64::from(self.minutes) * 60))
        })
    }
}

impl Core {
    /// Locks idle staff screens after `after`, whatever the setting says.
    pub fn with_idle_lock(mut self, after: Duration) -> Self {
        self.idle.forced = Some(after);
        self
    }

    /// Someone touched the screen.
    pub fn touch(&mut self) {
        self.idle.touch(self.clock.elapsed());
    }

    /// Whether the idle lock watches now: staff has the store open and no
    /// patient holds the tablet.
    fn watched(&self) -> bool {
        self.access() == super::Access::Open
            && self.questionnaire.as_ref().is_none_or(|q| q.by_staff)
    }

    /// Locks when staff screens were left longer than the idle time (a
    /// clinician form is paused first).
    pub fn lock_if_idle(&mut self) -> IdleCheck {
        let Some(limit) = self.idle.limit().filter(|_| self.watched()) else {
            return IdleCheck::NotWatching;
        };
        let idle = self.clock.elapsed().saturating_sub(self.idle.last);
        if idle < limit {
            return IdleCheck::Remaining(limit - idle);
        }
        let mut failed = None;
        if let Some(q) = &self.questionnaire {
            let session = q.session;
            if let Err(e) = self.store().and_then(|s| Ok(s.pause_session(session)?)) {
                failed = Some(e);
            }
        }
        self.lock();
        IdleCheck::Locked(failed)
    }
}

/// What [`Core::lock_if_idle`] found.
#[derive(Debug)]
pub enum IdleCheck {
    /// Locked, patient mode, or no idle lock set.
    NotWatching,
    /// Still open; it would lock after this long without a touch.
    Remaining(Duration),
    /// It locked now; pausing the open clinician form failed, if it did.
    Locked(Option<CoreError>),
}
