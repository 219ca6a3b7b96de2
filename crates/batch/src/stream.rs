//! Sealing straight from the session records (format 4): the records are
//! serialised and hashed on worker threads, in groups, and written in
//! order into the chunk writer, which encrypts each chunk in its place in
//! the file as it fills while another thread hashes the file. Nothing waits
//! for the whole payload, and no copy of it is made beside the file.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::sync_channel;

use ed25519_dalek::SigningKey;
use hpke::rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

use crate::chunks::{self, ChunkWriter};
use crate::error::{BatchError, Result};
use crate::frame;
use crate::header::Header;
use crate::keys::ResearchPublic;
use crate::payload::{AuditRecord, Facts, PinnedContent, SessionRecord};
use crate::record_json;
use crate::seal::{self, Sealed};

/// What a batch carries, borrowed from the collected contents.
#[derive(Clone, Copy)]
pub struct Contents<'a> {
    pub instruments: &'a [PinnedContent],
    pub records: &'a [SessionRecord],
    pub audit: &'a [AuditRecord],
    pub facts: &'a Facts,
    /// Empty, or for each record its variables' JSON written earlier
    /// ([`crate::write_variables`]), when the record's own list is left
    /// empty: a tablet keeps each completed session's variables so an
    /// export need not replay it.
    pub variables_json: &'a [Option<Vec<u8>>],
}

impl Contents<'_> {
    fn variables_json(&self, i: usize) -> Option<&[u8]> {
        self.variables_json.get(i).and_then(|v| v.as_deref())
    }
}

/// Records serialised together by one worker: enough to keep the workers
/// busy between hand-overs, few enough to keep them in step.
const GROUP: usize = 32;

/// Seals `contents` as the batch `header` describes (format 4 on), filling
/// in its record count and hashes; returns the header as sealed and the
/// file. The same bytes [`seal::seal_hashed`] makes of the same payload,
/// made in one overlapped pass.
pub fn seal_records<R: CryptoRng + RngCore>(
    mut header: Header,
    contents: Contents<'_>,
    to: &ResearchPublic,
    device: &SigningKey,
    rng: &mut R,
) -> Result<(Header, Sealed)> {
    header.record_count = contents.records.len() as u64;
    // Older formats put the header first, so the records could not be
    // sealed as they are written; they are made with `seal` (test vectors).
    if header.format < frame::CHUNKED {
        return Err(BatchError::BadHeader(format!(
            "records are sealed as they are written from format {} on, not in format {}",
            frame::CHUNKED,
            header.format
        )));
    }
    seal::check_sealable(&header, to, device)?;
    seal::check_format(header.format, contents.facts, header.format)?;
    let (enc, ctx) = seal::sender(to, rng)?;
    let start = seal::chunked_start(header.format, &enc);
    let hint = size_hint(&contents);
    let (written, header_bytes) = chunks::seal_chunked(ctx, start, hint, |w| {
        header.record_hashes = write_payload(w, header.format, &contents)?;
        let bytes = header.to_bytes()?;
        Ok((frame::aad(header.format, &bytes), bytes))
    })?;
    let sealed = seal::finish_chunked(written, &header_bytes, device);
    Ok((header, sealed))
}

/// Writes the payload's JSON (as serde writes a [`Payload`]: format,
/// instruments, sessions, audit, facts when there are any) and returns the
/// records' hashes.
fn write_payload(w: &mut ChunkWriter, format: u16, c: &Contents<'_>) -> Result<Vec<String>> {
    let json = |e: serde_json::Error| BatchError::BadPayload(e.to_string());
    let io = |e: std::io::Error| BatchError::BadPayload(e.to_string());
    // What serde writes goes through memory first: it writes a token at a
    // time, not a few bytes per call into the chunks.
    let mut head = Zeroizing::new(format!("{{\"format\":{format},\"instruments\":").into_bytes());
    serde_json::to_writer(&mut *head, c.instruments).map_err(json)?;
    head.extend_from_slice(b",\"sessions\":[");
    w.write_all(&head).map_err(io)?;
    let hashes = write_records(w, c)?;
    let mut rest = Zeroizing::new(b"],\"audit\":".to_vec());
    serde_json::to_writer(&mut *rest, c.audit).map_err(json)?;
    if !c.facts.is_empty() {
        rest.extend_from_slice(b",\"facts\":");
        serde_json::to_writer(&mut *rest, c.facts).map_err(json)?;
    }
    w.write_all(&rest).map_err(io)?;
    w.write_all(b"}").map_err(io)?;
    Ok(hashes)
}

/// One group serialised: its records' JSON, comma-separated, but for the
/// variables kept since completion, which are not copied: the places they
/// go and whose they are. Each record's hash is over exactly its own bytes.
struct Serialised {
    json: Vec<u8>,
    /// Where in `json` a kept record's variables go, and its index.
    kept: Vec<(usize, usize)>,
    hashes: Vec<String>,
}

type Group = Result<Serialised>;

fn group(c: &Contents<'_>, first: usize, records: &[SessionRecord], mut json: Vec<u8>) -> Group {
    json.clear();
    json.reserve(records.len() * 1024);
    let mut kept = Vec::new();
    let mut hashes = Vec::with_capacity(records.len());
    for (i, r) in records.iter().enumerate() {
        if i > 0 {
            json.push(b',');
        }
        let at = json.len();
        record_json::head(&mut json, r);
        let hash = match c.variables_json(first + i) {
            Some(variables) => {
                let cut = json.len();
                record_json::tail(&mut json, r);
                kept.push((cut, first + i));
                let mut h = Sha256::new();
                h.update(&json[at..cut]);
                h.update(variables);
                h.update(&json[cut..]);
                h.finalize()
            }
            None => {
                record_json::write_variables(&mut json, &r.variables)
                    .map_err(|e| BatchError::BadPayload(e.to_string()))?;
                record_json::tail(&mut json, r);
                Sha256::digest(&json[at..])
            }
        };
        hashes.push(hex::encode(hash));
    }
    Ok(Serialised { json, kept, hashes })
}

/// Writes a serialised group, the kept variables in their places.
fn write_group(w: &mut ChunkWriter, c: &Contents<'_>, g: &Serialised) -> std::io::Result<()> {
    let mut from = 0;
    for &(cut, i) in &g.kept {
        w.write_all(&g.json[from..cut])?;
        w.write_all(c.variables_json(i).unwrap_or_default())?;
        from = cut;
    }
    w.write_all(&g.json[from..])
}

/// Serialises the records on worker threads, a group at a time, and writes
/// them to `w` in order.
fn write_records(w: &mut ChunkWriter, c: &Contents<'_>) -> Result<Vec<String>> {
    let records = c.records;
    let groups: Vec<&[SessionRecord]> = records.chunks(GROUP).collect();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(groups.len().max(1));
    let next = AtomicUsize::new(0);
    // Group buffers go round (written, then filled again), so their pages
    // are touched once, not once per group.
    let spare: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
    let (tx, rx) = sync_channel::<(usize, Group)>(4 * workers);
    let mut hashes = Vec::with_capacity(records.len());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (next, groups, spare) = (&next, &groups, &spare);
            let c = *c;
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(g) = groups.get(i) else { break };
                    let buf = spare.lock().ok().and_then(|mut s| s.pop());
                    // The writer stopped on an error: nothing more to do.
                    if tx
                        .send((i, group(&c, i * GROUP, g, buf.unwrap_or_default())))
                        .is_err()
                    {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // Groups arrive in any order and are written in theirs.
        let mut waiting = BTreeMap::new();
        let mut want = 0;
        for (i, g) in rx.iter() {
            waiting.insert(i, g);
            while let Some(g) = waiting.remove(&want) {
                let mut g = g?;
                if want > 0 {
                    w.write_all(b",")
                        .map_err(|e| BatchError::BadPayload(e.to_string()))?;
                }
                write_group(w, c, &g).map_err(|e| BatchError::BadPayload(e.to_string()))?;
                hashes.append(&mut g.hashes);
                want += 1;
                match spare.lock() {
                    Ok(mut s) if s.len() < 4 * workers => s.push(g.json),
                    _ => g.json.zeroize(),
                }
            }
        }
        // The plaintext left in the spare buffers is wiped.
        if let Ok(mut s) = spare.lock() {
            s.iter_mut().for_each(Zeroize::zeroize);
        }
        if want != groups.len() {
            return Err(BatchError::BadPayload(
                "a record could not be serialised".into(),
            ));
        }
        Ok(hashes)
    })
}

/// About how large the payload will be, to reserve the file once: the
/// records' variables at their usual size, the rest generously.
fn size_hint(c: &Contents<'_>) -> usize {
    let variables: usize = c.records.iter().map(|r| r.variables.len()).sum();
    let written: usize = c.variables_json.iter().flatten().map(Vec::len).sum();
    let texts: usize = c
        .instruments
        .iter()
        .map(|i| 2 * i.canonical.len() + 256)
        .sum();
    let facts = c.facts.participants.len() + c.facts.episodes.len() + c.facts.missed.len();
    written
        + variables * 160
        + c.records.len() * 1024
        + texts
        + 1024 * (c.audit.len() + facts)
        + 4096
}
