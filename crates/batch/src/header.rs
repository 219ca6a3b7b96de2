//! The header of a batch: in clear (it is the seal's associated data and is
//! covered by the signature), so the research store can check who sent it,
//! where it belongs in the device's sequence and what it should contain
//! before decrypting anything. It holds no health data.

use serde::{Deserialize, Serialize};

use crate::digest;
use crate::error::{BatchError, Result};

/// The highest batch sequence number accepted: a batch a day for
/// thousands of years.
pub const MAX_SEQ: u64 = 1_000_000;

/// The `prev_hash` of a device's first batch.
pub const NO_PREVIOUS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// The batch format version (also in the framing, repeated here so the
    /// signed JSON says it too).
    pub format: u16,
    pub study_id: String,
    pub device_id: String,
    /// The device's Ed25519 public key, hex.
    pub device_key: String,
    /// 1, 2, 3… per device, no gaps.
    pub seq: u64,
    /// SHA-256 (hex) of the whole previous batch file of this device.
    pub prev_hash: String,
    pub created_at: String,
    /// Fingerprint of the research key the payload is sealed to.
    pub research_key: String,
    pub record_count: u64,
    /// SHA-256 (hex) of each session record in the payload, in order.
    pub record_hashes: Vec<String>,
    /// Made on a demo tablet (synthetic data): research stores refuse it
    /// unless told to accept practice data. Absent when false, so batches
    /// of real tablets are unchanged.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub demo: bool,
}

impl Header {
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        serde_json::to_vec(self).map_err(|e| BatchError::BadHeader(e.to_string()))
    }

    /// Parses the header of a file framed as `version`; the two must agree.
    pub fn parse(bytes: &[u8], version: u16) -> Result<Self> {
        let h: Header =
            serde_json::from_slice(bytes).map_err(|e| BatchError::BadHeader(e.to_string()))?;
        if h.format != version {
            return Err(BatchError::BadHeader(format!(
                "format {} in the header",
                h.format
            )));
        }
        if h.record_hashes.len() as u64 != h.record_count {
            return Err(BatchError::BadHeader(format!(
                "{} record hashes for {} records",
                h.record_hashes.len(),
                h.record_count
            )));
        }
        // The id names files (batches, receipts): only a canonical UUID will do.
        let canonical = uuid::Uuid::parse_str(&h.device_id).map(|u| u.to_string());
        if canonical.as_deref() != Ok(h.device_id.as_str()) {
            return Err(BatchError::BadHeader(format!(
                "device_id {:?} is not a UUID",
                h.device_id
            )));
        }
        if h.seq == 0 {
            return Err(BatchError::BadHeader("sequence numbers start at 1".into()));
        }
        // Bounds the importer's gap report and its seq ± 1 arithmetic: a
        // crafted number near u64::MAX must not overflow or loop for ever.
        if h.seq > MAX_SEQ {
            return Err(BatchError::BadHeader(format!(
                "sequence number {} is above the limit {MAX_SEQ}",
                h.seq
            )));
        }
        if digest::from_hex::<32>(&h.prev_hash).is_none() {
            return Err(BatchError::BadHeader("prev_hash is not a SHA-256".into()));
        }
        Ok(h)
    }

    pub fn device_key(&self) -> Result<[u8; 32]> {
        digest::from_hex::<32>(&self.device_key)
            .ok_or_else(|| BatchError::BadHeader("device_key is not 64 hex digits".into()))
    }

    /// The deterministic file name, `<device>-<seq>.kohort`.
    pub fn file_name(&self) -> String {
        file_name(&self.device_id, self.seq)
    }
}

pub fn file_name(device_id: &str, seq: u64) -> String {
    format!("{device_id}-{seq:06}.kohort")
}
