//! Connection settings and numbered schema migrations. Each migration runs
//! inside one transaction together with the bump of `PRAGMA user_version`,
//! so a database is always at exactly one version.

use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

use super::error::{Result, StoreError};

/// Migration `i` takes the schema from version `i` to `i + 1`. Append only:
/// never edit a migration that has shipped.
const MIGRATIONS: &[&str] = &[
    V1_CORE,
    V2_BATCHES,
    V3_EXPORT,
    V4_WORKFLOW,
    V5_DELIVERY,
    V6_ENCRYPTED,
    V7_UNCHECKED,
    V8_FACTS_SENT,
    V9_INSTRUMENT_TEXTS,
    V10_ANSWER_COUNT,
    V11_READ_ALOUD,
    V12_KEPT_RECORDS,
    V13_SESSIONS_BY_STATUS,
];

/// The sessions of a status in id order from the index alone: an export's
/// "completed, not in a batch" read a table row per session and sorted
/// them (40 ms of a 10 000-session export, cold).
const V13_SESSIONS_BY_STATUS: &str = "
CREATE INDEX sessions_status_id ON sessions(status, id);
DROP INDEX sessions_status;
";

/// Each completed session's variables, sealed and compressed, kept from
/// its completion (`kept.rs`): an export reads them instead of replaying
/// the session. Filled for earlier sessions at the first unlock. The
/// instruments a record was built on (id, version and hash per line) are
/// kept once per distinct set: a form's sessions share one.
const V12_KEPT_RECORDS: &str = "
CREATE TABLE pin_sets (
    id   INTEGER PRIMARY KEY,
    pins TEXT NOT NULL UNIQUE
);
CREATE TABLE session_records (
    session TEXT PRIMARY KEY REFERENCES sessions(id),
    value   BLOB NOT NULL,
    pin_set INTEGER NOT NULL REFERENCES pin_sets(id)
);
INSERT INTO settings (key, value, updated_at)
    VALUES ('records_to_keep', '1', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
";

/// Whether a participant wants every screen read aloud: kept with their
/// other data (the whole database is sealed) and applied on resume.
const V11_READ_ALOUD: &str = "
ALTER TABLE participants ADD COLUMN read_aloud INTEGER NOT NULL DEFAULT 0 CHECK (read_aloud IN (0, 1));
";

/// How many answers each session holds, kept by triggers: the staff
/// screens show a paused form's share, and counting the answers table
/// for every session read (and decrypted) nearly the whole database on
/// each load.
const V10_ANSWER_COUNT: &str = "
ALTER TABLE sessions ADD COLUMN answer_count INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET answer_count = (SELECT count(*) FROM answers a WHERE a.session = sessions.id);
CREATE TRIGGER answers_counted_in AFTER INSERT ON answers
    BEGIN UPDATE sessions SET answer_count = answer_count + 1 WHERE id = NEW.session; END;
CREATE TRIGGER answers_counted_out AFTER DELETE ON answers
    BEGIN UPDATE sessions SET answer_count = answer_count - 1 WHERE id = OLD.session; END;
";

/// Each pinned instrument's text once, keyed by its hash, instead of once
/// per session (18 distinct texts were stored 52 599 times, 275 MB of a
/// 378 MB database). Sessions keep id, version and hash in order. The
/// space freed is given back by a VACUUM after the migration.
const V9_INSTRUMENT_TEXTS: &str = "
CREATE TABLE instrument_texts (
    hash           TEXT PRIMARY KEY,
    instrument_id  TEXT NOT NULL,
    version        TEXT NOT NULL,
    canonical      TEXT NOT NULL
);
INSERT OR IGNORE INTO instrument_texts (hash, instrument_id, version, canonical)
    SELECT hash, instrument_id, version, canonical FROM session_instruments;
ALTER TABLE session_instruments DROP COLUMN canonical;
";

/// The schema version whose migration frees enough space to vacuum after.
pub const VACUUM_AFTER: i64 = 9;

/// Batch format 2 sends participant, episode and missed-mark records when
/// they changed: the hash of each as last sealed, and in which batch (a
/// lost batch sealed again carries the same records).
const V8_FACTS_SENT: &str = "
CREATE TABLE facts_sent (
    kind   TEXT NOT NULL CHECK (kind IN ('participant', 'episode', 'missed')),
    id     TEXT NOT NULL,
    hash   TEXT NOT NULL,
    batch  INTEGER NOT NULL REFERENCES batches(seq),
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;
";

/// An upload the server took (201) but whose check could not see the file
/// (HEAD and listing read another area than uploads go to): recorded as a
/// delivery that was not checked; the receipt confirms it later. And each
/// confirmed batch keeps the signed receipt that confirmed it, verified
/// again before its answers are purged.
const V7_UNCHECKED: &str = "
ALTER TABLE deliveries ADD COLUMN checked INTEGER NOT NULL DEFAULT 1 CHECK (checked IN (0, 1));
ALTER TABLE batches ADD COLUMN receipt TEXT;
";

/// The database is encrypted whole: the key wraps and the unlock failures
/// moved to the key file; the audit chain gets keyed links (filled in by
/// `audit::key_chain` in the same transaction).
const V6_ENCRYPTED: &str = "
DELETE FROM key_wraps;
UPDATE device SET failed_unlocks = 0, not_before = NULL;
ALTER TABLE audit ADD COLUMN mac TEXT;
DROP TRIGGER audit_no_update;
";

/// After the chain is keyed, the log is append-only again.
const V6_AFTER_KEYING: &str = "
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
";

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

/// Delivery: batch states sealed → delivered → confirmed → purged (the
/// old CHECK allowed two, so the column is swapped for one that allows
/// four), every delivery made, when a receipt confirmed a batch, and which
/// sessions have had their answers purged. Triggers refuse, whatever the
/// caller asks, to move a batch backwards or to purge anything of a session
/// whose batch the research store has not confirmed.
const V5_DELIVERY: &str = r#"
ALTER TABLE batches RENAME COLUMN state TO state_v3;
ALTER TABLE batches ADD COLUMN state TEXT NOT NULL DEFAULT 'sealed'
    CHECK (state IN ('sealed', 'delivered', 'confirmed', 'purged'));
UPDATE batches SET state = state_v3;
ALTER TABLE batches DROP COLUMN state_v3;
ALTER TABLE batches ADD COLUMN confirmed_at TEXT;
ALTER TABLE batches ADD COLUMN purged_at TEXT;
ALTER TABLE sessions ADD COLUMN purged_at TEXT;
CREATE TABLE deliveries (
    id          INTEGER PRIMARY KEY,
    batch       INTEGER NOT NULL REFERENCES batches(seq),
    at          TEXT NOT NULL,
    via         TEXT NOT NULL CHECK (via IN ('folder', 'upload')),
    target      TEXT NOT NULL,              -- folder path, or the file API's base URL
    project     TEXT,                       -- upload: TSD project (pNN)
    file_group  TEXT,                       -- upload: the group folder it landed in
    bytes       INTEGER NOT NULL,
    sha256      TEXT NOT NULL
);
CREATE INDEX deliveries_batch ON deliveries(batch);
CREATE TRIGGER batches_state_forward BEFORE UPDATE OF state ON batches
    WHEN NOT (NEW.state = OLD.state
        OR (OLD.state = 'sealed' AND NEW.state IN ('delivered', 'confirmed'))
        OR (OLD.state = 'delivered' AND NEW.state = 'confirmed')
        OR (OLD.state = 'confirmed' AND NEW.state = 'purged'))
    BEGIN SELECT RAISE(ABORT, 'a batch only moves forward: sealed, delivered, confirmed, purged'); END;
CREATE TRIGGER answers_kept_until_confirmed BEFORE DELETE ON answers
    WHEN (SELECT status FROM sessions WHERE id = OLD.session) <> 'in_progress'
     AND NOT EXISTS (SELECT 1 FROM batch_sessions bs JOIN batches b ON b.seq = bs.batch
                     WHERE bs.session = OLD.session AND b.state IN ('confirmed', 'purged'))
    BEGIN SELECT RAISE(ABORT, 'answers are kept until the research store confirms their batch'); END;
CREATE TRIGGER sessions_purged_only_when_confirmed BEFORE UPDATE OF purged_at ON sessions
    WHEN NEW.purged_at IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM batch_sessions bs JOIN batches b ON b.seq = bs.batch
                     WHERE bs.session = NEW.id AND b.state IN ('confirmed', 'purged'))
    BEGIN SELECT RAISE(ABORT, 'a session is purged only after the research store confirms its batch'); END;
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
    // cache_size: 64 MiB of pages, decrypted once rather than again on
    // every read (the default 2 MiB held a tenth of a busy clinic's
    // sessions, so an export decrypted most pages several times).
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA secure_delete = ON;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -65536;",
    )?;
    Ok(())
}

pub fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Brings the schema to [`LATEST`]; `audit_key` keys the audit chain.
/// Returns the version found.
pub fn migrate(conn: &mut Connection, audit_key: &[u8; 32]) -> Result<i64> {
    migrate_to(conn, LATEST, audit_key)
}

/// Applies migrations up to `target`; refuses a database from a newer
/// program. Returns the version found.
pub fn migrate_to(conn: &mut Connection, target: i64, audit_key: &[u8; 32]) -> Result<i64> {
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
            if to == 6 {
                super::audit::key_chain(&tx, audit_key)?;
                tx.execute_batch(V6_AFTER_KEYING)?;
            }
            tx.pragma_update(None, "user_version", to)?;
        }
    }
    tx.commit()?;
    Ok(found)
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
            migrate_to(&mut conn, start, &[9; 32]).unwrap();
            assert_eq!(version(&conn).unwrap(), start);
            drop(conn);
            let mut conn = Connection::open(&path).unwrap();
            configure(&conn).unwrap();
            migrate(&mut conn, &[9; 32]).unwrap();
            assert_eq!(version(&conn).unwrap(), LATEST);
            let t = tables(&conn);
            assert!(t.contains(&"batches".to_owned()) && t.contains(&"deliveries".to_owned()));
            // Every path ends in the same schema, text for text.
            let all = schema_text(&conn);
            assert_eq!(reference.get_or_insert_with(|| all.clone()), &all);
        }
    }

    fn schema_text(conn: &Connection) -> Vec<(String, String, Option<String>)> {
        let mut st = conn
            .prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn batches_keep_their_state_through_the_delivery_migration() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
        migrate_to(&mut conn, 4, &[9; 32]).unwrap();
        conn.execute_batch(
            "INSERT INTO batches (seq, created_at, file_name, hash, state, records)
                 VALUES (1, 't', 'a-000001.kohort', 'h1', 'sealed', 0),
                        (2, 't', 'a-000002.kohort', 'h2', 'delivered', 0);",
        )
        .unwrap();
        migrate(&mut conn, &[9; 32]).unwrap();
        let states: Vec<String> = conn
            .prepare("SELECT state FROM batches ORDER BY seq")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(states, ["sealed", "delivered"]);
        // Forward only, and nothing outside the four states.
        let set = |seq: i64, state: &str| {
            conn.execute(
                "UPDATE batches SET state = ?2 WHERE seq = ?1",
                rusqlite::params![seq, state],
            )
        };
        assert!(set(2, "sealed").is_err());
        assert!(set(1, "purged").is_err());
        assert!(set(1, "lost").is_err());
        set(1, "confirmed").unwrap();
        set(1, "purged").unwrap();
        assert!(set(1, "confirmed").is_err());
    }

    #[test]
    fn an_export_finds_its_sessions_from_an_index_alone() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, &[9; 32]).unwrap();
        let plan: Vec<String> = conn
            .prepare(&format!(
                "EXPLAIN QUERY PLAN {}",
                super::super::batches::UNBATCHED_SQL
            ))
            .unwrap()
            .query_map([], |r| r.get(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(
            plan.iter()
                .any(|p| p.contains("COVERING INDEX sessions_status_id")),
            "{plan:?}"
        );
        assert!(!plan.iter().any(|p| p.contains("TEMP B-TREE")), "{plan:?}");
    }

    #[test]
    fn refuses_a_newer_schema() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", LATEST + 1)
            .unwrap();
        assert!(matches!(
            migrate(&mut conn, &[9; 32]),
            Err(StoreError::NewerSchema { .. })
        ));
    }
}
