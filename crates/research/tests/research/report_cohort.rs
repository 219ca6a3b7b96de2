//! A research store of synthetic participants whose every answer, date,
//! end and withdrawal is chosen, so that every number of the study report
//! is known in advance (`report_numbers.rs` says which and why). Built the
//! real way: a tablet records it, a batch carries it, the store imports
//! it; only the days sessions and marks were made are set afterwards in
//! research.db, as a clinic would have made them (the tablet stamps them
//! with the time the test runs).
//!
//! As of 2025-06-30; anchors, sessions (completion days) and facts:
//!
//! | who | site | anchor | sessions | facts |
//! |---|---|---|---|---|
//! | P1 | OSL | 2024-01-10 | baseline 01-20, m03 04-15, m06 07-10, m12 2025-01-10 | |
//! | P2 | OSL | 2024-02-01 | baseline 02-01, m06 08-15, m12 2025-02-20 | m03 missed; completed 2025-03-01 |
//! | P3 | OSL | 2024-03-15 | baseline 03-20, m03 06-15 | dropped out 2024-08-01 |
//! | P4 | BGO | 2024-04-01 | baseline 04-05, m03 07-01 | withdrew consent 2024-09-01 |
//! | P5 | BGO | 2024-05-20 | baseline 05-25, m06 11-25, m12 2025-07-05 (after the as-of day) | |
//! | P6 | BGO | 2024-06-10 | baseline 06-10, stopped after housing | died 2024-12-01 |
//! | P7 | OSL | 2025-05-01 | baseline 05-03 | |
//! | P8 | OSL | 2023-06-01 | baseline 2023-06-05, m03 2023-09-01 | transferred 2023-12-01 |
//! | P8 | OSL | 2024-06-01 (2nd episode) | baseline 06-03, m06 12-02 | |
//! | P9 | BGO | 2025-08-01 (after the as-of day) | | |

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use kohort_form::schedule::EndType;
use kohort_form::study::Study;
use kohort_form::{Answer, AnswerValue, ItemKind};
use kohort_research::report::{self, Options};
use kohort_tablet::store::Store;
use kohort_tablet::sync;
use rusqlite::params;
use uuid::Uuid;

use crate::demo::read;

pub const AS_OF: (i32, u32, u32) = (2025, 6, 30);
/// A name and a free-text answer that must never reach the report.
pub const LABEL: &str = "Kari Nordmann-Testesen";
pub const FREE_TEXT: &str = "Bor hos søsteren min i Tromsø";

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A value: a code (choices, yes/no, scales, matrix rows) or a number.
#[derive(Clone, Copy)]
pub enum A {
    C(i64),
    N(i64),
    T(&'static str),
    Declined,
}

/// One scripted session: its form, completion day and answers.
struct Scripted {
    form: &'static str,
    on: NaiveDate,
    answers: Vec<(&'static str, A)>,
    /// Seen only up to (not including) this instrument: the rest is not reached.
    stop_before: Option<&'static str>,
}

/// The ten variables the cohort answers, in this order.
const VARS: [&str; 10] = [
    "b_stable",
    "c_work",
    "c_money_food",
    "e_heroin",
    "e_benzo",
    "f_victim_theft",
    "i_sleep",
    "i_teeth",
    "i_lt_sleep",
    "i_lt_dental",
];

/// A session answering `VARS` with `values` (`None`: left unanswered).
fn s(form: &'static str, on: NaiveDate, values: [Option<A>; 10]) -> Scripted {
    let kinds = [true, true, true, false, false, true, true, true, true, true];
    let answers = VARS
        .iter()
        .zip(values)
        .zip(kinds)
        .filter_map(|((v, a), code)| {
            let a = match a? {
                A::C(x) | A::N(x) if code => A::C(x),
                A::C(x) | A::N(x) => A::N(x),
                other => other,
            };
            Some((*v, a))
        })
        .collect();
    Scripted {
        form,
        on,
        answers,
        stop_before: None,
    }
}

/// Answers to the first `v.len()` of `VARS`; the rest left unanswered.
fn first(v: &[i64]) -> [Option<A>; 10] {
    let mut out = [None; 10];
    for (o, x) in out.iter_mut().zip(v) {
        *o = Some(A::C(*x));
    }
    out
}

impl Scripted {
    /// The same session with `var` answered `a` instead.
    fn with(self, var: &'static str, a: A) -> Scripted {
        let mut x = self.without(var);
        x.answers.push((var, a));
        x
    }

    fn without(mut self, var: &str) -> Scripted {
        self.answers.retain(|(v, _)| *v != var);
        self
    }
}

pub struct Cohort {
    pub dir: tempfile::TempDir,
    pub store: PathBuf,
    pub study: Study,
    /// Study codes and every id the store holds: none may reach the report.
    pub secrets: Vec<String>,
}

impl Cohort {
    pub fn options(suppress_small: bool) -> Options {
        Options {
            as_of: Some(day(AS_OF.0, AS_OF.1, AS_OF.2)),
            suppress_small,
            lang: kohort_form::Lang::En,
        }
    }

    /// Writes the report into `name` under the cohort's folder.
    pub fn report(&self, name: &str, opts: &Options) -> PathBuf {
        let out = self.dir.path().join(name);
        report::write(&self.store, &self.study, &out, opts).unwrap();
        out
    }
}

/// The screens of a form in order, with the instrument of each.
fn screens(study: &Study, form: &str) -> Vec<(String, String)> {
    let q = study.questionnaire(form).unwrap();
    q.instruments
        .iter()
        .flat_map(|i| {
            i.items
                .iter()
                .filter(|it| !matches!(it.kind, ItemKind::Section | ItemKind::Score { .. }))
                .map(|it| (i.id.clone(), it.id.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Records one scripted session on the tablet; returns its id.
fn record(t: &mut Store, study: &Study, (p, e): (Uuid, Uuid), x: &Scripted) -> Uuid {
    let q = study.questionnaire(x.form).unwrap();
    let sid = t.start_occurrence(p, e, &q, 0).unwrap();
    let answers: Vec<(&str, Answer)> = (x.answers.iter())
        .map(|(id, a)| {
            let a = match a {
                A::C(c) => Answer::Value(AnswerValue::Code(*c)),
                A::N(n) => Answer::Value(AnswerValue::Int(*n)),
                A::T(t) => Answer::Value(AnswerValue::Text((*t).to_owned())),
                A::Declined => Answer::Declined,
            };
            (*id, a)
        })
        .collect();
    let mut seen = BTreeSet::new();
    let mut position = None;
    for (inst, screen) in screens(study, x.form) {
        if Some(inst.as_str()) == x.stop_before {
            position = Some(screen);
            break;
        }
        seen.insert(screen);
    }
    let list: Vec<(&str, Option<&Answer>)> = answers.iter().map(|(i, a)| (*i, Some(a))).collect();
    t.save_step(sid, &list, Some((position.as_deref(), &seen)))
        .unwrap();
    t.complete_session(sid).unwrap();
    sid
}

pub fn build() -> Cohort {
    let dir = tempfile::tempdir().unwrap();
    let study = kohort_testkit::study();
    let mut t = kohort_testkit::tablet(&dir.path().join("t.db"));
    let consent = kohort_testkit::consent();
    let enrol = |t: &mut Store, n: u32, site: &str, anchor: NaiveDate| {
        let label = (n == 1).then_some(LABEL);
        t.enrol(&format!("HAB-{site}-000{n}"), site, label, &consent, anchor)
            .unwrap()
    };
    let p1 = enrol(&mut t, 1, "OSL", day(2024, 1, 10));
    let p2 = enrol(&mut t, 2, "OSL", day(2024, 2, 1));
    let p3 = enrol(&mut t, 3, "OSL", day(2024, 3, 15));
    let p4 = enrol(&mut t, 4, "BGO", day(2024, 4, 1));
    let p5 = enrol(&mut t, 5, "BGO", day(2024, 5, 20));
    let p6 = enrol(&mut t, 6, "BGO", day(2024, 6, 10));
    let p7 = enrol(&mut t, 7, "OSL", day(2025, 5, 1));
    let p8 = enrol(&mut t, 8, "OSL", day(2023, 6, 1));
    let _p9 = enrol(&mut t, 9, "BGO", day(2025, 8, 1));
    t.end_episode(p8.1, day(2023, 12, 1), EndType::Transferred)
        .unwrap();
    let p8b = (p8.0, t.start_episode(p8.0, day(2024, 6, 1)).unwrap());

    // P6 answered the housing question and stopped before work and money.
    let mut s6 = s("baseline", day(2024, 6, 10), first(&[1]));
    s6.stop_before = Some("work_money");
    // P7 declined the teeth row, and lives elsewhere ("other", in words).
    let s7 = s(
        "baseline",
        day(2025, 5, 3),
        first(&[1, 5, 3, 18, 0, 0, 4, 0, 1, 1]),
    )
    .with("i_teeth", A::Declined)
    .with("b_living", A::C(7))
    .with("b_living_desc", A::T(FREE_TEXT));
    // P2 declined the housing question at 6 months.
    let s2b = s("m06", day(2024, 8, 15), first(&[0, 5, 1, 28, 2, 1])).with("b_stable", A::Declined);
    // P1 did not answer the work question at 6 months.
    let s1c = s("m06", day(2024, 7, 10), first(&[1, 0, 4, 5, 20, 0])).without("c_work");
    // b_stable, c_work, c_money_food, e_heroin, e_benzo, f_victim_theft,
    // i_sleep, i_teeth, i_lt_sleep, i_lt_dental
    #[rustfmt::skip]
    let plan: Vec<((Uuid, Uuid), Scripted)> = vec![
        (p1, s("baseline", day(2024, 1, 20), first(&[0, 5, 2, 20, 15, 1, 4, 2, 1, 1]))),
        (p1, s("m03", day(2024, 4, 15), first(&[1, 5, 3, 10, 15, 1, 3, 3]))),
        (p1, s1c),
        (p1, s("m12", day(2025, 1, 10), first(&[1, 2, 4, 0, 13, 0, 2, 2, 0, 1]))),
        (p2, s("baseline", day(2024, 2, 1), first(&[1, 5, 3, 25, 0, 0, 0, 0, 0, 1]))),
        (p2, s2b),
        (p2, s("m12", day(2025, 2, 20), first(&[0, 1, 1, 30, 14, 1, 1, 1, 1, 1]))),
        (p3, s("baseline", day(2024, 3, 20), first(&[0, 5, 1, 14, 14, 1, 2, 3, 1, 0]))),
        (p3, s("m03", day(2024, 6, 15), first(&[0, 5, 2, 13, 0, 1]))),
        (p4, s("baseline", day(2024, 4, 5), first(&[1, 3, 5, 0, 0, 0, 1, 4, 0, 0]))),
        (p4, s("m03", day(2024, 7, 1), first(&[1, 3, 3, 0, 0, 0]))),
        (p5, s("baseline", day(2024, 5, 25), first(&[0, 5, 2, 30, 30, 1, 3, 1, 1, 1]))),
        (p5, s("m06", day(2024, 11, 25), first(&[1, 4, 4, 12, 13, 0]))),
        (p5, s("m12", day(2025, 7, 5), first(&[0, 5, 1, 30, 30, 1]))),
        (p6, s6),
        (p7, s7),
        (p8, s("baseline", day(2023, 6, 5), first(&[0, 5, 2, 20, 20, 1, 4, 3, 1, 1]))),
        (p8, s("m03", day(2023, 9, 1), first(&[0, 5, 2, 15, 10, 1]))),
        (p8b, s("baseline", day(2024, 6, 3), first(&[1, 5, 4, 6, 0, 0, 1, 1, 0, 1]))),
        (p8b, s("m06", day(2024, 12, 2), first(&[1, 2, 5, 2, 0, 0]))),
    ];
    let mut days: BTreeMap<String, NaiveDate> = BTreeMap::new();
    for (ids, x) in &plan {
        let sid = record(&mut t, &study, *ids, x);
        days.insert(sid.to_string(), x.on);
    }
    t.mark_missed(p2.1, "m03", 0, Some(3), "In prison").unwrap();
    t.end_episode(p2.1, day(2025, 3, 1), EndType::Completed)
        .unwrap();
    t.end_episode(p3.1, day(2024, 8, 1), EndType::DroppedOut)
        .unwrap();
    t.withdraw_consent(p4.0, day(2024, 9, 1)).unwrap();
    t.end_episode(p6.1, day(2024, 12, 1), EndType::Died)
        .unwrap();

    let out = dir.path().join("batches");
    std::fs::create_dir_all(&out).unwrap();
    sync::export(&mut t, &out).unwrap();
    let store = dir.path().join("research");
    let opts = kohort_research::ImportOptions {
        enrol_unknown: true,
        ..Default::default()
    };
    let r = kohort_research::import_dir_with(&kohort_testkit::research_keys(), &out, &store, &opts)
        .unwrap();
    assert_eq!(r.refused().count(), 0, "{r:?}");
    let conn = kohort_research::db::open(&store, false).unwrap();
    for (id, d) in &days {
        let n = conn
            .execute(
                "UPDATE sessions SET started_at = ?2, completed_at = ?3 WHERE id = ?1",
                params![
                    id,
                    format!("{d}T09:00:00.000Z"),
                    format!("{d}T10:00:00.000Z")
                ],
            )
            .unwrap();
        assert_eq!(n, 1, "session {id}");
    }
    conn.execute(
        "UPDATE missed SET marked_at = '2024-05-20T12:00:00.000Z'",
        [],
    )
    .unwrap();
    let mut secrets = Vec::new();
    for q in [
        "SELECT study_code FROM participants",
        "SELECT id FROM participants",
        "SELECT id FROM episodes",
        "SELECT id FROM sessions",
    ] {
        let mut st = conn.prepare(q).unwrap();
        let rows = st.query_map([], |r| r.get::<_, String>(0)).unwrap();
        secrets.extend(rows.map(Result::unwrap));
    }
    secrets.extend([
        LABEL.to_owned(),
        FREE_TEXT.to_owned(),
        "In prison".to_owned(),
    ]);
    Cohort {
        dir,
        store,
        study,
        secrets,
    }
}

/// A report CSV as maps from column name to cell, one per row.
pub fn rows(dir: &Path, file: &str) -> Vec<BTreeMap<String, String>> {
    let all = read(&dir.join(file));
    all[1..]
        .iter()
        .map(|r| all[0].iter().cloned().zip(r.iter().cloned()).collect())
        .collect()
}
