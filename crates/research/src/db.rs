//! The research database (`research.db` in the store folder): devices and
//! their keys, imported batches, and the opened sessions keyed by session
//! id. Created on first import. It holds health data in clear, so it lives
//! only inside the secure research store.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

use crate::error::Result;

pub const FILE: &str = "research.db";

/// Schema steps, oldest first: a fresh store runs them all, an older one
/// the ones it lacks, in one transaction.
const MIGRATIONS: &[&str] = &[V1, V2_FACTS, V3_ENROLMENT];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

const V1: &str = r#"
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

/// Facts a batch of format 2 carries of its own: who enrolled a participant
/// and when (the owner device), episode numbers, each session's scheduled
/// occurrence, target date and language, and timepoints marked missed.
/// Empty for what came in format 1 batches.
const V2_FACTS: &str = r#"
ALTER TABLE participants ADD COLUMN enrolled_at TEXT;
ALTER TABLE participants ADD COLUMN device_id TEXT;
ALTER TABLE episodes ADD COLUMN number INTEGER;
ALTER TABLE episodes ADD COLUMN device_id TEXT;
ALTER TABLE sessions ADD COLUMN occurrence INTEGER;
ALTER TABLE sessions ADD COLUMN target_date TEXT;
ALTER TABLE sessions ADD COLUMN language TEXT;
CREATE TABLE missed (
    episode      TEXT NOT NULL REFERENCES episodes(id),
    form_id      TEXT NOT NULL,
    occurrence   INTEGER NOT NULL,
    reason_code  INTEGER,
    reason       TEXT NOT NULL,
    marked_at    TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    PRIMARY KEY (episode, form_id, occurrence)
) WITHOUT ROWID;
"#;

/// Devices are enrolled by the fingerprint of their signing key before
/// their batches are accepted (bound to a device id by the first batch
/// signed with that key), can be retired, and their unknown keys rejected.
/// Batches from keys not enrolled wait in `held/`. Devices seen before
/// enrolment existed keep their trust, and own the participants and
/// episodes they sent first.
const V3_ENROLMENT: &str = r#"
CREATE TABLE enrolments (
    fingerprint   TEXT PRIMARY KEY,
    site          TEXT NOT NULL,
    name          TEXT NOT NULL,
    enrolled_at   TEXT NOT NULL,
    enrolled_via  TEXT NOT NULL,             -- 'devices add', 'enrol-unknown', 'devices trust'
    device_id     TEXT,                      -- set by the first batch signed with the key
    retired_at    TEXT
) WITHOUT ROWID;
CREATE TABLE rejected_keys (
    fingerprint  TEXT PRIMARY KEY,
    rejected_at  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE held (
    file_name    TEXT PRIMARY KEY,
    device_id    TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    fingerprint  TEXT NOT NULL,
    reason       TEXT NOT NULL,
    held_at      TEXT NOT NULL
) WITHOUT ROWID;
ALTER TABLE devices ADD COLUMN retired_at TEXT;
ALTER TABLE batches ADD COLUMN audit_first INTEGER;   -- the audit entries a batch carried
ALTER TABLE batches ADD COLUMN audit_last INTEGER;
UPDATE participants SET device_id = (
    SELECT s.device_id FROM sessions s WHERE s.participant = participants.id
    ORDER BY s.batch_seq LIMIT 1) WHERE device_id IS NULL;
UPDATE episodes SET device_id = (
    SELECT s.device_id FROM sessions s WHERE s.episode = episodes.id
    ORDER BY s.batch_seq LIMIT 1) WHERE device_id IS NULL;
"#;

/// Opens (creating when `create`) the research database of a store folder.
pub fn open(store_dir: &Path, create: bool) -> Result<Connection> {
    let path = store_dir.join(FILE);
    if !create && !path.exists() {
        return Err(super::ResearchError::NoDatabase(path));
    }
    if create {
        make_private(store_dir, &path).map_err(|source| super::ResearchError::Io {
            path: store_dir.to_owned(),
            source,
        })?;
    }
    let mut conn = Connection::open(&path)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA temp_store = MEMORY;",
    )?;
    migrate(&mut conn)?;
    Ok(conn)
}

/// The store holds health data in clear: its folder is made readable by
/// its owner only (0700) and the database 0600 before SQLite opens it
/// (SQLite gives its -wal and -shm files the database's mode).
fn make_private(store_dir: &Path, db: &Path) -> std::io::Result<()> {
    private_dir(store_dir)?;
    let file = private_file(db)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // A database made by an older version (0644) is closed to others too.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    drop(file);
    Ok(())
}

/// Creates a folder (and its parents) readable by its owner only.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut dirs = std::fs::DirBuilder::new();
    dirs.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut dirs, 0o700);
    dirs.create(dir)
}

/// Opens a file for writing, creating it readable by its owner only.
pub fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.open(path)
}

/// Brings the schema up to date. The version is read again inside the
/// write transaction, so two programs opening an old store at once do not
/// both run the same step.
fn migrate(conn: &mut Connection) -> Result<()> {
    let read = |c: &Connection| c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0));
    if read(conn)? == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version = read(&tx)?;
    if !(0..=SCHEMA_VERSION).contains(&version) {
        return Err(super::ResearchError::Schema(version));
    }
    for step in &MIGRATIONS[version as usize..] {
        tx.execute_batch(step)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_version_store_is_brought_up_to_date_keeping_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        let old = Connection::open(&path).unwrap();
        old.execute_batch(&format!("{V1} PRAGMA user_version = 1;"))
            .unwrap();
        old.execute(
            "INSERT INTO participants (id, study_code, site, facts_at) VALUES ('p', 'X1', 's', 't')",
            [],
        )
        .unwrap();
        drop(old);
        let conn = open(dir.path(), false).unwrap();
        let (code, enrolled): (String, Option<String>) = conn
            .query_row(
                "SELECT study_code, enrolled_at FROM participants",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((code.as_str(), enrolled), ("X1", None));
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        let missed: i64 = conn
            .query_row("SELECT count(*) FROM missed", [], |r| r.get(0))
            .unwrap();
        assert_eq!(missed, 0);
    }

    #[test]
    fn a_newer_store_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let c = Connection::open(dir.path().join(FILE)).unwrap();
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(c);
        assert!(matches!(
            open(dir.path(), false),
            Err(super::super::ResearchError::Schema(v)) if v == SCHEMA_VERSION + 1
        ));
    }
}
