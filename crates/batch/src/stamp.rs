//! Instants as Kohort writes them everywhere (batch headers, the tablet's
//! database, the audit chain, the research store): RFC 3339 in UTC with
//! milliseconds, `2025-01-13T10:00:00.000Z`. One form, so instants compare
//! as text and hashed records keep their bytes.

use chrono::{DateTime, SecondsFormat, Utc};

/// The text form of an instant.
pub fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Now, as text.
pub fn now_stamp() -> String {
    stamp(Utc::now())
}

/// Reads an instant written by [`stamp`] (or any RFC 3339 time).
pub fn parse_stamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_read_back_and_sort_as_text() {
        let a = parse_stamp("2025-01-13T10:00:00.000Z");
        assert_eq!(a.map(stamp).as_deref(), Some("2025-01-13T10:00:00.000Z"));
        let b = a.map(|t| stamp(t + chrono::Duration::milliseconds(1)));
        assert!(b.as_deref() > Some("2025-01-13T10:00:00.000Z"));
        assert_eq!(parse_stamp("13.01.2025"), None);
    }
}
