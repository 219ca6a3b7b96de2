//! Crash safety: a child process saves answers in a loop and prints each
//! one after its commit returns; the parent SIGKILLs it at random moments.
//! After every kill the database passes `integrity_check`, every printed
//! answer is there and opens, and the audit chain verifies.
//!
//! Rounds: `KOHORT_CRASH_ROUNDS` (default 50).
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use kohort_form::{Answer, AnswerValue};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use kohort_testkit::{consent, create, date, reopen};

const CHILD_ENV: &str = "KOHORT_CRASH_CHILD";

/// One short instrument: cheap to load and to re-check every round.
fn small_questionnaire() -> kohort_form::study::Questionnaire {
    let inst =
        kohort_form::load::instrument_file(&kohort_testkit::forms_dir().join("health_today.json"))
            .0
            .unwrap();
    kohort_form::study::Questionnaire {
        form_id: "crash".into(),
        title: inst.title.clone(),
        respondent: inst.respondent,
        instruments: vec![std::sync::Arc::new(inst)],
        params: Default::default(),
    }
}

/// Child mode: does nothing unless the parent set `KOHORT_CRASH_CHILD`.
#[test]
fn crash_child() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut parts = spec.split('|');
    let (path, pid, ep, round) = (
        parts.next().unwrap(),
        parts.next().unwrap().parse::<Uuid>().unwrap(),
        parts.next().unwrap().parse::<Uuid>().unwrap(),
        parts.next().unwrap().parse::<u32>().unwrap(),
    );
    let mut store = reopen(Path::new(path));
    let q = small_questionnaire();
    let mut out = std::io::stdout().lock();
    // Unlocking (Argon2id) takes a while, longer on a busy machine: the
    // parent starts its random wait only now.
    writeln!(out, "READY").unwrap();
    out.flush().unwrap();
    let mut session = store.start_session(pid, ep, &q).unwrap();
    writeln!(out, "SESSION {session}").unwrap();
    for i in 0u32.. {
        // Lifecycle changes write audit entries, so kills land in those too.
        if i % 25 == 24 {
            store.pause_session(session).unwrap();
            session = store.start_session(pid, ep, &q).unwrap();
            writeln!(out, "SESSION {session}").unwrap();
        }
        let item = format!("r{round}_i{i}");
        let value = i64::from(round) * 1_000_000 + i64::from(i);
        store
            .save_answer(session, &item, &Answer::Value(AnswerValue::Int(value)))
            .unwrap();
        writeln!(out, "SAVED {session} {item} {value}").unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn killed_writer_loses_nothing_it_reported() {
    let rounds: u32 = std::env::var("KOHORT_CRASH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    let (mut store, _) = create(&path);
    let (pid, ep) = store
        .enrol("T-1", "OSL", None, &consent(), date(2025, 1, 1))
        .unwrap();
    drop(store);
    let mut rng = ChaCha8Rng::seed_from_u64(2024);
    let mut expected = BTreeMap::new();
    for round in 0..rounds {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "crash::crash_child",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, format!("{}|{pid}|{ep}|{round}", path.display()))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // The test harness prints its own words first ("test … ... READY").
        while !lines
            .recv_timeout(Duration::from_secs(120))
            .unwrap()
            .ends_with("READY")
        {}
        // Anywhere from "before the first save" to "mid-stream".
        std::thread::sleep(Duration::from_millis(rng.gen_range(20..300)));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        reader.join().unwrap();
        let mut this_round = BTreeMap::new();
        for line in lines.try_iter() {
            let f: Vec<&str> = line.split(' ').collect();
            if let ["SAVED", s, item, value] = f[..] {
                this_round.insert(
                    (s.parse().unwrap(), item.to_owned()),
                    value.parse().unwrap(),
                );
            }
        }
        check(&path, &this_round, round);
        expected.extend(this_round);
    }
    // And at the end, everything from every round at once.
    check(&path, &expected, rounds);
    assert!(
        expected.len() > rounds as usize,
        "the child saved too little: {}",
        expected.len()
    );
}

fn check(path: &Path, expected: &BTreeMap<(Uuid, String), i64>, round: u32) {
    // Unlocking checks every page's HMAC; then SQLite's own structure.
    let store = reopen(path);
    let ok: String = store
        .sql()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok", "round {round}");
    assert_eq!(
        store.verify_audit().unwrap().map(|_| ()),
        Ok(()),
        "round {round}"
    );
    let mut by_session: BTreeMap<Uuid, Vec<(&String, i64)>> = BTreeMap::new();
    for ((s, item), v) in expected {
        by_session.entry(*s).or_default().push((item, *v));
    }
    for (s, items) in by_session {
        let loaded = store.load_session(s).unwrap();
        for (item, v) in items {
            assert_eq!(
                loaded.answers.get(item),
                Some(&Answer::Value(AnswerValue::Int(v))),
                "round {round}: {item} lost"
            );
        }
    }
}
