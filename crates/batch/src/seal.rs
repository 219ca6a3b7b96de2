//! Sealing a batch on the tablet and opening it at the research store.
//!
//! HPKE (RFC 9180) base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
//! AES-256-GCM, with the framing up to and including the header as
//! associated data: one shot (formats 1–3) or in chunks (format 4, see
//! `chunks.rs`); then the file is signed with the device's Ed25519 key
//! (see `sign.rs`). Verifying the signature needs no secret, so a file is
//! checked before the research key touches it.

use ed25519_dalek::{SigningKey, VerifyingKey};
use hpke::aead::AesGcm256;
use hpke::kdf::HkdfSha256;
use hpke::rand_core::{CryptoRng, RngCore};
use hpke::{Deserializable, OpModeR, OpModeS, Serializable};
use sha2::Digest;
use zeroize::Zeroizing;

use crate::buffer::FileBytes;
use crate::chunks::{self, SenderCtx, Written};
use crate::error::{BatchError, Result};
use crate::frame::{self, Frame};
use crate::header::Header;
use crate::keys::{Kem, ResearchKeys, ResearchPublic};
use crate::payload::{Facts, Payload, SessionRecord};
use crate::sign;
use crate::view::Plain;

/// The HPKE `info`: binds the key schedule to this use and format.
pub const INFO: &[u8] = b"kohort batch v1";

pub(crate) type Enc = <Kem as hpke::Kem>::EncappedKey;

/// A sealed batch file and its SHA-256, taken while it was signed.
pub struct Sealed {
    pub bytes: FileBytes,
    pub hash: [u8; 32],
}

/// Seals `payload` to the research key and signs the file with `device`.
/// `rng` draws the ephemeral key: the operating system's generator, or a
/// seeded one for test vectors.
pub fn seal<R: CryptoRng + RngCore>(
    header: &Header,
    payload: &Payload,
    to: &ResearchPublic,
    device: &SigningKey,
    rng: &mut R,
) -> Result<Vec<u8>> {
    seal_hashed(header, payload, to, device, rng).map(|s| s.bytes.into_vec())
}

/// [`seal`], with the file's hash. The payload is serialised once: in
/// format 4 into chunks encrypted and hashed while it is written; in the
/// older formats straight into the file's buffer, encrypted there in
/// place, with the signature and the file hash in one pass.
pub fn seal_hashed<R: CryptoRng + RngCore>(
    header: &Header,
    payload: &Payload,
    to: &ResearchPublic,
    device: &SigningKey,
    rng: &mut R,
) -> Result<Sealed> {
    check_sealable(header, to, device)?;
    check_format(payload.format, &payload.facts, header.format)?;
    if header.record_count as usize != payload.sessions.len() {
        return Err(BatchError::RecordCount {
            header: header.record_count,
            payload: payload.sessions.len(),
        });
    }
    let header_bytes = header.to_bytes()?;
    let (enc, ctx) = sender(to, rng)?;
    if header.format >= frame::CHUNKED {
        let start = chunked_start(header.format, &enc);
        let (written, ()) = chunks::seal_chunked(ctx, start, payload.size_hint(), |w| {
            serde_json::to_writer(&mut *w, payload)
                .map_err(|e| BatchError::BadPayload(e.to_string()))?;
            Ok((frame::aad(header.format, &header_bytes), ()))
        })?;
        return Ok(finish_chunked(written, &header_bytes, device));
    }
    let aad = frame::aad(header.format, &header_bytes);
    one_shot(&aad, enc, ctx, payload, header.format, device)
}

/// The research key and device a header names are the ones sealing, and
/// its format is one this code writes.
pub(crate) fn check_sealable(
    header: &Header,
    to: &ResearchPublic,
    device: &SigningKey,
) -> Result<()> {
    if header.device_key()? != device.verifying_key().to_bytes() {
        return Err(BatchError::BadHeader(
            "device_key is not the signing key".into(),
        ));
    }
    if header.research_key != to.fingerprint() || header.study_id != to.study {
        return Err(BatchError::BadHeader(
            "the header names another research key".into(),
        ));
    }
    // Framed as the header's format says (the test vectors of formats 1
    // to 3 are still made); only formats this code reads can be written.
    if !(frame::OLDEST..=frame::VERSION).contains(&header.format) {
        return Err(BatchError::UnknownVersion(header.format));
    }
    Ok(())
}

/// A fresh HPKE context to the research key: its encapsulated key and the
/// sender's side.
pub(crate) fn sender<R: CryptoRng + RngCore>(
    to: &ResearchPublic,
    rng: &mut R,
) -> Result<(Enc, SenderCtx)> {
    hpke::setup_sender::<AesGcm256, HkdfSha256, Kem, _>(&OpModeS::Base, &to.hpke_key()?, INFO, rng)
        .map_err(|e| BatchError::Seal(e.to_string()))
}

/// A format 4 file's bytes before its chunks.
pub(crate) fn chunked_start(format: u16, enc: &Enc) -> Vec<u8> {
    let mut start = Vec::with_capacity(44);
    frame::chunked_start(&mut start, format, &enc.to_bytes());
    start
}

/// Appends the header after a chunked payload and signs the file.
pub(crate) fn finish_chunked(written: Written, header: &[u8], device: &SigningKey) -> Sealed {
    let Written {
        mut bytes,
        mut hasher,
    } = written;
    let len = (header.len() as u32).to_be_bytes();
    for part in [&len[..], header] {
        hasher.update(part);
        bytes.extend_from_slice(part);
    }
    let (sig, hash) = sign::sign_hashed(hasher, device);
    bytes.extend_from_slice(&sig);
    Sealed { bytes, hash }
}

/// Formats 1–3: the payload written after the framing and sealed in one.
fn one_shot(
    aad: &[u8],
    enc: Enc,
    mut ctx: SenderCtx,
    payload: &Payload,
    format: u16,
    device: &SigningKey,
) -> Result<Sealed> {
    // The plaintext lives in this buffer until it is encrypted in place. It
    // is reserved up front (the records' exact sizes and a generous allowance
    // for the rest), so it is not grown and copied in practice, and it is
    // wiped if anything fails before the encryption.
    let mut buf = Zeroizing::new(Vec::with_capacity(
        aad.len() + 42 + payload.size_hint() + 80,
    ));
    let start = frame::open_body(&mut buf, aad, &enc.to_bytes());
    serde_json::to_writer(&mut *buf, payload).map_err(|e| BatchError::BadPayload(e.to_string()))?;
    let len = (buf.len() - start) as u64;
    if len > frame::MAX_PAYLOAD {
        return Err(BatchError::TooLarge {
            what: "payload",
            len,
            cap: frame::MAX_PAYLOAD,
        });
    }
    let tag = ctx
        .seal_in_place_detached(&mut buf[start..], aad)
        .map_err(|e| BatchError::Seal(e.to_string()))?;
    let mut bytes = std::mem::take(&mut *buf);
    bytes.extend_from_slice(&tag.to_bytes());
    frame::close_body(&mut bytes, start);
    let (sig, hash) = sign::sign(format, &bytes, device);
    bytes.extend_from_slice(&sig);
    Ok(Sealed {
        bytes: bytes.into(),
        hash,
    })
}

/// A file whose framing, header and device signature hold.
#[derive(Debug)]
pub struct Verified<'a> {
    pub frame: Frame<'a>,
    pub header: Header,
    /// SHA-256 of the whole file: the batch's identity in the chain.
    pub hash: [u8; 32],
}

/// Checks framing, header and signature (`verify_strict`, against the key
/// the header names; whether that key is the device's is the importer's
/// call). No secret needed.
pub fn verify(bytes: &[u8]) -> Result<Verified<'_>> {
    let frame = frame::parse(bytes)?;
    let header = Header::parse(frame.header, frame.version)?;
    let key = VerifyingKey::from_bytes(&header.device_key()?)
        .map_err(|_| BatchError::BadHeader("device_key is not a valid Ed25519 key".into()))?;
    let hash = sign::check(frame.version, frame.signed, frame.signature, &key)?;
    Ok(Verified {
        frame,
        header,
        hash,
    })
}

/// The opened payload with its records checked against the header.
#[derive(Debug)]
pub struct Opened {
    pub payload: Payload,
    pub records: Vec<SessionRecord>,
}

/// Whether a header says the batch is for this study and research key
/// (checked before anything else is done with it).
pub fn addressed_to(header: &Header, keys: &ResearchKeys) -> Result<()> {
    if header.study_id != keys.study {
        return Err(BatchError::WrongStudy {
            batch: header.study_id.clone(),
            key: keys.study.clone(),
        });
    }
    let ours = keys.public()?.fingerprint();
    if header.research_key != ours {
        return Err(BatchError::OtherResearchKey {
            batch: header.research_key.clone(),
            ours,
        });
    }
    Ok(())
}

/// Decrypts a verified batch's payload (after checking it is addressed to
/// these keys).
pub fn decrypt(v: &Verified<'_>, keys: &ResearchKeys) -> Result<Plain> {
    addressed_to(&v.header, keys)?;
    let enc = Enc::from_bytes(v.frame.enc).map_err(|_| BatchError::DoesNotOpen)?;
    if v.frame.version >= frame::CHUNKED {
        let ctx = hpke::setup_receiver::<AesGcm256, HkdfSha256, Kem>(
            &OpModeR::Base,
            &keys.hpke_secret()?,
            &enc,
            INFO,
        )
        .map_err(|_| BatchError::DoesNotOpen)?;
        return chunks::open_chunked(ctx, v.frame.ciphertext, &v.frame.aad).map(Plain);
    }
    let plain = hpke::single_shot_open::<AesGcm256, HkdfSha256, Kem>(
        &OpModeR::Base,
        &keys.hpke_secret()?,
        &enc,
        INFO,
        v.frame.ciphertext,
        &v.frame.aad,
    )
    .map_err(|_| BatchError::DoesNotOpen)?;
    Ok(Plain(Zeroizing::new(plain)))
}

/// Decrypts and parses everything at once (tests, small batches; the
/// importer goes record by record through [`Plain::view`]).
pub fn open(v: &Verified<'_>, keys: &ResearchKeys) -> Result<Opened> {
    let plain = decrypt(v, keys)?;
    let payload: Payload =
        serde_json::from_slice(&plain.0).map_err(|e| BatchError::BadPayload(e.to_string()))?;
    check_format(payload.format, &payload.facts, v.header.format)?;
    let records = payload.records(&v.header.record_hashes)?;
    Ok(Opened { payload, records })
}

/// The payload says the format its header says, and format 1 carries no
/// records of format 2.
pub(crate) fn check_format(payload_format: u16, facts: &Facts, format: u16) -> Result<()> {
    if payload_format != format {
        return Err(BatchError::BadPayload(format!(
            "payload format {payload_format} in a batch of format {format}"
        )));
    }
    if format < 2 && !facts.is_empty() {
        return Err(BatchError::BadPayload(
            "a format 1 batch cannot carry participant, episode or missed records".into(),
        ));
    }
    Ok(())
}
