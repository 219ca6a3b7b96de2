//! A demo research store built the real way: tablet demo data (and one
//! participant whose medication registrations are scripted), exported as
//! a batch and imported. Facts batches do not carry yet are then written
//! into research.db directly, as a later batch format will.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rusqlite::params;

use kohort_form::runner::Runner;
use kohort_form::study::Study;
use kohort_research::dataset::{self, Options};
use kohort_research::db;
use kohort_tablet::store::{Store, demo};
use kohort_tablet::sync;

/// The scripted participant: medication registered at months 1, 4 and 13
/// of an episode anchored on [`ANCHOR`]; months 7 and 10 were missed.
pub const CODE: &str = "HAB-OSL-9001";
pub const ANCHOR: (i32, u32, u32) = (2024, 1, 10);
/// The days the three registrations were done (occurrences 0, 1 and 4).
pub const DONE: [(i32, u32, u32); 3] = [(2024, 2, 12), (2024, 5, 8), (2025, 2, 20)];
/// A participant who withdrew consent.
pub const WITHDRAWN: &str = "HAB-BGO-9002";
/// The day the files are computed for.
pub const AS_OF: (i32, u32, u32) = (2025, 6, 1);

pub fn date((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub struct Demo {
    pub dir: tempfile::TempDir,
    pub store: PathBuf,
    pub study: Study,
}

impl Demo {
    pub fn conn(&self) -> rusqlite::Connection {
        db::open(&self.store, false).unwrap()
    }

    /// Writes the analysis files into `name` under the demo's folder.
    pub fn write(&self, name: &str, opts: &Options) -> PathBuf {
        let out = self.dir.path().join(name);
        dataset::write(&self.store, &self.study, &out, opts).unwrap();
        out
    }

    pub fn options() -> Options {
        Options {
            as_of: Some(date(AS_OF)),
            seed: Some(7),
            ..Options::default()
        }
    }
}

/// Answers a whole questionnaire with random values and completes it.
fn answer(store: &mut Store, ids: (uuid::Uuid, uuid::Uuid), form: &str, n: u32, seed: u64) {
    let study = kohort_testkit::study();
    let q = study.questionnaire(form).unwrap();
    let sid = store.start_occurrence(ids.0, ids.1, &q, n).unwrap();
    let mut runner = Runner::new(q);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    while let Some(item) = runner.current().map(|c| c.item.clone()) {
        for id in demo::answer_screen(&mut runner, &item, &mut rng) {
            if let Some(a) = runner.answer(&id).cloned() {
                store.save_answer(sid, &id, &a).unwrap();
            }
        }
        runner.next();
        let seen = runner.seen().clone();
        store
            .set_position(sid, runner.position_id(), &seen)
            .unwrap();
    }
    store.complete_session(sid).unwrap();
}

pub fn build() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let study = kohort_testkit::study();
    let mut tablet = kohort_testkit::tablet(&dir.path().join("t.db"));
    demo::fill(&mut tablet, &study, 8, 11).unwrap();
    let anchor = date(ANCHOR);
    let ids = tablet
        .enrol(CODE, "OSL", None, &kohort_testkit::consent(), anchor)
        .unwrap();
    for (i, n) in [0, 1, 4].into_iter().enumerate() {
        answer(&mut tablet, ids, "medication", n, 100 + i as u64);
    }
    let gone = tablet
        .enrol(WITHDRAWN, "BGO", None, &kohort_testkit::consent(), anchor)
        .unwrap();
    answer(&mut tablet, gone, "baseline", 0, 200);
    tablet.withdraw_consent(gone.0, date((2024, 6, 1))).unwrap();
    let out = dir.path().join("batches");
    std::fs::create_dir_all(&out).unwrap();
    sync::export(&mut tablet, &out).unwrap();
    let store = dir.path().join("research");
    let opts = kohort_research::ImportOptions {
        enrol_unknown: true,
        ..Default::default()
    };
    let report =
        kohort_research::import_dir_with(&kohort_testkit::research_keys(), &out, &store, &opts)
            .unwrap();
    assert_eq!(report.refused().count(), 0);
    let demo = Demo { dir, store, study };
    date_sessions(&demo.conn(), &ids.0.to_string(), &DONE);
    date_sessions(&demo.conn(), &gone.0.to_string(), &[(2024, 1, 15)]);
    demo
}

/// Dates a participant's sessions as a clinic would have done them (the
/// tablet stamps them with the time the test ran).
fn date_sessions(conn: &rusqlite::Connection, participant: &str, days: &[(i32, u32, u32)]) {
    let mut st = conn
        .prepare("SELECT id FROM sessions WHERE participant = ?1 ORDER BY started_at, id")
        .unwrap();
    let ids: Vec<String> = st
        .query_map([participant], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(ids.len(), days.len());
    for (id, day) in ids.iter().zip(days) {
        let d = date(*day);
        conn.execute(
            "UPDATE sessions SET started_at = ?2, completed_at = ?3 WHERE id = ?1",
            params![
                id,
                format!("{d}T09:00:00.000Z"),
                format!("{d}T09:40:00.000Z")
            ],
        )
        .unwrap();
    }
}

/// The research database's participant id of a study code.
pub fn participant(conn: &rusqlite::Connection, code: &str) -> String {
    conn.query_row(
        "SELECT id FROM participants WHERE study_code = ?1",
        [code],
        |r| r.get(0),
    )
    .unwrap()
}

/// A CSV file as rows of strings (the header first).
pub fn read(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// The cells of one column, by name.
pub fn column(rows: &[Vec<String>], name: &str) -> Vec<String> {
    let i = rows[0]
        .iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    rows[1..].iter().map(|r| r[i].clone()).collect()
}
