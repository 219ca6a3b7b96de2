//! Upload to the TSD file API (University of Oslo), as its public source
//! (`unioslo/tsd-file-api`) and client (`tsd-api-client`) do it:
//!
//! - `PUT {url}/v1/{project}/files/stream/{file}[?group=G]`, body the
//!   file, `Authorization: Bearer <token>`, `Content-Type:
//!   application/octet-stream`; success is `201` with
//!   `{"message": "data streamed"}`.
//! - Files above a threshold go resumable: `PATCH …/stream/{file}?chunk=1`
//!   answers `201` with `{"id": …, "max_chunk": 1, …}`; then
//!   `?chunk=N&id=ID` for each next chunk, and an empty
//!   `?chunk=end&id=ID` whose `201` answer has `"max_chunk": "end"`. After a
//!   network error the upload asks `GET …/files/resumables/{file}?id=ID`
//!   for the last chunk the server holds and goes on from there.
//! - Then `HEAD …/files/stream/{group}/{file}` must answer `200` with the
//!   file's size as `Content-Length` (the group's listing,
//!   `GET …/files/stream/{group}`, when HEAD is not allowed). The group is
//!   `{project}-member-group` unless one is named.
//!
//! Anything else is not delivered: a `2xx` without that body (a captive
//! portal's login page answers `200` with HTML), a redirect, a wrong size.
//! `401`/`403` stop at once; network errors, `408`, `429` and `5xx` other
//! than `501`/`507` are retried with exponential backoff.

use std::fmt;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::Value;
use ureq::http::{Response, StatusCode};
use ureq::{Agent, Body, SendBody};
use zeroize::Zeroizing;

use crate::store::Via;

use super::deliver::{Delivered, DeliveryError, Event, OutboxFile, Plan, io};
use super::folder::check_outbox;

/// How the upload behaves; the defaults suit a clinic's network.
#[derive(Clone, Debug)]
pub struct Tuning {
    /// Files larger than this go by resumable upload.
    pub resumable_above: u64,
    pub chunk_size: u64,
    /// Tries of each request before giving up.
    pub attempts: u32,
    /// The first wait after a failure; it doubles each time, up to `max_wait`.
    pub first_wait: Duration,
    pub max_wait: Duration,
    pub connect_timeout: Duration,
    /// How long the server may take to answer once the body is sent.
    pub answer_timeout: Duration,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            resumable_above: 64 << 20,
            chunk_size: 16 << 20,
            attempts: 6,
            first_wait: Duration::from_secs(2),
            max_wait: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(20),
            answer_timeout: Duration::from_secs(300),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TsdError {
    #[error(
        "the address must start with https:// (plain http only to 127.0.0.1 or localhost, for tests): {0}"
    )]
    NotHttps(String),
    #[error("{0:?} is not a TSD project number like p11")]
    BadProject(String),
    #[error("{0:?} is not a TSD group name like p11-member-group")]
    BadGroup(String),
    #[error("the token file is empty")]
    NoToken,
    #[error("the token is wrong or expired (HTTP {0}): get a new upload token")]
    Token(u16),
    #[error("{0}")]
    NotDelivered(String),
    #[error("gave up on {file} after {attempts} tries: {last}")]
    GaveUp {
        file: String,
        attempts: u32,
        last: String,
    },
}

/// The token: never shown, wiped when dropped.
struct Token(Zeroizing<String>);

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(…)")
    }
}

/// A TSD file API destination.
#[derive(Debug)]
pub struct Tsd {
    base: String,
    project: String,
    group: Option<String>,
    token: Token,
    pub tuning: Tuning,
}

fn local_http(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match host.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

/// Percent-encodes one path segment or query value.
fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A failed request: whether trying again may help.
enum Fail {
    Retry(String),
    Stop(TsdError),
}

impl From<ureq::Error> for Fail {
    fn from(e: ureq::Error) -> Self {
        match e {
            ureq::Error::Io(_)
            | ureq::Error::Timeout(_)
            | ureq::Error::ConnectionFailed
            | ureq::Error::HostNotFound
            | ureq::Error::Protocol(_)
            | ureq::Error::BodyStalled => Fail::Retry(format!("network error: {e}")),
            ureq::Error::Tls(_) | ureq::Error::Rustls(_) => {
                Fail::Stop(TsdError::NotDelivered(format!(
                    "the secure connection failed ({e}): a network that intercepts HTTPS \
                     (a guest or captive network) cannot be used"
                )))
            }
            other => Fail::Stop(TsdError::NotDelivered(format!(
                "the upload failed: {other}"
            ))),
        }
    }
}

impl From<DeliveryError> for Fail {
    fn from(e: DeliveryError) -> Self {
        Fail::Stop(TsdError::NotDelivered(e.to_string()))
    }
}

/// One try of a request; it may report progress.
type Attempt<'a, T> = dyn FnMut(&mut dyn FnMut(Event)) -> Result<T, Fail> + 'a;

/// The first bytes of an answer, as text (for messages and JSON).
fn body_text(resp: &mut Response<Body>) -> String {
    let bytes = resp
        .body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_to_vec()
        .unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn looks_like_html(resp: &Response<Body>, body: &str) -> bool {
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    ct.contains("html") || body.trim_start().starts_with('<')
}

/// A status that is not the documented success: stop, or try again.
fn unexpected(what: &str, resp: &mut Response<Body>) -> Fail {
    let status = resp.status();
    let code = status.as_u16();
    if code == 401 || code == 403 {
        return Fail::Stop(TsdError::Token(code));
    }
    let body = body_text(resp);
    if matches!(code, 408 | 429) || (status.is_server_error() && !matches!(code, 501 | 507)) {
        return Fail::Retry(format!("the server is busy or failing (HTTP {code})"));
    }
    let why = if status.is_redirection() {
        format!(
            "the server redirected the {what} (HTTP {code}): the network may need a log-in \
             (captive portal), or the address is wrong"
        )
    } else if looks_like_html(resp, &body) {
        format!(
            "the server answered the {what} with a web page (HTTP {code}), not the file API: \
             the network may need a log-in (captive portal), or the address is wrong"
        )
    } else {
        let message = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_owned))
            .map(|m| format!(": {}", m.chars().take(200).collect::<String>()))
            .unwrap_or_default();
        format!("the server refused the {what} (HTTP {code}{message})")
    };
    Fail::Stop(TsdError::NotDelivered(why))
}

/// The answer's JSON when it is the documented `201 Created`.
fn created_json(what: &str, mut resp: Response<Body>) -> Result<Value, Fail> {
    if resp.status() != StatusCode::CREATED {
        return Err(unexpected(what, &mut resp));
    }
    let body = body_text(&mut resp);
    serde_json::from_str::<Value>(&body).map_err(|_| {
        Fail::Stop(TsdError::NotDelivered(if looks_like_html(&resp, &body) {
            format!(
                "the server answered the {what} with a web page, not the file API: \
                 the network may need a log-in (captive portal)"
            )
        } else {
            format!("the server's answer to the {what} is not the file API's confirmation")
        }))
    })
}

fn not_confirmed(what: &str) -> Fail {
    Fail::Stop(TsdError::NotDelivered(format!(
        "the server's answer to the {what} is not the file API's confirmation"
    )))
}

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

/// Progress across the files of one run.
struct Meter<'a> {
    report: &'a mut dyn FnMut(Event),
    total: u64,
    /// Bytes of files already done.
    before: u64,
}

impl Meter<'_> {
    fn at(&mut self, file: &str, within: u64) {
        (self.report)(Event::Progress {
            file: file.to_owned(),
            done: self.before + within,
            total: self.total,
        });
    }
}

impl Tsd {
    /// Checks the address, project and group; the token is the token
    /// file's content, trimmed.
    pub fn new(
        url: &str,
        project: &str,
        group: Option<&str>,
        token: &str,
    ) -> Result<Tsd, TsdError> {
        let url = url.trim().trim_end_matches('/');
        if !(url.starts_with("https://") || local_http(url)) || url.contains(['?', '#']) {
            return Err(TsdError::NotHttps(url.to_owned()));
        }
        let project = project.trim();
        let digits = project.strip_prefix('p').unwrap_or("");
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TsdError::BadProject(project.to_owned()));
        }
        let group = group.map(str::trim).filter(|g| !g.is_empty());
        if let Some(g) = group {
            let ok = g.starts_with(&format!("{project}-"))
                && g.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !ok {
                return Err(TsdError::BadGroup(g.to_owned()));
            }
        }
        let token = token.trim();
        if token.is_empty() {
            return Err(TsdError::NoToken);
        }
        Ok(Tsd {
            base: url.to_owned(),
            project: project.to_owned(),
            group: group.map(str::to_owned),
            token: Token(Zeroizing::new(token.to_owned())),
            tuning: Tuning::default(),
        })
    }

    pub fn with_tuning(mut self, tuning: Tuning) -> Self {
        self.tuning = tuning;
        self
    }

    /// The group folder files land in.
    pub fn group(&self) -> String {
        self.group
            .clone()
            .unwrap_or_else(|| format!("{}-member-group", self.project))
    }

    fn agent(&self) -> Agent {
        Agent::config_builder()
            .http_status_as_error(false)
            .https_only(!local_http(&self.base))
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_connect(Some(self.tuning.connect_timeout))
            .timeout_recv_response(Some(self.tuning.answer_timeout))
            .user_agent(concat!("kohort/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent()
    }

    fn auth(&self) -> String {
        format!("Bearer {}", self.token.0.as_str())
    }

    fn stream_url(&self, name: &str, query: &[(&str, &str)]) -> String {
        let mut url = format!(
            "{}/v1/{}/files/stream/{}",
            self.base,
            self.project,
            enc(name)
        );
        let mut sep = '?';
        let group = self.group.as_deref().map(|g| ("group", g));
        for (k, v) in query.iter().copied().chain(group) {
            url.push(sep);
            url.push_str(k);
            url.push('=');
            url.push_str(&enc(v));
            sep = '&';
        }
        url
    }

    /// Runs `attempt` until it succeeds, stops, or runs out of tries,
    /// waiting longer after each failure.
    fn retrying<T>(
        &self,
        file: &str,
        cancel: &AtomicBool,
        report: &mut dyn FnMut(Event),
        attempt: &mut Attempt<'_, T>,
    ) -> Result<T, DeliveryError> {
        let mut wait = self.tuning.first_wait;
        for n in 1..=self.tuning.attempts.max(1) {
            if cancel.load(Ordering::Relaxed) {
                return Err(DeliveryError::Cancelled);
            }
            let reason = match attempt(report) {
                Ok(v) => return Ok(v),
                Err(Fail::Stop(e)) => return Err(e.into()),
                Err(Fail::Retry(reason)) => reason,
            };
            if n == self.tuning.attempts.max(1) {
                return Err(TsdError::GaveUp {
                    file: file.to_owned(),
                    attempts: n,
                    last: reason,
                }
                .into());
            }
            report(Event::Retrying {
                file: file.to_owned(),
                attempt: n,
                wait,
                reason,
            });
            sleep_unless_cancelled(wait, cancel);
            wait = (wait * 2).min(self.tuning.max_wait);
        }
        Err(DeliveryError::Cancelled)
    }

    pub(crate) fn deliver(
        &self,
        plan: &Plan,
        cancel: &AtomicBool,
        report: &mut dyn FnMut(Event),
    ) -> Result<(), DeliveryError> {
        let mut sizes = Vec::with_capacity(plan.files.len());
        for f in &plan.files {
            sizes.push(check_outbox(f)?);
        }
        let agent = self.agent();
        let mut meter = Meter {
            report,
            total: sizes.iter().sum(),
            before: 0,
        };
        for (f, &size) in plan.files.iter().zip(&sizes) {
            if cancel.load(Ordering::Relaxed) {
                return Err(DeliveryError::Cancelled);
            }
            if size > self.tuning.resumable_above {
                self.resumable(&agent, f, size, cancel, &mut meter)?;
            } else {
                self.put(&agent, f, size, cancel, &mut meter)?;
            }
            self.confirm(&agent, f, size, cancel, meter.report)?;
            meter.before += size;
            meter.at(&f.name, 0);
            (meter.report)(Event::Delivered(Delivered {
                seq: f.seq,
                name: f.name.clone(),
                bytes: size,
                sha256: f.sha256.to_ascii_lowercase(),
                via: Via::Upload {
                    url: self.base.clone(),
                    project: self.project.clone(),
                    group: self.group(),
                },
            }));
        }
        Ok(())
    }

    fn put(
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
        self.retrying(&f.name, cancel, meter.report, &mut |report| {
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
                .put(&url)
                .header("Authorization", self.auth())
                .header("Content-Type", "application/octet-stream")
                .header("Content-Length", size.to_string())
                .send(SendBody::from_reader(&mut body))?;
            let json = created_json("upload", resp)?;
            if json.get("message").and_then(Value::as_str) == Some("data streamed") {
                Ok(())
            } else {
                Err(not_confirmed("upload"))
            }
        })
    }

    fn resumable(
        &self,
        agent: &Agent,
        f: &OutboxFile,
        size: u64,
        cancel: &AtomicBool,
        meter: &mut Meter<'_>,
    ) -> Result<(), DeliveryError> {
        let chunk = self.tuning.chunk_size.max(1);
        let chunks = size.div_ceil(chunk);
        // What the server has acknowledged: the upload id and last chunk.
        let mut id: Option<String> = None;
        let mut acked = 0u64;
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
            let got = self.retrying(&f.name, cancel, meter.report, &mut |_| {
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
                    .patch(&url)
                    .header("Authorization", self.auth())
                    .header("Content-Type", "application/octet-stream")
                    .send(&bytes[..])?;
                let json = created_json("chunk", resp)?;
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
        self.retrying(&f.name, cancel, meter.report, &mut |_| {
            // Counted before sending: an attempt whose answer was lost to a
            // network error may still have finished the upload.
            tries += 1;
            let resp = agent
                .patch(&url)
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
            let json = created_json("last request of the upload", resp)?;
            if json.get("max_chunk").and_then(Value::as_str) == Some("end")
                && json.get("id").and_then(Value::as_str) == Some(id.as_str())
            {
                Ok(())
            } else {
                Err(not_confirmed("last request of the upload"))
            }
        })
    }

    /// The last chunk the server holds of an upload, when it can say.
    fn server_max_chunk(&self, agent: &Agent, name: &str, id: &str) -> Option<u64> {
        let url = format!(
            "{}/v1/{}/files/resumables/{}?id={}",
            self.base,
            self.project,
            enc(name),
            enc(id)
        );
        let mut resp = agent
            .get(&url)
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

    /// Checks the file is in the group folder with the right size.
    fn confirm(
        &self,
        agent: &Agent,
        f: &OutboxFile,
        size: u64,
        cancel: &AtomicBool,
        report: &mut dyn FnMut(Event),
    ) -> Result<(), DeliveryError> {
        let group = self.group();
        let head = format!(
            "{}/v1/{}/files/stream/{}/{}",
            self.base,
            self.project,
            enc(&group),
            enc(&f.name)
        );
        let listing = format!(
            "{}/v1/{}/files/stream/{}",
            self.base,
            self.project,
            enc(&group)
        );
        let wrong_size = |got: String| {
            Fail::Stop(TsdError::NotDelivered(format!(
                "{} is in {group} with {got}, not {size} bytes: it is not taken as delivered",
                f.name
            )))
        };
        self.retrying(&f.name, cancel, report, &mut |_| {
            let mut resp = agent
                .head(&head)
                .header("Authorization", self.auth())
                .call()?;
            match resp.status().as_u16() {
                200 => {
                    let len = resp
                        .headers()
                        .get("content-length")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok());
                    return match len {
                        Some(n) if n == size => Ok(()),
                        Some(n) => Err(wrong_size(format!("{n}"))),
                        None => Err(wrong_size("no size given".into())),
                    };
                }
                // HEAD not allowed here: look in the group's listing.
                405 | 501 => {}
                _ => return Err(unexpected("check of the upload", &mut resp)),
            }
            let resp = agent
                .get(&listing)
                .header("Authorization", self.auth())
                .call()?;
            let mut resp = resp;
            if resp.status() != StatusCode::OK {
                return Err(unexpected("listing of the group folder", &mut resp));
            }
            let json: Value = serde_json::from_str(&body_text(&mut resp))
                .map_err(|_| not_confirmed("listing of the group folder"))?;
            let entry = json.get("files").and_then(Value::as_array).and_then(|fs| {
                fs.iter()
                    .find(|e| e.get("filename").and_then(Value::as_str) == Some(&f.name))
            });
            match entry.map(|e| e.get("size").and_then(Value::as_u64)) {
                Some(Some(n)) if n == size => Ok(()),
                Some(Some(n)) => Err(wrong_size(format!("{n}"))),
                Some(None) => Err(wrong_size("no size given".into())),
                None => Err(Fail::Stop(TsdError::NotDelivered(format!(
                    "{} is not in {group} after the upload: it is not taken as delivered",
                    f.name
                )))),
            }
        })
    }
}

fn sleep_unless_cancelled(wait: Duration, cancel: &AtomicBool) {
    let step = Duration::from_millis(50);
    let mut left = wait;
    while !left.is_zero() && !cancel.load(Ordering::Relaxed) {
        let d = left.min(step);
        std::thread::sleep(d);
        left -= d;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_local_http() {
        assert!(Tsd::new("https://api.tsd.usit.no", "p11", None, "t").is_ok());
        assert!(Tsd::new("http://127.0.0.1:8080/", "p11", None, "t").is_ok());
        assert!(Tsd::new("http://localhost", "p11", None, "t").is_ok());
        for bad in [
            "http://api.tsd.usit.no",
            "http://127.0.0.1.evil.example",
            "http://localhost.example:80",
            "ftp://x",
            "https://x/?q=1",
        ] {
            assert!(
                matches!(Tsd::new(bad, "p11", None, "t"), Err(TsdError::NotHttps(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            Tsd::new("https://x", "p1/../x", None, "t"),
            Err(TsdError::BadProject(_))
        ));
        assert!(matches!(
            Tsd::new("https://x", "p11", Some("p12-member-group"), "t"),
            Err(TsdError::BadGroup(_))
        ));
        assert!(matches!(
            Tsd::new("https://x", "p11", None, " \n"),
            Err(TsdError::NoToken)
        ));
    }

    #[test]
    fn urls_and_the_default_group() {
        let t = Tsd::new("https://h/", "p11", None, "secret").unwrap();
        assert_eq!(t.group(), "p11-member-group");
        assert_eq!(
            t.stream_url("a b.kohort", &[("chunk", "1")]),
            "https://h/v1/p11/files/stream/a%20b.kohort?chunk=1"
        );
        let t = Tsd::new("https://h", "p11", Some("p11-data-group"), "secret").unwrap();
        assert_eq!(
            t.stream_url("x", &[]),
            "https://h/v1/p11/files/stream/x?group=p11-data-group"
        );
        assert!(!format!("{t:?}").contains("secret"));
    }
}
