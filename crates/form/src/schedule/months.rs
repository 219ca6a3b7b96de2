//! Months from the anchor date, counted as the schedule counts them:
//! calendar months that clamp to the month's end, so the 3-month
//! timepoint's target is exactly 3.00 months after the anchor whatever the
//! lengths of the months between.

use chrono::{Months, NaiveDate};

/// `anchor` moved by `k` calendar months (either way), clamped to the end
/// of the month as [`crate::study::Offset::after`] does.
fn shifted(anchor: NaiveDate, k: i64) -> Option<NaiveDate> {
    let m = Months::new(u32::try_from(k.unsigned_abs()).ok()?);
    if k >= 0 {
        anchor.checked_add_months(m)
    } else {
        anchor.checked_sub_months(m)
    }
}

/// Months from `anchor` to `day`: the whole calendar months `k` with
/// `anchor + k months ≤ day`, plus the share of the next month gone by
/// (days past `anchor + k months` over the days from there to
/// `anchor + k + 1 months`). Negative before the anchor. So 10 Jan → 10 Apr
/// is 3.0, 31 Jan → 29 Feb 2024 is 1.0 (the 1-month target), and 10 Jan →
/// 25 Jan is 15/31.
pub fn months_since(anchor: NaiveDate, day: NaiveDate) -> Option<f64> {
    use chrono::Datelike;
    let mut k = i64::from(day.year() - anchor.year()) * 12 + i64::from(day.month())
        - i64::from(anchor.month());
    while shifted(anchor, k)? > day {
        k -= 1;
    }
    while shifted(anchor, k + 1)? <= day {
        k += 1;
    }
    let (from, to) = (shifted(anchor, k)?, shifted(anchor, k + 1)?);
    let span = (to - from).num_days();
    if span <= 0 {
        return None;
    }
    Some(k as f64 + (day - from).num_days() as f64 / span as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn targets_are_whole_months_and_days_between_are_shares() {
        assert_eq!(months_since(d(2024, 1, 10), d(2024, 1, 10)), Some(0.0));
        assert_eq!(months_since(d(2024, 1, 10), d(2024, 4, 10)), Some(3.0));
        assert_eq!(months_since(d(2024, 1, 10), d(2025, 1, 10)), Some(12.0));
        // 31 Jan + 1 month is 29 Feb (leap year): that day is 1.0.
        assert_eq!(months_since(d(2024, 1, 31), d(2024, 2, 29)), Some(1.0));
        // 15 of the 31 days from 10 Jan to 10 Feb.
        assert_eq!(
            months_since(d(2024, 1, 10), d(2024, 1, 25)),
            Some(15.0 / 31.0)
        );
        // Before the anchor: 10 Dec → 10 Jan has 31 days, 5 days short.
        assert_eq!(
            months_since(d(2024, 1, 10), d(2024, 1, 5)),
            Some(-1.0 + 26.0 / 31.0)
        );
    }
}
