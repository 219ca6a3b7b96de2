//! Save latency of one answer through the store (seal + own transaction on
//! the SQLCipher-encrypted file, synchronous=FULL) beside a raw rusqlite
//! insert + commit on a plain SQLite file with the same pragmas, and the
//! store's save latency with 1 000 and 1 000 000 answers already present.
//! Prints median and p99 of its own samples and their ratios to raw, and
//! the unlock time (Argon2id at today's parameters), then runs the same
//! cases under criterion.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::Criterion;
use kohort_form::study::load_study;
use kohort_form::{Answer, AnswerValue};
use kohort_tablet::store::{Consent, Delay, Store};
use rusqlite::{Connection, params};
use uuid::Uuid;

const PASS: &str = "bench tablet passphrase in four words";
const SAMPLES: usize = 400;

struct Case {
    store: Store,
    session: Uuid,
    next: u64,
}

impl Case {
    fn save(&mut self) {
        self.next += 1;
        let item = format!("bench{}", self.next);
        let a = Answer::Value(AnswerValue::Int(self.next as i64));
        self.store.save_answer(self.session, &item, &a).unwrap();
    }
}

/// A store with one session and `prefill` answer rows in it.
fn store_case(dir: &Path, prefill: u64) -> Case {
    let path = dir.join(format!("store{prefill}.db"));
    let forms = Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    let q = load_study(&forms)
        .unwrap()
        .0
        .questionnaire("baseline")
        .unwrap();
    let (mut store, _) = Store::create(&path, "bench", PASS).unwrap();
    let consent = Consent {
        date: chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        version: "1".into(),
        contact_interview: false,
        contact_relatives: false,
        withdrawn_at: None,
    };
    let (pid, ep) = store
        .enrol("B-1", "OSL", None, &consent, consent.date)
        .unwrap();
    let session = store.start_session(pid, ep, &q).unwrap();
    if prefill > 0 {
        // Raw rows in one transaction: fast to make, same size as real ones.
        let conn = store.sql();
        conn.execute_batch("BEGIN").unwrap();
        {
            let mut st = conn
                .prepare("INSERT INTO answers (session, item_tag, value, updated_at) VALUES (?1, ?2, ?3, ?4)")
                .unwrap();
            let value = [7u8; 60];
            let sid = session.to_string();
            for i in 0..prefill {
                let mut tag = [0u8; 16];
                tag[..8].copy_from_slice(&(i.wrapping_mul(0x9E37_79B9_7F4A_7C15)).to_be_bytes());
                st.execute(params![
                    sid,
                    &tag[..],
                    &value[..],
                    "2025-01-01T00:00:00.000Z"
                ])
                .unwrap();
            }
        }
        conn.execute_batch("COMMIT").unwrap();
    }
    drop(store);
    let mut locked = Store::open(&path).unwrap();
    locked.set_delay(Delay::None);
    Case {
        store: locked.unlock(PASS).unwrap(),
        session,
        next: 0,
    }
}

struct Raw {
    conn: Connection,
    next: u64,
}

impl Raw {
    fn new(dir: &Path) -> Raw {
        let conn = Connection::open(dir.join("raw.db")).unwrap();
        conn.busy_timeout(Duration::from_secs(5)).unwrap();
        let _: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .unwrap();
        conn.execute_batch(
            "PRAGMA synchronous = FULL; PRAGMA secure_delete = ON; PRAGMA foreign_keys = ON;
             PRAGMA temp_store = MEMORY;
             CREATE TABLE answers (session TEXT NOT NULL, item TEXT NOT NULL, value BLOB NOT NULL,
                 updated_at TEXT NOT NULL, PRIMARY KEY (session, item)) WITHOUT ROWID;",
        )
        .unwrap();
        Raw { conn, next: 0 }
    }

    fn save(&mut self) {
        self.next += 1;
        let tx = self.conn.transaction().unwrap();
        tx.prepare_cached("INSERT INTO answers VALUES (?1, ?2, ?3, ?4)")
            .unwrap()
            .execute(params![
                "s",
                format!("bench{}", self.next),
                &[7u8; 60][..],
                "2025-01-01T00:00:00.000Z"
            ])
            .unwrap();
        tx.commit().unwrap();
    }
}

/// Median and p99 of each case, sampled round-robin so that background
/// load (fsync jitter, other processes) falls on all cases alike.
fn stats(cases: &mut [&mut dyn FnMut()]) -> Vec<(Duration, Duration)> {
    let mut times = vec![Vec::with_capacity(SAMPLES); cases.len()];
    for round in 0..SAMPLES + 20 {
        for (f, t) in cases.iter_mut().zip(times.iter_mut()) {
            let s = Instant::now();
            f();
            if round >= 20 {
                t.push(s.elapsed());
            }
        }
    }
    times
        .into_iter()
        .map(|mut t| {
            t.sort();
            (t[SAMPLES / 2], t[SAMPLES * 99 / 100])
        })
        .collect()
}

fn main() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let mut raw = Raw::new(dir.path());
    let mut empty = store_case(dir.path(), 0);
    let mut k1 = store_case(dir.path(), 1_000);
    let fill = Instant::now();
    let mut m1 = store_case(dir.path(), 1_000_000);
    println!("filled 1 000 000 answers in {:.1?}", fill.elapsed());

    let r = stats(&mut [
        &mut || raw.save(),
        &mut || empty.save(),
        &mut || k1.save(),
        &mut || m1.save(),
    ]);
    let [
        (raw_med, raw_p99),
        (st_med, st_p99),
        (k_med, k_p99),
        (m_med, m_p99),
    ] = r[..]
    else {
        return;
    };
    println!("save latency, {SAMPLES} samples each (median / p99):");
    println!("  raw rusqlite insert+commit : {raw_med:>10.1?} / {raw_p99:>10.1?}");
    println!("  store.save_answer (empty)  : {st_med:>10.1?} / {st_p99:>10.1?}");
    println!("  store, 1 000 answers       : {k_med:>10.1?} / {k_p99:>10.1?}");
    println!("  store, 1 000 000 answers   : {m_med:>10.1?} / {m_p99:>10.1?}");
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!(
        "  ratio store/raw            : {:.2} median, {:.2} p99 (goal <= 1.25 at p99)",
        ratio(st_med, raw_med),
        ratio(st_p99, raw_p99)
    );
    println!("  ratio 1M/empty (medians)   : {:.2}", ratio(m_med, st_med));

    // Unlock: the key file read, Argon2id (64 MiB, t=3), the page check.
    let (path, session, next) = (empty.store.path().to_owned(), empty.session, empty.next);
    drop(empty);
    let mut unlocks: Vec<Duration> = (0..5)
        .map(|_| {
            let mut locked = Store::open(&path).unwrap();
            locked.set_delay(Delay::None);
            let s = Instant::now();
            let store = locked.unlock(PASS).unwrap();
            let t = s.elapsed();
            drop(store);
            t
        })
        .collect();
    unlocks.sort();
    println!(
        "unlock (5 runs): median {:.0?}, slowest {:.0?} (goal <= 1.5 s)",
        unlocks[2], unlocks[4]
    );
    let mut empty = Case {
        store: {
            let mut locked = Store::open(&path).unwrap();
            locked.set_delay(Delay::None);
            locked.unlock(PASS).unwrap()
        },
        session,
        next,
    };

    let mut c = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let mut g = c.benchmark_group("save_answer");
    g.bench_function("raw_insert_commit", |b| b.iter(|| raw.save()));
    g.bench_function("store_empty", |b| b.iter(|| empty.save()));
    g.bench_function("store_1k", |b| b.iter(|| k1.save()));
    g.bench_function("store_1m", |b| b.iter(|| m1.save()));
    g.finish();
    c.final_summary();
}
