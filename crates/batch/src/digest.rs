//! Digests and fingerprints, for hashes and keys in headers and key files.

use sha2::{Digest, Sha256};

pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// SHA-256 as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(sha256(bytes))
}

/// Decodes exactly `N` bytes of hex, or `None`.
pub fn from_hex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

/// First 8 bytes of SHA-256, as four groups of four upper-case hex digits:
/// short enough to read aloud.
pub fn fingerprint(bytes: &[u8]) -> String {
    let h = hex::encode_upper(&sha256(bytes)[..8]);
    format!("{}-{}-{}-{}", &h[0..4], &h[4..8], &h[8..12], &h[12..16])
}
