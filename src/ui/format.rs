//! How instants read on screen: in the tablet's time zone.

use chrono::{DateTime, Local, Utc};

/// The day of an instant, e.g. `2025-01-13`.
pub fn day(t: &DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d").to_string()
}

/// The day and minute of an instant, e.g. `2025-01-13 10:42`.
pub fn minute(t: &DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}
