//! The device's signature over a batch file, and the file's SHA-256 (its
//! identity in the device's chain), in one pass over the bytes.
//!
//! From format 3 the device signs a SHA-256 digest of the signed bytes,
//! prefixed with a context string, so the 75 MB of a large batch are hashed
//! once (SHA-256, which this hardware accelerates) instead of twice more by
//! Ed25519's own SHA-512; the same pass, continued over the signature,
//! gives the file hash. Formats 1 and 2 signed every byte directly and are
//! still checked that way.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::error::{BatchError, Result};
use crate::frame::SIG_LEN;

/// What a format 3 signature signs, before the digest.
pub const CONTEXT: &[u8] = b"kohort batch signature v3\0";

/// The first format whose signature is over a digest.
const DIGEST_FROM: u16 = 3;

fn message(digest: &[u8; 32]) -> Vec<u8> {
    let mut m = Vec::with_capacity(CONTEXT.len() + 32);
    m.extend_from_slice(CONTEXT);
    m.extend_from_slice(digest);
    m
}

/// Signs `signed` as format `version` says; returns the signature and the
/// hash of the whole file (`signed` followed by the signature).
pub(crate) fn sign(version: u16, signed: &[u8], device: &SigningKey) -> ([u8; SIG_LEN], [u8; 32]) {
    let mut hasher = Sha256::new();
    hasher.update(signed);
    if version >= DIGEST_FROM {
        return sign_hashed(hasher, device);
    }
    let sig = device.sign(signed).to_bytes();
    hasher.update(sig);
    (sig, hasher.finalize().into())
}

/// Signs (format 3 on) the bytes `hasher` has taken in so far; returns the
/// signature and the file hash (those bytes followed by the signature).
pub(crate) fn sign_hashed(mut hasher: Sha256, device: &SigningKey) -> ([u8; SIG_LEN], [u8; 32]) {
    let sig = device
        .sign(&message(&hasher.clone().finalize().into()))
        .to_bytes();
    hasher.update(sig);
    (sig, hasher.finalize().into())
}

/// Checks the signature (`verify_strict`) with `key`; returns the file hash.
pub(crate) fn check(
    version: u16,
    signed: &[u8],
    signature: &[u8; SIG_LEN],
    key: &VerifyingKey,
) -> Result<[u8; 32]> {
    let mut hasher = Sha256::new();
    hasher.update(signed);
    let sig = Signature::from_bytes(signature);
    let ok = if version >= DIGEST_FROM {
        key.verify_strict(&message(&hasher.clone().finalize().into()), &sig)
    } else {
        key.verify_strict(signed, &sig)
    };
    ok.map_err(|_| BatchError::BadSignature)?;
    hasher.update(signature);
    Ok(hasher.finalize().into())
}
