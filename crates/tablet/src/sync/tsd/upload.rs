//! Sending a file: one `PUT`, or a resumable upload in chunks that asks the
//! server what it holds after a lost answer.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::sync::atomic::AtomicBool;

use serde_json::Value;
use ureq::http::StatusCode;
use ureq::{Agent, SendBody};

use super::super::error::{DeliveryError, io};
use super::super::outbox::{Event, OutboxFile};
use super::answer::{body_text, created_json, not_confirmed};
use super::retry::retrying;
use super::{Meter, Tsd, TsdError};

/// Reads a file, reporting each block read.
struct Counting<'a> {
    inner: std::io::Take<File>,
    on: &'a mut dyn FnMut(u64),
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.on)(n as u64);
        Ok(n)
    }
}

impl Tsd {
    pub(super) fn put(
        &self,
        agent: &Agent,
        f: &OutboxFile,
        size: u64,
        cancel: &AtomicBool,
        meter: &mut Meter<'_>,
    ) -> Result<(), DeliveryError> {
        let url = self.stream_url(&f.name, &[]);
        let before = meter.before;
        let total = meter.total;
        retrying(&self.tuning, &f.name, cancel, meter.report, &mut |report| {
            let file = File::open(&f.path).map_err(io(&f.path))?;
            let mut sent = 0u64;
            let mut on = |n: u64| {
                sent += n;
                report(Event::Progress {
                    file: f.name.clone(),
                    done: before + sent,
                    total,
                });
            };
            let mut body = Counting {
                inner: file.take(size),
                on: &mut on,
            };
            let resp = agent
                .put(url.as_str())
                .header("Authorization", self.auth())
                .header("Content-Type", "application/octet-stream")
                .header("Content-Length", size.to_string())
                .send(SendBody::from_reader(&mut body))?;
            let json = created_json("upload", &self.group(), resp)?;
            if json.get("message").and_then(Value::as_str) == Some("data streamed") {
                Ok(())
            } else {
                Err(not_confirmed("upload"))
            }
        })
    }

    pub(super) fn resumable(
        &self,
        agent: &Agent,
        f: &OutboxFile,
        size: u64,
        cancel: &AtomicBool,
        meter: &mut Meter<'_>,
    ) -> Result<(), DeliveryError> {
        let chunk = self.tuning.chunk_size.max(1);
        let chunks = size.div_ceil(chunk);
        // What the server has acknowledged: the upload id and last chunk,
        // from an earlier run that was interrupted (as TSD's own client
        // resumes by file name), or nothing yet.
        let (mut id, mut acked) = match self.previous_upload(agent, &f.name, chunk, chunks) {
            Some((i, max)) => (Some(i), max),
            None => (None, 0),
        };
        meter.at(&f.name, (acked * chunk).min(size));
        while acked < chunks {
            let next = acked + 1;
            let offset = acked * chunk;
            let len = chunk.min(size - offset);
            let mut bytes = vec![0u8; len as usize];
            let mut file = File::open(&f.path).map_err(io(&f.path))?;
            file.seek(SeekFrom::Start(offset))
                .and_then(|_| file.read_exact(&mut bytes))
                .map_err(io(&f.path))?;
            let n = next.to_string();
            let url = match &id {
                None => self.stream_url(&f.name, &[("chunk", &n)]),
                Some(i) => self.stream_url(&f.name, &[("chunk", &n), ("id", i)]),
            };
            let had = id.clone();
            let mut tries = 0;
            let got = retrying(&self.tuning, &f.name, cancel, meter.report, &mut |_| {
                tries += 1;
                // After a failure the chunk may have arrived with its
                // answer lost: ask the server before sending it again.
                if tries > 1
                    && let Some(i) = &had
                    && self.server_max_chunk(agent, &f.name, i) == Some(next)
                {
                    return Ok(i.clone());
                }
                let resp = agent
                    .patch(url.as_str())
                    .header("Authorization", self.auth())
                    .header("Content-Type", "application/octet-stream")
                    .send(&bytes[..])?;
                let json = created_json("chunk", &self.group(), resp)?;
                let got = json.get("id").and_then(Value::as_str).unwrap_or("");
                let max = json.get("max_chunk").and_then(Value::as_u64);
                if got.is_empty() || max != Some(next) || had.as_deref().is_some_and(|h| h != got) {
                    return Err(not_confirmed("chunk"));
                }
                Ok(got.to_owned())
            })?;
            id = Some(got);
            acked = next;
            meter.at(&f.name, offset + len);
        }
        let Some(id) = id else {
            // An empty file has no chunk; it cannot happen for a batch file.
            return Err(TsdError::NotDelivered("an empty file cannot be uploaded".into()).into());
        };
        let url = self.stream_url(&f.name, &[("chunk", "end"), ("id", &id)]);
        let mut tries = 0;
        retrying(&self.tuning, &f.name, cancel, meter.report, &mut |_| {
            // Counted before sending: an attempt whose answer was lost to a
            // network error may still have finished the upload.
            tries += 1;
            let resp = agent
                .patch(url.as_str())
                .header("Authorization", self.auth())
                .header("Content-Type", "application/octet-stream")
                .send_empty()?;
            if tries > 1
                && resp.status().is_client_error()
                && !matches!(resp.status().as_u16(), 401 | 403)
            {
                // An earlier `end` may have been done with its answer
                // lost; the size check below decides.
                return Ok(());
            }
            let json = created_json("last request of the upload", &self.group(), resp)?;
            if json.get("max_chunk").and_then(Value::as_str) == Some("end")
                && json.get("id").and_then(Value::as_str) == Some(id.as_str())
            {
                Ok(())
            } else {
                Err(not_confirmed("last request of the upload"))
            }
        })
    }

    /// An unfinished upload of this file the server still holds, to go on
    /// with: its id and last chunk. One made with another chunk size (or
    /// beyond this file's end) is deleted, so it does not linger in the
    /// project's import area. `None` when there is none, or the server
    /// cannot say.
    fn previous_upload(
        &self,
        agent: &Agent,
        name: &str,
        chunk: u64,
        chunks: u64,
    ) -> Option<(String, u64)> {
        let no_query: [(&str, &str); 0] = [];
        let url = self.api.files(&["resumables"], no_query);
        let mut resp = agent
            .get(url.as_str())
            .header("Authorization", self.auth())
            .call()
            .ok()?;
        if resp.status() != StatusCode::OK {
            return None;
        }
        let json: Value = serde_json::from_str(&body_text(&mut resp)).ok()?;
        let mut found = None;
        for r in json.get("resumables").and_then(Value::as_array)? {
            if r.get("filename").and_then(Value::as_str) != Some(name) {
                continue;
            }
            let Some(id) = r.get("id").and_then(Value::as_str) else {
                continue;
            };
            let max = r.get("max_chunk").and_then(Value::as_u64).unwrap_or(0);
            let size = r.get("chunk_size").and_then(Value::as_u64);
            if found.is_none() && size == Some(chunk) && (1..chunks).contains(&max) {
                found = Some((id.to_owned(), max));
            } else {
                let del = self.api.files(&["resumables", name], [("id", id)]);
                let _ = agent
                    .delete(del.as_str())
                    .header("Authorization", self.auth())
                    .call();
            }
        }
        found
    }

    /// The last chunk the server holds of an upload, when it can say.
    fn server_max_chunk(&self, agent: &Agent, name: &str, id: &str) -> Option<u64> {
        let url = self.api.files(&["resumables", name], [("id", id)]);
        let mut resp = agent
            .get(url.as_str())
            .header("Authorization", self.auth())
            .call()
            .ok()?;
        if resp.status() != StatusCode::OK {
            return None;
        }
        let json: Value = serde_json::from_str(&body_text(&mut resp)).ok()?;
        if json.get("id").and_then(Value::as_str) != Some(id) {
            return None;
        }
        json.get("max_chunk").and_then(Value::as_u64)
    }
}
