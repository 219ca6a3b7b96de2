//! Seal and import throughput (answers per second) for a demo database,
//! beside raw AES-256-GCM over the same payload bytes in the same run, as a
//! ratio. Phases: collect (read and open the sessions from the tablet store,
//! replay them through the runner), seal (format 4, what `kohort export`
//! does: records to JSON, hashes, chunked HPKE, signature; format 3's
//! payload-then-seal beside it), import (verify, open, check and write into
//! a fresh research database).
//!
//! `KOHORT_BENCH_PARTICIPANTS` sets the size (default 200, about 900
//! sessions; about 2 300 give the 10 000 sessions of the issue). The
//! database is built in the temp dir (`TMPDIR=/dev/shm` makes that fast).
//! Or give a database made by `kohort demo` in KOHORT_BENCH_DB (passphrase
//! in KOHORT_BENCH_PASS, default the demo's); it is copied first.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::{Duration, Instant};

use aes_gcm::aead::{Aead, AeadInPlace, KeyInit, Payload as AeadPayload};
use aes_gcm::{Aes256Gcm, Nonce};
use kohort_batch::{self as batch, Header, NO_PREVIOUS, Payload, ResearchKeys};
use kohort_form::study::load_study;
use kohort_tablet::store::{Store, demo, key_file_of};
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
    let db = dir.path().join("t.db");
    let given = std::env::var_os("KOHORT_BENCH_DB");
    let pass = match given {
        Some(_) => std::env::var("KOHORT_BENCH_PASS").unwrap_or_else(|_| "demo-passphrase".into()),
        None => "bench passphrase".into(),
    };
    let mut store = if let Some(src) = given {
        let src = Path::new(&src);
        std::fs::copy(src, &db).unwrap();
        std::fs::copy(key_file_of(src), key_file_of(&db)).unwrap();
        Store::open(&db).unwrap().unlock(&pass).unwrap()
    } else {
        let (mut store, _) = Store::create(&db, "bench", &pass).unwrap();
        let t = Instant::now();
        let sum = demo::fill(&mut store, &study, participants, 1).unwrap();
        eprintln!(
            "demo database: {} participants, {} completed sessions, built in {:.1?}",
            sum.participants,
            sum.completed,
            t.elapsed()
        );
        store
    };
    let keys = ResearchKeys::from_secrets("hab", [7; 32], [8; 32]);
    let public = keys.public().unwrap();
    store
        .set_research_key(&public.render(), &public.fingerprint())
        .unwrap();

    let (t_collect, c) = time(|| sync::collect(&store).unwrap());
    // The records whole: the variables kept since completion put back in
    // (sessions completed by an older version have them already).
    let records: Vec<kohort_batch::SessionRecord> = c
        .records
        .iter()
        .zip(&c.variables_json)
        .map(|(r, json)| match json {
            Some(json) => kohort_batch::SessionRecord {
                variables: serde_json::from_slice(json).unwrap(),
                ..r.clone()
            },
            None => r.clone(),
        })
        .collect();
    let kept = c.variables_json.iter().flatten().count();
    let answers: usize = records
        .iter()
        .flat_map(|r| &r.variables)
        .filter(|v| v.state == "answered" || v.state == "declined")
        .count();
    let device = store.signing_key().unwrap();
    // Format 3, for comparison: the payload built, then sealed in one.
    let (t_payload, (mut payload, hashes)) =
        time(|| Payload::new(c.instruments.clone(), &records, c.audit.clone()).unwrap());
    payload.format = 3;
    let header = Header {
        format: 3,
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
        epoch: None,
    };
    let (t_frame, sealed) = time(|| {
        let mut rng = rand_core::UnwrapErr(rand_core::OsRng);
        batch::seal_hashed(&header, &payload, &public, &device, &mut rng).unwrap()
    });
    let t_seal3 = t_payload + t_frame;
    drop(sealed);
    // Format 4 straight from whole records (every variable written now),
    // then as export does it (the variables kept since completion copied).
    let whole = batch::Contents {
        instruments: &c.instruments,
        records: &records,
        audit: &c.audit,
        facts: &Default::default(),
        variables_json: &[],
    };
    let header = Header {
        format: kohort_batch::VERSION,
        record_hashes: Vec::new(),
        ..header
    };
    let (t_seal_whole, _) = time(|| {
        let mut rng = rand_core::UnwrapErr(rand_core::OsRng);
        batch::seal_records(header.clone(), whole, &public, &device, &mut rng).unwrap()
    });
    let contents = batch::Contents {
        records: &c.records,
        variables_json: &c.variables_json,
        ..whole
    };
    let (t_seal, (_, sealed)) = time(|| {
        let mut rng = rand_core::UnwrapErr(rand_core::OsRng);
        batch::seal_records(header.clone(), contents, &public, &device, &mut rng).unwrap()
    });
    let bytes = sealed.bytes;
    let in_dir = dir.path().join("in");
    std::fs::create_dir_all(&in_dir).unwrap();
    let v = batch::verify(&bytes).unwrap();
    std::fs::write(in_dir.join(v.header.file_name()), &bytes).unwrap();
    let mut run = 0;
    let (t_import, _) = time(|| {
        run += 1;
        let store_dir = dir.path().join(format!("research{run}"));
        // The bench's device is enrolled on its first batch, as in a pilot.
        let opts = kohort_research::ImportOptions {
            allow_demo: false,
            enrol_unknown: true,
        };
        let r = kohort_research::import_dir_with(&keys, &in_dir, &store_dir, &opts).unwrap();
        let imported = r.devices.values().map(|d| d.imported_now).sum::<usize>();
        assert_eq!(imported, 1, "the batch must be imported: {:?}", r.files);
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
    // The same, in place in a buffer already touched: what is left of the
    // floor without taking fresh memory from the system.
    let mut warm = plain.clone();
    let (t_warm, _) = time(|| {
        cipher
            .encrypt_in_place_detached(Nonce::from_slice(&[0; 12]), b"", &mut warm)
            .unwrap()
    });
    drop(warm);
    // What the old format's signature cost, and one SHA-256 pass, beside it.
    let (t_sha, _) = time(|| batch::digest::sha256(&bytes));
    let (t_ed, _) = time(|| ed25519_dalek::Signer::sign(&device, &bytes));
    let rate = |d: Duration| answers as f64 / d.as_secs_f64();
    drop(store);
    let (t_export, t_floor) = export_and_floor(dir.path(), &db, &pass, &cipher);
    println!(
        "{} sessions ({kept} with their record kept), {answers} answers, payload {:.1} MiB, \
         batch file {:.1} MiB; median of {RUNS}",
        c.records.len(),
        plain.len() as f64 / (1 << 20) as f64,
        bytes.len() as f64 / (1 << 20) as f64
    );
    println!(
        "raw AES-256-GCM  {:>10.0} answers/s  ({t_raw:.2?})",
        rate(t_raw)
    );
    for (name, d) in [
        ("AES in place", t_warm),
        ("SHA-256 of file", t_sha),
        ("Ed25519 of file", t_ed),
        ("collect", t_collect),
        ("format 3 seal", t_seal3),
        ("  Payload::new", t_payload),
        ("  seal_hashed", t_frame),
        ("format 4 seal", t_seal_whole),
        ("  as export", t_seal),
        ("import", t_import),
    ] {
        println!(
            "{name:<16} {:>10.0} answers/s  ({d:.2?})  {:.2}x the AES speed",
            rate(d),
            t_raw.as_secs_f64() / d.as_secs_f64()
        );
    }
    println!(
        "kohort export     {t_export:.2?} end to end; the floor (read a file of the batch's \
         size, AES-256-GCM seal it, write and fsync it) {t_floor:.2?}: {:.1}x the floor",
        t_export.as_secs_f64() / t_floor.as_secs_f64()
    );
}

/// `kohort export` end to end on fresh copies of the database (each run
/// seals everything again), and the floor it is measured against, both
/// medians of the same number of runs.
fn export_and_floor(dir: &Path, db: &Path, pass: &str, cipher: &Aes256Gcm) -> (Duration, Duration) {
    let mut times = Vec::new();
    let mut file = None;
    for run in 0..RUNS {
        let copy = dir.join(format!("export{run}.db"));
        std::fs::copy(db, &copy).unwrap();
        std::fs::copy(key_file_of(db), key_file_of(&copy)).unwrap();
        let mut store = Store::open(&copy).unwrap().unlock(pass).unwrap();
        let out = dir.join(format!("outbox{run}"));
        std::fs::create_dir_all(&out).unwrap();
        let t = Instant::now();
        let done = sync::export(&mut store, &out).unwrap();
        times.push(t.elapsed());
        if let sync::Exported::Batch { path, .. } = done {
            file = Some(path);
        }
    }
    let file = file.expect("the export wrote a batch");
    let (t_floor, _) = time(|| {
        let bytes = std::fs::read(&file).unwrap();
        let sealed = cipher
            .encrypt(Nonce::from_slice(&[0; 12]), bytes.as_slice())
            .unwrap();
        let mut f = std::fs::File::create(dir.join("floor.bin")).unwrap();
        std::io::Write::write_all(&mut f, &sealed).unwrap();
        f.sync_all().unwrap();
    });
    (median(times), t_floor)
}
