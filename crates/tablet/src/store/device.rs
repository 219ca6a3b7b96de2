//! This tablet's identity: an id, a name, and the Ed25519 key pair that
//! signs its batches. The private half is sealed with the data key.

use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
use rusqlite::{Connection, params};
use uuid::Uuid;
use zeroize::Zeroizing;

use super::Store;
use super::error::{Result, StoreError};
use super::keys::{self, Keys};
use super::seal::{self, Place};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub public_key: [u8; 32],
}

pub(super) fn secret_place(id: &str) -> Place<'_> {
    Place {
        table: "device",
        row: id,
        column: "secret_key",
    }
}

pub(super) fn insert(conn: &Connection, k: &Keys, name: &str, at: &str) -> Result<Uuid> {
    let id = Uuid::now_v7();
    // The seed comes from the OS generator, like every other key.
    let seed = keys::random_key();
    let signing = SigningKey::from_bytes(&seed);
    let sealed = seal::seal(k.data(), secret_place(&id.to_string()), seed.as_ref())?;
    conn.execute(
        "INSERT INTO device (id, device_id, name, created_at, public_key, secret_key)
         VALUES (1, ?1, ?2, ?3, ?4, ?5)",
        params![
            id.to_string(),
            name,
            at,
            &signing.verifying_key().to_bytes()[..],
            sealed
        ],
    )?;
    Ok(id)
}

impl Device {
    /// The fingerprint of the device's signing key, as the research store
    /// shows it (`XXXX-XXXX-XXXX-XXXX`): read it out to the research store
    /// to have this tablet enrolled.
    pub fn fingerprint(&self) -> String {
        kohort_batch::digest::fingerprint(&self.public_key)
    }
}

impl Store {
    pub fn device(&self) -> Result<Device> {
        let (id, name, created_at, public): (String, String, DateTime<Utc>, Vec<u8>) =
            self.conn.query_row(
                "SELECT device_id, name, created_at, public_key FROM device WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
        Ok(Device {
            id: parse_id(&id)?,
            name,
            created_at,
            public_key: public
                .try_into()
                .map_err(|_| StoreError::Corrupt("device public key length".into()))?,
        })
    }

    /// The device's signing key (wiped when dropped).
    pub fn signing_key(&self) -> Result<SigningKey> {
        let (id, sealed): (String, Vec<u8>) = self.conn.query_row(
            "SELECT device_id, secret_key FROM device WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let plain = self.keys.open(secret_place(&id), &sealed)?;
        let mut seed = Zeroizing::new([0u8; 32]);
        if plain.len() != 32 {
            return Err(StoreError::Corrupt("device secret key length".into()));
        }
        seed.copy_from_slice(&plain);
        Ok(SigningKey::from_bytes(&seed))
    }
}

pub(super) fn parse_id(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|_| StoreError::Corrupt(format!("bad id {s:?}")))
}
