//! Connection settings and numbered schema migrations. Each migration runs
//! inside one transaction together with the bump of `PRAGMA user_version`,
//! so a database is always at exactly one version.

use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

use super::error::{Result, StoreError};

/// Migration `i` takes the schema from version `i` to `i + 1`. Append only:
/// never edit a migration that has shipped.
const MIGRATIONS: &[&str] = &[V1_CORE, V2_BATCHES, V3_EXPORT, V4_WORKFLOW];

pub const LATEST: i64 = MIGRATIONS.len() as i64;

const V1_CORE: &str = r#"
CREATE TABLE device (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    device_id       TEXT NOT NULL,
    name            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    public_key      BLOB NOT NULL,
    secret_key      BLOB NOT NULL,          -- sealed
    failed_unlocks  INTEGER NOT NULL DEFAULT 0,
    not_before      TEXT
);
CREATE TABLE key_wraps (
    kind        TEXT PRIMARY KEY CHECK (kind IN ('passphrase', 'recovery')),
    m_cost      INTEGER,
    t_cost      INTEGER,
    p_cost      INTEGER,
    salt        BLOB,
    wrapped     BLOB NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE TABLE participants (
    id          TEXT PRIMARY KEY,
    study_code  TEXT NOT NULL UNIQUE,
    site        TEXT NOT NULL,
    label       BLOB,                       -- sealed
    enrolled_at TEXT NOT NULL
);
CREATE TABLE consent (
    participant        TEXT PRIMARY KEY REFERENCES participants(id),
    date               TEXT NOT NULL,
    version            TEXT NOT NULL,
    contact_interview  INTEGER NOT NULL,
    contact_relatives  INTEGER NOT NULL,
    withdrawn_at       TEXT
);
CREATE TABLE episodes (
    id           TEXT PRIMARY KEY,
    participant  TEXT NOT NULL REFERENCES participants(id),
    anchor_date  TEXT NOT NULL,
    end_date     TEXT,
    end_type     TEXT
);
CREATE INDEX episodes_participant ON episodes(participant);
CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    participant   TEXT NOT NULL REFERENCES participants(id),
    episode       TEXT NOT NULL REFERENCES episodes(id),
    form_id       TEXT NOT NULL,
    form_title    TEXT NOT NULL,            -- JSON text {nb, en}
    params        TEXT NOT NULL,            -- JSON object
    respondent    TEXT NOT NULL CHECK (respondent IN ('patient', 'clinician')),
    status        TEXT NOT NULL
                  CHECK (status IN ('in_progress', 'paused', 'completed', 'abandoned')),
    place         BLOB,                     -- sealed: position and screens seen
    started_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    completed_at  TEXT
);
CREATE INDEX sessions_participant ON sessions(participant);
CREATE INDEX sessions_status ON sessions(status);
CREATE TABLE session_instruments (
    session        TEXT NOT NULL REFERENCES sessions(id),
    ordinal        INTEGER NOT NULL,
    instrument_id  TEXT NOT NULL,
    version        TEXT NOT NULL,
    hash           TEXT NOT NULL,
    canonical      TEXT NOT NULL,
    PRIMARY KEY (session, ordinal)
) WITHOUT ROWID;
CREATE TABLE answers (
    session     TEXT NOT NULL REFERENCES sessions(id),
    item_tag    BLOB NOT NULL,              -- keyed hash of the item id
    value       BLOB NOT NULL,              -- sealed {item, answer}
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (session, item_tag)
) WITHOUT ROWID;
CREATE TABLE audit (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL CHECK (actor IN ('staff', 'patient', 'system')),
    action     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#;

/// Placeholder for the delivery issue: which batches left this device.
const V2_BATCHES: &str = r#"
CREATE TABLE batches (
    seq           INTEGER PRIMARY KEY,
    created_at    TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    hash          TEXT NOT NULL,
    delivered_at  TEXT
);
"#;

/// Export bookkeeping: the research key batches are sealed to, which
/// sessions went into which batch, and how far the audit log was included.
const V3_EXPORT: &str = r#"
ALTER TABLE batches ADD COLUMN state TEXT NOT NULL DEFAULT 'sealed'
    CHECK (state IN ('sealed', 'delivered'));
ALTER TABLE batches ADD COLUMN records INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN audit_to INTEGER NOT NULL DEFAULT 0;
CREATE TABLE batch_sessions (
    session  TEXT PRIMARY KEY REFERENCES sessions(id),
    batch    INTEGER NOT NULL REFERENCES batches(seq)
) WITHOUT ROWID;
CREATE TABLE research_key (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    public       TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    set_at       TEXT NOT NULL
);
"#;

/// Nurse workflow: which occurrence of a recurring or repeatable form a
/// session is, timepoints marked missed (reason sealed), and settings.
const V4_WORKFLOW: &str = r#"
ALTER TABLE sessions ADD COLUMN occurrence INTEGER NOT NULL DEFAULT 0;
CREATE TABLE missed (
    episode     TEXT NOT NULL REFERENCES episodes(id),
    form_id     TEXT NOT NULL,
    occurrence  INTEGER NOT NULL,
    reason      BLOB NOT NULL,              -- sealed
    marked_at   TEXT NOT NULL,
    PRIMARY KEY (episode, form_id, occurrence)
) WITHOUT ROWID;
CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) WITHOUT ROWID;
"#;

/// The pragmas every connection runs with.
pub fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::NotKohort(format!(
            "cannot switch to WAL (journal mode is {mode})"
        )));
    }
    // FULL: a commit that returned is on disk, even after a power cut.
    // secure_delete: overwritten and deleted content is zeroed, not left in free pages.
    // temp_store: sorts and temporary tables never reach a temp file.
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA secure_delete = ON;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;",
    )?;
    Ok(())
}

pub fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Brings the schema to [`LATEST`].
pub fn migrate(conn: &mut Connection) -> Result<()> {
    migrate_to(conn, LATEST)
}

/// Applies migrations up to `target`; refuses a database from a newer program.
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = version(&tx)?;
    if found > LATEST {
        return Err(StoreError::NewerSchema {
            found,
            known: LATEST,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let to = i as i64 + 1;
        if to > found && to <= target {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", to)?;
        }
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn tables(conn: &Connection) -> Vec<String> {
        let mut st = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn upgrades_from_every_earlier_version() {
        let dir = tempfile::tempdir().unwrap();
        let mut reference = None;
        for start in 0..=LATEST {
            let path = dir.path().join(format!("v{start}.db"));
            let mut conn = Connection::open(&path).unwrap();
            configure(&conn).unwrap();
            migrate_to(&mut conn, start).unwrap();
            assert_eq!(version(&conn).unwrap(), start);
            drop(conn);
            let mut conn = Connection::open(&path).unwrap();
            configure(&conn).unwrap();
            migrate(&mut conn).unwrap();
            assert_eq!(version(&conn).unwrap(), LATEST);
            let t = tables(&conn);
            assert!(t.contains(&"batches".to_owned()) && t.contains(&"answers".to_owned()));
            assert_eq!(reference.get_or_insert_with(|| t.clone()), &t);
        }
    }

    #[test]
    fn refuses_a_newer_schema() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", LATEST + 1)
            .unwrap();
        assert!(matches!(
            migrate(&mut conn),
            Err(StoreError::NewerSchema { .. })
        ));
    }
}
