//! AES-256-GCM sealing of single values. The associated data binds each
//! ciphertext to its table, row and column, so a blob copied to another row
//! (or another column) fails to open.
//!
//! Blob layout: `[format version: 1 byte][nonce: 12 bytes][ciphertext + tag]`.
//! The version byte is covered by the associated data; it versions the seal
//! format, not the schema, so schema migrations never need to re-encrypt.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rand::RngCore;
use rand::rngs::OsRng;
use zeroize::Zeroizing;

use super::error::{Result, StoreError};

pub const SEAL_VERSION: u8 = 1;
const NONCE_LEN: usize = 12;

/// Where a sealed value lives.
#[derive(Clone, Copy, Debug)]
pub struct Place<'a> {
    pub table: &'static str,
    pub row: &'a str,
    pub column: &'static str,
}

impl Place<'_> {
    fn aad(&self) -> Vec<u8> {
        let mut aad = b"kohort-seal".to_vec();
        aad.push(SEAL_VERSION);
        // Length-prefixed so no two places share an encoding.
        for part in [self.table, self.row, self.column] {
            aad.extend_from_slice(&(part.len() as u32).to_be_bytes());
            aad.extend_from_slice(part.as_bytes());
        }
        aad
    }

    fn tampered(&self) -> StoreError {
        StoreError::Tampered {
            table: self.table,
            column: self.column,
            row: self.row.to_owned(),
        }
    }
}

/// Seals `plain` under `key` with a fresh random nonce.
pub fn seal(key: &[u8; 32], place: Place<'_>, plain: &[u8]) -> Result<Vec<u8>> {
    seal_with(&Aes256Gcm::new(key.into()), place, plain)
}

/// [`seal`] with a cipher whose key schedule is already expanded (the
/// unlocked data key's, kept for the many small values of a session).
pub fn seal_with(cipher: &Aes256Gcm, place: Place<'_>, plain: &[u8]) -> Result<Vec<u8>> {
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    let aad = place.aad();
    // Encryption only fails for inputs near 64 GiB.
    let sealed = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plain,
                aad: &aad,
            },
        )
        .map_err(|_| {
            StoreError::Corrupt(format!("cannot seal {} of {}", place.column, place.table))
        })?;
    let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
    out.push(SEAL_VERSION);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Opens a blob made by [`seal`] for the same place, or says it was tampered.
pub fn open(key: &[u8; 32], place: Place<'_>, blob: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    open_with(&Aes256Gcm::new(key.into()), place, blob)
}

/// [`open`] with an expanded cipher, as [`seal_with`].
pub fn open_with(cipher: &Aes256Gcm, place: Place<'_>, blob: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    if blob.len() < 1 + NONCE_LEN + 16 || blob[0] != SEAL_VERSION {
        return Err(place.tampered());
    }
    let (nonce, sealed) = blob[1..].split_at(NONCE_LEN);
    cipher
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: sealed,
                aad: &place.aad(),
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| place.tampered())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const A: Place<'static> = Place {
        table: "answers",
        row: "s1",
        column: "value",
    };

    #[test]
    fn round_trip_and_moved_blob_fails() {
        let key = [7u8; 32];
        let blob = seal(&key, A, b"hello").unwrap();
        assert_eq!(&open(&key, A, &blob).unwrap()[..], b"hello");
        let other = Place { row: "s2", ..A };
        assert!(matches!(
            open(&key, other, &blob),
            Err(StoreError::Tampered { .. })
        ));
        assert!(open(&[8u8; 32], A, &blob).is_err());
        // Fresh nonce each time.
        assert_ne!(seal(&key, A, b"hello").unwrap(), blob);
    }
}
