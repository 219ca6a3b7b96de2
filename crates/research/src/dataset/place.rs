//! Where a session stands in its episode's schedule: its scheduled
//! occurrence (counted from 0 here, as the schedule counts; batches and
//! the files count from 1) and target date. The batch's own values win; without them the session's date is placed
//! against the same schedule the tablet uses, so a registration done at
//! month 13 after two missed ones is the month-13 occurrence, not the
//! third one done.

use std::collections::HashMap;

use chrono::NaiveDate;
use kohort_form::schedule::{EpisodeDates, Kind, schedule};
use kohort_form::study::{Study, Trigger};

use super::model::{Data, Episode, Session};

/// A session's place in the schedule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Place {
    pub occurrence: Option<u32>,
    pub target: Option<NaiveDate>,
}

pub fn dates(e: &Episode) -> EpisodeDates {
    EpisodeDates {
        anchor: e.anchor,
        end: e.end,
    }
}

/// The place of every session, by session id.
pub fn places(study: &Study, data: &Data) -> HashMap<String, Place> {
    let mut out = HashMap::new();
    // Manual forms have no dates: their sessions are numbered in order.
    let mut manual: HashMap<(&str, &str), u32> = HashMap::new();
    for s in &data.sessions {
        let Some(ep) = data.episode(&s.episode) else {
            continue;
        };
        let mut p = computed(study, ep, s, &mut manual);
        if let Some(n) = s.occurrence.and_then(from_one) {
            p.occurrence = Some(n);
            if s.target_date.is_none() {
                p.target = target_of(study, ep, &s.form, n);
            }
        }
        if let Some(t) = s.target_date.as_deref().and_then(super::model::day) {
            p.target = Some(t);
        }
        out.insert(s.id.clone(), p);
    }
    out
}

fn computed<'a>(
    study: &Study,
    ep: &Episode,
    s: &'a Session,
    manual: &mut HashMap<(&'a str, &'a str), u32>,
) -> Place {
    if study.timepoints.iter().any(|t| t.form.id == s.form) {
        let target = target_of(study, ep, &s.form, 0);
        return Place {
            occurrence: Some(0),
            target,
        };
    }
    if let Some(ev) = study.events.iter().find(|e| e.form.id == s.form) {
        return match ev.trigger {
            Trigger::EndOfTreatment => Place {
                occurrence: Some(0),
                target: ep.end,
            },
            Trigger::Manual => {
                let n = manual.entry((&s.episode, &s.form)).or_default();
                *n += 1;
                Place {
                    occurrence: Some(*n - 1),
                    target: None,
                }
            }
        };
    }
    let Some(rec) = study.recurring.iter().find(|r| r.form.id == s.form) else {
        return Place::default();
    };
    let Some(day) = s.day() else {
        return Place::default();
    };
    // Listed up to the session's day and the next one: the window holding
    // the day, else the nearest target.
    let rows = schedule(study, dates(ep), day, &[]).unwrap_or_default();
    let mut best: Option<(i64, u32, NaiveDate)> = None;
    for r in rows
        .iter()
        .filter(|r| r.kind == Kind::Recurring && r.form == s.form)
    {
        let (Some(n), Some(t)) = (r.occurrence, r.target) else {
            continue;
        };
        let inside = rec
            .window
            .around(t)
            .is_some_and(|(o, c)| o <= day && day <= c);
        let distance = if inside {
            -1
        } else {
            (day - t).num_days().abs()
        };
        if best.is_none_or(|(d, ..)| distance < d) {
            best = Some((distance, n, t));
        }
    }
    best.map_or_else(Place::default, |(_, n, t)| Place {
        occurrence: Some(n),
        target: Some(t),
    })
}

/// An occurrence as batches count it (from 1), counted from 0.
pub fn from_one(n: i64) -> Option<u32> {
    u32::try_from(n.checked_sub(1)?).ok()
}

/// The target date of a form's `n`-th occurrence in an episode.
pub fn target_of(study: &Study, ep: &Episode, form: &str, n: u32) -> Option<NaiveDate> {
    if let Some(t) = study.timepoints.iter().find(|t| t.form.id == form) {
        return t.offset.after(ep.anchor);
    }
    if study
        .events
        .iter()
        .any(|e| e.form.id == form && e.trigger == Trigger::EndOfTreatment)
    {
        return ep.end;
    }
    let rec = study.recurring.iter().find(|r| r.form.id == form)?;
    // The schedule lists an occurrence a fact names: ask for this one.
    let fact = kohort_form::schedule::Fact {
        form: form.to_owned(),
        occurrence: n,
        happened: kohort_form::schedule::Happened::Missed {
            code: None,
            reason: String::new(),
        },
    };
    schedule(study, dates(ep), ep.anchor, &[fact])
        .ok()?
        .into_iter()
        .find(|r| r.form == rec.form.id && r.occurrence == Some(n))
        .and_then(|r| r.target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_occurrences_count_from_one() {
        assert_eq!(from_one(1), Some(0));
        assert_eq!(from_one(5), Some(4));
        // Not a count from 1: left to the computed place.
        assert_eq!(from_one(0), None);
        assert_eq!(from_one(-3), None);
    }
}
