//! Upload to the TSD file API (University of Oslo), as its public source
//! (`unioslo/tsd-file-api`) and client (`tsd-api-client`) do it:
//!
//! - `PUT {url}/v1/{project}/files/stream/{group}/{file}?group=G`, body the
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

mod answer;
mod check;
mod claims;
mod retry;
mod upload;
mod url;

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

use ureq::Agent;
use zeroize::Zeroizing;

use crate::store::Via;

use super::error::DeliveryError;
pub use super::error::TsdError;
use super::outbox::{Delivered, Event, Plan, ready};
pub use retry::Tuning;
use url::Api;

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
    api: Api,
    project: String,
    group: Option<String>,
    token: Token,
    pub tuning: Tuning,
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
        let api = Api::new(url, project)?;
        Ok(Tsd {
            api,
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
            .https_only(!self.api.is_local())
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

    /// A refusal with the reasons the token can tell.
    fn explain(&self, e: DeliveryError) -> DeliveryError {
        match e {
            DeliveryError::Tsd(t) => DeliveryError::Tsd(claims::fill(t, self.token.0.as_str())),
            other => other,
        }
    }

    /// `…/files/stream/{group}/{file}` with `query` and the group, the
    /// form the current TSD client sends (the group also as a parameter,
    /// which servers of the older form read).
    fn stream_url(&self, name: &str, query: &[(&str, &str)]) -> ::url::Url {
        let group = self.group();
        self.api.files(
            &["stream", &group, name],
            query.iter().copied().chain([("group", group.as_str())]),
        )
    }

    pub(crate) fn deliver(
        &self,
        plan: &Plan,
        cancel: &AtomicBool,
        report: &mut dyn FnMut(Event),
    ) -> Result<(), DeliveryError> {
        let (go, skipped) = ready(plan, report);
        let agent = self.agent();
        let mut meter = Meter {
            report,
            total: go.iter().map(|(_, size)| size).sum(),
            before: 0,
        };
        for (f, size) in go {
            if cancel.load(Ordering::Relaxed) {
                return Err(DeliveryError::Cancelled);
            }
            let sent = if size > self.tuning.resumable_above {
                self.resumable(&agent, f, size, cancel, &mut meter)
            } else {
                self.put(&agent, f, size, cancel, &mut meter)
            };
            let seen = sent
                .and_then(|()| self.confirm(&agent, f, size, cancel, meter.report))
                .map_err(|e| self.explain(e))?;
            meter.before += size;
            meter.at(&f.name, 0);
            (meter.report)(Event::Delivered(Delivered {
                seq: f.seq,
                name: f.name.clone(),
                bytes: size,
                sha256: f.sha256.to_ascii_lowercase(),
                via: Via::Upload {
                    url: self.api.base(),
                    project: self.project.clone(),
                    group: self.group(),
                },
                checked: seen == check::Seen::Yes,
            }));
        }
        if skipped.is_empty() {
            Ok(())
        } else {
            Err(DeliveryError::Skipped(skipped))
        }
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
            t.stream_url("a b.kohort", &[("chunk", "1")]).as_str(),
            "https://h/v1/p11/files/stream/p11-member-group/a%20b.kohort?chunk=1&group=p11-member-group"
        );
        let t = Tsd::new("https://h", "p11", Some("p11-data-group"), "secret").unwrap();
        assert_eq!(
            t.stream_url("x", &[]).as_str(),
            "https://h/v1/p11/files/stream/p11-data-group/x?group=p11-data-group"
        );
        assert!(!format!("{t:?}").contains("secret"));
    }
}
