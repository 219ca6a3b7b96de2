//! The audit chain's hash, shared by the tablet (which writes the chain)
//! and the research store (which checks the entries batches carry): each
//! entry's SHA-256 over (prev hash, seq, time, actor, action, subject),
//! each part length-prefixed.

use sha2::{Digest, Sha256};

/// The `prev_hash` of a device's first audit entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub fn entry_hash(
    prev: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    subject: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [
        prev.as_bytes(),
        &seq.to_be_bytes(),
        at.as_bytes(),
        actor.as_bytes(),
        action.as_bytes(),
        subject.as_bytes(),
    ] {
        h.update((part.len() as u32).to_be_bytes());
        h.update(part);
    }
    hex::encode(h.finalize())
}
