//! Seal and import throughput (answers per second) for a demo database,
//! beside raw AES-256-GCM over the same payload bytes in the same run, as a
//! ratio. Phases: collect (read and open the sessions from the tablet store,
//! replay them through the runner), seal (JSON + HPKE + signature), import
//! (verify, open, check and write into a fresh research database).
//!
//! `KOHORT_BENCH_PARTICIPANTS` sets the size (default 200, about 900
//! sessions; about 2 300 give the 10 000 sessions of the issue). The
//! database is built in the temp dir (`TMPDIR=/dev/shm` makes that fast).
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::{Duration, Instant};

use aes_gcm::aead::{Aead, KeyInit, Payload as AeadPayload};
use aes_gcm::{Aes256Gcm, Nonce};
use kohort_batch::{self as batch, Header, NO_PREVIOUS, Payload, ResearchKeys};
use kohort_form::study::load_study;
use kohort_tablet::store::{Store, demo};
use kohort_tablet::sync;

const RUNS: usize = 5;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..RUNS {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed());
    }
    (median(times), last.unwrap())
}

fn main() {
    let participants: usize = std::env::var("KOHORT_BENCH_PARTICIPANTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let dir = tempfile::tempdir().unwrap();
    let forms = Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    let study = load_study(&forms).unwrap().0;
    let (mut store, _) =
        Store::create(&dir.path().join("t.db"), "bench", "bench passphrase").unwrap();
    let t = Instant::now();
    let sum = demo::fill(&mut store, &study, participants, 1).unwrap();
    eprintln!(
        "demo database: {} participants, {} completed sessions, built in {:.1?}",
        sum.participants,
        sum.completed,
        t.elapsed()
    );
    let keys = ResearchKeys::from_secrets("hab", [7; 32], [8; 32]);
    let public = keys.public().unwrap();
    store
        .set_research_key(&public.render(), &public.fingerprint())
        .unwrap();

    let (t_collect, c) = time(|| sync::collect(&store).unwrap());
    let answers: usize = c
        .records
        .iter()
        .flat_map(|r| &r.variables)
        .filter(|v| v.state == "answered" || v.state == "declined")
        .count();
    let device = store.signing_key().unwrap();
    let (t_seal, bytes) = time(|| {
        let (payload, hashes) =
            Payload::new(c.instruments.clone(), &c.records, c.audit.clone()).unwrap();
        let header = Header {
            format: kohort_batch::VERSION,
            study_id: "hab".into(),
            device_id: store.device().unwrap().id.to_string(),
            device_key: hex::encode(device.verifying_key().to_bytes()),
            seq: 1,
            prev_hash: NO_PREVIOUS.into(),
            created_at: "bench".into(),
            research_key: public.fingerprint(),
            record_count: hashes.len() as u64,
            record_hashes: hashes,
            demo: false,
        };
        let mut rng = rand_core::UnwrapErr(rand_core::OsRng);
        batch::seal(&header, &payload, &public, &device, &mut rng).unwrap()
    });
    let in_dir = dir.path().join("in");
    std::fs::create_dir_all(&in_dir).unwrap();
    let v = batch::verify(&bytes).unwrap();
    std::fs::write(in_dir.join(v.header.file_name()), &bytes).unwrap();
    let mut run = 0;
    let (t_import, _) = time(|| {
        run += 1;
        let store_dir = dir.path().join(format!("research{run}"));
        let r = kohort_research::import_dir(&keys, &in_dir, &store_dir).unwrap();
        assert_eq!(r.refused().count(), 0);
    });
    // The same plaintext size, raw AES-256-GCM, one shot.
    let plain = serde_json::to_vec(&batch::open(&v, &keys).unwrap().payload).unwrap();
    let cipher = Aes256Gcm::new_from_slice(&[9; 32]).unwrap();
    let (t_raw, _) = time(|| {
        cipher
            .encrypt(
                Nonce::from_slice(&[0; 12]),
                AeadPayload {
                    msg: &plain,
                    aad: b"",
                },
            )
            .unwrap()
    });
    let rate = |d: Duration| answers as f64 / d.as_secs_f64();
    println!(
        "{} sessions, {answers} answers, payload {:.1} MiB, batch file {:.1} MiB; median of {RUNS}",
        c.records.len(),
        plain.len() as f64 / (1 << 20) as f64,
        bytes.len() as f64 / (1 << 20) as f64
    );
    println!(
        "raw AES-256-GCM  {:>10.0} answers/s  ({t_raw:.2?})",
        rate(t_raw)
    );
    for (name, d) in [
        ("collect", t_collect),
        ("seal", t_seal),
        ("import", t_import),
    ] {
        println!(
            "{name:<16} {:>10.0} answers/s  ({d:.2?})  raw AES is {:.1}x faster",
            rate(d),
            d.as_secs_f64() / t_raw.as_secs_f64()
        );
    }
}
