//! `--deidentify` and `--exclude-withdrawn`. De-identifying replaces study
//! codes and every id (UUID v7 carries the time it was made) with random
//! per-export ids, shifts every date of a participant by one random number
//! of days (1–182, either way; intervals within a participant are kept),
//! drops free text, and sorts rows by the new ids.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate};
use kohort_form::ItemKind;
use kohort_form::study::Study;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::model::Data;
use super::table::{Kind, Table};

/// Leaves out participants who withdrew consent, with all their rows.
pub fn drop_withdrawn(data: &mut Data) {
    let gone: HashSet<String> = data
        .participants
        .iter()
        .filter(|p| p.withdrawn_on().is_some())
        .map(|p| p.id.clone())
        .collect();
    data.participants.retain(|p| !gone.contains(&p.id));
    let episodes: HashSet<String> = data
        .episodes
        .iter()
        .filter(|e| gone.contains(&e.participant))
        .map(|e| e.id.clone())
        .collect();
    data.episodes.retain(|e| !gone.contains(&e.participant));
    data.sessions.retain(|s| !gone.contains(&s.participant));
    data.missed.retain(|m| !episodes.contains(&m.episode));
    data.reindex();
}

struct Maps {
    participant: HashMap<String, (String, i64)>,
    study_code: HashMap<String, String>,
    episode: HashMap<String, String>,
    session: HashMap<String, String>,
    date_vars: HashSet<String>,
    text_vars: HashSet<String>,
}

fn maps(study: &Study, data: &Data, seed: Option<u64>) -> Maps {
    let mut rng = match seed {
        Some(s) => ChaCha8Rng::seed_from_u64(s),
        None => ChaCha8Rng::from_entropy(),
    };
    let mut order: Vec<usize> = (0..data.participants.len()).collect();
    order.shuffle(&mut rng);
    let mut m = Maps {
        participant: HashMap::new(),
        study_code: HashMap::new(),
        episode: HashMap::new(),
        session: HashMap::new(),
        date_vars: HashSet::new(),
        text_vars: HashSet::new(),
    };
    for (n, i) in order.into_iter().enumerate() {
        let p = &data.participants[i];
        let id = format!("P{:05}", n + 1);
        let days = rng.gen_range(1..=182) * if rng.gen_bool(0.5) { 1 } else { -1 };
        m.participant.insert(p.id.clone(), (id.clone(), days));
        m.study_code.insert(p.study_code.clone(), id);
    }
    for e in &data.episodes {
        if let Some((pid, _)) = m.participant.get(&e.participant) {
            m.episode
                .insert(e.id.clone(), format!("{pid}-E{}", e.number));
        }
    }
    let mut order: Vec<usize> = (0..data.sessions.len()).collect();
    order.shuffle(&mut rng);
    for (n, i) in order.into_iter().enumerate() {
        m.session
            .insert(data.sessions[i].id.clone(), format!("S{:06}", n + 1));
    }
    let pinned = data.instruments.values();
    for inst in study.instruments.iter().map(|i| &**i).chain(pinned) {
        for v in inst.variables() {
            match v.item.kind {
                ItemKind::Date => m.date_vars.insert(v.id.to_owned()),
                ItemKind::Text { .. } | ItemKind::LongText { .. } => {
                    m.text_vars.insert(v.id.to_owned())
                }
                _ => false,
            };
        }
    }
    m
}

fn is_code(cell: &str) -> bool {
    matches!(cell, "-1" | "-2" | "-3" | "-4" | "-5")
}

fn shift(cell: &str, days: i64) -> String {
    let Some(d) = cell.get(..10).and_then(|d| d.parse::<NaiveDate>().ok()) else {
        // Empty, or a missing-data code.
        return cell.to_owned();
    };
    match d.checked_add_signed(Duration::days(days)) {
        Some(s) => format!("{s}{}", &cell[10..]),
        None => String::new(),
    }
}

/// De-identifies every table (see the module comment).
pub fn apply(tables: &mut [Table], study: &Study, data: &Data, seed: Option<u64>) {
    let m = maps(study, data, seed);
    for t in tables {
        let col = |name: &str| t.columns.iter().position(|c| c.name == name);
        let (pid, var, value) = (col("participant_id"), col("variable"), col("value"));
        for row in &mut t.rows {
            let days = pid
                .and_then(|i| m.participant.get(&row[i]))
                .map_or(0, |p| p.1);
            // In long.csv the kind of a value is the variable's.
            let long_kind =
                var.map(|i| (m.date_vars.contains(&row[i]), m.text_vars.contains(&row[i])));
            for (i, c) in t.columns.iter().enumerate() {
                let cell = &mut row[i];
                let new = match c.name.as_str() {
                    "participant_id" => m.participant.get(cell.as_str()).map(|p| p.0.clone()),
                    "study_code" => m.study_code.get(cell.as_str()).cloned(),
                    "episode_id" => m.episode.get(cell.as_str()).cloned(),
                    "session_id" => m.session.get(cell.as_str()).cloned(),
                    _ if c.free_text && !is_code(cell) => Some(String::new()),
                    _ if matches!(c.kind, Kind::Date | Kind::DateTime) => Some(shift(cell, days)),
                    _ if Some(i) == value => match long_kind {
                        Some((true, _)) => Some(shift(cell, days)),
                        Some((_, true)) if !is_code(cell) => Some(String::new()),
                        _ => None,
                    },
                    _ => None,
                };
                if let Some(new) = new {
                    *cell = new;
                }
            }
        }
        if let Some(i) = pid {
            t.rows.sort_by(|a, b| a[i].cmp(&b[i]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_shift_but_codes_stay() {
        assert_eq!(shift("2025-01-31", 1), "2025-02-01");
        assert_eq!(shift("2025-01-31 10:00:00", -31), "2024-12-31 10:00:00");
        assert_eq!(shift("-3", 5), "-3");
        assert_eq!(shift("", 5), "");
    }
}
