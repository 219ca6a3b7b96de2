//! Each fact has an owner: a participant, their episodes and sessions
//! belong to the device that sent them first (the tablet that enrolled
//! them). A batch from another device that names them is refused, so a
//! forged or mistaken batch cannot rewrite another tablet's participants.
//! Moving a participant between tablets is not done by an upsert.

use rusqlite::{OptionalExtension, Transaction};

use kohort_batch::{Facts, SessionRecord};

use crate::error::Result;

/// Why the batch may not write these records, if it may not. `lineage`:
/// the batch's device and the ids it continues (accepted epochs).
pub fn check(
    tx: &Transaction<'_>,
    lineage: &[String],
    records: &[SessionRecord],
) -> Result<Option<String>> {
    let device = lineage.first().map_or("", String::as_str);
    for r in records {
        let p = &r.participant;
        if let Some(other) = owner_of(tx, "participants", &p.id)?
            && !lineage.contains(&other)
        {
            return Ok(Some(format!(
                "session {} names participant {}, who belongs to device {other}; \
                 a batch from device {device} cannot change them",
                r.id, p.id
            )));
        }
        if let Some(other) = owner_of(tx, "episodes", &r.episode.id)?
            && !lineage.contains(&other)
        {
            return Ok(Some(format!(
                "session {} names episode {}, which belongs to device {other}",
                r.id, r.episode.id
            )));
        }
        let episode_of: Option<String> = tx
            .query_row(
                "SELECT participant FROM episodes WHERE id = ?1",
                [&r.episode.id],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(pid) = episode_of
            && pid != p.id
        {
            return Ok(Some(format!(
                "session {} puts episode {} under participant {}, but it belongs to participant {pid}",
                r.id, r.episode.id, p.id
            )));
        }
        let session: Option<(String, String)> = tx
            .query_row(
                "SELECT device_id, participant FROM sessions WHERE id = ?1",
                [&r.id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        if let Some((other, pid)) = session
            && (!lineage.contains(&other) || pid != p.id)
        {
            return Ok(Some(format!(
                "session {} was already imported from device {other} for participant {pid}",
                r.id
            )));
        }
    }
    Ok(None)
}

/// Why the batch may not write these fact records, if it may not. An
/// episode must be under the participant it was under; a missed mark must
/// be for an episode of this device (in the store or in this batch).
pub fn check_facts(
    tx: &Transaction<'_>,
    lineage: &[String],
    facts: &Facts,
) -> Result<Option<String>> {
    let device = lineage.first().map_or("", String::as_str);
    for p in &facts.participants {
        if let Some(other) = owner_of(tx, "participants", &p.id)?
            && !lineage.contains(&other)
        {
            return Ok(Some(format!(
                "participant {} belongs to device {other}; a batch from device {device} \
                 cannot change them",
                p.id
            )));
        }
    }
    for e in &facts.episodes {
        if let Some(other) = owner_of(tx, "episodes", &e.id)?
            && !lineage.contains(&other)
        {
            return Ok(Some(format!("episode {} belongs to device {other}", e.id)));
        }
        let under: Option<String> = tx
            .query_row(
                "SELECT participant FROM episodes WHERE id = ?1",
                [&e.id],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(pid) = under
            && pid != e.participant
        {
            return Ok(Some(format!(
                "episode {} is moved to participant {}, but it belongs to participant {pid}",
                e.id, e.participant
            )));
        }
        // The participant must be this device's (in the store, after the
        // batch's session records were written) or in the batch.
        let stored = tx
            .query_row(
                "SELECT device_id FROM participants WHERE id = ?1",
                [&e.participant],
                |row| row.get::<_, Option<String>>(0),
            )
            .optional()?;
        if let Some(Some(other)) = &stored
            && !lineage.contains(other)
        {
            return Ok(Some(format!(
                "episode {} is put under participant {}, who belongs to device {other}",
                e.id, e.participant
            )));
        }
        let known = facts.participants.iter().any(|p| p.id == e.participant) || stored.is_some();
        if !known {
            return Ok(Some(format!(
                "episode {} names participant {}, who is neither in the batch nor in the store",
                e.id, e.participant
            )));
        }
    }
    for m in &facts.missed {
        let in_batch = facts.episodes.iter().any(|e| e.id == m.episode);
        match owner_of(tx, "episodes", &m.episode)? {
            Some(other) if !lineage.contains(&other) => {
                return Ok(Some(format!(
                    "a missed mark names episode {}, which belongs to device {other}",
                    m.episode
                )));
            }
            None if !in_batch => {
                return Ok(Some(format!(
                    "a missed mark names episode {}, which is neither in the batch nor in the store",
                    m.episode
                )));
            }
            _ => {}
        }
    }
    Ok(None)
}

/// The device owning a participant or episode row, if the row exists and
/// has an owner (rows from before owners were kept have none).
fn owner_of(tx: &Transaction<'_>, table: &str, id: &str) -> Result<Option<String>> {
    let owner: Option<Option<String>> = tx
        .query_row(
            &format!("SELECT device_id FROM {table} WHERE id = ?1"),
            [id],
            |row| row.get(0),
        )
        .optional()?;
    Ok(owner.flatten())
}
