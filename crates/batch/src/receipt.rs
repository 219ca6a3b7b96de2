//! Receipts: the research store's signed statement of which batches of a
//! device it has accepted. Cumulative (every accepted batch of the device,
//! so the newest receipt says it all), signed with the research Ed25519 key
//! and checked on the tablet against `research.pub` before anything is
//! purged (delivery issue).
//!
//! ```json
//! {"receipt":{"format":1,"study_id":"hab","device_id":"…","issued_at":"…",
//!   "research_key":"C833-…","batches":[{"seq":1,"hash":"<sha256 of the file>"}]},
//!  "signature":"<hex Ed25519 over \"kohort receipt v1\\n\" + the receipt JSON bytes>"}
//! ```

use ed25519_dalek::{Signature, Signer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::digest;
use crate::error::{BatchError, Result};
use crate::keys::{ResearchKeys, ResearchPublic};

const CONTEXT: &[u8] = b"kohort receipt v1\n";
/// Receipts are small; anything larger is not one.
pub const MAX_RECEIPT: u64 = 16 << 20;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptBody {
    pub format: u16,
    pub study_id: String,
    pub device_id: String,
    pub issued_at: String,
    pub research_key: String,
    pub batches: Vec<Accepted>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accepted {
    pub seq: u64,
    /// SHA-256 (hex) of the batch file as received.
    pub hash: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope<'a> {
    #[serde(borrow)]
    receipt: &'a RawValue,
    signature: String,
}

fn signed_bytes(body: &str) -> Vec<u8> {
    let mut m = CONTEXT.to_vec();
    m.extend_from_slice(body.as_bytes());
    m
}

/// The receipt file's text.
pub fn sign_receipt(body: &ReceiptBody, keys: &ResearchKeys) -> Result<String> {
    let json = serde_json::to_string(body).map_err(|e| BatchError::BadPayload(e.to_string()))?;
    let sig = keys.signing_key().sign(&signed_bytes(&json));
    let raw = RawValue::from_string(json).map_err(|e| BatchError::BadPayload(e.to_string()))?;
    serde_json::to_string_pretty(&Envelope {
        receipt: &raw,
        signature: hex::encode(sig.to_bytes()),
    })
    .map_err(|e| BatchError::BadPayload(e.to_string()))
}

/// Checks a receipt against the research public key the tablet holds.
pub fn verify_receipt(text: &str, key: &ResearchPublic) -> Result<ReceiptBody> {
    if text.len() as u64 > MAX_RECEIPT {
        return Err(BatchError::TooLarge {
            what: "receipt",
            len: text.len() as u64,
            cap: MAX_RECEIPT,
        });
    }
    let env: Envelope<'_> =
        serde_json::from_str(text).map_err(|e| BatchError::BadHeader(format!("receipt: {e}")))?;
    let sig = digest::from_hex::<64>(&env.signature).ok_or(BatchError::BadSignature)?;
    key.receipt_key()?
        .verify_strict(
            &signed_bytes(env.receipt.get()),
            &Signature::from_bytes(&sig),
        )
        .map_err(|_| BatchError::BadSignature)?;
    let body: ReceiptBody = serde_json::from_str(env.receipt.get())
        .map_err(|e| BatchError::BadHeader(format!("receipt: {e}")))?;
    if body.study_id != key.study || body.research_key != key.fingerprint() {
        return Err(BatchError::WrongStudy {
            batch: body.study_id,
            key: key.study.clone(),
        });
    }
    Ok(body)
}
