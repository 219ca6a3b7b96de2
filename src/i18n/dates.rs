//! Dates and times as Norwegians write them: `2. desember 2026` in running
//! text, `02.12.2026` in tables, week days by name; English as `2 December
//! 2026` and `02/12/2026`. Instants are shown in the tablet's time zone.

use chrono::{DateTime, Datelike, Local, NaiveDate, Utc, Weekday};

use super::Lang;

const MONTHS_NB: [&str; 12] = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A month's name (1-based month), as written inside a date.
pub fn month_name(lang: Lang, month: u32) -> &'static str {
    let i = (month.clamp(1, 12) - 1) as usize;
    match lang {
        // Bokmål and nynorsk name the months alike.
        Lang::Nb | Lang::Nn => MONTHS_NB[i],
        Lang::En => MONTHS_EN[i],
    }
}

/// A week day's name, as written at the start of a sentence.
pub fn weekday_name(lang: Lang, day: Weekday) -> &'static str {
    let i = day.num_days_from_monday() as usize;
    match lang {
        Lang::Nb => [
            "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag",
        ][i],
        Lang::Nn => [
            "måndag", "tysdag", "onsdag", "torsdag", "fredag", "laurdag", "sundag",
        ][i],
        Lang::En => [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ][i],
    }
}

/// `2. desember 2026` / `2 December 2026`.
pub fn day_long(lang: Lang, d: NaiveDate) -> String {
    let month = month_name(lang, d.month());
    match lang {
        Lang::Nb | Lang::Nn => format!("{}. {month} {}", d.day(), d.year()),
        Lang::En => format!("{} {month} {}", d.day(), d.year()),
    }
}

/// `02.12.2026` / `02/12/2026`, for tables.
pub fn day_short(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Nb | Lang::Nn => d.format("%d.%m.%Y").to_string(),
        Lang::En => d.format("%d/%m/%Y").to_string(),
    }
}

/// The day and minute of an instant in the tablet's zone: `02.12.2026 10:42`.
pub fn minute(lang: Lang, t: &DateTime<Utc>) -> String {
    let local = t.with_timezone(&Local);
    format!(
        "{} {}",
        day_short(lang, local.date_naive()),
        local.format("%H:%M")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_each_language_writes_them() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap_or_default();
        assert_eq!(day_long(Lang::Nb, d), "2. desember 2026");
        assert_eq!(day_long(Lang::Nn, d), "2. desember 2026");
        assert_eq!(day_long(Lang::En, d), "2 December 2026");
        assert_eq!(day_short(Lang::Nb, d), "02.12.2026");
        assert_eq!(day_short(Lang::En, d), "02/12/2026");
        assert_eq!(weekday_name(Lang::Nb, d.weekday()), "onsdag");
        assert_eq!(weekday_name(Lang::Nn, Weekday::Sat), "laurdag");
    }
}
