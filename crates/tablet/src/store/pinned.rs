//! Pinned instruments: each session runs on the exact instrument texts it
//! started with, stored once per text (`instrument_texts`, by hash) and
//! listed per session (`session_instruments`). A text is parsed and
//! checked against its hash once per open store, then shared, so loading
//! ten thousand sessions parses 18 texts, not 52 599.

use std::sync::Arc;

use rusqlite::OptionalExtension;

use kohort_form::load;

use super::Store;
use super::error::{Result, StoreError};

/// A pinned instrument as a session lists it: id, version, hash.
pub(super) type Pin = (String, String, String);

impl Store {
    /// A session's pinned instruments, in order. Each text is parsed and
    /// checked against its hash once per open store, then shared.
    pub(super) fn pinned(&self, sid: &str) -> Result<Vec<Arc<kohort_form::Instrument>>> {
        let mut st = self.conn.prepare_cached(
            "SELECT instrument_id, version, hash FROM session_instruments
             WHERE session = ?1 ORDER BY ordinal",
        )?;
        let pins = st
            .query_map([sid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        self.resolve_pins(sid, pins)
    }

    /// A session's pins (id, version, hash, in order) as instruments: each
    /// text parsed and checked against its hash once per open store.
    pub(super) fn resolve_pins(
        &self,
        sid: &str,
        pins: Vec<Pin>,
    ) -> Result<Vec<Arc<kohort_form::Instrument>>> {
        let mut out = Vec::with_capacity(pins.len());
        for (id, version, hash) in pins {
            if let Some(inst) = self.pinned_cache.borrow().get(&hash) {
                if inst.id != id {
                    return Err(StoreError::PinnedInstrument {
                        session: sid.to_owned(),
                        instrument: format!("{id} {version}"),
                        reason: "its content does not match the pinned hash".into(),
                    });
                }
                out.push(Arc::clone(inst));
                continue;
            }
            let inst = Arc::new(self.load_pinned(sid, &id, &version, &hash)?);
            self.pinned_cache
                .borrow_mut()
                .insert(hash, Arc::clone(&inst));
            out.push(inst);
        }
        Ok(out)
    }

    fn load_pinned(
        &self,
        sid: &str,
        id: &str,
        version: &str,
        hash: &str,
    ) -> Result<kohort_form::Instrument> {
        let damaged = |reason: String| StoreError::PinnedInstrument {
            session: sid.to_owned(),
            instrument: format!("{id} {version}"),
            reason,
        };
        let canonical: String = self
            .conn
            .prepare_cached("SELECT canonical FROM instrument_texts WHERE hash = ?1")?
            .query_row([hash], |r| r.get(0))
            .optional()?
            .ok_or_else(|| damaged("its text is missing".into()))?;
        let label = format!("session {sid}: pinned {id} {version}");
        let (inst, problems) = load::instrument_from_bytes(&label, canonical.as_bytes());
        let inst = inst.ok_or_else(|| {
            damaged(
                problems
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?;
        if inst.hash != hash || inst.id != id {
            return Err(damaged("its content does not match the pinned hash".into()));
        }
        Ok(inst)
    }
}
