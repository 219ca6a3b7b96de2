//! Databases from before whole-file encryption (schema 1 to 5, plain
//! SQLite with the key wraps inside) are converted on their first unlock:
//! the right key is checked against the wraps in the old file, the whole
//! database is exported into a new SQLCipher file beside it, the key file
//! is written, and the new file replaces the old one with one rename (the
//! old `-wal` and `-shm` removed). A crash before the rename leaves the old
//! file as it was, and the next unlock converts again.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use zeroize::Zeroizing;

use super::error::{Result, StoreError};
use super::keyfile::{self, KdfFields, Wrap};
use super::keys::{KdfParams, Keys};
use super::open::{self, APPLICATION_ID};
use super::{Actor, LockedStore, Store};

/// The last schema version stored in plain SQLite.
const LAST_PLAIN: i64 = 5;

/// Refuses, without writing to it, a plain SQLite file that is not a
/// Kohort database from before encryption.
pub(super) fn check_legacy(path: &Path) -> Result<()> {
    let not_ours = |why: &str| StoreError::NotKohort(why.to_owned());
    // Another program's id in the header: refused without opening it.
    let head = open::read_head(path)?;
    let header_app = head
        .get(68..72)
        .map_or(0, |b| i32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    if header_app != 0 && header_app != APPLICATION_ID {
        return Err(not_ours("another program's database (its application id)"));
    }
    // Without a -wal beside it, SQLite is told the file cannot change, so
    // it makes no -wal or -shm of its own while looking.
    let wal = sibling(path, "-wal").exists();
    let uri = format!(
        "file:{}?mode=ro{}",
        open::uri_path(path),
        if wal { "" } else { "&immutable=1" }
    );
    let conn = Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    let app: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if app != 0 && app != APPLICATION_ID {
        return Err(not_ours("another program's database (its application id)"));
    }
    if !(1..=LAST_PLAIN).contains(&version) {
        return Err(not_ours(&format!(
            "a plain SQLite file of schema version {version}, which Kohort never wrote"
        )));
    }
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?
        .query_map([], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    for want in ["device", "key_wraps", "participants", "sessions", "audit"] {
        if !tables.iter().any(|t| t == want) {
            return Err(not_ours(&format!("it has no {want} table")));
        }
    }
    Ok(())
}

/// The wraps and failure count of a plain database.
struct Legacy {
    kdf: KdfParams,
    passphrase: Vec<u8>,
    recovery: Vec<u8>,
}

fn read_legacy(conn: &Connection) -> Result<Legacy> {
    let (m, t, p, salt, passphrase): (u32, u32, u32, Vec<u8>, Vec<u8>) = conn.query_row(
        "SELECT m_cost, t_cost, p_cost, salt, wrapped FROM key_wraps WHERE kind = 'passphrase'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    let recovery: Vec<u8> = conn.query_row(
        "SELECT wrapped FROM key_wraps WHERE kind = 'recovery'",
        [],
        |r| r.get(0),
    )?;
    let salt: [u8; 16] = salt
        .try_into()
        .map_err(|_| StoreError::Corrupt("the passphrase salt has the wrong length".into()))?;
    // Through the key file's bounds: no Argon2id that takes all memory.
    let kdf = KdfFields::of(&KdfParams {
        m_cost: m,
        t_cost: t,
        p_cost: p,
        salt,
    })
    .params()?;
    Ok(Legacy {
        kdf,
        passphrase,
        recovery,
    })
}

/// What a right key gives: the data key, and for a passphrase the
/// parameters and key-encryption key it was derived with.
pub(super) type Opened = (
    Zeroizing<[u8; 32]>,
    Option<(KdfParams, Zeroizing<[u8; 32]>)>,
);

/// Unlocks a plain database and converts it. `try_key` derives from the
/// passphrase (or parses the recovery key) and opens the wrap it is given.
pub(super) fn unlock_legacy(
    locked: &LockedStore,
    recovery: bool,
    try_key: impl FnOnce(&KdfParams, &[u8], &[u8]) -> Result<Option<Opened>>,
) -> Result<Store> {
    let path = &locked.path;
    check_legacy(path)?;
    let conn = Connection::open(path)?;
    let legacy = read_legacy(&conn)?;
    let wait: Option<String> = conn
        .query_row("SELECT not_before FROM device WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()?
        .flatten();
    if let Some(until) = wait.as_deref().and_then(kohort_batch::parse_stamp)
        && locked.delay != super::Delay::None
        && until > chrono::Utc::now()
    {
        let left = (until - chrono::Utc::now()).to_std().unwrap_or_default();
        return Err(StoreError::TooSoon(left.min(super::MAX_DELAY)));
    }
    let Some((data, kek)) = try_key(&legacy.kdf, &legacy.passphrase, &legacy.recovery)? else {
        let failures: i64 = conn.query_row(
            "UPDATE device SET failed_unlocks = failed_unlocks + 1 WHERE id = 1
             RETURNING failed_unlocks",
            [],
            |r| r.get(0),
        )?;
        let wait = locked.delay.after(failures);
        conn.execute(
            "UPDATE device SET not_before = ?1 WHERE id = 1",
            [kohort_batch::stamp(
                chrono::Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default(),
            )],
        )?;
        return Err(if recovery {
            StoreError::WrongRecoveryKey
        } else {
            StoreError::WrongPassphrase { retry_after: wait }
        });
    };
    drop(conn);
    convert(path, &data, &legacy, kek)?;
    let conn = open::open_keyed(path, &data, false)?;
    Ok(Store {
        conn,
        path: path.clone(),
        delay: locked.delay,
        keys: Keys::new(data),
        actor: Actor::Staff,
        pinned_cache: Default::default(),
        page_check: None,
    })
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Exports the plain database into an encrypted one and swaps them.
fn convert(
    path: &Path,
    data: &[u8; 32],
    legacy: &Legacy,
    kek: Option<(KdfParams, Zeroizing<[u8; 32]>)>,
) -> Result<()> {
    let tmp = sibling(path, ".converting");
    let _ = std::fs::remove_file(&tmp);
    open::create_private(&tmp)?;
    let conn = Connection::open(path)?;
    // Everything out of the old WAL first: a WAL left with frames would
    // keep plaintext beside the encrypted file.
    let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
    if busy != 0 {
        return Err(StoreError::NotKohort(
            "the old database is in use by another program: close it and unlock again".into(),
        ));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    conn.execute(
        &format!("ATTACH DATABASE ?1 AS enc KEY {}", *open::cipher_key(data)),
        params![tmp.display().to_string()],
    )?;
    conn.query_row("SELECT sqlcipher_export('enc')", [], |_| Ok(()))?;
    conn.execute_batch(&format!(
        "PRAGMA enc.user_version = {version}; PRAGMA enc.application_id = {APPLICATION_ID};"
    ))?;
    conn.execute_batch("DETACH DATABASE enc")?;
    drop(conn);
    // The new file must open with the key before it replaces the old one.
    drop(open::open_keyed(&tmp, data, false)?);
    let recovery = Wrap {
        check: String::new(),
        wrapped: hex::encode(&legacy.recovery),
    };
    let file = match kek {
        Some((kdf, kek)) => open::new_key_file(data, (&kdf, &kek), recovery)?,
        None => {
            let mut f = open::new_key_file(data, (&legacy.kdf, &[0; 32]), recovery)?;
            // Unlocked with the recovery key: the passphrase wrap is kept as
            // it was, its check unknown.
            f.kdf = KdfFields::of(&legacy.kdf);
            f.passphrase = Wrap {
                check: String::new(),
                wrapped: hex::encode(&legacy.passphrase),
            };
            f.sign(&keyfile::derive(data, "key file"));
            f
        }
    };
    file.write(&keyfile::path_of(path))?;
    std::fs::rename(&tmp, path).map_err(|source| StoreError::Create {
        path: path.to_owned(),
        source,
    })?;
    for old in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(sibling(path, old));
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    kohort_files::sync_dir(dir).map_err(|source| StoreError::Create {
        path: dir.to_owned(),
        source,
    })?;
    Ok(())
}

/// Writes a plain database as a Kohort of schema `version` (1 to 5) left
/// it: the device, both key wraps (Argon2id at the old 19 MiB, t = 2), one
/// setting from schema 4 on, and the unkeyed audit chain's first entry.
/// For the conversion tests; returns the device id and the recovery key.
#[doc(hidden)]
pub fn write_legacy(
    path: &Path,
    version: i64,
    passphrase: &str,
) -> Result<(uuid::Uuid, super::RecoveryKey)> {
    use super::keys::{self, RecoveryKey};
    if !(1..=LAST_PLAIN).contains(&version) {
        return Err(StoreError::Corrupt(format!("no plain schema {version}")));
    }
    let mut conn = Connection::open(path)?;
    super::schema::configure(&conn)?;
    super::schema::migrate_to(&mut conn, version, &[0; 32])?;
    let data = keys::random_key();
    let recovery = RecoveryKey::generate();
    let mut salt = [0u8; 16];
    salt.copy_from_slice(&keys::random_key()[..16]);
    let kdf = KdfParams {
        m_cost: 19 * 1024,
        t_cost: 2,
        p_cost: 1,
        salt,
    };
    let kek = kdf.derive(passphrase)?;
    let at = super::now();
    let tx = conn.transaction()?;
    let device = super::device::insert(&tx, &Keys::new(data.clone()), "old tablet", &at)?;
    tx.execute(
        "INSERT INTO key_wraps (kind, m_cost, t_cost, p_cost, salt, wrapped, updated_at)
         VALUES ('passphrase', ?1, ?2, ?3, ?4, ?5, ?6), ('recovery', NULL, NULL, NULL, NULL, ?7, ?6)",
        params![
            kdf.m_cost,
            kdf.t_cost,
            kdf.p_cost,
            &kdf.salt[..],
            keys::wrap(&kek, "passphrase", &data)?,
            at,
            keys::wrap(recovery.key(), "recovery", &data)?,
        ],
    )?;
    if version >= 4 {
        tx.execute(
            "INSERT INTO settings (key, value, updated_at) VALUES ('retention_days', '30', ?1)",
            [&at],
        )?;
    }
    let subject = format!("device={device}");
    let hash = super::entry_hash(super::GENESIS, 1, &at, "staff", "store_created", &subject);
    tx.execute(
        "INSERT INTO audit (seq, at, actor, action, subject, prev_hash, hash)
         VALUES (1, ?1, 'staff', 'store_created', ?2, ?3, ?4)",
        params![at, subject, super::GENESIS, hash],
    )?;
    tx.commit()?;
    Ok((device, recovery))
}
