//! The research store's key pair: X25519 (HPKE) for sealing batches to it,
//! Ed25519 for signing receipts. `research.pub` is what tablets are
//! configured with; `research.key` never leaves the research store.
//!
//! Both are short text files so they can be read, mailed and compared by
//! eye. The fingerprint (first 8 bytes of SHA-256 over both public keys, as
//! four groups of four hex digits) is what is read aloud over the phone.

use std::fmt::Write as _;

use ed25519_dalek::{SigningKey, VerifyingKey};
use hpke::{Deserializable, Kem as _, Serializable};
use zeroize::Zeroizing;

use crate::digest;
use crate::error::{BatchError, Result};

pub type Kem = hpke::kem::X25519HkdfSha256;
type HpkePrivate = <Kem as hpke::Kem>::PrivateKey;
pub type HpkePublic = <Kem as hpke::Kem>::PublicKey;

const PUB_TITLE: &str = "kohort research public key v1";
const KEY_TITLE: &str = "kohort research private key v1";

/// What tablets hold: the study and the two public keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResearchPublic {
    pub study: String,
    pub x25519: [u8; 32],
    pub ed25519: [u8; 32],
}

/// The private half, for the research store only.
pub struct ResearchKeys {
    pub study: String,
    x25519: Zeroizing<[u8; 32]>,
    ed25519: Zeroizing<[u8; 32]>,
}

impl ResearchPublic {
    pub fn fingerprint(&self) -> String {
        let mut both = [0u8; 64];
        both[..32].copy_from_slice(&self.x25519);
        both[32..].copy_from_slice(&self.ed25519);
        digest::fingerprint(&both)
    }

    pub fn render(&self) -> String {
        format!(
            "{PUB_TITLE}\nstudy: {}\nx25519: {}\ned25519: {}\nfingerprint: {}\n",
            self.study,
            hex::encode(self.x25519),
            hex::encode(self.ed25519),
            self.fingerprint()
        )
    }

    /// Parses `research.pub`; a fingerprint line that does not match the
    /// keys (a typo, a damaged copy) is refused.
    pub fn parse(text: &str) -> Result<Self> {
        let f = Fields::parse(text, PUB_TITLE)?;
        let key = ResearchPublic {
            study: f.get("study")?.to_owned(),
            x25519: f.hex32("x25519")?,
            ed25519: f.hex32("ed25519")?,
        };
        if f.get("fingerprint")? != key.fingerprint() {
            return Err(BatchError::KeyFile(
                "the fingerprint does not match the keys: the file is damaged".into(),
            ));
        }
        HpkePublic::from_bytes(&key.x25519)
            .map_err(|_| BatchError::KeyFile("x25519 is not a valid public key".into()))?;
        VerifyingKey::from_bytes(&key.ed25519)
            .map_err(|_| BatchError::KeyFile("ed25519 is not a valid public key".into()))?;
        Ok(key)
    }

    pub fn hpke_key(&self) -> Result<HpkePublic> {
        HpkePublic::from_bytes(&self.x25519)
            .map_err(|_| BatchError::KeyFile("x25519 is not a valid public key".into()))
    }

    pub fn receipt_key(&self) -> Result<VerifyingKey> {
        VerifyingKey::from_bytes(&self.ed25519)
            .map_err(|_| BatchError::KeyFile("ed25519 is not a valid public key".into()))
    }
}

impl ResearchKeys {
    /// Fresh keys from the operating system's generator.
    pub fn generate(study: &str) -> Self {
        use rand_core::{OsRng, TryRngCore};
        let mut x = Zeroizing::new([0u8; 32]);
        let mut e = Zeroizing::new([0u8; 32]);
        let mut rng = OsRng.unwrap_err();
        rand_core::RngCore::fill_bytes(&mut rng, &mut x[..]);
        rand_core::RngCore::fill_bytes(&mut rng, &mut e[..]);
        Self::from_secrets(study, *x, *e)
    }

    /// From fixed secrets: test vectors. The X25519 secret is clamped by
    /// the KEM, so any 32 bytes will do.
    pub fn from_secrets(study: &str, x25519: [u8; 32], ed25519: [u8; 32]) -> Self {
        ResearchKeys {
            study: study.to_owned(),
            x25519: Zeroizing::new(x25519),
            ed25519: Zeroizing::new(ed25519),
        }
    }

    pub fn public(&self) -> Result<ResearchPublic> {
        let pk = Kem::sk_to_pk(&self.hpke_secret()?);
        let mut x = [0u8; 32];
        x.copy_from_slice(&pk.to_bytes());
        Ok(ResearchPublic {
            study: self.study.clone(),
            x25519: x,
            ed25519: self.signing_key().verifying_key().to_bytes(),
        })
    }

    pub(crate) fn hpke_secret(&self) -> Result<HpkePrivate> {
        HpkePrivate::from_bytes(&self.x25519[..])
            .map_err(|_| BatchError::KeyFile("x25519-secret is not a valid key".into()))
    }

    pub fn signing_key(&self) -> SigningKey {
        SigningKey::from_bytes(&self.ed25519)
    }

    pub fn render(&self) -> Zeroizing<String> {
        let mut s = Zeroizing::new(String::new());
        let _ = write!(
            s,
            "{KEY_TITLE}\nstudy: {}\nx25519-secret: {}\ned25519-secret: {}\n",
            self.study,
            hex::encode(&self.x25519[..]),
            hex::encode(&self.ed25519[..])
        );
        s
    }

    pub fn parse(text: &str) -> Result<Self> {
        let f = Fields::parse(text, KEY_TITLE)?;
        Ok(ResearchKeys {
            study: f.get("study")?.to_owned(),
            x25519: Zeroizing::new(f.hex32("x25519-secret")?),
            ed25519: Zeroizing::new(f.hex32("ed25519-secret")?),
        })
    }
}

/// `name: value` lines under a title line.
struct Fields<'a>(Vec<(&'a str, &'a str)>);

impl<'a> Fields<'a> {
    fn parse(text: &'a str, title: &str) -> Result<Self> {
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        if lines.next() != Some(title) {
            return Err(BatchError::KeyFile(format!(
                "expected a file starting with {title:?}"
            )));
        }
        let fields = lines
            .map(|l| {
                l.split_once(':')
                    .map(|(k, v)| (k.trim(), v.trim()))
                    .ok_or_else(|| BatchError::KeyFile(format!("line {l:?} is not `name: value`")))
            })
            .collect::<Result<_>>()?;
        Ok(Fields(fields))
    }

    fn get(&self, name: &str) -> Result<&'a str> {
        self.0
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| *v)
            .ok_or_else(|| BatchError::KeyFile(format!("no `{name}:` line")))
    }

    fn hex32(&self, name: &str) -> Result<[u8; 32]> {
        digest::from_hex::<32>(self.get(name)?)
            .ok_or_else(|| BatchError::KeyFile(format!("`{name}` is not 64 hex digits")))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn key_files_round_trip_and_damage_is_caught() {
        let k = ResearchKeys::generate("hab");
        let back = ResearchKeys::parse(&k.render()).unwrap();
        let public = k.public().unwrap();
        assert_eq!(back.public().unwrap(), public);
        let text = public.render();
        assert_eq!(ResearchPublic::parse(&text).unwrap(), public);
        let fp = public.fingerprint();
        assert_eq!(fp.len(), 19);
        // One changed digit in a key no longer matches the fingerprint.
        let x = hex::encode(public.x25519);
        let mut y = x.clone().into_bytes();
        y[0] = if y[0] == b'0' { b'1' } else { b'0' };
        let damaged = text.replace(&x, std::str::from_utf8(&y).unwrap());
        assert!(ResearchPublic::parse(&damaged).is_err());
    }
}
