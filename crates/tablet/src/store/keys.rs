//! Key material: the random data key, its wraps under the staff passphrase
//! (Argon2id) and under the printed recovery key, and the subkeys derived
//! from it. Everything secret lives in `Zeroizing` buffers and is wiped on drop.

use aes_gcm::{Aes256Gcm, KeyInit};
use argon2::{Algorithm, Argon2, Params, Version};
use hmac::{Hmac, Mac};
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::error::{Result, StoreError};
use super::seal::{self, Place};

/// Argon2id memory of new wraps, in KiB (64 MiB).
pub const TODAY_M_COST: u32 = 64 * 1024;
/// Argon2id passes of new wraps.
pub const TODAY_T_COST: u32 = 3;

/// Argon2id parameters, stored beside the wrapped key so they can be raised
/// later without breaking existing databases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KdfParams {
    pub m_cost: u32,
    pub t_cost: u32,
    pub p_cost: u32,
    pub salt: [u8; 16],
}

impl KdfParams {
    /// Today's strength (64 MiB, 3 passes, 1 lane: about 0.2 s on this
    /// project's 2-core machine) and a fresh salt.
    pub fn fresh() -> Self {
        let mut salt = [0u8; 16];
        OsRng.fill_bytes(&mut salt);
        KdfParams {
            m_cost: TODAY_M_COST,
            t_cost: TODAY_T_COST,
            p_cost: 1,
            salt,
        }
    }

    /// Weaker than what a new wrap gets: raised at the next unlock.
    pub fn weaker_than_today(&self) -> bool {
        self.m_cost < TODAY_M_COST || self.t_cost < TODAY_T_COST
    }

    pub fn derive(&self, passphrase: &str) -> Result<Zeroizing<[u8; 32]>> {
        // The parameters come from the database: a damaged row must not make
        // unlocking allocate terabytes or run for hours.
        if self.m_cost > 1 << 20 || self.t_cost > 16 || self.p_cost > 16 {
            return Err(StoreError::Corrupt(format!(
                "key derivation parameters out of range (m={} KiB, t={}, p={})",
                self.m_cost, self.t_cost, self.p_cost
            )));
        }
        let params = Params::new(self.m_cost, self.t_cost, self.p_cost, Some(32))
            .map_err(|e| StoreError::Kdf(e.to_string()))?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut out = Zeroizing::new([0u8; 32]);
        argon
            .hash_password_into(passphrase.as_bytes(), &self.salt, out.as_mut())
            .map_err(|e| StoreError::Kdf(e.to_string()))?;
        Ok(out)
    }
}

/// Refuses a passphrase a guesser would find soon: zxcvbn's estimate below
/// 3 of 4 ("safely unguessable", about 10^10 guesses).
pub fn check_passphrase(passphrase: &str) -> Result<()> {
    let estimate = zxcvbn::zxcvbn(passphrase, &["kohort", "tablet", "hab"]);
    if (estimate.score() as u8) < 3 {
        return Err(StoreError::WeakPassphrase);
    }
    Ok(())
}

pub fn random_key() -> Zeroizing<[u8; 32]> {
    let mut k = Zeroizing::new([0u8; 32]);
    OsRng.fill_bytes(k.as_mut());
    k
}

fn wrap_place(kind: &str) -> Place<'_> {
    Place {
        table: "key_wraps",
        row: kind,
        column: "wrapped",
    }
}

/// Seals the data key under a key-encryption key.
pub fn wrap(kek: &[u8; 32], kind: &str, data_key: &[u8; 32]) -> Result<Vec<u8>> {
    seal::seal(kek, wrap_place(kind), data_key)
}

/// Opens a wrapped data key; `None` when the key-encryption key is wrong.
pub fn unwrap(kek: &[u8; 32], kind: &str, wrapped: &[u8]) -> Option<Zeroizing<[u8; 32]>> {
    let plain = seal::open(kek, wrap_place(kind), wrapped).ok()?;
    let mut key = Zeroizing::new([0u8; 32]);
    if plain.len() != 32 {
        return None;
    }
    key.copy_from_slice(&plain);
    Some(key)
}

/// The unlocked keys. Dropping them (on lock) wipes them.
pub struct Keys {
    data: Zeroizing<[u8; 32]>,
    /// The data key's AES key schedule, expanded once (wiped on drop by
    /// the `aes` crate's zeroize feature).
    cipher: Aes256Gcm,
    /// Keys the blinded item tags of answer rows.
    tag: Zeroizing<[u8; 32]>,
    /// Keys the audit chain.
    audit: Zeroizing<[u8; 32]>,
}

impl Keys {
    pub fn new(data: Zeroizing<[u8; 32]>) -> Self {
        let tag = Zeroizing::new(hmac_sha256(data.as_ref(), b"kohort item tag v1"));
        let audit = super::keyfile::derive(&data, "audit chain");
        let cipher = Aes256Gcm::new(data.as_ref().into());
        Keys {
            data,
            cipher,
            tag,
            audit,
        }
    }

    /// Seals a value under the data key (see [`seal::seal`]).
    pub fn seal(&self, place: seal::Place<'_>, plain: &[u8]) -> Result<Vec<u8>> {
        seal::seal_with(&self.cipher, place, plain)
    }

    /// Opens a value sealed under the data key (see [`seal::open`]).
    pub fn open(&self, place: seal::Place<'_>, blob: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        seal::open_with(&self.cipher, place, blob)
    }

    pub fn audit(&self) -> &[u8; 32] {
        &self.audit
    }

    pub fn data(&self) -> &[u8; 32] {
        &self.data
    }

    /// The blinded key of an answer row: which items a session holds is not
    /// readable from the database without the data key.
    pub fn item_tag(&self, session: &str, item: &str) -> Vec<u8> {
        let mut msg = Vec::with_capacity(session.len() + item.len() + 1);
        msg.extend_from_slice(session.as_bytes());
        msg.push(0);
        msg.extend_from_slice(item.as_bytes());
        hmac_sha256(self.tag.as_ref(), &msg)[..16].to_vec()
    }
}

/// HMAC-SHA-256 (RFC 2104).
fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    // Any key length is valid for HMAC, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// 256 random bits shown once at set-up, printed as 13 groups of 4 base32
/// characters. It unwraps the data key when the passphrase is forgotten.
pub struct RecoveryKey(Zeroizing<[u8; 32]>);

impl RecoveryKey {
    pub fn generate() -> Self {
        RecoveryKey(random_key())
    }

    pub fn key(&self) -> &[u8; 32] {
        &self.0
    }

    /// Groups of four characters separated by dashes, for printing.
    pub fn to_printable(&self) -> Zeroizing<String> {
        let mut bits: u64 = 0;
        let mut n = 0;
        let mut chars = Zeroizing::new(String::new());
        for &b in self.0.iter() {
            bits = (bits << 8) | u64::from(b);
            n += 8;
            while n >= 5 {
                n -= 5;
                chars.push(BASE32[((bits >> n) & 31) as usize] as char);
            }
        }
        if n > 0 {
            chars.push(BASE32[((bits << (5 - n)) & 31) as usize] as char);
        }
        let mut out = Zeroizing::new(String::new());
        for (i, c) in chars.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            out.push(c);
        }
        out
    }

    /// Reads a printed key; spaces, dashes and case are ignored, and the
    /// easily confused 0/1/8 are read as O/I/B.
    pub fn parse(text: &str) -> Result<Self> {
        let mut key = Zeroizing::new([0u8; 32]);
        let mut bits: u64 = 0;
        let mut n = 0;
        let mut i = 0;
        for c in text.chars().filter(|c| !c.is_whitespace() && *c != '-') {
            let c = match c.to_ascii_uppercase() {
                '0' => 'O',
                '1' => 'I',
                '8' => 'B',
                c => c,
            };
            let v = BASE32
                .iter()
                .position(|&b| b as char == c)
                .ok_or(StoreError::MalformedRecoveryKey("unexpected character"))?;
            bits = (bits << 5) | v as u64;
            n += 5;
            if n >= 8 {
                n -= 8;
                if i == 32 {
                    return Err(StoreError::MalformedRecoveryKey("too long"));
                }
                key[i] = (bits >> n) as u8;
                i += 1;
            }
        }
        if i != 32 {
            return Err(StoreError::MalformedRecoveryKey("too short"));
        }
        Ok(RecoveryKey(key))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn recovery_key_prints_and_parses() {
        let k = RecoveryKey::generate();
        let text = k.to_printable();
        assert_eq!(text.split('-').count(), 13);
        let back = RecoveryKey::parse(&text.to_lowercase().replace('-', " ")).unwrap();
        assert_eq!(back.key(), k.key());
        assert!(RecoveryKey::parse("ABCD").is_err());
        assert!(RecoveryKey::parse("!!").is_err());
    }
}
