//! The headless app core: every action a person takes on the tablet, as a
//! method with a typed error, over the database in whichever state it is
//! (absent, locked, open), the study, the clock, the questionnaire in
//! someone's hands and a delivery under way. The screens (`ui/`) draw its
//! state and call these methods; the command line calls the same
//! functions ([`delivery`], [`unlock`]). Nothing here knows egui.

pub mod clinic;
mod clock;
pub mod delivery;
mod error;
mod idle;
pub mod media;
pub mod questionnaire;
pub mod read_aloud;
mod staff;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use zeroize::Zeroizing;

use kohort_form::study::Study;
use kohort_tablet::store::{Delay, LockedStore, Pages, Store};
use kohort_tablet::sync::Status;

pub use clinic::Clinic;
pub use clock::{Clock, ManualClock, SystemClock};
pub use delivery::{Delivery, Progress, Route, UploadRequest};
pub use error::{CoreError, ErrorKind, Result};
use idle::Idle;
pub use idle::IdleCheck;
pub use questionnaire::{Applied, Change, Outcome, Questionnaire, Refused, Step, apply};
pub use read_aloud::{Speech, SpeechProblem};
pub use staff::{EnrolProblem, Enrolment};

/// The database, in whichever state it is.
enum Db {
    /// No database file yet: first start.
    Absent,
    Locked(LockedStore),
    Open(Box<Store>),
    /// The file is there but could not be opened (the error says why).
    Broken,
}

/// Where the app stands, for the screens to choose what to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// No database yet: set the tablet up.
    SetUp,
    Locked,
    Open,
}

/// What [`Core::poll_pages`] found.
#[derive(Debug)]
pub enum PagesCheck {
    Running,
    /// Every page authenticated (or the store is not open).
    Done,
    /// A page did not: the store was locked.
    Changed(CoreError),
}

/// How staff opens the database.
pub enum Credential {
    Passphrase(Zeroizing<String>),
    Recovery(Zeroizing<String>),
}

/// Opens an existing database with a credential (the command line's way in).
pub fn unlock(db: &Path, with: Credential) -> Result<Store> {
    let locked = Store::open(db)?;
    let unlocked = match &with {
        Credential::Passphrase(p) => locked.unlock(p),
        Credential::Recovery(r) => locked.unlock_with_recovery(r),
    };
    unlocked.map_err(|refused| refused.error.into())
}

pub struct Core {
    study: Arc<Study>,
    db_path: PathBuf,
    db: Db,
    clock: Arc<dyn Clock>,
    /// The wait after wrong passphrases, applied whenever the store locks.
    delay: Delay,
    clinic: Clinic,
    status: Option<Status>,
    /// Why the staff screens' data could not be read, if it could not.
    load_error: Option<CoreError>,
    questionnaire: Option<Questionnaire>,
    /// A delivery under way or last finished; it outlives a lock, and what
    /// it reports is recorded once staff has the store open again.
    delivery: Option<Delivery>,
    idle: Idle,
    /// Removable volumes, and when they were looked up.
    volumes: Option<(std::time::Duration, Vec<kohort_files::volumes::Volume>)>,
    /// Read-aloud, when the app was given it.
    speech: Option<Speech>,
    /// The participant answering, and whether they have everything read.
    reader: Option<uuid::Uuid>,
    read_all: bool,
    /// The study's pictures, decoded.
    media: media::Media,
}

impl Core {
    /// The app on `db_path`: set-up when it does not exist yet, otherwise
    /// locked. A file that cannot be opened is reported by [`Core::load_error`].
    pub fn new(study: Arc<Study>, db_path: PathBuf, clock: Arc<dyn Clock>) -> Self {
        let mut core = Core {
            study,
            db_path,
            db: Db::Absent,
            clock,
            delay: Delay::default(),
            clinic: Clinic::default(),
            status: None,
            load_error: None,
            questionnaire: None,
            delivery: None,
            idle: Idle::default(),
            volumes: None,
            speech: None,
            reader: None,
            read_all: false,
            media: Default::default(),
        };
        if core.db_path.exists() {
            match Store::open(&core.db_path) {
                Ok(locked) => core.db = Db::Locked(locked),
                Err(e) => {
                    core.db = Db::Broken;
                    core.load_error = Some(e.into());
                }
            }
        }
        core
    }

    /// Turns off the growing wait after wrong passphrases (tests only).
    pub fn without_unlock_delay(mut self) -> Self {
        self.delay = Delay::None;
        if let Db::Locked(l) = &mut self.db {
            l.set_delay(Delay::None);
        }
        self
    }

    /// Shows the study's pictures (decoded by [`media::load`]).
    pub fn with_media(mut self, media: media::Media) -> Self {
        self.media = media;
        self
    }

    pub fn media(&self) -> &media::Media {
        &self.media
    }

    pub fn study(&self) -> &Arc<Study> {
        &self.study
    }

    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    pub fn clock(&self) -> &dyn Clock {
        &*self.clock
    }

    pub fn access(&self) -> Access {
        match self.db {
            Db::Absent => Access::SetUp,
            Db::Open(_) => Access::Open,
            Db::Locked(_) | Db::Broken => Access::Locked,
        }
    }

    /// What the staff screens show (empty while locked).
    pub fn clinic(&self) -> &Clinic {
        &self.clinic
    }

    /// What the data manager's page shows (none while locked).
    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }

    /// Why the database or the staff screens' data could not be read.
    pub fn load_error(&self) -> Option<&CoreError> {
        self.load_error.as_ref()
    }

    pub fn questionnaire(&self) -> Option<&Questionnaire> {
        self.questionnaire.as_ref()
    }

    pub fn delivery(&self) -> Option<&Delivery> {
        self.delivery.as_ref()
    }

    fn store(&mut self) -> Result<&mut Store> {
        match &mut self.db {
            Db::Open(s) => Ok(s),
            Db::Absent => Err(CoreError::NotSetUp),
            Db::Locked(_) | Db::Broken => Err(CoreError::Locked),
        }
    }

    /// Reads again what the staff screens show, as of the clock's today.
    pub fn refresh(&mut self) {
        let Db::Open(store) = &self.db else { return };
        self.load_error = None;
        match Clinic::load(store, &self.study, self.clock.today()) {
            Ok(c) => self.clinic = c,
            Err(e) => self.load_error = Some(e.into()),
        }
        let outbox = kohort_tablet::sync::outbox(&self.db_path);
        match delivery::status(store, &outbox, self.clock.now()) {
            Ok(s) => self.status = Some(s),
            Err(e) => self.load_error = Some(e),
        }
        self.idle.set_limit_minutes(self.clinic.idle_lock_minutes);
    }

    /// Creates the database; returns the recovery key, to be shown once.
    pub fn set_up(&mut self, device: &str, passphrase: &str) -> Result<Zeroizing<String>> {
        if !matches!(self.db, Db::Absent) {
            return Err(CoreError::Invalid("this tablet is already set up".into()));
        }
        let (store, recovery) = Store::create(&self.db_path, device.trim(), passphrase)?;
        self.db = Db::Open(Box::new(store));
        self.idle.touch(self.clock.elapsed());
        self.refresh();
        Ok(recovery.to_printable())
    }

    /// Unlocks the database; on success the staff screens' data is read.
    pub fn unlock(&mut self, with: Credential) -> Result<()> {
        let mut locked = match std::mem::replace(&mut self.db, Db::Broken) {
            Db::Locked(l) => l,
            other => {
                let err = match other {
                    Db::Absent => CoreError::NotSetUp,
                    _ => CoreError::Locked,
                };
                self.db = other;
                return Err(err);
            }
        };
        // The first screen does not wait for every page to be checked.
        locked.set_pages(Pages::Later);
        let result = match &with {
            Credential::Passphrase(p) => locked.unlock(p),
            Credential::Recovery(r) => locked.unlock_with_recovery(r),
        };
        match result {
            Ok(store) => {
                self.db = Db::Open(Box::new(store));
                self.idle.touch(self.clock.elapsed());
                self.refresh();
                Ok(())
            }
            Err(refused) => {
                self.db = Db::Locked(*refused.locked);
                Err(refused.error.into())
            }
        }
    }

    /// Where the check of every page that follows an unlock stands; locks
    /// the store when a page did not authenticate.
    pub fn poll_pages(&mut self) -> PagesCheck {
        let Db::Open(store) = &mut self.db else {
            return PagesCheck::Done;
        };
        match store.pages_checked() {
            None => PagesCheck::Running,
            Some(Ok(())) => PagesCheck::Done,
            Some(Err(e)) => {
                self.lock();
                PagesCheck::Changed(e.into())
            }
        }
    }

    /// Wipes the keys from memory and forgets what the staff screens showed.
    pub fn lock(&mut self) {
        self.db = match std::mem::replace(&mut self.db, Db::Broken) {
            Db::Open(store) => {
                let mut locked = store.lock();
                locked.set_delay(self.delay);
                Db::Locked(locked)
            }
            other => other,
        };
        self.questionnaire = None;
        self.stop_reading();
        self.reader = None;
        self.read_all = false;
        self.clinic = Clinic::default();
        self.status = None;
    }
}

impl Core {
    /// The removable volumes (USB sticks) as last looked up.
    pub fn volumes(&self) -> &[kohort_files::volumes::Volume] {
        self.volumes.as_ref().map_or(&[], |(_, v)| v)
    }

    /// Looks up the removable volumes again when the last look is more
    /// than two seconds old (a stick plugged in shows within that).
    pub fn look_for_volumes(&mut self) {
        let now = self.clock.elapsed();
        let stale = self
            .volumes
            .as_ref()
            .is_none_or(|(at, _)| now.saturating_sub(*at) > std::time::Duration::from_secs(2));
        if stale {
            self.volumes = Some((now, kohort_files::volumes::removable()));
        }
    }

    /// Writes the recovery key to a file in `dir` (a USB stick to lock
    /// away); returns the file.
    pub fn save_recovery_key(&mut self, dir: &Path, key: &str) -> Result<PathBuf> {
        let device = self.store()?.device()?;
        let name = format!("kohort-recovery-key-{}.txt", device.id);
        let path = dir.join(name);
        let text = format!(
            "Kohort recovery key for the tablet \"{}\" (device {})\n\n{key}\n\n\
             It opens the answers on this tablet if the staff passphrase is forgotten.\n\
             Keep this file, or a copy on paper, locked away.\n",
            device.name, device.id
        );
        kohort_files::write_atomic(&path, text.as_bytes()).map_err(|source| CoreError::Create {
            path: path.clone(),
            source,
        })?;
        Ok(path)
    }
}
