//! Writes the fact records of a format 2 batch (already checked for their
//! owners): participants, episodes and missed marks. As for the facts
//! inside session records, a record older than what the store has does not
//! overwrite it, so batches imported out of order cannot undo a withdrawal.

use rusqlite::{Transaction, params};

use kohort_batch::Facts;

use crate::error::{ResearchError, Result};

pub fn write(tx: &Transaction<'_>, device: &str, facts: &Facts, facts_at: &str) -> Result<()> {
    for p in &facts.participants {
        let consent =
            serde_json::to_string(&p.consent).map_err(|e| ResearchError::Corrupt(e.to_string()))?;
        tx.execute(
            "INSERT INTO participants (id, study_code, site, consent, facts_at, device_id,
                 enrolled_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (id) DO UPDATE SET study_code = ?2, site = ?3, consent = ?4,
                 facts_at = ?5, enrolled_at = ?7,
                 device_id = coalesce(participants.device_id, ?6)
                 WHERE ?5 >= participants.facts_at",
            params![
                p.id,
                p.study_code,
                p.site,
                consent,
                facts_at,
                device,
                p.enrolled_at
            ],
        )?;
    }
    for e in &facts.episodes {
        tx.execute(
            "INSERT INTO episodes (id, participant, anchor_date, end_date, end_type, facts_at,
                 device_id, number)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (id) DO UPDATE SET anchor_date = ?3, end_date = ?4, end_type = ?5,
                 facts_at = ?6, number = ?8, device_id = coalesce(episodes.device_id, ?7)
                 WHERE ?6 >= episodes.facts_at",
            params![
                e.id,
                e.participant,
                e.anchor_date,
                e.end_date,
                e.end_type,
                facts_at,
                device,
                e.number
            ],
        )?;
    }
    for m in &facts.missed {
        tx.execute(
            "INSERT INTO missed (episode, form_id, occurrence, reason_code, reason, marked_at,
                 device_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (episode, form_id, occurrence) DO UPDATE SET reason_code = ?4,
                 reason = ?5, marked_at = ?6 WHERE ?6 >= missed.marked_at",
            params![
                m.episode,
                m.form_id,
                m.occurrence,
                m.reason_code,
                m.reason,
                // Like every fact, never dated after its import.
                m.marked_at.as_str().min(facts_at),
                device
            ],
        )?;
    }
    Ok(())
}
