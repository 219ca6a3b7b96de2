//! The sealed payload: completed sessions with the pinned instruments, the
//! final state of every variable (as the runner computes it over the pinned
//! questionnaire, derived scores included), the participant, consent and
//! episode facts analysis needs, and the audit entries since the last batch.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use kohort_form::AnswerValue;

use crate::digest;
use crate::error::{BatchError, Result};

/// What is sealed. Sessions are kept as raw JSON so their hashes are over
/// exactly the bytes that were sealed.
#[derive(Debug, Serialize, Deserialize)]
pub struct Payload {
    pub format: u16,
    /// Each pinned instrument once, with its canonical content, so the
    /// research store can label variables by the exact version asked.
    pub instruments: Vec<PinnedContent>,
    pub sessions: Vec<Box<RawValue>>,
    pub audit: Vec<AuditRecord>,
    /// Format 2: facts that changed since the device's last batch, sent
    /// even when no session is new (a withdrawal, an end of treatment, a
    /// timepoint marked missed). Absent in format 1 and when empty.
    #[serde(default, skip_serializing_if = "Facts::is_empty")]
    pub facts: Facts,
}

/// Participant, episode and missed-mark records of their own (format 2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<ParticipantRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub episodes: Vec<EpisodeRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missed: Vec<MissedRecord>,
}

impl Facts {
    pub fn is_empty(&self) -> bool {
        self.participants.is_empty() && self.episodes.is_empty() && self.missed.is_empty()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantRecord {
    pub id: String,
    pub study_code: String,
    pub site: String,
    pub enrolled_at: String,
    pub consent: Option<ConsentFacts>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpisodeRecord {
    pub id: String,
    pub participant: String,
    /// 1, 2… in anchor-date order for the participant.
    pub number: u32,
    pub anchor_date: String,
    pub end_date: Option<String>,
    pub end_type: Option<String>,
}

/// A scheduled occurrence of a form a nurse marked missed, with the
/// study's coded reason and/or the nurse's words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissedRecord {
    pub episode: String,
    pub form_id: String,
    pub occurrence: u32,
    pub reason_code: Option<i64>,
    pub reason: String,
    pub marked_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PinnedContent {
    pub id: String,
    pub version: String,
    pub hash: String,
    pub canonical: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub id: String,
    pub form_id: String,
    pub respondent: String,
    pub started_at: String,
    pub completed_at: Option<String>,
    pub participant: ParticipantFacts,
    pub episode: EpisodeFacts,
    /// Instrument id, version and hash, in questionnaire order.
    pub instruments: Vec<Pinned>,
    /// Every analysis variable, in questionnaire order.
    pub variables: Vec<Variable>,
    /// Format 2: which scheduled occurrence of its form the session is
    /// (1 for a once-only form), as the tablet placed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurrence: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pinned {
    pub id: String,
    pub version: String,
    pub hash: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantFacts {
    pub id: String,
    pub study_code: String,
    pub site: String,
    pub consent: Option<ConsentFacts>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentFacts {
    pub date: String,
    pub version: String,
    pub contact_interview: bool,
    pub contact_relatives: bool,
    pub withdrawn_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpisodeFacts {
    pub id: String,
    pub anchor_date: String,
    pub end_date: Option<String>,
    pub end_type: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Variable {
    pub instrument: String,
    pub name: String,
    /// `answered`, `declined`, `skipped`, `not_shown`, `not_reached`,
    /// `not_computed` (see [`kohort_form::ItemState::name`]).
    pub state: String,
    pub value: Option<AnswerValue>,
    /// When the answer or decline was saved; none for scores and missing.
    pub answered_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub prev_hash: String,
    pub hash: String,
}

impl Payload {
    /// Builds a payload and the per-record hashes for the header. Each
    /// record is serialised once and kept as is (no re-parse), and hashed
    /// over exactly the bytes the payload will carry; the records are split
    /// over the machine's cores, since a large batch holds 75 MB of them.
    pub fn new(
        instruments: Vec<PinnedContent>,
        sessions: &[SessionRecord],
        audit: Vec<AuditRecord>,
    ) -> Result<(Payload, Vec<String>)> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        let chunk = sessions.len().div_ceil(threads).max(64);
        let parts: Vec<Result<Vec<RawRecord>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = sessions
                .chunks(chunk)
                .map(|part| scope.spawn(move || part.iter().map(raw_record).collect()))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(BatchError::BadPayload(
                            "a record could not be serialised".into(),
                        ))
                    })
                })
                .collect()
        });
        let mut raw = Vec::with_capacity(sessions.len());
        let mut hashes = Vec::with_capacity(sessions.len());
        for part in parts {
            for (json, hash) in part? {
                raw.push(json);
                hashes.push(hash);
            }
        }
        let p = Payload {
            format: super::frame::VERSION,
            instruments,
            sessions: raw,
            audit,
            facts: Facts::default(),
        };
        Ok((p, hashes))
    }

    /// About how many bytes the serialised payload takes (records exactly,
    /// the rest generously), to reserve its buffer once.
    pub fn size_hint(&self) -> usize {
        let records: usize = self.sessions.iter().map(|r| r.get().len() + 1).sum();
        let texts: usize = self
            .instruments
            .iter()
            .map(|i| 2 * i.canonical.len() + 256)
            .sum();
        let facts =
            self.facts.participants.len() + self.facts.episodes.len() + self.facts.missed.len();
        records + texts + 1024 * (self.audit.len() + facts) + 4096
    }

    /// Checks every record against the header's hashes, then parses it.
    pub fn records(&self, hashes: &[String]) -> Result<Vec<SessionRecord>> {
        if self.sessions.len() != hashes.len() {
            return Err(BatchError::RecordCount {
                header: hashes.len() as u64,
                payload: self.sessions.len(),
            });
        }
        self.sessions
            .iter()
            .zip(hashes)
            .enumerate()
            .map(|(index, (raw, want))| {
                if digest::sha256_hex(raw.get().as_bytes()) != *want {
                    return Err(BatchError::RecordHash { index });
                }
                serde_json::from_str(raw.get())
                    .map_err(|e| BatchError::BadPayload(format!("record {index}: {e}")))
            })
            .collect()
    }
}

/// One record as the payload carries it, and its hash (hex).
type RawRecord = (Box<RawValue>, String);

fn raw_record(s: &SessionRecord) -> Result<RawRecord> {
    let json =
        serde_json::value::to_raw_value(s).map_err(|e| BatchError::BadPayload(e.to_string()))?;
    let hash = digest::sha256_hex(json.get().as_bytes());
    Ok((json, hash))
}
