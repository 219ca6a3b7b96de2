//! After an upload: the file must be in the group folder with its size
//! (`HEAD`, or the group's listing where HEAD is not allowed).

use std::sync::atomic::AtomicBool;

use serde_json::Value;
use ureq::Agent;
use ureq::http::StatusCode;

use super::super::error::DeliveryError;
use super::super::outbox::{Event, OutboxFile};
use super::answer::{Fail, body_text, not_confirmed, unexpected};
use super::retry::retrying;
use super::{Tsd, TsdError};

/// Listing pages read at most (100 files each on the real server).
const MAX_PAGES: usize = 10_000;

/// What the check after an upload found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Seen {
    /// In the group folder with its size.
    Yes,
    /// HEAD and the listing answer 404 or do not list it: where the server
    /// reads from is not where uploads go (an import area). The upload was
    /// taken (201); the receipt will tell.
    NotVisible,
}

impl Tsd {
    /// Checks the file is in the group folder with the right size. A file
    /// there with another size is a failure; a file the check cannot see
    /// at all is [`Seen::NotVisible`].
    pub(super) fn confirm(
        &self,
        agent: &Agent,
        f: &OutboxFile,
        size: u64,
        cancel: &AtomicBool,
        report: &mut dyn FnMut(Event),
    ) -> Result<Seen, DeliveryError> {
        let group = self.group();
        let no_query: [(&str, &str); 0] = [];
        let head = self.api.files(&["stream", &group, &f.name], no_query);
        let listing = self.api.files(&["stream", &group], no_query);
        let wrong_size = |got: String| {
            Fail::Stop(TsdError::NotDelivered(format!(
                "{} is in {group} with {got}, not {size} bytes: it is not taken as delivered",
                f.name
            )))
        };
        retrying(&self.tuning, &f.name, cancel, report, &mut |_| {
            let mut resp = agent
                .head(head.as_str())
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
                        Some(n) if n == size => Ok(Seen::Yes),
                        Some(n) => Err(wrong_size(format!("{n}"))),
                        None => Err(wrong_size("no size given".into())),
                    };
                }
                // HEAD not allowed here, or the file not there: look in the
                // group's listing.
                404 | 405 | 501 => {}
                _ => return Err(unexpected("check of the upload", &group, &mut resp)),
            }
            // Every page of the listing (the server gives 100 at a time,
            // and names the next page until the last).
            let mut page = Some(listing.clone());
            let mut entry = None;
            let mut pages = 0;
            while let Some(url) = page.take() {
                pages += 1;
                if pages > MAX_PAGES {
                    return Err(not_confirmed("listing of the group folder"));
                }
                let mut resp = agent
                    .get(url.as_str())
                    .header("Authorization", self.auth())
                    .call()?;
                if resp.status() == StatusCode::NOT_FOUND {
                    return Ok(Seen::NotVisible);
                }
                if resp.status() != StatusCode::OK {
                    return Err(unexpected("listing of the group folder", &group, &mut resp));
                }
                let json: Value = serde_json::from_str(&body_text(&mut resp))
                    .map_err(|_| not_confirmed("listing of the group folder"))?;
                entry = json.get("files").and_then(Value::as_array).and_then(|fs| {
                    fs.iter()
                        .find(|e| e.get("filename").and_then(Value::as_str) == Some(&f.name))
                        .cloned()
                });
                if entry.is_some() {
                    break;
                }
                page = json
                    .get("page")
                    .and_then(Value::as_str)
                    .and_then(|next| url.join(next).ok())
                    // The next page is on the same server, nowhere else.
                    .filter(|next| next.origin() == listing.origin());
            }
            match entry.map(|e| e.get("size").and_then(Value::as_u64)) {
                Some(Some(n)) if n == size => Ok(Seen::Yes),
                Some(Some(n)) => Err(wrong_size(format!("{n}"))),
                Some(None) => Err(wrong_size("no size given".into())),
                None => Ok(Seen::NotVisible),
            }
        })
    }
}
