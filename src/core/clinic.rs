//! What the staff screens show, read from the store in one go: the
//! participants, their episodes and sessions, and every episode's schedule
//! as of a given day, with today's work across all participants. Kept out
//! of the GUI so it is tested on its own.

use std::collections::HashMap;

use chrono::{DateTime, Local, NaiveDate, Utc};
use uuid::Uuid;

use kohort_form::ItemKind;
use kohort_form::schedule::{self, EpisodeDates, Fact, Happened, Row, State, schedule, urgency};
use kohort_form::study::Study;
use kohort_tablet::store::{
    Episode, Missed, Participant, SessionStatus, SessionSummary, Store, StoreError,
};

/// Minutes of no input after which staff screens lock, unless set.
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 5;
/// The setting that holds the idle lock in minutes (0: never).
pub const IDLE_LOCK_SETTING: &str = "idle_lock_minutes";
/// The setting that holds the staff language (`nb`, `nn` or `en`).
pub const LANGUAGE_SETTING: &str = "staff_language";

#[derive(Default)]
pub struct Clinic {
    pub device: String,
    /// The fingerprint of this tablet's signing key, for the research store.
    pub device_fingerprint: String,
    /// A demo tablet's database (synthetic data): every staff screen says so.
    pub demo: bool,
    pub today: Option<NaiveDate>,
    pub participants: Vec<Participant>,
    /// Every episode, ordered by participant then anchor date.
    pub episodes: Vec<Episode>,
    pub sessions: Vec<SessionSummary>,
    pub missed: Vec<Missed>,
    /// Each episode's schedule (or why it cannot be computed).
    pub schedules: HashMap<Uuid, Result<Vec<Row>, String>>,
    pub idle_lock_minutes: u32,
    /// The staff language set on this tablet, if one was.
    pub language: Option<kohort_form::Lang>,
    /// The participants who have every screen read aloud.
    pub read_aloud: std::collections::BTreeSet<Uuid>,
    /// Today's work, most pressing first, worked out once per load (the
    /// home page draws it every frame): participant index, episode, row
    /// index in that episode's schedule.
    work: Vec<(usize, Uuid, usize)>,
}

/// One due form in today's work list.
pub struct Work<'a> {
    pub participant: &'a Participant,
    pub episode: Uuid,
    pub row: &'a Row,
}

/// Participants and work per site.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SiteCount {
    pub site: String,
    pub participants: usize,
    pub due: usize,
    pub late: usize,
    pub paused: usize,
}

impl Clinic {
    /// Reads everything the staff screens need, with schedules as of `today`.
    /// A handful of queries, then every schedule from sessions and marks
    /// grouped by episode once (not filtered again for each episode).
    pub fn load(store: &Store, study: &Study, today: NaiveDate) -> Result<Clinic, StoreError> {
        let participants = store.participants()?;
        let episodes = store.all_episodes()?;
        let missed = store.all_missed()?;
        let sessions = store.list_sessions(&Default::default())?;
        let idle_lock_minutes = store
            .setting(IDLE_LOCK_SETTING)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_IDLE_LOCK_MINUTES);
        let language = store
            .setting(LANGUAGE_SETTING)?
            .and_then(|v| kohort_form::Lang::from_code(&v));
        let device = store.device()?;
        let mut clinic = Clinic {
            device_fingerprint: device.fingerprint(),
            device: device.name,
            demo: store.is_demo()?,
            today: Some(today),
            participants,
            episodes,
            sessions,
            missed,
            schedules: HashMap::new(),
            idle_lock_minutes,
            language,
            read_aloud: store.read_aloud_participants()?,
            work: Vec::new(),
        };
        clinic.schedules = clinic.all_schedules(study, today);
        clinic.work = clinic.compute_work();
        Ok(clinic)
    }

    fn all_schedules(
        &self,
        study: &Study,
        today: NaiveDate,
    ) -> HashMap<Uuid, Result<Vec<Row>, String>> {
        let mut facts: HashMap<Uuid, Vec<Fact>> = HashMap::new();
        let mut slots: HashMap<&str, Option<usize>> = HashMap::new();
        for s in &self.sessions {
            let n = *slots
                .entry(s.form_id.as_str())
                .or_insert_with(|| answer_slots(study, &s.form_id));
            facts.entry(s.episode).or_default().push(session_fact(s, n));
        }
        for m in &self.missed {
            facts.entry(m.episode).or_default().push(Fact {
                form: m.form_id.clone(),
                occurrence: m.occurrence,
                happened: Happened::Missed {
                    code: m.code,
                    reason: m.reason.clone(),
                },
            });
        }
        let withdrawn: HashMap<Uuid, bool> = self
            .participants
            .iter()
            .map(|p| {
                let w = p.consent.as_ref().is_some_and(|c| c.withdrawn_at.is_some());
                (p.id, w)
            })
            .collect();
        self.episodes
            .iter()
            .map(|e| {
                let dates = EpisodeDates {
                    anchor: e.anchor_date,
                    end: e.end_date,
                };
                let known = facts.get(&e.id).map_or(&[][..], Vec::as_slice);
                let rows = schedule(study, dates, today, known).map(|mut rows| {
                    if withdrawn.get(&e.participant).copied().unwrap_or(false) {
                        schedule::withdraw(&mut rows);
                    }
                    rows
                });
                (e.id, rows.map_err(|err| err.to_string()))
            })
            .collect()
    }

    pub fn participant(&self, id: Uuid) -> Option<&Participant> {
        self.participants.iter().find(|p| p.id == id)
    }

    /// A participant's episodes, oldest first.
    pub fn episodes_of(&self, participant: Uuid) -> impl Iterator<Item = &Episode> {
        self.episodes
            .iter()
            .filter(move |e| e.participant == participant)
    }

    /// The latest episode: the one that is collected now.
    pub fn current_episode(&self, participant: Uuid) -> Option<&Episode> {
        self.episodes_of(participant).last()
    }

    pub fn rows(&self, episode: Uuid) -> Option<&Result<Vec<Row>, String>> {
        self.schedules.get(&episode)
    }

    /// The sessions of a row: its form in the episode, and its occurrence
    /// when the row is one.
    fn sessions_of(&self, episode: Uuid, row: &Row) -> impl Iterator<Item = &SessionSummary> {
        self.sessions
            .iter()
            .filter(move |s| s.episode == episode && s.form_id == row.form)
            .filter(move |s| row.occurrence.is_none_or(|n| s.occurrence == n))
    }

    /// The session a row can be resumed from: the latest one under way.
    pub fn open_session(&self, episode: Uuid, row: &Row) -> Option<&SessionSummary> {
        self.sessions_of(episode, row)
            .filter(|s| matches!(s.status, SessionStatus::Paused | SessionStatus::InProgress))
            .max_by_key(|s| s.started_at)
    }

    /// Whether the row's completed answers have left the tablet: the
    /// research store confirmed them and the retention period purged them.
    pub fn purged(&self, episode: Uuid, row: &Row) -> bool {
        self.sessions_of(episode, row)
            .any(|s| s.status == SessionStatus::Completed && s.purged_at.is_some())
    }

    /// The occurrence a new session of this row gets: its own, or for the
    /// "start another" row of a manual form, one past the last recorded.
    pub fn next_occurrence(&self, episode: Uuid, row: &Row) -> u32 {
        row.occurrence.unwrap_or_else(|| {
            self.sessions
                .iter()
                .filter(|s| s.episode == episode && s.form_id == row.form)
                .map(|s| s.occurrence + 1)
                .chain(
                    self.missed
                        .iter()
                        .filter(|m| m.episode == episode && m.form_id == row.form)
                        .map(|m| m.occurrence + 1),
                )
                .max()
                .unwrap_or(0)
        })
    }

    /// Every due form of every participant's current episode (earlier
    /// episodes are read-only), most pressing first.
    pub fn work(&self) -> Vec<Work<'_>> {
        self.work
            .iter()
            .filter_map(|&(p, episode, r)| {
                let rows = self.schedules.get(&episode)?.as_ref().ok()?;
                Some(Work {
                    participant: self.participants.get(p)?,
                    episode,
                    row: rows.get(r)?,
                })
            })
            .collect()
    }

    /// How many forms are due now: the work list's length.
    pub fn work_len(&self) -> usize {
        self.work.len()
    }

    fn compute_work(&self) -> Vec<(usize, Uuid, usize)> {
        // Each participant's last episode, found in one pass (episodes are
        // ordered by participant then anchor date).
        let mut current: HashMap<Uuid, Uuid> = HashMap::new();
        for e in &self.episodes {
            current.insert(e.participant, e.id);
        }
        let mut out: Vec<(usize, Uuid, usize)> = Vec::new();
        for (pi, p) in self.participants.iter().enumerate() {
            let Some(&episode) = current.get(&p.id) else {
                continue;
            };
            let Some(Ok(rows)) = self.schedules.get(&episode) else {
                continue;
            };
            for (ri, row) in rows.iter().enumerate() {
                if row.state.is_due() {
                    out.push((pi, episode, ri));
                }
            }
        }
        let row_of = |&(_, e, r): &(usize, Uuid, usize)| {
            self.schedules
                .get(&e)
                .and_then(|rows| rows.as_ref().ok())
                .and_then(|rows| rows.get(r))
        };
        out.sort_by(|a, b| {
            let (ra, rb) = (row_of(a), row_of(b));
            ra.map(urgency).cmp(&rb.map(urgency)).then_with(|| {
                self.participants[a.0]
                    .study_code
                    .cmp(&self.participants[b.0].study_code)
            })
        });
        out
    }

    /// Counts per site, sites in the study's order then any others.
    pub fn sites(&self, study: &Study) -> Vec<SiteCount> {
        let mut out: Vec<SiteCount> = study
            .sites
            .iter()
            .map(|s| SiteCount {
                site: s.clone(),
                ..Default::default()
            })
            .collect();
        for p in &self.participants {
            site_entry(&mut out, &p.site).participants += 1;
        }
        for w in self.work() {
            let c = site_entry(&mut out, &w.participant.site);
            c.due += 1;
            // A paused form past its window counts in both.
            if w.row.state.days_late().is_some() {
                c.late += 1;
            }
            if matches!(w.row.state, State::Paused { .. }) {
                c.paused += 1;
            }
        }
        out
    }
}

fn site_entry<'a>(counts: &'a mut Vec<SiteCount>, site: &str) -> &'a mut SiteCount {
    let i = match counts.iter().position(|c| c.site == site) {
        Some(i) => i,
        None => {
            counts.push(SiteCount {
                site: site.to_owned(),
                ..Default::default()
            });
            counts.len() - 1
        }
    };
    &mut counts[i]
}

/// The tablet's calendar day of an instant.
fn day(at: &DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Local).date_naive()
}

/// How many answers a form can hold at most (matrix rows each count), for
/// a rough share of a paused session; `None` for an unknown form.
/// What a session tells its episode's schedule; `slots` is how many
/// answers its form can hold (for a paused session's share).
fn session_fact(s: &SessionSummary, slots: Option<usize>) -> Fact {
    let started = day(&s.started_at);
    let progress = slots.map(|n| (s.answers as f32 / n as f32).min(1.0));
    let happened = match s.status {
        SessionStatus::Completed => Happened::Completed {
            on: s.completed_at.as_ref().map_or(started, day),
        },
        SessionStatus::Paused => Happened::Paused { started, progress },
        SessionStatus::InProgress => Happened::InProgress { started, progress },
        SessionStatus::Abandoned => Happened::Abandoned { on: started },
    };
    Fact {
        form: s.form_id.clone(),
        occurrence: s.occurrence,
        happened,
    }
}

fn answer_slots(study: &Study, form: &str) -> Option<usize> {
    let form = study.form(form)?;
    let n: usize = form
        .instruments
        .iter()
        .filter_map(|i| study.instrument(i))
        .flat_map(|i| i.items.iter())
        .map(|item| match &item.kind {
            ItemKind::Matrix { rows, .. } => rows.len(),
            ItemKind::Score { .. } => 0,
            k if k.is_display() => 0,
            _ => 1,
        })
        .sum();
    (n > 0).then_some(n)
}
