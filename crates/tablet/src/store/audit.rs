//! The append-only audit log. Each entry holds the hash of the one before
//! it and its own SHA-256 over (prev hash, seq, time, actor, action,
//! subject), so an edited, removed or reordered entry breaks the chain;
//! those hashes travel in batches, where the research store checks them.
//! On the tablet each entry also carries a MAC keyed from the data key over
//! its hash and the MAC before it, so the chain cannot be rebuilt without
//! the key; an empty chain, or one not starting with the store's creation,
//! does not verify.

use hmac::{Hmac, Mac};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::Sha256;

use super::error::Result;

pub use kohort_batch::audit::{GENESIS, entry_hash};

/// Who did it: staff (unlocked staff mode), the patient (patient mode),
/// or the program itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    Staff,
    Patient,
    System,
}

impl Actor {
    pub fn as_str(self) -> &'static str {
        match self {
            Actor::Staff => "staff",
            Actor::Patient => "patient",
            Actor::System => "system",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The first link that does not hold.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("audit entry {seq} is broken: {reason}")]
pub struct BrokenLink {
    pub seq: i64,
    pub reason: String,
}

/// What an audit entry records; each has one fixed name in the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    StoreCreated,
    PassphraseChanged,
    UnlockFailed,
    UnlockWithRecoveryKey,
    RecoveryUnlockFailed,
    Enrol,
    ConsentRecorded,
    ConsentWithdrawn,
    EpisodeStart,
    EpisodeEnd,
    AnchorSet,
    MarkMissed,
    Setting,
    SessionStart,
    SessionPause,
    SessionResume,
    SessionComplete,
    SessionAbandon,
    ResearchKeySet,
    BatchSealed,
    BatchResealed,
    BatchDelivered,
    DeliveryFolderFailed,
    DeliveryUploadFailed,
    ReceiptApplied,
    ReceiptRefused,
    Purge,
    EpochStarted,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::StoreCreated => "store_created",
            Action::PassphraseChanged => "passphrase_changed",
            Action::UnlockFailed => "unlock_failed",
            Action::UnlockWithRecoveryKey => "unlock_with_recovery_key",
            Action::RecoveryUnlockFailed => "recovery_unlock_failed",
            Action::Enrol => "enrol",
            Action::ConsentRecorded => "consent_recorded",
            Action::ConsentWithdrawn => "consent_withdrawn",
            Action::EpisodeStart => "episode_start",
            Action::EpisodeEnd => "episode_end",
            Action::AnchorSet => "anchor_set",
            Action::MarkMissed => "mark_missed",
            Action::Setting => "setting",
            Action::SessionStart => "session_start",
            Action::SessionPause => "session_pause",
            Action::SessionResume => "session_resume",
            Action::SessionComplete => "session_complete",
            Action::SessionAbandon => "session_abandon",
            Action::ResearchKeySet => "research_key_set",
            Action::BatchSealed => "batch_sealed",
            Action::BatchResealed => "batch_resealed",
            Action::BatchDelivered => "batch_delivered",
            Action::DeliveryFolderFailed => "delivery_folder_failed",
            Action::DeliveryUploadFailed => "delivery_upload_failed",
            Action::ReceiptApplied => "receipt_applied",
            Action::ReceiptRefused => "receipt_refused",
            Action::Purge => "purge",
            Action::EpochStarted => "epoch_started",
        }
    }
}

/// The keyed link of an entry: HMAC(key, MAC before it ‖ its hash).
pub fn entry_mac(key: &[u8; 32], prev_mac: &str, hash: &str) -> String {
    link_mac(&keyed(key), prev_mac, hash)
}

/// The HMAC keyed for the chain, to clone once per entry.
fn keyed(key: &[u8; 32]) -> Hmac<Sha256> {
    <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"))
}

/// [`entry_mac`] with the key already set.
fn link_mac(keyed: &Hmac<Sha256>, prev_mac: &str, hash: &str) -> String {
    let mut mac = keyed.clone();
    mac.update(prev_mac.as_bytes());
    mac.update(b"|");
    mac.update(hash.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Appends one entry; call it inside the transaction of the change it records.
pub fn append(
    conn: &Connection,
    key: &[u8; 32],
    at: &str,
    actor: Actor,
    action: Action,
    subject: &str,
) -> Result<()> {
    let action = action.as_str();
    let last: Option<(i64, String, String)> = conn
        .query_row(
            "SELECT seq, hash, mac FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let (seq, prev, prev_mac) = match last {
        Some((s, h, m)) => (s + 1, h, m),
        None => (1, GENESIS.to_owned(), GENESIS.to_owned()),
    };
    let hash = entry_hash(&prev, seq, at, actor.as_str(), action, subject);
    let mac = entry_mac(key, &prev_mac, &hash);
    conn.execute(
        "INSERT INTO audit (seq, at, actor, action, subject, prev_hash, hash, mac)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![seq, at, actor.as_str(), action, subject, prev, hash, mac],
    )?;
    Ok(())
}

/// Keys a chain written before keyed links (a migration): the hashes are
/// checked first, and a chain broken before keying stays broken.
pub fn key_chain(conn: &Connection, key: &[u8; 32]) -> Result<()> {
    let mut prev_mac = GENESIS.to_owned();
    let rows: Vec<(i64, String)> = conn
        .prepare("SELECT seq, hash FROM audit ORDER BY seq")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    for (seq, hash) in rows {
        let mac = entry_mac(key, &prev_mac, &hash);
        conn.execute(
            "UPDATE audit SET mac = ?2 WHERE seq = ?1",
            params![seq, mac],
        )?;
        prev_mac = mac;
    }
    Ok(())
}

pub fn entries(conn: &Connection) -> Result<Vec<AuditEntry>> {
    let mut st = conn.prepare(&format!("SELECT {ENTRY_COLUMNS} FROM audit ORDER BY seq"))?;
    let rows = st.query_map([], entry)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The columns [`entry`] reads, in its order.
const ENTRY_COLUMNS: &str = "seq, at, actor, action, subject, prev_hash, hash";

fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        subject: r.get(4)?,
        prev_hash: r.get(5)?,
        hash: r.get(6)?,
    })
}

/// Checks the whole chain, hashes and keyed links; `Ok(n)` is the number
/// of entries verified. An empty chain, or one that does not start with
/// the store's creation, is broken (it was truncated).
pub fn verify(conn: &Connection, key: &[u8; 32]) -> Result<Result<usize, BrokenLink>> {
    Ok(verified(conn, key)?.map(|all| all.len()))
}

/// [`verify`], returning the entries it checked. Each link is checked
/// against the entry and keyed link stored before it, so the two halves of
/// a long log are checked side by side; every link holding is the chain
/// holding, and the first that does not is the one reported.
pub fn verified(conn: &Connection, key: &[u8; 32]) -> Result<Result<Vec<AuditEntry>, BrokenLink>> {
    let mut st = conn.prepare(&format!(
        "SELECT {ENTRY_COLUMNS}, mac FROM audit ORDER BY seq"
    ))?;
    let rows: Vec<(AuditEntry, Option<String>)> = st
        .query_map([], |r| Ok((entry(r)?, r.get(7)?)))?
        .collect::<std::result::Result<_, _>>()?;
    match rows.first() {
        None => {
            return Ok(Err(BrokenLink {
                seq: 0,
                reason: "the log is empty: it was truncated".into(),
            }));
        }
        Some((e, _)) if e.action != Action::StoreCreated.as_str() => {
            return Ok(Err(BrokenLink {
                seq: e.seq,
                reason: "the log does not start with the store's creation: it was truncated".into(),
            }));
        }
        Some(_) => {}
    }
    let keyed = keyed(key);
    let half = rows.len() / 2;
    let (first, second) = std::thread::scope(|scope| {
        let later = scope.spawn(|| first_broken(&rows, half..rows.len(), &keyed));
        let first = first_broken(&rows, 0..half, &keyed);
        (first, later.join())
    });
    let second = second.unwrap_or_else(|_| {
        Some(BrokenLink {
            seq: 0,
            reason: "checking the log failed".into(),
        })
    });
    if let Some(broken) = first.or(second) {
        return Ok(Err(broken));
    }
    Ok(Ok(rows.into_iter().map(|(e, _)| e).collect()))
}

/// The first link in `range` that does not hold.
fn first_broken(
    rows: &[(AuditEntry, Option<String>)],
    range: std::ops::Range<usize>,
    keyed: &Hmac<Sha256>,
) -> Option<BrokenLink> {
    for i in range {
        let (e, mac) = &rows[i];
        let (prev, prev_mac) = match i.checked_sub(1).map(|j| &rows[j]) {
            None => (GENESIS, GENESIS),
            Some((p, m)) => (p.hash.as_str(), m.as_deref().unwrap_or("")),
        };
        let broken = |reason: &str| {
            Some(BrokenLink {
                seq: e.seq,
                reason: reason.to_owned(),
            })
        };
        if e.seq != i as i64 + 1 {
            return broken(&format!("expected entry {} here (one is missing)", i + 1));
        }
        if e.prev_hash != prev {
            return broken("it does not point to the entry before it");
        }
        if entry_hash(&e.prev_hash, e.seq, &e.at, &e.actor, &e.action, &e.subject) != e.hash {
            return broken("its content does not match its hash");
        }
        if mac.as_deref() != Some(link_mac(keyed, prev_mac, &e.hash).as_str()) {
            return broken("its keyed link does not hold: the log was rewritten without the key");
        }
    }
    None
}
