//! The tablet's audit chain as it arrives in batches: every entry's hash is
//! recomputed, each links to the one before, and a batch's entries must
//! continue those of the device already in the store (and be continued by
//! them, when a later batch came first). A batch whose entries fork from or
//! leave a gap in the chain is held for a data manager: it may come from a
//! tablet restored from a backup, or from someone rewriting the log.
//! (The tablet's keyed links need the tablet's key and are checked there.)

use rusqlite::{Connection, OptionalExtension, params};

use kohort_batch::AuditRecord;
use kohort_batch::audit::{GENESIS, entry_hash};

use crate::error::Result;

/// Why the entries of batch `seq` do not continue the device's chain, if
/// they do not.
pub fn check(
    conn: &Connection,
    device: &str,
    seq: u64,
    entries: &[AuditRecord],
) -> Result<Option<String>> {
    let mut before: Option<&AuditRecord> = None;
    for a in entries {
        let want = entry_hash(&a.prev_hash, a.seq, &a.at, &a.actor, &a.action, &a.subject);
        if want != a.hash {
            return Ok(Some(format!(
                "audit entry {} does not match its hash: the log was edited",
                a.seq
            )));
        }
        if let Some(b) = before
            && (a.seq != b.seq.saturating_add(1) || a.prev_hash != b.hash)
        {
            return Ok(Some(format!(
                "audit entry {} does not follow entry {} in the batch (a gap or a fork)",
                a.seq, b.seq
            )));
        }
        let stored = stored_hash(conn, device, a.seq)?;
        if let Some(h) = stored
            && h != a.hash
        {
            return Ok(Some(format!(
                "audit entry {} differs from the entry {} the store already has from this \
                 device: the chain forks (a tablet restored from a backup, or a rewritten log)",
                a.seq, a.seq
            )));
        }
        before = Some(a);
    }
    let (Some(first), Some(last)) = (entries.first(), entries.last()) else {
        return Ok(None);
    };
    if first.seq == 1 && first.prev_hash != GENESIS {
        return Ok(Some("audit entry 1 names an entry before it".into()));
    }
    if first.seq < 1 {
        return Ok(Some(format!(
            "audit entry {} is not numbered from 1",
            first.seq
        )));
    }
    // The neighbouring batches, if imported, fix where this one's entries
    // must start and end: nothing may be left out between them.
    let range = |s: u64| -> Result<Option<(Option<i64>, Option<i64>)>> {
        Ok(conn
            .query_row(
                "SELECT audit_first, audit_last FROM batches WHERE device_id = ?1 AND seq = ?2",
                params![device, s as i64],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    };
    // The first batch of a restored tablet's epoch continues the previous
    // device's batch `after_seq` and its log.
    let epoch = crate::epochs::of(conn, device)?.filter(|(_, after)| seq == after + 1);
    if let Some((previous, after)) = &epoch {
        let last_of_prev: Option<Option<i64>> = conn
            .query_row(
                "SELECT audit_last FROM batches WHERE device_id = ?1 AND seq = ?2",
                params![previous, *after as i64],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(Some(prev_last)) = last_of_prev {
            let linked = stored_hash(conn, previous, prev_last)?;
            if first.seq != prev_last.saturating_add(1)
                || linked.as_deref() != Some(first.prev_hash.as_str())
            {
                return Ok(Some(format!(
                    "the restored tablet's audit log does not continue device {previous}'s \
                     after its batch {after} (entry {prev_last})"
                )));
            }
        }
    }
    if let Some((_, Some(prev_last))) = range(seq - 1)?
        && first.seq != prev_last.saturating_add(1)
    {
        return Ok(Some(format!(
            "its audit entries start at {}, but batch {} ended at entry {prev_last}: \
             a gap or a fork in the chain",
            first.seq,
            seq - 1
        )));
    }
    if let Some((Some(next_first), _)) = range(seq + 1)?
        && last.seq.saturating_add(1) != next_first
    {
        return Ok(Some(format!(
            "its audit entries end at {}, but batch {} starts at entry {next_first}: \
             a gap or a fork in the chain",
            last.seq,
            seq + 1
        )));
    }
    if let Some(h) = stored_hash(conn, device, first.seq - 1)?
        && h != first.prev_hash
    {
        return Ok(Some(format!(
            "audit entry {} does not continue entry {} as the store has it: the chain forks",
            first.seq,
            first.seq - 1
        )));
    }
    let next_prev: Option<String> = conn
        .query_row(
            "SELECT prev_hash FROM audit WHERE device_id = ?1 AND seq = ?2",
            params![device, last.seq.saturating_add(1)],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(p) = next_prev
        && p != last.hash
    {
        return Ok(Some(format!(
            "entry {} the store already has does not continue this batch's entry {}: \
             the chain forks",
            last.seq.saturating_add(1),
            last.seq
        )));
    }
    Ok(None)
}

fn stored_hash(conn: &Connection, device: &str, seq: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT hash FROM audit WHERE device_id = ?1 AND seq = ?2",
            params![device, seq],
            |r| r.get(0),
        )
        .optional()?)
}
