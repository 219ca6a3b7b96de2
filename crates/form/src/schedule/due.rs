//! Orderings of schedule rows for the staff screens.

use chrono::NaiveDate;

use super::{Row, State};

/// How pressing a due row is (smaller first): sessions under way (the
/// patient has started and nothing answered should go to waste), then late
/// forms (most days late first), then open ones (closing soonest first).
pub fn urgency(r: &Row) -> (u8, i64, Option<NaiveDate>) {
    let late = -r.state.days_late().unwrap_or(0);
    match r.state {
        State::InProgress { .. } => (0, late, r.closes),
        State::Paused { .. } => (1, late, r.closes),
        State::Late { .. } => (2, late, r.closes),
        _ => (3, 0, r.closes),
    }
}

/// Today's work in one episode, most pressing first (see [`urgency`]).
pub fn due_today(rows: &[Row]) -> impl Iterator<Item = &Row> {
    let mut due: Vec<&Row> = rows.iter().filter(|r| r.state.is_due()).collect();
    due.sort_by_key(|r| urgency(r));
    due.into_iter()
}

/// Forms whose window has not opened yet, soonest first.
pub fn upcoming(rows: &[Row]) -> impl Iterator<Item = &Row> {
    let mut up: Vec<&Row> = rows.iter().filter(|r| r.state == State::Upcoming).collect();
    up.sort_by_key(|r| r.opens);
    up.into_iter()
}
