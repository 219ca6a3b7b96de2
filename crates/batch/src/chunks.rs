//! Format 4's payload: a stream of AES-256-GCM chunks sealed with one HPKE
//! context, so a large batch is encrypted and hashed while it is written
//! instead of one pass after another.
//!
//! Each chunk is sealed by the context in turn, so its nonce is the base
//! nonce with the chunk's number (RFC 9180 §5.2): chunks cannot be
//! reordered, dropped or repeated. Every chunk but the last has empty
//! associated data; the last has the framing and header (`frame::aad`), so
//! a payload cut short after any chunk does not open, and the header is
//! bound to the payload as in the earlier formats.
//!
//! The file is laid out before it is written: every chunk but the last is
//! the same size, so each has its place in one buffer. The writer fills a
//! chunk's place with plaintext, encrypts it there and hands it to a second
//! thread, which feeds it to the file's SHA-256 (the signature's digest and
//! the batch's identity) while the next chunk is filled: the encryption
//! and the hashing overlap on two cores, and the payload is never copied
//! once it is in the file.

use std::io;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use hpke::aead::{AeadCtxR, AeadCtxS, AeadTag, AesGcm256};
use hpke::kdf::HkdfSha256;
use hpke::{Deserializable, Serializable};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::buffer::FileBytes;
use crate::error::{BatchError, Result};
use crate::frame::{self, CHUNK, LAST, MAX_PAYLOAD, TAG_LEN};
use crate::keys::Kem;

pub(crate) type SenderCtx = AeadCtxS<AesGcm256, HkdfSha256, Kem>;
type ReceiverCtx = AeadCtxR<AesGcm256, HkdfSha256, Kem>;

/// A whole chunk's place: its length word, its plaintext, its tag.
const STRIDE: usize = 4 + CHUNK + TAG_LEN as usize;

/// The file as far as it is written, and its running hash.
pub(crate) struct Written {
    pub bytes: FileBytes,
    pub hasher: Sha256,
}

/// Where a chunk is filled: its place in the file, or (past the places
/// laid out) a buffer of its own, appended at the end.
enum Place<'a> {
    InFile(&'a mut [u8]),
    Own(Vec<u8>),
}

/// A sealed chunk on its way to the hasher.
enum Sealed<'a> {
    InFile(&'a [u8]),
    Own(Vec<u8>),
}

/// Writes a payload as chunks (an [`io::Write`]); see [`seal_chunked`].
pub(crate) struct ChunkWriter<'a> {
    ctx: SenderCtx,
    places: std::slice::ChunksMut<'a, u8>,
    place: Option<Place<'a>>,
    /// Plaintext bytes in the current place.
    fill: usize,
    done: SyncSender<Sealed<'a>>,
    total: u64,
}

/// Seals what `write` writes as a chunked payload after `start` (the
/// file's bytes before the chunks); `size_hint` is about how long the
/// payload will be. `write` returns the associated data of the last chunk
/// (the framing and header, known only once the payload is written) and a
/// value handed back with the file.
pub(crate) fn seal_chunked<T>(
    ctx: SenderCtx,
    start: Vec<u8>,
    size_hint: usize,
    write: impl FnOnce(&mut ChunkWriter<'_>) -> Result<(Vec<u8>, T)>,
) -> Result<(Written, T)> {
    let places = size_hint / CHUNK + 2;
    // Places never filled cost nothing; plaintext left by a failure is
    // wiped.
    let mut file = FileBytes::zeroed(start.len() + places * STRIDE);
    file[..start.len()].copy_from_slice(&start);
    let (done, sealed) = sync_channel::<Sealed<'_>>(8);
    let (in_file, own, hasher, result) = std::thread::scope(|scope| {
        let body = &mut file[start.len()..];
        let hashing = scope.spawn(move || hash(&start, sealed));
        let mut w = ChunkWriter {
            ctx,
            places: body.chunks_mut(STRIDE),
            place: None,
            fill: 0,
            done,
            total: 0,
        };
        let result = write(&mut w).and_then(|(aad, t)| {
            w.seal(true, &aad)?;
            Ok(t)
        });
        // Closing the channel lets the hasher finish.
        drop(w);
        match hashing.join() {
            Ok((in_file, own, hasher)) => Ok((in_file, own, hasher, result)),
            Err(_) => Err(BatchError::Seal("hashing the batch file failed".into())),
        }
    })
    .inspect_err(|_| file.wipe())?;
    let t = result.inspect_err(|_| file.wipe())?;
    file.truncate(in_file);
    for chunk in own {
        file.extend_from_slice(&chunk);
    }
    Ok((
        Written {
            bytes: file,
            hasher,
        },
        t,
    ))
}

/// The second thread: hashes the file's start and each sealed chunk in
/// order; returns where the chunks in their places end and the chunks
/// sealed past them.
fn hash(start: &[u8], sealed: Receiver<Sealed<'_>>) -> (usize, Vec<Vec<u8>>, Sha256) {
    let mut hasher = Sha256::new();
    hasher.update(start);
    let (mut in_file, mut own) = (start.len(), Vec::new());
    for chunk in sealed {
        match chunk {
            Sealed::InFile(c) => {
                hasher.update(c);
                in_file += c.len();
            }
            Sealed::Own(c) => {
                hasher.update(&c);
                own.push(c);
            }
        }
    }
    (in_file, own, hasher)
}

impl<'a> ChunkWriter<'a> {
    fn place(&mut self) -> &mut [u8] {
        let places = &mut self.places;
        let place = self.place.get_or_insert_with(|| match places.next() {
            Some(p) => Place::InFile(p),
            None => Place::Own(vec![0; STRIDE]),
        });
        match place {
            Place::InFile(p) => p,
            Place::Own(v) => v,
        }
    }

    /// Seals the chunk filled so far and passes it on.
    fn seal(&mut self, last: bool, aad: &[u8]) -> Result<()> {
        let len = self.fill;
        self.place();
        let Some(place) = self.place.take() else {
            return Err(BatchError::Seal("no chunk to seal".into()));
        };
        self.fill = 0;
        self.total += len as u64;
        if self.total > MAX_PAYLOAD {
            return Err(BatchError::TooLarge {
                what: "payload",
                len: self.total,
                cap: MAX_PAYLOAD,
            });
        }
        let word = (len as u32 + TAG_LEN as u32) | if last { LAST } else { 0 };
        let mut seal = |p: &mut [u8]| -> Result<usize> {
            let tag = self
                .ctx
                .seal_in_place_detached(&mut p[4..4 + len], if last { aad } else { b"" })
                .map_err(|e| BatchError::Seal(e.to_string()))?;
            p[..4].copy_from_slice(&word.to_be_bytes());
            p[4 + len..4 + len + TAG_LEN as usize].copy_from_slice(&tag.to_bytes());
            Ok(4 + len + TAG_LEN as usize)
        };
        let sealed = match place {
            Place::InFile(p) => {
                let end = seal(p)?;
                Sealed::InFile(&p[..end])
            }
            Place::Own(mut v) => {
                let end = seal(&mut v)?;
                v.truncate(end);
                Sealed::Own(v)
            }
        };
        self.done
            .send(sealed)
            .map_err(|_| BatchError::Seal("hashing the batch file failed".into()))
    }
}

impl io::Write for ChunkWriter<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let fill = self.fill;
        let n = data.len().min(CHUNK - fill);
        self.place()[4 + fill..4 + fill + n].copy_from_slice(&data[..n]);
        self.fill += n;
        if self.fill == CHUNK {
            self.seal(false, b"").map_err(io::Error::other)?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Opens a format 4 payload chunk by chunk with `ctx`; `aad` is the last
/// chunk's associated data. The frame was checked by `frame::parse`.
pub(crate) fn open_chunked(
    mut ctx: ReceiverCtx,
    region: &[u8],
    aad: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let mut plain = Zeroizing::new(Vec::with_capacity(region.len()));
    let mut ended = false;
    for (chunk, last) in frame::chunks(region) {
        if ended {
            return Err(BatchError::DoesNotOpen);
        }
        let (ct, tag) = chunk.split_at(chunk.len() - TAG_LEN as usize);
        let tag = AeadTag::<AesGcm256>::from_bytes(tag).map_err(|_| BatchError::DoesNotOpen)?;
        let at = plain.len();
        plain.extend_from_slice(ct);
        ctx.open_in_place_detached(&mut plain[at..], if last { aad } else { b"" }, &tag)
            .map_err(|_| BatchError::DoesNotOpen)?;
        ended = last;
    }
    if !ended {
        return Err(BatchError::DoesNotOpen);
    }
    Ok(plain)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use hpke::OpModeR;

    use super::*;
    use crate::keys::ResearchKeys;
    use crate::seal::{Enc, INFO, sender};

    fn keys() -> ResearchKeys {
        ResearchKeys::from_secrets("t", [1; 32], [2; 32])
    }

    /// Seals `plain` after the file start "START" (checking the running
    /// hash); returns the chunk region and the encapsulated key.
    fn seal(plain: &[u8], hint: usize) -> (Vec<u8>, Enc) {
        let mut rng = rand_core::UnwrapErr(rand_core::OsRng);
        let (enc, ctx) = sender(&keys().public().unwrap(), &mut rng).unwrap();
        let (w, ()) = seal_chunked(ctx, b"START".to_vec(), hint, |w| {
            w.write_all(plain).unwrap();
            Ok((b"aad".to_vec(), ()))
        })
        .unwrap();
        assert_eq!(&w.bytes[..5], b"START");
        assert_eq!(w.hasher.finalize(), Sha256::digest(&w.bytes));
        (w.bytes[5..].to_vec(), enc)
    }

    fn open(region: &[u8], enc: &Enc, aad: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let rx = hpke::setup_receiver::<AesGcm256, HkdfSha256, Kem>(
            &OpModeR::Base,
            &keys().hpke_secret().unwrap(),
            enc,
            INFO,
        )
        .unwrap();
        open_chunked(rx, region, aad)
    }

    fn region(chunks: &[(&[u8], bool)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (c, last) in chunks {
            let word = c.len() as u32 | if *last { LAST } else { 0 };
            out.extend_from_slice(&word.to_be_bytes());
            out.extend_from_slice(c);
        }
        out
    }

    #[test]
    fn every_length_round_trips_in_place_or_past_the_places_laid_out() {
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5] {
            let plain: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            // A hint of 0 lays out two places, so the longer ones spill.
            for hint in [0, len] {
                let (r, enc) = seal(&plain, hint);
                let chunks: Vec<_> = frame::chunks(&r).collect();
                assert_eq!(chunks.len(), len / CHUNK + 1, "{len}");
                assert!(chunks.iter().rev().skip(1).all(|(_, last)| !last));
                assert!(chunks.last().is_some_and(|c| c.1));
                assert_eq!(*open(&r, &enc, b"aad").unwrap(), plain, "{len}");
            }
        }
    }

    #[test]
    fn reordered_cut_or_rebound_chunks_do_not_open() {
        let plain = vec![7u8; 2 * CHUNK + 10];
        let (r, enc) = seal(&plain, plain.len());
        let c: Vec<(&[u8], bool)> = frame::chunks(&r).collect();
        assert_eq!(c.len(), 3);
        assert!(open(&r, &enc, b"aad").is_ok());
        let refused = |region: Vec<u8>, aad: &[u8]| {
            assert!(matches!(
                open(&region, &enc, aad),
                Err(BatchError::DoesNotOpen)
            ));
        };
        // Another header.
        refused(r.clone(), b"other");
        // Two chunks swapped.
        refused(region(&[c[1], c[0], c[2]]), b"aad");
        // Cut after the second chunk, which is then called the last.
        refused(region(&[c[0], (c[1].0, true)]), b"aad");
        // Cut after the second chunk as it was.
        refused(region(&[c[0], c[1]]), b"aad");
        // A chunk repeated.
        refused(region(&[c[0], c[0], c[1], c[2]]), b"aad");
        // Something after the last chunk.
        refused(region(&[c[0], c[1], c[2], c[2]]), b"aad");
    }
}
