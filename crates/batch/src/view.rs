//! Opening a batch without holding it several times over: the payload is
//! decrypted once, read as a view whose session records stay raw slices of
//! the plaintext, and each record is checked against its header hash and
//! parsed only when asked for. The importer works through the records one
//! at a time, so a batch needs about the file plus its plaintext in memory,
//! not every record parsed at once beside two copies of the text.

use serde::Deserialize;
use serde_json::value::RawValue;
use zeroize::Zeroizing;

use crate::digest;
use crate::error::{BatchError, Result};
use crate::header::Header;
use crate::payload::{AuditRecord, Facts, PinnedContent, SessionRecord};

/// A decrypted payload's bytes (wiped when dropped).
pub struct Plain(pub(crate) Zeroizing<Vec<u8>>);

/// A payload read over its plaintext.
#[derive(Debug, Deserialize)]
pub struct PayloadView<'a> {
    pub format: u16,
    pub instruments: Vec<PinnedContent>,
    #[serde(borrow)]
    pub sessions: Vec<&'a RawValue>,
    pub audit: Vec<AuditRecord>,
    #[serde(default)]
    pub facts: Facts,
}

impl Plain {
    /// Reads the payload, checking its format and record count against the
    /// header (the records themselves are checked by [`PayloadView::record`]).
    pub fn view(&self, header: &Header) -> Result<PayloadView<'_>> {
        let view: PayloadView<'_> =
            serde_json::from_slice(&self.0).map_err(|e| BatchError::BadPayload(e.to_string()))?;
        crate::seal::check_format(view.format, &view.facts, header.format)?;
        if view.sessions.len() != header.record_hashes.len() {
            return Err(BatchError::RecordCount {
                header: header.record_hashes.len() as u64,
                payload: view.sessions.len(),
            });
        }
        Ok(view)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl PayloadView<'_> {
    /// Record `index`, after its bytes are checked against the header's hash.
    pub fn record(&self, index: usize, header: &Header) -> Result<SessionRecord> {
        let (Some(raw), Some(want)) = (self.sessions.get(index), header.record_hashes.get(index))
        else {
            return Err(BatchError::RecordCount {
                header: header.record_hashes.len() as u64,
                payload: self.sessions.len(),
            });
        };
        if digest::sha256_hex(raw.get().as_bytes()) != *want {
            return Err(BatchError::RecordHash { index });
        }
        serde_json::from_str(raw.get())
            .map_err(|e| BatchError::BadPayload(format!("record {index}: {e}")))
    }
}
