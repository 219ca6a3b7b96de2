//! The fact records of batch format 2: every participant, episode and
//! missed mark whose record changed since it was last sealed, so that a
//! withdrawal, an end of treatment or a missed timepoint recorded after the
//! participant's last session still reaches the research store.

use std::collections::HashMap;

use kohort_batch::{ConsentFacts, EpisodeRecord, Facts, MissedRecord, ParticipantRecord, digest};
use serde::Serialize;
use uuid::Uuid;

use super::collect::People;
use crate::store::{Consent, Episode, Result, SentFact, Store};

/// The records for the next batch and what to remember of them.
#[derive(Debug, Default)]
pub struct Gathered {
    pub facts: Facts,
    pub sent: Vec<SentFact>,
}

/// The consent facts a batch carries.
pub fn consent_facts(c: &Consent) -> ConsentFacts {
    ConsentFacts {
        date: c.date.to_string(),
        version: c.version.clone(),
        contact_interview: c.contact_interview,
        contact_relatives: c.contact_relatives,
        withdrawn_at: c.withdrawn_at.map(|d| d.to_string()),
    }
}

/// The records not yet sealed as they are now (`batch` none), or those
/// sealed in batch `batch`, as they are now (a lost batch sealed again).
pub(super) fn gather(store: &Store, people: &People, batch: Option<u64>) -> Result<Gathered> {
    let sent = store.facts_sent()?;
    let mut out = Gathered::default();
    let mut keep = |kind: &'static str, id: String, record: &dyn Erased| -> Result<bool> {
        let json = record.json()?;
        let hash = digest::sha256_hex(&json);
        let last = sent.get(&(kind.to_owned(), id.clone()));
        let wanted = match batch {
            None => last.is_none_or(|(h, _)| *h != hash),
            Some(seq) => last.is_some_and(|(_, b)| *b == seq),
        };
        if wanted {
            out.sent.push(SentFact { kind, id, hash });
        }
        Ok(wanted)
    };
    let mut participants = Vec::new();
    let mut episodes = Vec::new();
    let mut by_participant: HashMap<Uuid, Vec<&Episode>> = HashMap::new();
    for e in &people.episodes {
        by_participant.entry(e.participant).or_default().push(e);
    }
    for p in &people.participants {
        let record = ParticipantRecord {
            id: p.id.to_string(),
            study_code: p.study_code.clone(),
            site: p.site.clone(),
            enrolled_at: kohort_batch::stamp(p.enrolled_at),
            consent: p.consent.as_ref().map(consent_facts),
        };
        if keep("participant", record.id.clone(), &record)? {
            participants.push(record);
        }
        let mut eps = by_participant.remove(&p.id).unwrap_or_default();
        eps.sort_by_key(|e| (e.anchor_date, e.id));
        for (i, e) in eps.into_iter().enumerate() {
            let record = EpisodeRecord {
                id: e.id.to_string(),
                participant: p.id.to_string(),
                number: i as u32 + 1,
                anchor_date: e.anchor_date.to_string(),
                end_date: e.end_date.map(|d| d.to_string()),
                end_type: e.end_type.map(|t| t.code().to_owned()),
            };
            if keep("episode", record.id.clone(), &record)? {
                episodes.push(record);
            }
        }
    }
    let mut missed = Vec::new();
    for m in store.all_missed()? {
        let record = MissedRecord {
            episode: m.episode.to_string(),
            form_id: m.form_id.clone(),
            // Counted from 1 in batches, as analysts count timepoints.
            occurrence: m.occurrence + 1,
            reason_code: m.code,
            reason: m.reason.clone(),
            marked_at: kohort_batch::stamp(m.marked_at),
        };
        let id = format!("{}/{}/{}", m.episode, m.form_id, m.occurrence);
        if keep("missed", id, &record)? {
            missed.push(record);
        }
    }
    out.facts = Facts {
        participants,
        episodes,
        missed,
    };
    Ok(out)
}

/// A record as the JSON its hash is taken over.
trait Erased {
    fn json(&self) -> Result<Vec<u8>>;
}

impl<T: Serialize> Erased for T {
    fn json(&self) -> Result<Vec<u8>> {
        Ok(serde_json::to_vec(self)?)
    }
}
