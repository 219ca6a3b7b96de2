//! Enrolled devices and owned facts, tried with forged batches sealed by
//! the real sealing code and signed by a made-up device key: an unknown
//! device is held and changes nothing, an enrolled device cannot rewrite
//! another's participants, retired and rejected keys, and the store's own
//! hygiene (folder modes, one import at a time, every entry accounted for).

use std::fs;
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use kohort_batch::{self as batch, Payload, SessionRecord};
use kohort_research::{FileOutcome, ImportReport, ResearchError, db, devices};
use kohort_tablet::store::{Store, demo};
use kohort_tablet::sync::{self, Exported};

fn tablet(dir: &Path, name: &str) -> Store {
    kohort_testkit::tablet(&dir.join(format!("{name}.db")))
}

/// Adds participants with sessions and exports one batch into `out`.
fn batch_of(store: &mut Store, seed: u64, out: &Path) -> PathBuf {
    demo::fill(store, &kohort_testkit::study(), 1, seed).unwrap();
    fs::create_dir_all(out).unwrap();
    match sync::export(store, out).unwrap() {
        Exported::Batch { path, .. } => path,
        Exported::Nothing => panic!("expected a batch"),
    }
}

fn import(dir: &Path, store: &Path) -> ImportReport {
    kohort_research::import_dir(&kohort_testkit::research_keys(), dir, store).unwrap()
}

fn only(file: &Path, dir: &Path) -> PathBuf {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir).unwrap();
    fs::copy(file, dir.join(file.file_name().unwrap())).unwrap();
    dir.to_owned()
}

/// A made-up device: its own id and key, never enrolled.
struct Forger {
    id: String,
    key: SigningKey,
}

impl Forger {
    fn new() -> Forger {
        Forger {
            id: "0193f0a0-0000-7000-8000-00000000f0f0".into(),
            key: SigningKey::from_bytes(&[7; 32]),
        }
    }

    fn fingerprint(&self) -> String {
        batch::digest::fingerprint(self.key.verifying_key().as_bytes())
    }

    /// The sessions of a genuine batch, edited, sealed to the research
    /// key and signed as this device's batch 1.
    fn forge(&self, genuine: &Path, edit: impl FnOnce(&mut [SessionRecord])) -> Vec<u8> {
        self.forge_with(genuine, edit, kohort_batch::Facts::default(), 1)
    }

    /// [`Forger::forge`] with fact records of format 2, as batch `seq`.
    fn forge_with(
        &self,
        genuine: &Path,
        edit: impl FnOnce(&mut [SessionRecord]),
        facts: kohort_batch::Facts,
        seq: u64,
    ) -> Vec<u8> {
        let bytes = fs::read(genuine).unwrap();
        let v = batch::verify(&bytes).unwrap();
        let opened = batch::open(&v, &kohort_testkit::research_keys()).unwrap();
        let mut records = opened.records;
        edit(&mut records);
        let p = opened.payload;
        let (mut payload, hashes) = Payload::new(p.instruments, &records, p.audit).unwrap();
        payload.facts = facts;
        let mut h = v.header.clone();
        h.device_id = self.id.clone();
        h.device_key = hex::encode(self.key.verifying_key().as_bytes());
        h.seq = seq;
        // Not checked here: the chain test is elsewhere; batch 1 needs zeros.
        h.prev_hash = batch::NO_PREVIOUS.into();
        h.record_count = hashes.len() as u64;
        h.record_hashes = hashes;
        batch::seal(
            &h,
            &payload,
            &kohort_testkit::research_keys().public().unwrap(),
            &self.key,
            &mut rand_core::UnwrapErr(rand_core::OsRng),
        )
        .unwrap()
    }
}

/// What the research store holds about participants, episodes and
/// sessions, to show that a refused or held batch changed nothing.
fn facts(store: &Path) -> Vec<String> {
    let conn = db::open(store, false).unwrap();
    let mut st = conn
        .prepare(
            "SELECT 'p ' || id || ' ' || study_code || ' ' || coalesce(consent, '') || ' ' || facts_at
               FROM participants
             UNION ALL SELECT 'e ' || id || ' ' || coalesce(end_type, '') FROM episodes
             UNION ALL SELECT 's ' || id || ' ' || participant FROM sessions
             UNION ALL SELECT 'd ' || device_id FROM devices ORDER BY 1",
        )
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Rewrites the participant of every record as an attacker would: another
/// study code, consent withdrawn, the episode ended as died, dated far on.
fn rewrite(records: &mut [SessionRecord]) {
    for r in records.iter_mut() {
        r.participant.study_code = "FORGED-1".into();
        if let Some(c) = r.participant.consent.as_mut() {
            c.withdrawn_at = Some("2026-01-01".into());
        }
        r.episode.end_date = Some("2026-01-01".into());
        r.episode.end_type = Some("died".into());
        r.id = format!("{}-forged", r.id);
    }
}

#[test]
fn an_unknown_device_is_held_and_changes_nothing_until_a_data_manager_decides() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("research");
    let mut a = tablet(dir.path(), "a");
    let a1 = batch_of(&mut a, 1, &dir.path().join("a"));

    // Tablet A itself is held until enrolled by its fingerprint.
    let report = import(&only(&a1, &dir.path().join("in")), &store);
    let FileOutcome::Held {
        fingerprint,
        reason,
        ..
    } = &report.files[0].1
    else {
        panic!("{report:?}");
    };
    let a_fp = a.device().unwrap().fingerprint();
    assert_eq!(*fingerprint, a_fp);
    assert!(
        reason.contains("not enrolled") && reason.contains(&a_fp),
        "{reason}"
    );
    assert!(
        facts(&store).is_empty(),
        "nothing of a held batch is written"
    );
    let held = devices::add(&store, &a_fp, "Oslo", "Tablet A").unwrap();
    assert_eq!(held.len(), 1);
    let report = import(&store.join(devices::HELD_DIR), &store);
    assert!(
        matches!(report.files[0].1, FileOutcome::Imported { .. }),
        "{report:?}"
    );
    let before = facts(&store);

    // A forged batch from a made-up device rewriting A's participant.
    let forger = Forger::new();
    let forged = forger.forge(&a1, rewrite);
    let in_dir = dir.path().join("forged");
    fs::create_dir_all(&in_dir).unwrap();
    fs::write(in_dir.join("forged.kohort"), &forged).unwrap();
    let report = import(&in_dir, &store);
    let FileOutcome::Held { device, reason, .. } = &report.files[0].1 else {
        panic!("{report:?}");
    };
    assert_eq!(*device, forger.id);
    assert!(reason.contains(&forger.fingerprint()), "{reason}");
    assert_eq!(facts(&store), before);
    let (_, listed) = devices::list(&store).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].fingerprint, forger.fingerprint());

    // Even if the made-up device were enrolled by mistake, it may not
    // change participants, episodes or sessions that belong to tablet A.
    devices::add(&store, &forger.fingerprint(), "Nowhere", "Unknown").unwrap();
    let report = import(&store.join(devices::HELD_DIR), &store);
    let FileOutcome::Refused { reason } = &report.files[0].1 else {
        panic!("{report:?}");
    };
    assert!(reason.contains("belongs to device"), "{reason}");
    assert_eq!(facts(&store), before);

    // Nor through participant records of their own (format 2), with no
    // session at all.
    let conn = db::open(&store, false).unwrap();
    let (pid, code): (String, String) = conn
        .query_row("SELECT id, study_code FROM participants", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    drop(conn);
    let own = kohort_batch::Facts {
        participants: vec![kohort_batch::ParticipantRecord {
            id: pid,
            study_code: format!("{code}-FORGED"),
            site: "X".into(),
            enrolled_at: "2025-01-01T00:00:00.000Z".into(),
            consent: None,
        }],
        ..Default::default()
    };
    let forged = forger.forge_with(&a1, |_| {}, own, 1);
    let bytes = batch::verify(&forged).map(|v| v.header).unwrap();
    assert_eq!(bytes.format, batch::VERSION);
    let only_facts = dir.path().join("facts");
    fs::create_dir_all(&only_facts).unwrap();
    fs::write(only_facts.join("facts.kohort"), &forged).unwrap();
    let report = import(&only_facts, &store);
    let FileOutcome::Refused { reason } = &report.files[0].1 else {
        panic!("{report:?}");
    };
    assert!(reason.contains("belongs to device"), "{reason}");
    assert_eq!(facts(&store), before);
}

#[test]
fn a_rejected_key_loses_its_held_batches_and_a_retired_device_is_held() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("research");
    let mut a = tablet(dir.path(), "a");
    let a1 = batch_of(&mut a, 1, &dir.path().join("a"));
    devices::add(&store, &a.device().unwrap().fingerprint(), "Oslo", "A").unwrap();
    import(&only(&a1, &dir.path().join("in")), &store);

    let forger = Forger::new();
    let forged = forger.forge(&a1, |_| {});
    let in_dir = dir.path().join("forged");
    fs::create_dir_all(&in_dir).unwrap();
    fs::write(in_dir.join("f.kohort"), &forged).unwrap();
    import(&in_dir, &store);
    assert!(store.join("held/f.kohort").is_file());
    let gone = devices::reject(&store, &forger.fingerprint()).unwrap();
    assert_eq!(gone, ["f.kohort"]);
    assert!(!store.join("held/f.kohort").exists());
    fs::write(in_dir.join("f.kohort"), &forged).unwrap();
    let report = import(&in_dir, &store);
    let FileOutcome::Refused { reason } = &report.files[0].1 else {
        panic!("{report:?}");
    };
    assert!(reason.contains("rejected"), "{reason}");
    // An enrolled key cannot be rejected (it is retired instead).
    let a_fp = a.device().unwrap().fingerprint();
    assert!(devices::reject(&store, &a_fp).is_err());

    // A retired tablet's later batches are held; what it sent stays.
    let before = facts(&store);
    devices::retire(&store, &a_fp).unwrap();
    let a2 = batch_of(&mut a, 2, &dir.path().join("a"));
    let report = import(&only(&a2, &dir.path().join("in2")), &store);
    let FileOutcome::Held { reason, .. } = &report.files[0].1 else {
        panic!("{report:?}");
    };
    assert!(reason.contains("retired"), "{reason}");
    assert_eq!(facts(&store), before);
    let (enrolled, _) = devices::list(&store).unwrap();
    assert!(enrolled[0].retired_at.is_some());
    assert!(devices::add(&store, &a_fp, "Oslo", "A again").is_err());
}

#[test]
fn a_batch_cannot_date_its_facts_after_the_import() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("research");
    let mut a = tablet(dir.path(), "a");
    let a1 = batch_of(&mut a, 1, &dir.path().join("a"));
    // Re-sealed by the tablet's own key with a created_at far ahead.
    let bytes = fs::read(&a1).unwrap();
    let v = batch::verify(&bytes).unwrap();
    let opened = batch::open(&v, &kohort_testkit::research_keys()).unwrap();
    let mut h = v.header.clone();
    h.created_at = "9999-12-31T00:00:00Z".into();
    let forged = batch::seal(
        &h,
        &opened.payload,
        &kohort_testkit::research_keys().public().unwrap(),
        &a.signing_key().unwrap(),
        &mut rand_core::UnwrapErr(rand_core::OsRng),
    )
    .unwrap();
    let in_dir = dir.path().join("in");
    fs::create_dir_all(&in_dir).unwrap();
    fs::write(in_dir.join(h.file_name()), forged).unwrap();
    devices::add(&store, &a.device().unwrap().fingerprint(), "Oslo", "A").unwrap();
    import(&in_dir, &store);
    let conn = db::open(&store, false).unwrap();
    let latest: String = conn
        .query_row("SELECT max(facts_at) FROM participants", [], |r| r.get(0))
        .unwrap();
    assert!(latest < kohort_batch::now_stamp() || latest == kohort_batch::now_stamp());
    assert!(latest.starts_with("20"), "{latest}");
}

#[test]
fn every_entry_not_imported_is_listed_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("research");
    let in_dir = dir.path().join("in");
    fs::create_dir_all(in_dir.join("folder.kohort")).unwrap();
    fs::write(in_dir.join("LOUD.KOHORT"), b"x").unwrap();
    fs::write(in_dir.join("notes.txt"), b"x").unwrap();
    let fifo = in_dir.join("pipe.kohort");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    let report = import(&in_dir, &store);
    let reason = |name: &str| {
        report
            .files
            .iter()
            .find(|(p, _)| p.file_name().unwrap() == name)
            .map(|(_, o)| match o {
                FileOutcome::Skipped { reason } => reason.clone(),
                o => panic!("{name}: {o:?}"),
            })
            .unwrap()
    };
    assert!(reason("folder.kohort").contains("folder"));
    assert!(reason("LOUD.KOHORT").contains("not .kohort"));
    assert!(reason("notes.txt").contains("not a batch file"));
    if made.is_ok_and(|s| s.success()) {
        assert!(reason("pipe.kohort").contains("not a regular file"));
        assert_eq!(report.files.len(), 4);
    }
}

#[test]
fn the_store_is_closed_to_others_and_imports_one_at_a_time() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("research");
    let mut a = tablet(dir.path(), "a");
    let a1 = batch_of(&mut a, 1, &dir.path().join("a"));
    devices::add(&store, &a.device().unwrap().fingerprint(), "Oslo", "A").unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&store), 0o700);
    assert_eq!(mode(&store.join(db::FILE)), 0o600);

    // While one import holds the store, a second is told and does nothing.
    let lock = fs::File::create(store.join("import.lock")).unwrap();
    lock.lock().unwrap();
    let in_dir = only(&a1, &dir.path().join("in"));
    let busy =
        kohort_research::import_dir(&kohort_testkit::research_keys(), &in_dir, &store).unwrap_err();
    assert!(matches!(busy, ResearchError::Busy(_)), "{busy}");
    assert!(busy.to_string().contains("another import"));
    drop(lock);
    let report = import(&in_dir, &store);
    assert!(matches!(report.files[0].1, FileOutcome::Imported { .. }));
    // SQLite gives its write-ahead log the database's mode.
    let conn = db::open(&store, false).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))
        .unwrap();
    assert!(n > 0);
    assert_eq!(mode(&store.join(format!("{}-wal", db::FILE))), 0o600);
}

/// Holes a second reader found: an enrolled key not yet tied to a device
/// claiming a known device's id; an episode hung under another device's
/// participant; a forgery named like a held batch.
#[test]
fn an_enrolled_key_cannot_take_a_known_id_or_reach_another_devices_participant() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("research");
    let mut a = tablet(dir.path(), "a");
    let a1 = batch_of(&mut a, 1, &dir.path().join("a"));
    let a_id = a.device().unwrap().id.to_string();

    // A's batch waits in held/; a forgery with the same name does not
    // replace it.
    import(&only(&a1, &dir.path().join("in")), &store);
    let name = a1.file_name().unwrap();
    let forger = Forger::new();
    let forged = forger.forge(&a1, |_| {});
    let in_dir = dir.path().join("same-name");
    fs::create_dir_all(&in_dir).unwrap();
    fs::write(in_dir.join(name), &forged).unwrap();
    import(&in_dir, &store);
    assert_eq!(
        fs::read(store.join("held").join(name)).unwrap(),
        fs::read(&a1).unwrap()
    );
    let (_, held) = devices::list(&store).unwrap();
    assert_eq!(held.len(), 2, "{held:?}");
    devices::reject(&store, &forger.fingerprint()).unwrap();
    devices::add(&store, &a.device().unwrap().fingerprint(), "Oslo", "A").unwrap();
    import(&store.join(devices::HELD_DIR), &store);
    let before = facts(&store);
    assert!(before.iter().any(|f| f.contains(&a_id)));

    // A second, enrolled key (not yet seen) claiming A's device id is held.
    let other = Forger {
        id: a_id.clone(),
        key: SigningKey::from_bytes(&[8; 32]),
    };
    devices::add(&store, &other.fingerprint(), "Oslo", "B").unwrap();
    let claim = other.forge_with(&a1, rewrite, kohort_batch::Facts::default(), 2);
    let claim_dir = dir.path().join("claim");
    fs::create_dir_all(&claim_dir).unwrap();
    fs::write(claim_dir.join("claim.kohort"), &claim).unwrap();
    let report = import(&claim_dir, &store);
    let FileOutcome::Held { reason, .. } = &report.files[0].1 else {
        panic!("{report:?}");
    };
    assert!(reason.contains("known with another key"), "{reason}");
    assert_eq!(facts(&store), before);

    // An enrolled device of its own cannot hang an episode under A's
    // participant.
    let b = Forger {
        id: "0193f0a0-0000-7000-8000-00000000b0b0".into(),
        key: SigningKey::from_bytes(&[9; 32]),
    };
    devices::add(&store, &b.fingerprint(), "Bergen", "B2").unwrap();
    let conn = db::open(&store, false).unwrap();
    let pid: String = conn
        .query_row("SELECT id FROM participants", [], |r| r.get(0))
        .unwrap();
    drop(conn);
    let episode = kohort_batch::Facts {
        episodes: vec![kohort_batch::EpisodeRecord {
            id: "0193f0a0-0000-7000-8000-00000000e0e0".into(),
            participant: pid,
            number: 2,
            anchor_date: "2025-06-01".into(),
            end_date: Some("2025-06-02".into()),
            end_type: Some("died".into()),
        }],
        ..Default::default()
    };
    let hung = b.forge_with(&a1, |_| {}, episode, 1);
    let hung = {
        // Only the episode: the session records are A's and refused anyway.
        let v = batch::verify(&hung).unwrap();
        let opened = batch::open(&v, &kohort_testkit::research_keys()).unwrap();
        let (mut payload, hashes) = Payload::new(vec![], &[], vec![]).unwrap();
        payload.facts = opened.payload.facts;
        let mut h = v.header.clone();
        h.record_count = hashes.len() as u64;
        h.record_hashes = hashes;
        batch::seal(
            &h,
            &payload,
            &kohort_testkit::research_keys().public().unwrap(),
            &b.key,
            &mut rand_core::UnwrapErr(rand_core::OsRng),
        )
        .unwrap()
    };
    let hung_dir = dir.path().join("hung");
    fs::create_dir_all(&hung_dir).unwrap();
    fs::write(hung_dir.join("hung.kohort"), &hung).unwrap();
    let report = import(&hung_dir, &store);
    let FileOutcome::Refused { reason } = &report.files[0].1 else {
        panic!("{report:?}");
    };
    assert!(reason.contains("belongs to device"), "{reason}");
    assert_eq!(facts(&store), before);
}
