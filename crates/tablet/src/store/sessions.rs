//! Questionnaire sessions: the pinned instruments, the sealed answers, the
//! sealed position, and the status life cycle. Every save is its own
//! committed transaction: once it returns, the answer is on disk.

use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::Zeroizing;

use kohort_form::Answer;
use kohort_form::Respondent;
use kohort_form::study::Questionnaire;

use super::audit::Action;
use super::device::parse_id;
use super::error::{Result, StoreError};
use super::seal::Place;
use super::{Store, now};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SessionStatus {
    InProgress,
    Paused,
    Completed,
    Abandoned,
}

impl SessionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionStatus::InProgress => "in_progress",
            SessionStatus::Paused => "paused",
            SessionStatus::Completed => "completed",
            SessionStatus::Abandoned => "abandoned",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "in_progress" => SessionStatus::InProgress,
            "paused" => SessionStatus::Paused,
            "completed" => SessionStatus::Completed,
            "abandoned" => SessionStatus::Abandoned,
            _ => return Err(StoreError::Corrupt(format!("unknown session status {s:?}"))),
        })
    }
}

fn respondent(s: &str) -> Result<Respondent> {
    match s {
        "patient" => Ok(Respondent::Patient),
        "clinician" => Ok(Respondent::Clinician),
        _ => Err(StoreError::Corrupt(format!("unknown respondent {s:?}"))),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionSummary {
    pub id: Uuid,
    pub participant: Uuid,
    pub episode: Uuid,
    pub form_id: String,
    pub respondent: Respondent,
    pub status: SessionStatus,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    /// Answer rows (answers and declines).
    pub answers: usize,
    /// Which occurrence of a recurring or repeatable form, from 0.
    pub occurrence: u32,
    /// When its answers were purged after the research store confirmed
    /// them; the session itself (form, dates, status) stays.
    pub purged_at: Option<DateTime<Utc>>,
}

/// Which sessions [`Store::list_sessions`] returns; empty means all.
#[derive(Clone, Debug, Default)]
pub struct SessionFilter {
    pub status: Option<SessionStatus>,
    pub participant: Option<Uuid>,
}

/// What is sealed in `answers.value`: the item id travels inside, since
/// the row is keyed by a blinded tag.
#[derive(Serialize)]
struct SealAnswer<'a> {
    item: &'a str,
    answer: &'a Answer,
}

#[derive(Serialize, Deserialize)]
pub(super) struct SessionPlace {
    pub position: Option<String>,
    pub seen: BTreeSet<String>,
}

pub(super) const SUMMARY_SQL: &str =
    "SELECT s.id, s.participant, s.episode, s.form_id, s.respondent, s.status,
        s.started_at, s.updated_at, s.completed_at,
        s.answer_count, s.occurrence, s.purged_at
     FROM sessions s";

pub(super) fn summary(r: &rusqlite::Row<'_>) -> Result<SessionSummary> {
    Ok(SessionSummary {
        id: parse_id(&r.get::<_, String>(0)?)?,
        participant: parse_id(&r.get::<_, String>(1)?)?,
        episode: parse_id(&r.get::<_, String>(2)?)?,
        form_id: r.get(3)?,
        respondent: respondent(&r.get::<_, String>(4)?)?,
        status: SessionStatus::parse(&r.get::<_, String>(5)?)?,
        started_at: r.get(6)?,
        updated_at: r.get(7)?,
        completed_at: r.get(8)?,
        answers: r.get::<_, i64>(9)? as usize,
        occurrence: r.get(10)?,
        purged_at: r.get(11)?,
    })
}

impl Store {
    /// Starts a session of `q`, pinning each instrument's exact content.
    pub fn start_session(
        &mut self,
        participant: Uuid,
        episode: Uuid,
        q: &Questionnaire,
    ) -> Result<Uuid> {
        self.start_occurrence(participant, episode, q, 0)
    }

    /// Starts a session of one occurrence (from 0) of a recurring or
    /// repeatable form. Refused once the participant has withdrawn consent.
    pub fn start_occurrence(
        &mut self,
        participant: Uuid,
        episode: Uuid,
        q: &Questionnaire,
        occurrence: u32,
    ) -> Result<Uuid> {
        let id = Uuid::now_v7();
        let ids = id.to_string();
        let tx = self.conn.transaction()?;
        let owner: Option<String> = tx
            .query_row(
                "SELECT participant FROM episodes WHERE id = ?1",
                [episode.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        if owner != Some(participant.to_string()) {
            return Err(StoreError::NotFound(format!(
                "episode {episode} of participant {participant}"
            )));
        }
        let withdrawn: Option<String> = tx
            .query_row(
                "SELECT withdrawn_at FROM consent WHERE participant = ?1",
                [participant.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        if let Some(on) = withdrawn {
            return Err(StoreError::Refused(format!(
                "consent was withdrawn on {on}: nothing more is collected"
            )));
        }
        let at = now();
        tx.execute(
            "INSERT INTO sessions (id, participant, episode, form_id, form_title, params,
                 respondent, status, started_at, updated_at, occurrence)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'in_progress', ?8, ?8, ?9)",
            params![
                ids,
                participant.to_string(),
                episode.to_string(),
                q.form_id,
                serde_json::to_string(&q.title)?,
                serde_json::to_string(&q.params)?,
                q.respondent.as_str(),
                at,
                occurrence
            ],
        )?;
        for (i, inst) in q.instruments.iter().enumerate() {
            tx.execute(
                "INSERT OR IGNORE INTO instrument_texts (hash, instrument_id, version, canonical)
                 VALUES (?1, ?2, ?3, ?4)",
                params![inst.hash, inst.id, inst.version, inst.canonical],
            )?;
            tx.execute(
                "INSERT INTO session_instruments (session, ordinal, instrument_id, version, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![ids, i as i64, inst.id, inst.version, inst.hash],
            )?;
        }
        super::audit::append(
            &tx,
            self.keys.audit(),
            &at,
            self.actor,
            Action::SessionStart,
            &format!(
                "session={id} participant={participant} episode={episode} form={} occurrence={occurrence}",
                q.form_id
            ),
        )?;
        tx.commit()?;
        Ok(id)
    }

    pub(super) fn answer_place<'a>(session: &str, tag: &[u8], row: &'a mut String) -> Place<'a> {
        *row = format!("{session}/{}", hex::encode(tag));
        Place {
            table: "answers",
            row,
            column: "value",
        }
    }

    /// Saves one answer or decline in its own transaction.
    pub fn save_answer(&mut self, session: Uuid, item_id: &str, answer: &Answer) -> Result<()> {
        self.save_step(session, &[(item_id, Some(answer))], None)
    }

    /// Removes an answer or decline, in its own transaction.
    pub fn clear_answer(&mut self, session: Uuid, item_id: &str) -> Result<()> {
        self.save_step(session, &[(item_id, None)], None)
    }

    /// Saves the screen the respondent stands on and the screens seen.
    pub fn set_position(
        &mut self,
        session: Uuid,
        position: Option<&str>,
        seen: &BTreeSet<String>,
    ) -> Result<()> {
        self.save_step(session, &[], Some((position, seen)))
    }

    /// Saves what one step of a questionnaire changed in one transaction:
    /// answers set (`Some`) or cleared (`None`), and, if given, where the
    /// respondent stands. Declining an 18-row matrix is one commit (one
    /// fsync), and either all of it is on disk or none of it.
    pub fn save_step(
        &mut self,
        session: Uuid,
        answers: &[(&str, Option<&Answer>)],
        place: Option<(Option<&str>, &BTreeSet<String>)>,
    ) -> Result<()> {
        let sid = session.to_string();
        // Sealed before the transaction, so the write lock is held briefly.
        let mut sealed = Vec::with_capacity(answers.len());
        for (item_id, answer) in answers {
            let tag = self.keys.item_tag(&sid, item_id);
            let blob = match answer {
                Some(answer) => {
                    let plain = Zeroizing::new(serde_json::to_vec(&SealAnswer {
                        item: item_id,
                        answer,
                    })?);
                    let mut row = String::new();
                    Some(
                        self.keys
                            .seal(Self::answer_place(&sid, &tag, &mut row), &plain)?,
                    )
                }
                None => None,
            };
            sealed.push((tag, blob));
        }
        let place_blob = match place {
            Some((position, seen)) => {
                let plain = Zeroizing::new(serde_json::to_vec(&SessionPlace {
                    position: position.map(str::to_owned),
                    seen: seen.clone(),
                })?);
                Some(self.keys.seal(place_place(&sid), &plain)?)
            }
            None => None,
        };
        let tx = self.conn.transaction()?;
        let at = now();
        touch_open(&tx, &sid, &at)?;
        for (tag, blob) in &sealed {
            match blob {
                Some(blob) => tx
                    .prepare_cached(
                        "INSERT INTO answers (session, item_tag, value, updated_at)
                         VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (session, item_tag) DO UPDATE SET value = ?3, updated_at = ?4",
                    )?
                    .execute(params![sid, tag, blob, at])?,
                None => tx
                    .prepare_cached("DELETE FROM answers WHERE session = ?1 AND item_tag = ?2")?
                    .execute(params![sid, tag])?,
            };
        }
        if let Some(blob) = place_blob {
            tx.prepare_cached("UPDATE sessions SET place = ?2 WHERE id = ?1")?
                .execute(params![sid, blob])?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn pause_session(&mut self, session: Uuid) -> Result<()> {
        self.transition(
            session,
            &[SessionStatus::InProgress],
            SessionStatus::Paused,
            Action::SessionPause,
        )
    }

    /// Takes a paused session up again (then [`Store::load_session`] it).
    pub fn resume_session(&mut self, session: Uuid) -> Result<()> {
        self.transition(
            session,
            &[SessionStatus::Paused],
            SessionStatus::InProgress,
            Action::SessionResume,
        )
    }

    /// Completes a session and keeps its record with it (`kept.rs`): its
    /// variables are final now, so an export need not replay it.
    pub fn complete_session(&mut self, session: Uuid) -> Result<()> {
        use SessionStatus::*;
        let kept = self.kept_value(session)?;
        self.transition_keeping(
            session,
            &[InProgress, Paused],
            Completed,
            Action::SessionComplete,
            Some(kept),
        )
    }

    pub fn abandon_session(&mut self, session: Uuid) -> Result<()> {
        use SessionStatus::*;
        self.transition(
            session,
            &[InProgress, Paused],
            Abandoned,
            Action::SessionAbandon,
        )
    }

    fn transition(
        &mut self,
        session: Uuid,
        from: &[SessionStatus],
        to: SessionStatus,
        action: Action,
    ) -> Result<()> {
        self.transition_keeping(session, from, to, action, None)
    }

    /// [`Self::transition`], writing a kept record in the same transaction.
    fn transition_keeping(
        &mut self,
        session: Uuid,
        from: &[SessionStatus],
        to: SessionStatus,
        action: Action,
        kept: Option<super::kept::Kept>,
    ) -> Result<()> {
        let sid = session.to_string();
        let tx = self.conn.transaction()?;
        let status = status_of(&tx, &sid)?;
        if !from.contains(&status) {
            return Err(StoreError::SessionClosed {
                id: sid,
                status: status.as_str(),
            });
        }
        let at = now();
        let completed = (to == SessionStatus::Completed).then_some(&at);
        tx.execute(
            "UPDATE sessions SET status = ?2, updated_at = ?3,
                 completed_at = coalesce(?4, completed_at) WHERE id = ?1",
            params![sid, to.as_str(), at, completed],
        )?;
        if let Some(kept) = kept {
            kept.write(&tx, &sid)?;
        }
        super::audit::append(
            &tx,
            self.keys.audit(),
            &at,
            self.actor,
            action,
            &format!("session={session}"),
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn list_sessions(&self, filter: &SessionFilter) -> Result<Vec<SessionSummary>> {
        let sql = format!(
            "{SUMMARY_SQL} WHERE (?1 IS NULL OR s.status = ?1) AND (?2 IS NULL OR s.participant = ?2)
             ORDER BY s.id"
        );
        let mut st = self.conn.prepare(&sql)?;
        let mut rows = st.query(params![
            filter.status.map(SessionStatus::as_str),
            filter.participant.map(|p| p.to_string())
        ])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(summary(r)?);
        }
        Ok(out)
    }
}

pub(super) fn place_place(sid: &str) -> Place<'_> {
    Place {
        table: "sessions",
        row: sid,
        column: "place",
    }
}

fn status_of(conn: &Connection, sid: &str) -> Result<SessionStatus> {
    let s: String = conn
        .query_row("SELECT status FROM sessions WHERE id = ?1", [sid], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("session {sid}")))?;
    SessionStatus::parse(&s)
}

/// Marks an in-progress session as changed; refuses any other status.
fn touch_open(conn: &Connection, sid: &str, at: &str) -> Result<()> {
    let n = conn
        .prepare_cached(
            "UPDATE sessions SET updated_at = ?2 WHERE id = ?1 AND status = 'in_progress'",
        )?
        .execute(params![sid, at])?;
    if n == 0 {
        let status = status_of(conn, sid)?;
        return Err(StoreError::SessionClosed {
            id: sid.to_owned(),
            status: status.as_str(),
        });
    }
    Ok(())
}
