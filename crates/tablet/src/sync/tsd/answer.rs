//! Reading the file API's answers: the documented success, or a failure
//! that is worth trying again or not.

use serde_json::Value;
use ureq::Body;
use ureq::http::{Response, StatusCode};

use super::super::error::DeliveryError;
use super::TsdError;

/// A failed request: whether trying again may help.
pub(super) enum Fail {
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

/// The first bytes of an answer, as text (for messages and JSON).
pub(super) fn body_text(resp: &mut Response<Body>) -> String {
    let bytes = resp
        .body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_to_vec()
        .unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A web page in the answer: HTML with something in it. The file API
/// itself answers errors with an empty `text/html` body, which is not one.
fn looks_like_html(resp: &Response<Body>, body: &str) -> bool {
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    !body.trim().is_empty() && (ct.contains("html") || body.trim_start().starts_with('<'))
}

/// "404 Not Found": the status and its reason.
pub(super) fn status_text(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

/// A status that is not the documented success: stop, or try again.
/// `group` is the group the request writes to, for a 403.
pub(super) fn unexpected(what: &str, group: &str, resp: &mut Response<Body>) -> Fail {
    let status = resp.status();
    let code = status.as_u16();
    if code == 401 {
        return Fail::Stop(TsdError::Token(code));
    }
    if code == 403 {
        // Why is filled in by `Tsd::explain`, which can read the token.
        return Fail::Stop(TsdError::Forbidden {
            group: group.to_owned(),
            why: String::new(),
        });
    }
    let body = body_text(resp);
    let shown = status_text(status);
    if matches!(code, 408 | 429) || (status.is_server_error() && !matches!(code, 501 | 507)) {
        return Fail::Retry(format!("the server is busy or failing (HTTP {shown})"));
    }
    let why = if status.is_redirection() {
        format!(
            "the server redirected the {what} (HTTP {shown}): the network may need a log-in \
             (captive portal), or the address is wrong"
        )
    } else if looks_like_html(resp, &body) {
        format!(
            "the server answered the {what} with a web page (HTTP {shown}), not the file API: \
             the network may need a log-in (captive portal), or the address is wrong"
        )
    } else {
        let message = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_owned))
            .map(|m| format!(": {}", m.chars().take(200).collect::<String>()))
            .unwrap_or_default();
        format!("the server refused the {what} (HTTP {shown}{message})")
    };
    Fail::Stop(TsdError::NotDelivered(why))
}

/// The answer's JSON when it is the documented `201 Created`.
pub(super) fn created_json(
    what: &str,
    group: &str,
    mut resp: Response<Body>,
) -> Result<Value, Fail> {
    if resp.status() != StatusCode::CREATED {
        return Err(unexpected(what, group, &mut resp));
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

pub(super) fn not_confirmed(what: &str) -> Fail {
    Fail::Stop(TsdError::NotDelivered(format!(
        "the server's answer to the {what} is not the file API's confirmation"
    )))
}
