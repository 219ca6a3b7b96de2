//! Writes one verified, decrypted batch into the research database inside
//! the caller's transaction, record by record: each session record is
//! checked against its header hash, its instruments and its owners, then
//! written, then dropped, so a large batch is never held parsed whole. Any
//! refusal is returned as a reason; the caller then drops the transaction
//! and nothing of the batch stays.

use rusqlite::{Transaction, params};

use kohort_batch::{Header, SessionRecord};

use crate::error::{ResearchError, Result};
use crate::import::Batch;
use crate::{content, devices, epochs, owner};

/// New and already known sessions, or why the batch is refused.
pub fn batch(
    tx: &Transaction<'_>,
    b: &Batch<'_>,
    admission: &devices::Admission,
    instruments: &mut content::Instruments,
) -> Result<Result<(usize, usize), String>> {
    let h = b.header;
    let now = kohort_batch::now_stamp();
    if let devices::Admission::Bind { via } = admission {
        devices::bind(tx, h, via, &now)?;
    }
    // A batch cannot date its facts after its own import, or genuine later
    // corrections could never win.
    let facts_at = h.created_at.as_str().min(now.as_str());
    let lineage = epochs::lineage(tx, &h.device_id)?;
    for i in &b.view.instruments {
        tx.execute(
            "INSERT OR IGNORE INTO instruments (hash, id, version, canonical) VALUES (?1, ?2, ?3, ?4)",
            params![i.hash, i.id, i.version, i.canonical],
        )?;
    }
    let (mut new, mut known) = (0, 0);
    for index in 0..b.view.sessions.len() {
        let r = match b.view.record(index, h) {
            Ok(r) => r,
            Err(e) => return Ok(Err(e.to_string())),
        };
        if let Some(reason) = content::session(tx, &r, instruments)? {
            return Ok(Err(format!("session {}: {reason}", r.id)));
        }
        if let Some(reason) = owner::check(tx, &lineage, std::slice::from_ref(&r))? {
            return Ok(Err(reason));
        }
        if session(tx, h, &r, &h.record_hashes[index], facts_at)? {
            new += 1;
        } else {
            known += 1;
        }
    }
    // Checked after the session records are written, so the participants
    // and episodes they carry count as this batch's own.
    if let Some(reason) = owner::check_facts(tx, &lineage, &b.view.facts)? {
        return Ok(Err(reason));
    }
    super::facts::write(tx, &h.device_id, &b.view.facts, facts_at)?;
    for a in &b.view.audit {
        tx.execute(
            "INSERT OR IGNORE INTO audit (device_id, seq, at, actor, action, subject, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![h.device_id, a.seq, a.at, a.actor, a.action, a.subject, a.prev_hash, a.hash],
        )?;
    }
    tx.execute(
        "INSERT INTO batches (device_id, seq, hash, prev_hash, file_name, study_id, created_at,
             imported_at, records, new_sessions, audit_first, audit_last)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            h.device_id,
            h.seq as i64,
            b.hash,
            h.prev_hash,
            b.file_name,
            h.study_id,
            h.created_at,
            now,
            h.record_count as i64,
            new as i64,
            b.view.audit.first().map(|a| a.seq),
            b.view.audit.last().map(|a| a.seq)
        ],
    )?;
    Ok(Ok((new, known)))
}

/// Writes one session record with its participant and episode facts;
/// false when the session was already in the store (kept as it was).
fn session(
    tx: &Transaction<'_>,
    h: &Header,
    r: &SessionRecord,
    record_hash: &str,
    facts_at: &str,
) -> Result<bool> {
    let p = &r.participant;
    tx.execute(
        // A batch imported late (out of order) must not undo newer facts,
        // such as a withdrawal of consent.
        "INSERT INTO participants (id, study_code, site, consent, facts_at, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET study_code = ?2, site = ?3, consent = ?4,
             facts_at = ?5, device_id = coalesce(participants.device_id, ?6)
             WHERE ?5 >= participants.facts_at",
        params![
            p.id,
            p.study_code,
            p.site,
            json(&p.consent)?,
            facts_at,
            h.device_id
        ],
    )?;
    let e = &r.episode;
    tx.execute(
        "INSERT INTO episodes (id, participant, anchor_date, end_date, end_type, facts_at,
             device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET anchor_date = ?3, end_date = ?4, end_type = ?5,
             facts_at = ?6, device_id = coalesce(episodes.device_id, ?7)
             WHERE ?6 >= episodes.facts_at",
        params![
            e.id,
            p.id,
            e.anchor_date,
            e.end_date,
            e.end_type,
            facts_at,
            h.device_id
        ],
    )?;
    let inserted = tx.execute(
        "INSERT OR IGNORE INTO sessions (id, device_id, batch_seq, participant, episode,
             form_id, respondent, started_at, completed_at, instruments, record_hash,
             occurrence)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            r.id,
            h.device_id,
            h.seq as i64,
            p.id,
            e.id,
            r.form_id,
            r.respondent,
            r.started_at,
            r.completed_at,
            json(&r.instruments)?,
            record_hash,
            r.occurrence
        ],
    )?;
    if inserted == 0 {
        // Keyed by session id: a session delivered twice is kept once.
        return Ok(false);
    }
    let mut st = tx.prepare_cached(
        "INSERT INTO variables (session, ordinal, instrument, name, state, value, answered_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (i, var) in r.variables.iter().enumerate() {
        let value = var.value.as_ref().map(json).transpose()?;
        st.execute(params![
            r.id,
            i as i64,
            var.instrument,
            var.name,
            var.state,
            value,
            var.answered_at
        ])?;
    }
    Ok(true)
}

fn json<T: serde::Serialize + ?Sized>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| ResearchError::Corrupt(e.to_string()))
}
