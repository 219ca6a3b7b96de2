//! Tablet → batch → research store: every saved answer arrives with its
//! state, and damaged, foreign, replayed or out-of-order batches are refused
//! or reported without leaving anything half-imported.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use kohort_batch::{self as batch, ResearchKeys};
use kohort_form::ItemState;
use kohort_research::{FileOutcome, db};
use kohort_tablet::store::{SessionFilter, SessionStatus, Store, demo};
use kohort_tablet::sync::{self, Exported};

struct Tablet {
    store: Store,
    study: kohort_form::study::Study,
    seed: u64,
}

impl Tablet {
    fn new(dir: &Path, name: &str, keys: &ResearchKeys) -> Tablet {
        let (mut store, _) = kohort_testkit::create(&dir.join(format!("{name}.db")));
        let public = keys.public().unwrap();
        store
            .set_research_key(&public.render(), &public.fingerprint())
            .unwrap();
        Tablet {
            store,
            study: kohort_testkit::study(),
            seed: 1,
        }
    }

    /// Adds participants with answered sessions and exports a batch.
    fn batch(&mut self, participants: usize, out: &Path) -> PathBuf {
        self.seed += 1;
        demo::fill(&mut self.store, &self.study, participants, self.seed).unwrap();
        fs::create_dir_all(out).unwrap();
        match sync::export(&mut self.store, out).unwrap() {
            Exported::Batch { path, .. } => path,
            Exported::Nothing => panic!("expected a batch"),
        }
    }
}

/// Imports as a pilot would (devices enrolled on their first batch): these
/// tests are about the batches; enrolment is tested in `devices.rs`.
fn import(dir: &Path, store: &Path) -> kohort_research::ImportReport {
    let opts = kohort_research::ImportOptions {
        enrol_unknown: true,
        ..Default::default()
    };
    kohort_research::import_dir_with(&kohort_testkit::research_keys(), dir, store, &opts).unwrap()
}

/// Copies some files into a fresh folder, to import just those.
fn only(files: &[&Path], dir: &Path) -> PathBuf {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir).unwrap();
    for f in files {
        fs::copy(f, dir.join(f.file_name().unwrap())).unwrap();
    }
    dir.to_owned()
}

fn put(bytes: &[u8], name: &str, dir: &Path) -> PathBuf {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join(name), bytes).unwrap();
    dir.to_owned()
}

/// Row counts of every table of the research database.
fn counts(store: &Path) -> Vec<i64> {
    let conn = db::open(store, true).unwrap();
    [
        "devices",
        "batches",
        "sessions",
        "variables",
        "participants",
        "episodes",
        "audit",
    ]
    .iter()
    .map(|t| {
        conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap()
    })
    .collect()
}

fn refusal(report: &kohort_research::ImportReport) -> String {
    let r: Vec<_> = report.refused().collect();
    assert_eq!(r.len(), 1, "expected one refusal: {:?}", report.files);
    r[0].1.to_owned()
}

#[test]
fn every_saved_answer_arrives_with_its_state() {
    let dir = tempfile::tempdir().unwrap();
    let mut tablet = Tablet::new(dir.path(), "a", &kohort_testkit::research_keys());
    let out = dir.path().join("out");
    tablet.batch(4, &out);
    assert_eq!(
        sync::export(&mut tablet.store, &out).unwrap(),
        Exported::Nothing
    );
    let store_dir = dir.path().join("research");
    let report = import(&out, &store_dir);
    assert_eq!(report.refused().count(), 0);

    let conn = db::open(&store_dir, false).unwrap();
    let completed = tablet
        .store
        .list_sessions(&SessionFilter {
            status: Some(SessionStatus::Completed),
            participant: None,
        })
        .unwrap();
    assert!(!completed.is_empty());
    let score_ids: Vec<String> = tablet
        .study
        .instruments
        .iter()
        .flat_map(|i| i.items.iter())
        .filter(|i| matches!(i.kind, kohort_form::ItemKind::Score { .. }))
        .map(|i| i.id.clone())
        .collect();
    let mut scores = 0;
    for s in &completed {
        let loaded = tablet.store.load_session(s.id).unwrap();
        let outcome = loaded.into_runner().outcome();
        let mut st = conn
            .prepare("SELECT name, state, value FROM variables WHERE session = ?1 ORDER BY ordinal")
            .unwrap();
        let got: Vec<(String, String, Option<String>)> = st
            .query_map([s.id.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(got.len(), outcome.len(), "session {}", s.id);
        for ((name, state), (gname, gstate, gvalue)) in outcome.iter().zip(&got) {
            assert_eq!(name, gname);
            assert_eq!(state.name(), gstate, "{name}");
            let want = match state {
                ItemState::Answered(v) => Some(serde_json::to_string(v).unwrap()),
                _ => None,
            };
            assert_eq!(&want, gvalue, "{name}");
            if score_ids.contains(name) && gvalue.is_some() {
                scores += 1;
            }
        }
    }
    assert!(scores > 0, "no derived score arrived with a value");
    // Sessions not completed stay on the tablet.
    let n: i64 = conn
        .query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n as usize, completed.len());
}

#[test]
fn a_flipped_byte_anywhere_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut tablet = Tablet::new(dir.path(), "a", &kohort_testkit::research_keys());
    let file = tablet.batch(1, &dir.path().join("out"));
    let bytes = fs::read(&file).unwrap();
    let keys = kohort_testkit::research_keys();
    // Every byte of the framing and header, and a spread over the rest.
    let step = (bytes.len() / 400).max(1);
    let positions: Vec<usize> = (0..bytes.len().min(2000))
        .chain((2000..bytes.len()).step_by(step))
        .chain([bytes.len() - 1])
        .collect();
    for &i in &positions {
        let mut b = bytes.clone();
        b[i] ^= 0x01;
        let ok = batch::verify(&b)
            .and_then(|v| batch::open(&v, &keys))
            .is_ok();
        assert!(!ok, "a flip at byte {i} of {} went unnoticed", bytes.len());
    }
    // Through the importer: refused, nothing written.
    let mut b = bytes.clone();
    let mid = b.len() / 2;
    b[mid] ^= 0x80;
    let store = dir.path().join("research");
    let name = file.file_name().unwrap().to_str().unwrap();
    let report = import(&put(&b, name, &dir.path().join("bad")), &store);
    assert!(refusal(&report).contains("signature"));
    assert_eq!(counts(&store), vec![0; 7]);
}

#[test]
fn truncated_and_padded_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut tablet = Tablet::new(dir.path(), "a", &kohort_testkit::research_keys());
    let file = tablet.batch(1, &dir.path().join("out"));
    let bytes = fs::read(&file).unwrap();
    for len in [
        0,
        5,
        8,
        13,
        100,
        bytes.len() / 2,
        bytes.len() - 64,
        bytes.len() - 1,
    ] {
        assert!(batch::verify(&bytes[..len]).is_err(), "length {len}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(batch::verify(&longer).is_err());
    let store = dir.path().join("research");
    let name = file.file_name().unwrap().to_str().unwrap();
    let report = import(
        &put(&bytes[..bytes.len() - 1], name, &dir.path().join("t")),
        &store,
    );
    assert!(refusal(&report).contains("truncated"));
    assert_eq!(counts(&store), vec![0; 7]);
}

#[test]
fn a_swapped_header_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut tablet = Tablet::new(dir.path(), "a", &kohort_testkit::research_keys());
    let out = dir.path().join("out");
    let one = fs::read(tablet.batch(1, &out)).unwrap();
    let two = fs::read(tablet.batch(1, &out)).unwrap();
    // Batch 2's header on batch 1's sealed payload (and signature). In
    // format 4 the header follows the chunks: walk them to find it.
    let header_at = |b: &[u8]| {
        let mut at = 44;
        loop {
            let word = u32::from_be_bytes(b[at..at + 4].try_into().unwrap());
            at += 4 + (word & !(1 << 31)) as usize;
            if word & (1 << 31) != 0 {
                return at;
            }
        }
    };
    assert_eq!(u16::from_be_bytes([one[8], one[9]]), 4);
    let mut swapped = one[..header_at(&one)].to_vec();
    swapped.extend_from_slice(&two[header_at(&two)..two.len() - 64]);
    swapped.extend_from_slice(&one[one.len() - 64..]);
    let store = dir.path().join("research");
    let report = import(
        &put(&swapped, "x-000002.kohort", &dir.path().join("s")),
        &store,
    );
    assert!(refusal(&report).contains("signature"));
    assert_eq!(counts(&store), vec![0; 7]);
}

#[test]
fn another_devices_signature_or_key_is_refused_until_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Tablet::new(dir.path(), "a", &kohort_testkit::research_keys());
    let mut b = Tablet::new(dir.path(), "b", &kohort_testkit::research_keys());
    let store = dir.path().join("research");
    let a1 = a.batch(1, &dir.path().join("a"));
    assert_eq!(
        import(&only(&[&a1], &dir.path().join("in")), &store)
            .refused()
            .count(),
        0
    );
    let before = counts(&store);

    // A's batch 2 re-signed by B: the signature does not verify with A's key.
    let a2 = a.batch(1, &dir.path().join("a"));
    let mut bytes = fs::read(&a2).unwrap();
    let n = bytes.len();
    let sig = ed25519_dalek::Signer::sign(&b.store.signing_key().unwrap(), &bytes[..n - 64]);
    bytes[n - 64..].copy_from_slice(&sig.to_bytes());
    let name = a2.file_name().unwrap().to_str().unwrap();
    let report = import(&put(&bytes, name, &dir.path().join("x")), &store);
    assert!(refusal(&report).contains("signature"));
    assert_eq!(counts(&store), before);

    // A batch claiming to be from A but carrying B's key (a reinstalled
    // tablet, or an impostor): refused until trusted.
    let b1 = b.batch(1, &dir.path().join("b"));
    let v_bytes = fs::read(&b1).unwrap();
    let v = batch::verify(&v_bytes).unwrap();
    let opened = batch::open(&v, &kohort_testkit::research_keys()).unwrap();
    let mut header = v.header.clone();
    header.device_id = a.store.device().unwrap().id.to_string();
    header.seq = 2;
    header.prev_hash = batch::digest::sha256_hex(&fs::read(&a1).unwrap());
    let forged = batch::seal(
        &header,
        &opened.payload,
        &kohort_testkit::research_keys().public().unwrap(),
        &b.store.signing_key().unwrap(),
        &mut rand_core::UnwrapErr(rand_core::OsRng),
    )
    .unwrap();
    let in_dir = put(&forged, &header.file_name(), &dir.path().join("f"));
    let report = import(&in_dir, &store);
    assert_eq!(report.refused().count(), 0, "{report:?}");
    let held = match &report.files[0].1 {
        FileOutcome::Held { reason, .. } => reason.clone(),
        o => panic!("expected it held: {o:?}"),
    };
    assert!(held.contains("key not enrolled"), "{held}");
    assert_eq!(counts(&store), before);

    // Trusting needs the fingerprint read at the clinic, and it must match.
    let held_file = store.join("held").join(header.file_name());
    assert!(held_file.is_file() && !in_dir.join(header.file_name()).exists());
    let a_fp = a.store.device().unwrap().fingerprint();
    let wrong = kohort_research::trust::trust_file(&store, &held_file, &a_fp);
    assert!(wrong.unwrap_err().to_string().contains("do not trust it"));
    let b_fp = b.store.device().unwrap().fingerprint();
    kohort_research::trust::trust_file(&store, &held_file, &b_fp).unwrap();
    // The key is now trusted, but B's audit chain under A's device id
    // forks A's chain: still held, and nothing written.
    let report = import(&store.join("held"), &store);
    let FileOutcome::Held { reason, .. } = &report.files[0].1 else {
        panic!("{report:?}");
    };
    assert!(reason.contains("forks"), "{reason}");
    assert_eq!(counts(&store)[1..], before[1..]);
    assert!(held_file.is_file());
}

#[test]
fn replays_are_harmless_and_conflicting_replays_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut tablet = Tablet::new(dir.path(), "a", &kohort_testkit::research_keys());
    let out = dir.path().join("out");
    tablet.batch(2, &out);
    let store = dir.path().join("research");
    import(&out, &store);
    let before = counts(&store);
    let report = import(&out, &store);
    assert!(matches!(
        report.files[0].1,
        FileOutcome::AlreadyImported { .. }
    ));
    assert_eq!(counts(&store), before);

    // A copy of the tablet's database makes a different batch 2.
    let db = tablet.store.path().to_owned();
    let copy = dir.path().join("copy.db");
    for ext in ["", "-wal", "-shm", ".keys"] {
        let from = PathBuf::from(format!("{}{ext}", db.display()));
        if from.exists() {
            fs::copy(&from, format!("{}{ext}", copy.display())).unwrap();
        }
    }
    let two = tablet.batch(1, &dir.path().join("two"));
    let mut twin = Tablet {
        store: kohort_testkit::reopen(&copy),
        study: kohort_testkit::study(),
        seed: 99,
    };
    let other_two = twin.batch(1, &dir.path().join("other"));
    assert_eq!(two.file_name(), other_two.file_name());
    assert_eq!(
        import(&only(&[&two], &dir.path().join("i1")), &store)
            .refused()
            .count(),
        0
    );
    let before = counts(&store);
    let report = import(&only(&[&other_two], &dir.path().join("i2")), &store);
    assert!(refusal(&report).contains("already imported with different content"));
    assert_eq!(counts(&store), before);
}

#[test]
fn out_of_order_batches_are_reported_as_gaps_then_filled() {
    let dir = tempfile::tempdir().unwrap();
    let mut tablet = Tablet::new(dir.path(), "a", &kohort_testkit::research_keys());
    let out = dir.path().join("out");
    let b1 = tablet.batch(1, &out);
    let b2 = tablet.batch(1, &out);
    let b3 = tablet.batch(1, &out);
    let store = dir.path().join("research");
    let report = import(&only(&[&b1, &b3], &dir.path().join("i1")), &store);
    let summary: Vec<_> = report.devices.values().collect();
    assert_eq!(summary[0].gaps, vec![2]);
    assert_eq!(summary[0].imported_now, 2);
    let report = import(&only(&[&b2], &dir.path().join("i2")), &store);
    let summary: Vec<_> = report.devices.values().collect();
    assert!(summary[0].gaps.is_empty());
    assert_eq!(summary[0].total, 3);
    let sessions: BTreeMap<String, i64> = {
        let conn = db::open(&store, false).unwrap();
        let mut st = conn.prepare("SELECT id, batch_seq FROM sessions").unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert!(sessions.values().any(|&s| s == 2));
}

#[test]
fn a_batch_for_another_research_key_does_not_open() {
    let dir = tempfile::tempdir().unwrap();
    let mut tablet = Tablet::new(dir.path(), "a", &kohort_testkit::research_keys());
    let file = tablet.batch(1, &dir.path().join("out"));
    let other = ResearchKeys::from_secrets("hab", [9; 32], [8; 32]);
    let report =
        kohort_research::import_dir(&other, &dir.path().join("out"), &dir.path().join("r"))
            .unwrap();
    assert!(
        refusal(&report).contains("sealed to research key"),
        "{file:?}"
    );
    // Same fingerprint claimed, wrong secret: the seal itself refuses.
    let v_bytes = fs::read(&file).unwrap();
    let mut v = batch::verify(&v_bytes).unwrap();
    v.header.research_key = other.public().unwrap().fingerprint();
    assert!(matches!(
        batch::open(&v, &other),
        Err(batch::BatchError::DoesNotOpen)
    ));
    assert_eq!(counts(&dir.path().join("r")), vec![0; 7]);
}

#[test]
fn the_signed_receipt_lists_exactly_the_accepted_batches() {
    let dir = tempfile::tempdir().unwrap();
    let mut tablet = Tablet::new(dir.path(), "a", &kohort_testkit::research_keys());
    let out = dir.path().join("out");
    let b1 = tablet.batch(1, &out);
    let b2 = tablet.batch(1, &out);
    let mut bad = fs::read(&b2).unwrap();
    bad[20] ^= 1;
    fs::write(out.join("zz-bad.kohort"), &bad).unwrap();
    let store = dir.path().join("research");
    let report = import(&out, &store);
    assert_eq!(report.refused().count(), 1);
    let summary = report.devices.values().next().unwrap();
    let text = fs::read_to_string(summary.receipt.as_ref().unwrap()).unwrap();
    let public = kohort_testkit::research_keys().public().unwrap();
    let body = batch::verify_receipt(&text, &public).unwrap();
    let hash = |p: &Path| batch::digest::sha256_hex(&fs::read(p).unwrap());
    let listed: Vec<(u64, String)> = body
        .batches
        .iter()
        .map(|b| (b.seq, b.hash.clone()))
        .collect();
    assert_eq!(listed, vec![(1, hash(&b1)), (2, hash(&b2))]);
    assert_eq!(
        body.device_id,
        tablet.store.device().unwrap().id.to_string()
    );

    // An edited receipt, or one checked against another key, does not verify.
    let edited = text.replacen("\"seq\":2", "\"seq\":3", 1);
    assert_ne!(edited, text);
    assert!(batch::verify_receipt(&edited, &public).is_err());
    let other = ResearchKeys::from_secrets("hab", [7; 32], [9; 32])
        .public()
        .unwrap();
    assert!(batch::verify_receipt(&text, &other).is_err());
}

#[test]
fn a_device_id_that_is_not_a_uuid_is_refused() {
    // It would name the receipt file: "../x" must never reach the disk.
    let dir = tempfile::tempdir().unwrap();
    let mut tablet = Tablet::new(dir.path(), "a", &kohort_testkit::research_keys());
    let forged = reseal(&mut tablet, dir.path(), |h| {
        h.device_id = "../../escaped".into()
    });
    let store = dir.path().join("research");
    let report = import(&put(&forged, "x.kohort", &dir.path().join("in")), &store);
    assert!(refusal(&report).contains("not a UUID"));
    assert_eq!(counts(&store), vec![0; 7]);
}

#[test]
fn an_older_batch_imported_late_does_not_undo_a_withdrawal() {
    let dir = tempfile::tempdir().unwrap();
    let mut tablet = Tablet::new(dir.path(), "a", &kohort_testkit::research_keys());
    let out = dir.path().join("out");
    let b1 = tablet.batch(1, &out);
    let p = tablet.store.participants().unwrap().remove(0);
    // A session completed before the withdrawal makes batch 2.
    let episode = tablet.store.episodes(p.id).unwrap()[0].id;
    let q = tablet.study.questionnaire("baseline").unwrap();
    let s = tablet.store.start_session(p.id, episode, &q).unwrap();
    tablet.store.complete_session(s).unwrap();
    let mut consent = p.consent.clone().unwrap();
    consent.withdrawn_at = Some(kohort_testkit::date(2025, 5, 1));
    tablet.store.record_consent(p.id, &consent).unwrap();
    let b2 = match sync::export(&mut tablet.store, &out).unwrap() {
        Exported::Batch { path, .. } => path,
        Exported::Nothing => panic!("expected batch 2"),
    };
    let store = dir.path().join("research");
    import(&only(&[&b2], &dir.path().join("i2")), &store);
    import(&only(&[&b1], &dir.path().join("i1")), &store);
    let conn = db::open(&store, false).unwrap();
    let consent: String = conn
        .query_row(
            "SELECT consent FROM participants WHERE id = ?1",
            [p.id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert!(consent.contains("2025-05-01"), "{consent}");
}

#[test]
fn a_sequence_number_past_the_limit_is_refused() {
    // Near u64::MAX it would overflow seq + 1 and make the gap report loop.
    let dir = tempfile::tempdir().unwrap();
    let mut tablet = Tablet::new(dir.path(), "a", &kohort_testkit::research_keys());
    let forged = reseal(&mut tablet, dir.path(), |h| h.seq = u64::MAX);
    let store = dir.path().join("research");
    let report = import(&put(&forged, "x.kohort", &dir.path().join("in")), &store);
    assert!(refusal(&report).contains("above the limit"), "{report:?}");
    assert_eq!(counts(&store), vec![0; 7]);
}

/// A real batch of `tablet` with its header edited, sealed and signed again
/// by the tablet: a forgery only the header checks can catch.
fn reseal(tablet: &mut Tablet, dir: &Path, edit: impl FnOnce(&mut batch::Header)) -> Vec<u8> {
    let file = tablet.batch(1, &dir.join("out"));
    let bytes = fs::read(&file).unwrap();
    let v = batch::verify(&bytes).unwrap();
    let opened = batch::open(&v, &kohort_testkit::research_keys()).unwrap();
    let mut header = v.header.clone();
    edit(&mut header);
    batch::seal(
        &header,
        &opened.payload,
        &kohort_testkit::research_keys().public().unwrap(),
        &tablet.store.signing_key().unwrap(),
        &mut rand_core::UnwrapErr(rand_core::OsRng),
    )
    .unwrap()
}
