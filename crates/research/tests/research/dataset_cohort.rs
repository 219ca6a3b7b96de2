//! The cohort around the answers: scheduled occurrences (an episode with
//! missed registrations), expected visits as the schedule has them, facts
//! a batch will carry (written straight into research.db here), withdrawal
//! and de-identification.

use std::collections::BTreeMap;
use std::fs;

use kohort_form::schedule::{EpisodeDates, Kind, State, schedule};
use kohort_research::dataset::Options;
use rusqlite::params;

use crate::demo::{self, AS_OF, CODE, Demo, WITHDRAWN, column, date, read};

/// The rows of a file whose `study_code` is `code`, by column name.
fn rows_of(rows: &[Vec<String>], code: &str) -> Vec<BTreeMap<String, String>> {
    let codes = column(rows, "study_code");
    rows[1..]
        .iter()
        .zip(codes)
        .filter(|(_, c)| c == code)
        .map(|(r, _)| rows[0].iter().cloned().zip(r.iter().cloned()).collect())
        .collect()
}

#[test]
fn a_registration_after_missed_ones_gets_its_scheduled_occurrence() {
    let d = demo::build();
    let conn = d.conn();
    let ep: String = conn
        .query_row(
            "SELECT e.id FROM episodes e JOIN participants p ON p.id = e.participant
             WHERE p.study_code = ?1",
            [CODE],
            |r| r.get(0),
        )
        .unwrap();
    // A nurse's mark for month 7 (occurrence 3, counted from 1 as batches
    // of format 2 count), as such a batch brings it.
    conn.execute(
        "INSERT INTO missed (episode, form_id, occurrence, reason_code, reason, marked_at, device_id)
         VALUES (?1, 'medication', 3, 3, 'I fengsel', '2024-09-01T10:00:00.000Z', 'dev')",
        [&ep],
    )
    .unwrap();
    let dir = d.write("ds", &Demo::options());
    let wide = rows_of(&read(&dir.join("wide_medication.csv")), CODE);
    let occ: Vec<&str> = wide.iter().map(|r| r["occurrence"].as_str()).collect();
    // Months 1, 4 and 13: the 1st, 2nd and 5th registration; counting the
    // sessions done would say 3 for the last.
    assert_eq!(occ, ["1", "2", "5"]);
    let targets: Vec<&str> = wide.iter().map(|r| r["target_date"].as_str()).collect();
    assert_eq!(targets, ["2024-02-10", "2024-05-10", "2025-02-10"]);

    let visits = rows_of(&read(&dir.join("visits.csv")), CODE);
    let med: Vec<(String, String, String, String)> = visits
        .iter()
        .filter(|r| r["form"] == "medication")
        .map(|r| {
            (
                r["occurrence"].clone(),
                r["state"].clone(),
                r["missed_code"].clone(),
                r["deviation_days"].clone(),
            )
        })
        .take(6)
        .collect();
    let s = |a: &str, b: &str, c: &str, e: &str| (a.into(), b.into(), c.into(), e.into());
    assert_eq!(
        med,
        [
            s("1", "done", "", "2"),
            s("2", "done", "", "-2"),
            s("3", "missed", "3", ""),
            s("4", "overdue", "", ""),
            s("5", "done", "", "10"),
            s("6", "due", "", ""),
        ]
    );
    let done = visits
        .iter()
        .find(|r| r["form"] == "medication" && r["occurrence"] == "5")
        .unwrap();
    assert_eq!(done["in_window"], "1");
    assert_eq!(done["completed_date"], "2025-02-20");
    assert_eq!(done["session_id"], wide[2]["session_id"]);

    // The batch's own occurrence and target win over the computed ones.
    conn.execute(
        "UPDATE sessions SET occurrence = 4, target_date = '2024-11-10', language = 'en'
         WHERE id = ?1",
        [&wide[2]["session_id"]],
    )
    .unwrap();
    let dir = d.write("ds2", &Demo::options());
    let wide = rows_of(&read(&dir.join("wide_medication.csv")), CODE);
    assert_eq!(wide[2]["occurrence"], "4");
    assert_eq!(wide[2]["target_date"], "2024-11-10");
    let sessions = rows_of(&read(&dir.join("sessions.csv")), CODE);
    let last = sessions
        .iter()
        .find(|r| r["session_id"] == wide[2]["session_id"])
        .unwrap();
    assert_eq!(
        (last["language"].as_str(), last["minutes"].as_str()),
        ("en", "40.0")
    );
}

#[test]
fn visits_agree_with_the_schedule_for_every_episode() {
    let d = demo::build();
    let dir = d.write("ds", &Demo::options());
    let episodes = read(&dir.join("episodes.csv"));
    let visits = read(&dir.join("visits.csv"));
    let as_of = date(AS_OF);
    let mut checked = 0;
    for (i, ep) in column(&episodes, "episode_id").iter().enumerate() {
        let anchor = column(&episodes, "anchor_date")[i].parse().unwrap();
        let end = column(&episodes, "end_date")[i].parse().ok();
        let rows = schedule(&d.study, EpisodeDates { anchor, end }, as_of, &[]).unwrap();
        let want: Vec<(String, String, String, String, String)> = rows
            .iter()
            .filter(|r| r.kind != Kind::Event(kohort_form::study::Trigger::Manual))
            .map(|r| {
                let d = |x: Option<chrono::NaiveDate>| x.map(|d| d.to_string()).unwrap_or_default();
                (
                    r.form.clone(),
                    (r.occurrence.unwrap_or(0) + 1).to_string(),
                    d(r.target),
                    d(r.opens),
                    d(r.closes),
                )
            })
            .collect();
        let got: Vec<(String, String, String, String, String)> = visits[1..]
            .iter()
            .filter(|r| r[3] == *ep)
            .map(|r| {
                let c = |name: &str| r[visits[0].iter().position(|h| h == name).unwrap()].clone();
                (
                    c("form"),
                    c("occurrence"),
                    c("target_date"),
                    c("window_opens"),
                    c("window_closes"),
                )
            })
            .collect();
        assert_eq!(got, want, "episode {ep}");
        // Without a session or a mark, the state is the schedule's own.
        for (r, g) in rows.iter().zip(visits[1..].iter().filter(|r| r[3] == *ep)) {
            let state = &g[visits[0].iter().position(|h| h == "state").unwrap()];
            let expected = match r.state {
                State::Upcoming => "not_yet_due",
                State::Open => "due",
                State::Late { .. } => "overdue",
                State::NotApplicable => "not_applicable",
                State::Closed => "not_collected",
                _ => continue,
            };
            assert!(
                [expected, "done", "missed", "withdrawn"].contains(&state.as_str()),
                "{ep} {}: {state}, schedule says {expected}",
                r.form
            );
        }
        checked += 1;
    }
    assert!(checked >= 10, "{checked}");
}

#[test]
fn facts_from_a_batch_reach_the_files_and_withdrawal_is_flagged_or_left_out() {
    let d = demo::build();
    let conn = d.conn();
    let pid = demo::participant(&conn, CODE);
    conn.execute(
        "UPDATE participants SET enrolled_at = '2024-01-09T08:30:00.000Z', device_id = 'tab-1'
         WHERE id = ?1",
        [&pid],
    )
    .unwrap();
    conn.execute(
        "UPDATE episodes SET number = 2, device_id = 'tab-1' WHERE participant = ?1",
        params![pid],
    )
    .unwrap();
    let dir = d.write("ds", &Demo::options());
    let p = rows_of(&read(&dir.join("participants.csv")), CODE);
    assert_eq!(
        (p[0]["enrolled_at"].as_str(), p[0]["device_id"].as_str()),
        ("2024-01-09 08:30:00", "tab-1")
    );
    assert_eq!(p[0]["consent_date"], "2025-03-01");
    let e = rows_of(&read(&dir.join("episodes.csv")), CODE);
    assert_eq!(
        (
            e[0]["episode_number"].as_str(),
            e[0]["anchor_date"].as_str()
        ),
        ("2", "2024-01-10")
    );

    let w = rows_of(&read(&dir.join("wide_baseline.csv")), WITHDRAWN);
    assert_eq!(w[0]["withdrawn_at"], "2024-06-01");
    let v = rows_of(&read(&dir.join("visits.csv")), WITHDRAWN);
    let states: Vec<&str> = v.iter().map(|r| r["state"].as_str()).collect();
    assert_eq!(states[0], "done");
    assert!(states[1..].iter().all(|s| *s == "withdrawn"), "{states:?}");
    // As of a day before the withdrawal, and before the baseline was done.
    let early = Options {
        as_of: Some(date((2024, 1, 12))),
        ..Demo::options()
    };
    let v = rows_of(
        &read(&d.write("early", &early).join("visits.csv")),
        WITHDRAWN,
    );
    assert_eq!(
        (v[0]["form"].as_str(), v[0]["state"].as_str()),
        ("baseline", "due")
    );
    assert_eq!(v[0]["withdrawn_at"], "2024-06-01");

    let opts = Options {
        exclude_withdrawn: true,
        ..Demo::options()
    };
    let dir = d.write("ds2", &opts);
    for f in fs::read_dir(&dir).unwrap() {
        let f = f.unwrap().path();
        if f.extension().is_some_and(|e| e == "csv") {
            let text = fs::read_to_string(&f).unwrap();
            assert!(!text.contains(WITHDRAWN), "{}", f.display());
        }
    }
}

#[test]
fn deidentified_files_hold_no_code_id_or_true_date_and_keep_intervals() {
    let d = demo::build();
    let conn = d.conn();
    let mut st = conn
        .prepare(
            "SELECT id, study_code FROM participants UNION SELECT id, id FROM sessions
             UNION SELECT id, id FROM episodes",
        )
        .unwrap();
    let secrets: Vec<(String, String)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let opts = Options {
        deidentify: true,
        ..Demo::options()
    };
    let dir = d.write("ds", &opts);
    let again = d.write("ds2", &opts);
    for f in fs::read_dir(&dir).unwrap() {
        let f = f.unwrap().path();
        let name = f.file_name().unwrap().to_owned();
        if f.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        let text = fs::read_to_string(&f).unwrap();
        for (id, code) in &secrets {
            assert!(
                !text.contains(id.as_str()) && !text.contains(code.as_str()),
                "{name:?}"
            );
        }
        assert_eq!(
            text,
            fs::read_to_string(again.join(&name)).unwrap(),
            "{name:?}"
        );
    }
    // One shift per participant: days from the anchor are kept.
    let plain = d.write("plain", &Demo::options());
    let from_anchor = |dir: &std::path::Path| {
        let wide = read(&dir.join("wide_medication.csv"));
        let mut days: Vec<i64> = column(&wide, "anchor_date")
            .iter()
            .zip(column(&wide, "started_at"))
            .map(|(a, s)| {
                let a: chrono::NaiveDate = a.parse().unwrap();
                let s: chrono::NaiveDate = s[..10].parse().unwrap();
                (s - a).num_days()
            })
            .collect();
        days.sort();
        days
    };
    assert_eq!(from_anchor(&dir), from_anchor(&plain));
    let anchors = |dir: &std::path::Path| {
        let mut a = column(&read(&dir.join("episodes.csv")), "anchor_date");
        a.sort();
        a
    };
    let (shifted, true_dates) = (anchors(&dir), anchors(&plain));
    assert_eq!(shifted.len(), true_dates.len());
    let kept = shifted.iter().filter(|a| true_dates.contains(a)).count();
    assert!(kept < shifted.len() / 2, "{shifted:?}");
    let pids = column(&read(&dir.join("wide_medication.csv")), "participant_id");
    assert!(
        pids.windows(2).all(|w| w[0] <= w[1]),
        "rows sorted by new id"
    );
    assert!(pids.iter().all(|p| p.starts_with('P')), "{pids:?}");
    // Free text is gone; its missing-data codes stay.
    let text = column(&read(&dir.join("wide_baseline.csv")), "a_gender_desc");
    assert!(
        text.iter()
            .all(|t| t.is_empty() || t.parse::<i64>().is_ok_and(|c| c < 0)),
        "{text:?}"
    );
}
