//! Reading a session back. Split in two so an export can overlap them:
//! reading (the database's one connection, this thread) gives a session
//! whose answers are still sealed; opening (decrypting and checking each
//! answer, which needs only the keys) can run on another thread.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::OptionalExtension;
use serde::Deserialize;
use uuid::Uuid;

use kohort_form::Answer;
use kohort_form::runner::{Plan, Runner};
use kohort_form::study::Questionnaire;

use super::Store;
use super::error::{Result, StoreError};
use super::keys::Keys;
use super::sessions::{SUMMARY_SQL, SessionPlace, SessionSummary, place_place, summary};

/// A session read back, ready for [`Runner::resume`].
#[derive(Clone, Debug)]
pub struct LoadedSession {
    pub summary: SessionSummary,
    /// Rebuilt from the pinned instrument content, not from today's files.
    pub questionnaire: Questionnaire,
    pub answers: BTreeMap<String, Answer>,
    /// When each answer or decline was last saved (from the same pass).
    pub answer_times: BTreeMap<String, String>,
    pub position: Option<String>,
    pub seen: BTreeSet<String>,
}

impl LoadedSession {
    pub fn into_runner(self) -> Runner {
        Runner::resume(
            self.questionnaire,
            self.answers,
            self.position.as_deref(),
            self.seen,
        )
    }

    /// [`LoadedSession::into_runner`] with a plan shared by many sessions.
    pub fn into_runner_with(self, plan: &Plan) -> Runner {
        Runner::resume_with(
            plan,
            self.questionnaire,
            self.answers,
            self.position.as_deref(),
            self.seen,
        )
    }
}

/// A session as read from the database, its answers and place still
/// sealed. Holds no plaintext.
pub struct SealedSession {
    summary: SessionSummary,
    questionnaire: Questionnaire,
    place: Option<Vec<u8>>,
    /// Each answer row: blinded item tag, sealed value, when it was saved.
    rows: Vec<(Vec<u8>, Vec<u8>, String)>,
}

/// Opens sealed sessions with the unlocked keys, on any thread.
#[derive(Clone, Copy)]
pub struct Opener<'a> {
    pub(super) keys: &'a Keys,
}

#[derive(Deserialize)]
struct OpenAnswer {
    item: String,
    answer: Answer,
}

impl Store {
    /// Reads a session back: the pinned questionnaire (each instrument's
    /// hash checked), the opened answers, the position and screens seen.
    pub fn load_session(&self, session: Uuid) -> Result<LoadedSession> {
        self.opener().open(self.read_session(session)?)
    }

    /// What opens the sessions [`Store::read_session`] gives.
    pub fn opener(&self) -> Opener<'_> {
        Opener { keys: &self.keys }
    }

    /// Reads a session with its answers still sealed.
    pub fn read_session(&self, session: Uuid) -> Result<SealedSession> {
        let sid = session.to_string();
        let not_found = || StoreError::NotFound(format!("session {session}"));
        // Prepared once per connection: parsing this join for each of ten
        // thousand sessions took a sixth of an export.
        let (summary, title, params, place) = self
            .conn
            .prepare_cached(&format!(
                "SELECT * FROM ({SUMMARY_SQL} WHERE s.id = ?1),
                    (SELECT form_title, params, place FROM sessions WHERE id = ?1)"
            ))?
            .query_row([&sid], |r| {
                Ok((
                    summary(r),
                    r.get::<_, String>(12)?,
                    r.get::<_, String>(13)?,
                    r.get::<_, Option<Vec<u8>>>(14)?,
                ))
            })
            .optional()?
            .ok_or_else(not_found)?;
        let summary = summary?;
        let questionnaire = Questionnaire {
            form_id: summary.form_id.clone(),
            title: serde_json::from_str(&title)?,
            respondent: summary.respondent,
            instruments: self.pinned(&sid)?,
            params: serde_json::from_str(&params)?,
        };
        let mut st = self
            .conn
            .prepare_cached("SELECT item_tag, value, updated_at FROM answers WHERE session = ?1")?;
        let rows = st
            .query_map([&sid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(SealedSession {
            summary,
            questionnaire,
            place,
            rows,
        })
    }
}

impl Opener<'_> {
    /// Decrypts the session's place and answers, checking that each answer
    /// belongs to its row.
    pub fn open(&self, s: SealedSession) -> Result<LoadedSession> {
        let sid = s.summary.id.to_string();
        let (position, seen) = match &s.place {
            Some(blob) => {
                let plain = self.keys.open(place_place(&sid), blob)?;
                let p: SessionPlace = serde_json::from_slice(&plain)?;
                (p.position, p.seen)
            }
            None => (None, BTreeSet::new()),
        };
        let mut answers = BTreeMap::new();
        let mut answer_times = BTreeMap::new();
        let mut row = String::new();
        for (tag, blob, at) in &s.rows {
            let place = Store::answer_place(&sid, tag, &mut row);
            let plain = self.keys.open(place, blob)?;
            let open: OpenAnswer = serde_json::from_slice(&plain)?;
            // The tag is derived from the item id: a mismatch means the
            // sealed content does not belong to this row.
            if self.keys.item_tag(&sid, &open.item) != *tag {
                return Err(StoreError::Tampered {
                    table: "answers",
                    column: "value",
                    row: row.clone(),
                });
            }
            answer_times.insert(open.item.clone(), at.clone());
            answers.insert(open.item, open.answer);
        }
        Ok(LoadedSession {
            summary: s.summary,
            questionnaire: s.questionnaire,
            answers,
            answer_times,
            position,
            seen,
        })
    }
}
