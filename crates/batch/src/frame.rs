//! The binary framing of a batch file. Every length is checked against its
//! cap and against the bytes actually left BEFORE anything is allocated.
//!
//! Formats 1–3:
//!
//! ```text
//! magic        8 bytes  "KOHORTB\0"
//! version      u16 BE   1, 2 or 3
//! header_len   u32 BE   ≤ MAX_HEADER
//! header       JSON (UTF-8), the associated data of the seal (with the 14 bytes before it)
//! enc_len      u16 BE   = 32 (X25519 encapsulated key)
//! enc          32 bytes
//! ct_len       u64 BE   ≤ MAX_PAYLOAD + 16
//! ct           HPKE ciphertext of the payload (AES-256-GCM, tag last)
//! signature    64 bytes Ed25519 by the device: over a SHA-256 digest of every
//!                       byte before it (format 3), over those bytes (1 and 2)
//! ```
//!
//! Format 4 seals the payload as a stream of chunks (`chunks.rs`), so it
//! can be encrypted and hashed while it is written, and puts the header,
//! which names every record's hash, after them:
//!
//! ```text
//! magic        8 bytes  "KOHORTB\0"
//! version      u16 BE   4
//! enc_len      u16 BE   = 32
//! enc          32 bytes
//! chunk …      u32 BE   bit 31 set on the last chunk; the rest its length (16 + at most MAX_CHUNK)
//!              bytes    AES-256-GCM ciphertext of the next piece of the payload, tag last
//! header_len   u32 BE   ≤ MAX_HEADER
//! header       JSON (UTF-8)
//! signature    64 bytes Ed25519 by the device over a SHA-256 digest of every byte before it
//! ```

use std::borrow::Cow;

use crate::error::{BatchError, Result};

pub const MAGIC: &[u8; 8] = b"KOHORTB\0";
/// The format written. Format 2 adds participant, episode and missed-mark
/// records and each session's scheduled occurrence to the payload; format
/// 3 signs a digest of the file (`sign.rs`); format 4 seals the payload in
/// chunks with the header after them.
pub const VERSION: u16 = 4;
/// The first format sealed in chunks.
pub const CHUNKED: u16 = 4;
/// The plaintext in each chunk written (the last holds what is left). A
/// quarter MiB keeps the encryption and the hashing close behind the
/// writing.
pub const CHUNK: usize = 256 << 10;
/// The most plaintext one chunk may carry when read.
pub const MAX_CHUNK: u64 = 1 << 20;
/// The AES-GCM tag after each chunk's ciphertext.
pub const TAG_LEN: u64 = 16;
/// Set in a chunk's length word on the last chunk.
pub const LAST: u32 = 1 << 31;
/// The oldest format still read.
pub const OLDEST: u16 = 1;
pub const MAX_HEADER: u64 = 8 << 20;
pub const MAX_PAYLOAD: u64 = 1 << 30;
pub const ENC_LEN: usize = 32;
pub const SIG_LEN: usize = 64;
/// The largest file [`parse`] can accept; checked against the file size
/// before the file is read.
/// (A chunked payload of `MAX_PAYLOAD` written in [`CHUNK`]s carries 20
/// bytes per chunk more than one ciphertext.)
pub const MAX_FILE: u64 = 8
    + 2
    + 4
    + MAX_HEADER
    + 2
    + ENC_LEN as u64
    + 8
    + MAX_PAYLOAD
    + 16
    + 64
    + (MAX_PAYLOAD / CHUNK as u64 + 1) * (4 + TAG_LEN);

/// A batch file cut into its parts, borrowing from the bytes.
#[derive(Clone, Debug)]
pub struct Frame<'a> {
    pub version: u16,
    /// magic, version, header length and header: the associated data (of
    /// the one seal, or of a chunked payload's last chunk). In formats 1–3
    /// the file starts with it; format 4 has the header at the end.
    pub aad: Cow<'a, [u8]>,
    pub header: &'a [u8],
    pub enc: &'a [u8],
    /// The sealed payload: one ciphertext (formats 1–3) or the chunks with
    /// their length words (format 4, read by [`chunks`]).
    pub ciphertext: &'a [u8],
    /// Every byte the signature covers.
    pub signed: &'a [u8],
    pub signature: &'a [u8; SIG_LEN],
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: u64, what: &'static str) -> Result<&'a [u8]> {
        let left = (self.bytes.len() - self.at) as u64;
        if n > left {
            return Err(BatchError::Truncated(what));
        }
        let s = &self.bytes[self.at..self.at + n as usize];
        self.at += n as usize;
        Ok(s)
    }

    fn uint<const N: usize>(&mut self, what: &'static str) -> Result<u64> {
        let b = self.take(N as u64, what)?;
        Ok(b.iter().fold(0u64, |acc, &x| (acc << 8) | x as u64))
    }

    /// The bytes read so far (what the signature covers) and the signature
    /// after them, which must end the file.
    fn signature(&mut self) -> Result<(&'a [u8], &'a [u8; SIG_LEN])> {
        let signed = &self.bytes[..self.at];
        let signature: &[u8; SIG_LEN] = self
            .take(SIG_LEN as u64, "signature")?
            .try_into()
            .map_err(|_| BatchError::Truncated("signature"))?;
        if self.at != self.bytes.len() {
            return Err(BatchError::Trailing(self.bytes.len() - self.at));
        }
        Ok((signed, signature))
    }

    fn capped(&mut self, len: u64, cap: u64, what: &'static str) -> Result<&'a [u8]> {
        if len > cap {
            return Err(BatchError::TooLarge { what, len, cap });
        }
        self.take(len, what)
    }
}

pub fn parse(bytes: &[u8]) -> Result<Frame<'_>> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(8, "magic").map_err(|_| BatchError::NotABatch)? != MAGIC {
        return Err(BatchError::NotABatch);
    }
    let version = r.uint::<2>("version")? as u16;
    if !(OLDEST..=VERSION).contains(&version) {
        return Err(BatchError::UnknownVersion(version));
    }
    if version >= CHUNKED {
        return parse_chunked(r, version);
    }
    let header_len = r.uint::<4>("header length")?;
    let header = r.capped(header_len, MAX_HEADER, "header")?;
    let aad = &bytes[..r.at];
    let enc = enc(&mut r)?;
    let ct_len = r.uint::<8>("payload length")?;
    let ciphertext = r.capped(ct_len, MAX_PAYLOAD + 16, "payload")?;
    let (signed, signature) = r.signature()?;
    Ok(Frame {
        version,
        aad: Cow::Borrowed(aad),
        header,
        enc,
        ciphertext,
        signed,
        signature,
    })
}

fn enc<'a>(r: &mut Reader<'a>) -> Result<&'a [u8]> {
    let enc_len = r.uint::<2>("key length")?;
    let enc = r.capped(enc_len, ENC_LEN as u64, "encapsulated key")?;
    if enc.len() != ENC_LEN {
        return Err(BatchError::BadHeader(format!(
            "encapsulated key is {} bytes, not {ENC_LEN}",
            enc.len()
        )));
    }
    Ok(enc)
}

/// Format 4: the chunks are walked (each length checked, the last one
/// found) before the header after them is read.
fn parse_chunked(mut r: Reader<'_>, version: u16) -> Result<Frame<'_>> {
    let bytes = r.bytes;
    let enc = enc(&mut r)?;
    let start = r.at;
    let mut total = 0u64;
    loop {
        let word = r.uint::<4>("chunk length")? as u32;
        let len = u64::from(word & !LAST);
        if len < TAG_LEN {
            return Err(BatchError::Truncated("chunk"));
        }
        r.capped(len, MAX_CHUNK + TAG_LEN, "chunk")?;
        total += len - TAG_LEN;
        if total > MAX_PAYLOAD {
            return Err(BatchError::TooLarge {
                what: "payload",
                len: total,
                cap: MAX_PAYLOAD,
            });
        }
        if word & LAST != 0 {
            break;
        }
    }
    let ciphertext = &bytes[start..r.at];
    let header_len = r.uint::<4>("header length")?;
    let header = r.capped(header_len, MAX_HEADER, "header")?;
    let (signed, signature) = r.signature()?;
    Ok(Frame {
        version,
        aad: Cow::Owned(aad(version, header)),
        header,
        enc,
        ciphertext,
        signed,
        signature,
    })
}

/// A format 4 payload's chunks in order: each ciphertext (tag last) and
/// whether it is the last. The region was checked by [`parse`].
pub fn chunks(region: &[u8]) -> impl Iterator<Item = (&[u8], bool)> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let word = u32::from_be_bytes(region.get(at..at + 4)?.try_into().ok()?);
        let len = (word & !LAST) as usize;
        let chunk = region.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        Some((chunk, word & LAST != 0))
    })
}

/// The start of a format 4 file, before its chunks.
pub fn chunked_start(out: &mut Vec<u8>, version: u16, enc: &[u8]) {
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&version.to_be_bytes());
    out.extend_from_slice(&(enc.len() as u16).to_be_bytes());
    out.extend_from_slice(enc);
}

/// The bytes up to the encapsulated key: the associated data.
pub fn aad(version: u16, header: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(14 + header.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&version.to_be_bytes());
    out.extend_from_slice(&(header.len() as u32).to_be_bytes());
    out.extend_from_slice(header);
    out
}

/// Writes the associated data, enc and a placeholder for the ciphertext's
/// length into `out`; returns where the ciphertext starts. The caller
/// writes the plaintext there, encrypts it in place, appends the tag and
/// calls [`close_body`].
pub fn open_body(out: &mut Vec<u8>, aad: &[u8], enc: &[u8]) -> usize {
    out.extend_from_slice(aad);
    out.extend_from_slice(&(enc.len() as u16).to_be_bytes());
    out.extend_from_slice(enc);
    out.extend_from_slice(&[0; 8]);
    out.len()
}

/// Fills in the ciphertext's length (everything after `start`): the
/// buffer is then the signed bytes.
pub fn close_body(out: &mut [u8], start: usize) {
    let len = (out.len() - start) as u64;
    out[start - 8..start].copy_from_slice(&len.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_length_is_refused_before_allocating() {
        let mut b = aad(3, b"{}");
        b.extend_from_slice(&32u16.to_be_bytes());
        b.extend_from_slice(&[0; 32]);
        b.extend_from_slice(&u64::MAX.to_be_bytes());
        assert!(matches!(parse(&b), Err(BatchError::TooLarge { .. })));
        let mut h = MAGIC.to_vec();
        h.extend_from_slice(&1u16.to_be_bytes());
        h.extend_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(parse(&h), Err(BatchError::TooLarge { .. })));
    }

    #[test]
    fn a_chunked_file_without_a_last_chunk_or_with_a_huge_chunk_is_refused() {
        let mut b = Vec::new();
        chunked_start(&mut b, VERSION, &[0; 32]);
        let mut no_last = b.clone();
        no_last.extend_from_slice(&20u32.to_be_bytes());
        no_last.extend_from_slice(&[0; 20]);
        assert!(matches!(parse(&no_last), Err(BatchError::Truncated(_))));
        let mut huge = b.clone();
        huge.extend_from_slice(&(LAST | 0x7fff_ffff).to_be_bytes());
        assert!(matches!(parse(&huge), Err(BatchError::TooLarge { .. })));
        let mut short = b;
        short.extend_from_slice(&(LAST | 8).to_be_bytes());
        short.extend_from_slice(&[0; 8]);
        assert!(matches!(parse(&short), Err(BatchError::Truncated(_))));
    }
}
