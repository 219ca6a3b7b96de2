//! Gathers what goes into the next batch from the store: each completed,
//! unbatched session's record, its variables as kept when it was completed
//! or, for a session without, replayed through the runner over its pinned
//! questionnaire, so the states and derived scores are the runner's own.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use uuid::Uuid;

use crate::store::{
    AuditEntry, Built, Episode, KeptSession, OpenedKept, Participant, Result, SealedSession,
    SessionSummary, Store, StoreError, build_record,
};
use kohort_batch::{
    AuditRecord, EpisodeFacts, ParticipantFacts, Pinned, PinnedContent, SessionRecord,
};
use kohort_form::Instrument;
use kohort_form::runner::Plan;

/// The contents of the next batch.
#[derive(Debug)]
pub struct Collected {
    pub sessions: Vec<Uuid>,
    pub records: Vec<SessionRecord>,
    /// For each record whose variables were kept, their JSON (the record's
    /// own list is then empty); see [`kohort_batch::Contents`].
    pub variables_json: Vec<Option<Vec<u8>>>,
    pub instruments: Vec<PinnedContent>,
    pub audit: Vec<AuditRecord>,
    /// The last audit entry included (0 for none).
    pub audit_to: i64,
    /// Participant, episode and missed records that changed (format 2).
    pub facts: super::facts::Gathered,
}

pub fn collect(store: &Store) -> Result<Collected> {
    collect_checked(store, None)
}

/// [`collect`], given the audit log already read and verified (or not).
pub fn collect_checked(store: &Store, audit: Option<Vec<AuditEntry>>) -> Result<Collected> {
    let sessions = store.unbatched_completed()?;
    let after = store.last_batch()?.map_or(0, |b| b.audit_to);
    let people = People::read(store)?;
    let mut c = collect_these(store, &people, sessions, (after, None), audit)?;
    c.facts = super::facts::gather(store, &people, None)?;
    Ok(c)
}

/// What batch `seq` held, collected again from the tablet (its file was
/// lost): the same sessions and the same range of audit entries.
pub fn collect_batch(store: &Store, seq: u64) -> Result<Collected> {
    let batches = store.batches()?;
    let this = batches
        .iter()
        .find(|b| b.seq == seq)
        .ok_or_else(|| StoreError::NotFound(format!("batch {seq}")))?;
    let after = batches
        .iter()
        .find(|b| b.seq + 1 == seq)
        .map_or(0, |b| b.audit_to);
    let people = People::read(store)?;
    let mut c = collect_these(
        store,
        &people,
        store.sessions_in_batch(seq)?,
        (after, Some(this.audit_to)),
        None,
    )?;
    c.facts = super::facts::gather(store, &people, Some(seq))?;
    Ok(c)
}

/// Every participant and episode, read once for the records and the
/// facts of a batch (one query each).
pub(super) struct People {
    pub participants: Vec<Participant>,
    pub episodes: Vec<Episode>,
}

impl People {
    fn read(store: &Store) -> Result<Self> {
        Ok(People {
            participants: store.participant_facts()?,
            episodes: store.all_episodes()?,
        })
    }
}

/// The records of `sessions` and the audit entries after the first of
/// `range` up to its second, from `audit` if it was read already.
fn collect_these(
    store: &Store,
    people: &People,
    sessions: Vec<Uuid>,
    (after, upto): (i64, Option<i64>),
    audit: Option<Vec<AuditEntry>>,
) -> Result<Collected> {
    let participants: HashMap<Uuid, ParticipantFacts> = people
        .participants
        .iter()
        .map(|p| {
            let facts = ParticipantFacts {
                id: p.id.to_string(),
                study_code: p.study_code.clone(),
                site: p.site.clone(),
                consent: p.consent.as_ref().map(super::facts::consent_facts),
            };
            (p.id, facts)
        })
        .collect();
    let episodes: HashMap<Uuid, EpisodeFacts> = people
        .episodes
        .iter()
        .map(|e| {
            let facts = EpisodeFacts {
                id: e.id.to_string(),
                anchor_date: e.anchor_date.to_string(),
                end_date: e.end_date.map(|d| d.to_string()),
                end_type: e.end_type.map(|t| t.code().to_owned()),
            };
            (e.id, facts)
        })
        .collect();
    // Reading (the store's one connection) runs beside opening and
    // replaying: this thread reads session after session, answers still
    // sealed, while a second one decrypts each and turns it into its record.
    let opener = store.opener();
    let (tx, rx) = std::sync::mpsc::sync_channel::<Read>(64);
    let built = std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            let mut b = Builder::default();
            for read in rx {
                match read {
                    Read::Kept(k) => b.add_kept(opener.open_kept(k)?, &participants, &episodes)?,
                    Read::Sealed(s) => b.add(opener.open(s)?, &participants, &episodes)?,
                }
            }
            Ok::<_, StoreError>(b)
        });
        // A closed channel means the worker stopped on an error, which
        // its join below reports. Kept records first, in one query; then
        // the sessions without one, each read for replay.
        let loading = store
            .for_each_kept(&sessions, |k| {
                let _ = tx.send(Read::Kept(k));
                Ok(())
            })
            .and_then(|kept| {
                sessions
                    .iter()
                    .filter(|sid| !kept.contains(sid))
                    .try_for_each(|&sid| {
                        let _ = tx.send(Read::Sealed(store.read_session(sid)?));
                        Ok::<_, StoreError>(())
                    })
            });
        drop(tx);
        let built = worker
            .join()
            .unwrap_or_else(|_| Err(StoreError::Corrupt("replaying a session failed".into())));
        loading.and(built)
    })?;
    let entries = match audit {
        Some(all) => all,
        None => store.audit_after(after)?,
    };
    let audit: Vec<AuditRecord> = entries
        .into_iter()
        .filter(|e| e.seq > after && upto.is_none_or(|u| e.seq <= u))
        .map(record)
        .collect();
    let audit_to = audit.last().map_or(after, |a| a.seq);
    Ok(Collected {
        sessions,
        records: built.records,
        variables_json: built.variables_json,
        instruments: built.instruments.into_values().collect(),
        audit,
        audit_to,
        facts: Default::default(),
    })
}

/// A session as read: its kept record, or its answers to replay.
enum Read {
    Kept(KeptSession),
    Sealed(SealedSession),
}

/// Turns sessions into records, keeping each pinned instrument once and
/// each questionnaire's runner plan.
#[derive(Default)]
struct Builder {
    records: Vec<SessionRecord>,
    variables_json: Vec<Option<Vec<u8>>>,
    instruments: BTreeMap<String, PinnedContent>,
    plans: Vec<Plan>,
}

impl Builder {
    /// A session without a kept record, replayed.
    fn add(
        &mut self,
        loaded: crate::store::LoadedSession,
        participants: &HashMap<Uuid, ParticipantFacts>,
        episodes: &HashMap<Uuid, EpisodeFacts>,
    ) -> Result<()> {
        let Built {
            summary,
            instruments,
            variables,
        } = build_record(loaded, &mut self.plans);
        let mut record = self.record(summary, &instruments, participants, episodes)?;
        record.variables = variables;
        self.records.push(record);
        self.variables_json.push(None);
        Ok(())
    }

    /// A session with its variables kept since it was completed.
    fn add_kept(
        &mut self,
        kept: OpenedKept,
        participants: &HashMap<Uuid, ParticipantFacts>,
        episodes: &HashMap<Uuid, EpisodeFacts>,
    ) -> Result<()> {
        let record = self.record(kept.summary, &kept.instruments, participants, episodes)?;
        self.records.push(record);
        self.variables_json.push(Some(kept.variables_json));
        Ok(())
    }

    /// The record but for its variables.
    fn record(
        &mut self,
        sum: SessionSummary,
        instruments: &[Arc<Instrument>],
        participants: &HashMap<Uuid, ParticipantFacts>,
        episodes: &HashMap<Uuid, EpisodeFacts>,
    ) -> Result<SessionRecord> {
        let sid = sum.id;
        let missing = |what: &str| StoreError::NotFound(format!("{what} of session {sid}"));
        let participant = participants
            .get(&sum.participant)
            .cloned()
            .ok_or_else(|| missing("participant"))?;
        let episode = episodes
            .get(&sum.episode)
            .cloned()
            .ok_or_else(|| missing("episode"))?;
        let mut pinned = Vec::with_capacity(instruments.len());
        for inst in instruments {
            if !self.instruments.contains_key(&inst.hash) {
                let content = PinnedContent {
                    id: inst.id.clone(),
                    version: inst.version.clone(),
                    hash: inst.hash.clone(),
                    canonical: inst.canonical.clone(),
                };
                self.instruments.insert(inst.hash.clone(), content);
            }
            pinned.push(Pinned {
                id: inst.id.clone(),
                version: inst.version.clone(),
                hash: inst.hash.clone(),
            });
        }
        Ok(SessionRecord {
            id: sid.to_string(),
            form_id: sum.form_id,
            respondent: sum.respondent.as_str().to_owned(),
            started_at: kohort_batch::stamp(sum.started_at),
            completed_at: sum.completed_at.map(kohort_batch::stamp),
            participant,
            episode,
            instruments: pinned,
            variables: Vec::new(),
            // Counted from 1 in batches, as analysts count timepoints.
            occurrence: Some(sum.occurrence + 1),
        })
    }
}

fn record(e: AuditEntry) -> AuditRecord {
    AuditRecord {
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        action: e.action,
        subject: e.subject,
        prev_hash: e.prev_hash,
        hash: e.hash,
    }
}
