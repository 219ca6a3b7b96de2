//! A participant's "read everything to me": kept in their row of the
//! sealed database and applied whenever their questionnaire is resumed.

use std::collections::BTreeSet;

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::Store;
use super::device::parse_id;
use super::error::{Result, StoreError};

impl Store {
    /// Whether every screen is read aloud to this participant.
    pub fn read_aloud(&self, participant: Uuid) -> Result<bool> {
        let on: Option<i64> = self
            .conn
            .query_row(
                "SELECT read_aloud FROM participants WHERE id = ?1",
                [participant.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        match on {
            Some(v) => Ok(v == 1),
            None => Err(StoreError::NotFound(format!("participant {participant}"))),
        }
    }

    /// Switches "read everything" on or off for a participant.
    pub fn set_read_aloud(&mut self, participant: Uuid, on: bool) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE participants SET read_aloud = ?2 WHERE id = ?1",
            params![participant.to_string(), i64::from(on)],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("participant {participant}")));
        }
        Ok(())
    }

    /// The participants who have every screen read aloud.
    pub fn read_aloud_participants(&self) -> Result<BTreeSet<Uuid>> {
        let mut st = self
            .conn
            .prepare("SELECT id FROM participants WHERE read_aloud = 1")?;
        let ids = st.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = BTreeSet::new();
        for id in ids {
            out.insert(parse_id(&id?)?);
        }
        Ok(out)
    }
}
