//! The research database (`research.db` in the store folder): devices and
//! their keys, imported batches, and the opened sessions keyed by session
//! id. Created on first import. It holds health data in clear, so it lives
//! only inside the secure research store.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use crate::error::Result;

pub const FILE: &str = "research.db";

const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = r#"
CREATE TABLE devices (
    device_id    TEXT PRIMARY KEY,
    public_key   TEXT NOT NULL,
    first_seen   TEXT NOT NULL,
    trusted_via  TEXT NOT NULL                -- 'first use' or 'trust command'
);
CREATE TABLE trusted_keys (
    device_id   TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    PRIMARY KEY (device_id, public_key)
) WITHOUT ROWID;
CREATE TABLE batches (
    device_id    TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    hash         TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    study_id     TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    records      INTEGER NOT NULL,
    new_sessions INTEGER NOT NULL,
    PRIMARY KEY (device_id, seq)
) WITHOUT ROWID;
CREATE TABLE instruments (
    hash       TEXT PRIMARY KEY,
    id         TEXT NOT NULL,
    version    TEXT NOT NULL,
    canonical  TEXT NOT NULL
);
CREATE TABLE participants (
    id          TEXT PRIMARY KEY,
    study_code  TEXT NOT NULL,
    site        TEXT NOT NULL,
    consent     TEXT,                         -- JSON, as sent
    facts_at    TEXT NOT NULL                 -- created_at of the batch they came from
);
CREATE TABLE episodes (
    id           TEXT PRIMARY KEY,
    participant  TEXT NOT NULL REFERENCES participants(id),
    anchor_date  TEXT NOT NULL,
    end_date     TEXT,
    end_type     TEXT,
    facts_at     TEXT NOT NULL
);
CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    device_id     TEXT NOT NULL,
    batch_seq     INTEGER NOT NULL,
    participant   TEXT NOT NULL REFERENCES participants(id),
    episode       TEXT NOT NULL REFERENCES episodes(id),
    form_id       TEXT NOT NULL,
    respondent    TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    completed_at  TEXT,
    instruments   TEXT NOT NULL,              -- JSON [{id, version, hash}]
    record_hash   TEXT NOT NULL
);
CREATE TABLE variables (
    session      TEXT NOT NULL REFERENCES sessions(id),
    ordinal      INTEGER NOT NULL,
    instrument   TEXT NOT NULL,
    name         TEXT NOT NULL,
    state        TEXT NOT NULL,
    value        TEXT,                        -- JSON AnswerValue
    answered_at  TEXT,
    PRIMARY KEY (session, ordinal)
) WITHOUT ROWID;
CREATE TABLE audit (
    device_id  TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL,
    PRIMARY KEY (device_id, seq)
) WITHOUT ROWID;
"#;

/// Opens (creating when `create`) the research database of a store folder.
pub fn open(store_dir: &Path, create: bool) -> Result<Connection> {
    let path = store_dir.join(FILE);
    if !create && !path.exists() {
        return Err(super::ResearchError::NoDatabase(path));
    }
    if create {
        std::fs::create_dir_all(store_dir).map_err(|source| super::ResearchError::Io {
            path: store_dir.to_owned(),
            source,
        })?;
    }
    let conn = Connection::open(&path)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA temp_store = MEMORY;",
    )?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version == 0 {
        conn.execute_batch(&format!(
            "BEGIN IMMEDIATE; {SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
        ))?;
    } else if version != SCHEMA_VERSION {
        return Err(super::ResearchError::Schema(version));
    }
    Ok(conn)
}
