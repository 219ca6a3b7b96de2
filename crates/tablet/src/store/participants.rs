//! Participants (pseudonymous study code, site, sealed label), their
//! consent, and their treatment episodes.

use chrono::{DateTime, NaiveDate, Utc};
use kohort_form::schedule::EndType;
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::audit::Action;
use super::device::parse_id;
use super::error::{Result, StoreError};
use super::seal::Place;
use super::{Store, now};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consent {
    pub date: NaiveDate,
    /// Version of the consent form signed.
    pub version: String,
    pub contact_interview: bool,
    pub contact_relatives: bool,
    pub withdrawn_at: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Participant {
    pub id: Uuid,
    pub study_code: String,
    pub site: String,
    /// Shown to staff only; sealed in the database.
    pub label: Option<String>,
    pub enrolled_at: DateTime<Utc>,
    pub consent: Option<Consent>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Episode {
    pub id: Uuid,
    pub participant: Uuid,
    pub anchor_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub end_type: Option<EndType>,
}

fn label_place(id: &str) -> Place<'_> {
    Place {
        table: "participants",
        row: id,
        column: "label",
    }
}

fn date(s: &str) -> Result<NaiveDate> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("bad date {s:?}")))
}

fn opt_date(s: Option<String>) -> Result<Option<NaiveDate>> {
    s.as_deref().map(date).transpose()
}

impl Store {
    /// Enrols a participant with consent and a first episode starting at
    /// `anchor`; returns (participant id, episode id).
    pub fn enrol(
        &mut self,
        study_code: &str,
        site: &str,
        label: Option<&str>,
        consent: &Consent,
        anchor: NaiveDate,
    ) -> Result<(Uuid, Uuid)> {
        let id = Uuid::now_v7();
        let ids = id.to_string();
        let sealed = label
            .map(|l| self.keys.seal(label_place(&ids), l.as_bytes()))
            .transpose()?;
        let tx = self.conn.transaction()?;
        let taken: bool = tx
            .query_row(
                "SELECT 1 FROM participants WHERE study_code = ?1",
                [study_code],
                |_| Ok(true),
            )
            .optional()?
            .unwrap_or(false);
        if taken {
            return Err(StoreError::DuplicateStudyCode(study_code.to_owned()));
        }
        let at = now();
        tx.execute(
            "INSERT INTO participants (id, study_code, site, label, enrolled_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![ids, study_code, site, sealed, at],
        )?;
        put_consent(&tx, &ids, consent)?;
        let episode = insert_episode(&tx, &ids, anchor)?;
        super::audit::append(
            &tx,
            self.keys.audit(),
            &at,
            self.actor,
            Action::Enrol,
            &format!("participant={id} episode={episode}"),
        )?;
        tx.commit()?;
        Ok((id, episode))
    }

    /// Records (or replaces) a participant's consent.
    pub fn record_consent(&mut self, participant: Uuid, consent: &Consent) -> Result<()> {
        let tx = self.conn.transaction()?;
        put_consent(&tx, &participant.to_string(), consent)?;
        let action = if consent.withdrawn_at.is_some() {
            Action::ConsentWithdrawn
        } else {
            Action::ConsentRecorded
        };
        super::audit::append(
            &tx,
            self.keys.audit(),
            &now(),
            self.actor,
            action,
            &format!("participant={participant}"),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Starts a new episode for a returning participant. Refused while an
    /// earlier episode is still open, or for an anchor on or before the
    /// last episode's end: earlier episodes stay as they were.
    pub fn start_episode(&mut self, participant: Uuid, anchor: NaiveDate) -> Result<Uuid> {
        let tx = self.conn.transaction()?;
        let mut st =
            tx.prepare("SELECT anchor_date, end_date FROM episodes WHERE participant = ?1")?;
        let earlier = st
            .query_map([participant.to_string()], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        drop(st);
        for (start, end) in earlier {
            let Some(end) = end else {
                return Err(StoreError::Refused(format!(
                    "the episode from {start} has not ended; record its end first"
                )));
            };
            if date(&end)? >= anchor {
                return Err(StoreError::Refused(format!(
                    "a new episode must start after the last one ended ({end})"
                )));
            }
        }
        let episode = insert_episode(&tx, &participant.to_string(), anchor)?;
        super::audit::append(
            &tx,
            self.keys.audit(),
            &now(),
            self.actor,
            Action::EpisodeStart,
            &format!("participant={participant} episode={episode}"),
        )?;
        tx.commit()?;
        Ok(episode)
    }

    /// Records (or corrects) the end of an episode: its date and type
    /// (`completed`, `dropped_out`, `transferred`, `died`, …).
    pub fn end_episode(&mut self, episode: Uuid, end: NaiveDate, end_type: EndType) -> Result<()> {
        let tx = self.conn.transaction()?;
        let anchor: String = tx
            .query_row(
                "SELECT anchor_date FROM episodes WHERE id = ?1",
                [episode.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("episode {episode}")))?;
        if end < date(&anchor)? {
            return Err(StoreError::Refused(format!(
                "the end date {end} is before the anchor date {anchor}"
            )));
        }
        tx.execute(
            "UPDATE episodes SET end_date = ?2, end_type = ?3 WHERE id = ?1",
            params![episode.to_string(), end.to_string(), end_type.code()],
        )?;
        super::audit::append(
            &tx,
            self.keys.audit(),
            &now(),
            self.actor,
            Action::EpisodeEnd,
            &format!("episode={episode} end={end} type={}", end_type.code()),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every participant, labels opened, in enrolment order.
    pub fn participants(&self) -> Result<Vec<Participant>> {
        self.participants_with(true)
    }

    /// Every participant without opening the labels (names), for work
    /// that never shows them, such as sealing a batch.
    pub fn participant_facts(&self) -> Result<Vec<Participant>> {
        self.participants_with(false)
    }

    fn participants_with(&self, labels: bool) -> Result<Vec<Participant>> {
        let mut st = self.conn.prepare(
            "SELECT p.id, p.study_code, p.site, p.label, p.enrolled_at,
                    c.date, c.version, c.contact_interview, c.contact_relatives, c.withdrawn_at
             FROM participants p LEFT JOIN consent c ON c.participant = p.id
             ORDER BY p.id",
        )?;
        let mut rows = st.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let ids: String = r.get(0)?;
            let label = r
                .get::<_, Option<Vec<u8>>>(3)?
                .filter(|_| labels)
                .map(|blob| -> Result<String> {
                    let plain = self.keys.open(label_place(&ids), &blob)?;
                    String::from_utf8(plain.to_vec())
                        .map_err(|_| StoreError::Corrupt("label is not UTF-8".into()))
                })
                .transpose()?;
            let consent = match r.get::<_, Option<String>>(5)? {
                Some(d) => Some(Consent {
                    date: date(&d)?,
                    version: r.get(6)?,
                    contact_interview: r.get(7)?,
                    contact_relatives: r.get(8)?,
                    withdrawn_at: opt_date(r.get(9)?)?,
                }),
                None => None,
            };
            out.push(Participant {
                id: parse_id(&ids)?,
                study_code: r.get(1)?,
                site: r.get(2)?,
                label,
                enrolled_at: r.get(4)?,
                consent,
            });
        }
        Ok(out)
    }

    pub fn episodes(&self, participant: Uuid) -> Result<Vec<Episode>> {
        self.episodes_where(Some(participant))
    }

    /// Every episode of every participant, by participant, then anchor
    /// date (one query, for the staff screens' whole state).
    pub fn all_episodes(&self) -> Result<Vec<Episode>> {
        self.episodes_where(None)
    }

    fn episodes_where(&self, participant: Option<Uuid>) -> Result<Vec<Episode>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, anchor_date, end_date, end_type, participant FROM episodes
             WHERE ?1 IS NULL OR participant = ?1
             ORDER BY participant, anchor_date, id",
        )?;
        let mut rows = st.query([participant.map(|p| p.to_string())])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(Episode {
                id: parse_id(&r.get::<_, String>(0)?)?,
                participant: parse_id(&r.get::<_, String>(4)?)?,
                anchor_date: date(&r.get::<_, String>(1)?)?,
                end_date: opt_date(r.get(2)?)?,
                end_type: r
                    .get::<_, Option<String>>(3)?
                    .map(|c| {
                        EndType::from_code(&c)
                            .ok_or_else(|| StoreError::Corrupt(format!("unknown end type {c:?}")))
                    })
                    .transpose()?,
            });
        }
        Ok(out)
    }
}

fn put_consent(conn: &Connection, participant: &str, c: &Consent) -> Result<()> {
    let n = conn.execute(
        "INSERT INTO consent (participant, date, version, contact_interview, contact_relatives, withdrawn_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM participants WHERE id = ?1)
         ON CONFLICT (participant) DO UPDATE SET date = ?2, version = ?3,
             contact_interview = ?4, contact_relatives = ?5, withdrawn_at = ?6",
        params![
            participant,
            c.date.to_string(),
            c.version,
            c.contact_interview,
            c.contact_relatives,
            c.withdrawn_at.map(|d| d.to_string())
        ],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("participant {participant}")));
    }
    Ok(())
}

fn insert_episode(conn: &Connection, participant: &str, anchor: NaiveDate) -> Result<Uuid> {
    let id = Uuid::now_v7();
    conn.execute(
        "INSERT INTO episodes (id, participant, anchor_date) VALUES (?1, ?2, ?3)",
        params![id.to_string(), participant, anchor.to_string()],
    )
    .map_err(|e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => {
            StoreError::NotFound(format!("participant {participant}"))
        }
        _ => e.into(),
    })?;
    Ok(id)
}
