//! A batch's whole way: sealed → delivered to a folder → receipt from the
//! research store's importer → confirmed → purged after the retention
//! period. Forged receipts and receipts for batches this tablet never
//! sealed change nothing; nothing unconfirmed is ever purged, even by SQL
//! written by hand; purged answers are gone from the database file and its
//! -wal/-shm files while the schedule keeps every completed timepoint.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use chrono::{Duration, Utc};
use kohort_batch::{Accepted, ReceiptBody, ResearchKeys, sign_receipt};
use kohort_tablet::store::{BatchState, SessionFilter, SessionStatus, Store, StoreError, demo};
use kohort_tablet::sync::{self, Event, ReceiptError, Target};

fn tablet(db: &Path) -> Store {
    let mut store = kohort_testkit::tablet(db);
    demo::fill(&mut store, &kohort_testkit::study(), 4, 3).unwrap();
    store
}

/// A demo tablet in `dir` with its completed sessions sealed into batch 1
/// in the outbox; returns the store, its database file and the outbox.
fn sealed_tablet(dir: &Path) -> (Store, PathBuf, PathBuf) {
    let db = dir.join("tablet.db");
    let mut store = tablet(&db);
    let outbox = sync::outbox(&db);
    fs::create_dir_all(&outbox).unwrap();
    sync::export(&mut store, &outbox).unwrap();
    (store, db, outbox)
}

fn states(store: &Store) -> Vec<BatchState> {
    store.batches().unwrap().iter().map(|b| b.state).collect()
}

fn deliver_to(store: &mut Store, outbox: &Path, dir: &Path) -> Vec<Event> {
    let plan = sync::plan(store, outbox).unwrap();
    let mut events = Vec::new();
    sync::run(
        &plan,
        &Target::Folder(dir.to_owned()),
        &AtomicBool::new(false),
        &mut |e| events.push(e),
    )
    .unwrap();
    for e in &events {
        if let Event::Delivered(d) = e {
            sync::record(store, d).unwrap();
        }
    }
    events
}

/// A receipt for this tablet's batches, signed with `by`.
fn receipt(store: &Store, by: &ResearchKeys, batches: &[(u64, &str)]) -> String {
    let body = ReceiptBody {
        format: 1,
        study_id: "hab".into(),
        device_id: store.device().unwrap().id.to_string(),
        issued_at: "2026-01-01T00:00:00.000Z".into(),
        research_key: kohort_testkit::research_keys()
            .public()
            .unwrap()
            .fingerprint(),
        batches: batches
            .iter()
            .map(|(seq, hash)| Accepted {
                seq: *seq,
                hash: (*hash).to_owned(),
            })
            .collect(),
    };
    sign_receipt(&body, by).unwrap()
}

/// Sealed answer values, session places and kept records of the given
/// sessions, read through the (keyed) connection.
fn sealed_blobs(conn: &rusqlite::Connection, sessions: &[String]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for s in sessions {
        let mut st = conn
            .prepare("SELECT value FROM answers WHERE session = ?1")
            .unwrap();
        out.extend(
            st.query_map([s], |r| r.get::<_, Vec<u8>>(0))
                .unwrap()
                .map(Result::unwrap),
        );
        let place: Option<Vec<u8>> = conn
            .query_row("SELECT place FROM sessions WHERE id = ?1", [s], |r| {
                r.get(0)
            })
            .unwrap();
        out.extend(place);
        let kept: Option<Vec<u8>> = conn
            .query_row(
                "SELECT value FROM session_records WHERE session = ?1",
                [s],
                |r| r.get(0),
            )
            .ok();
        out.extend(kept);
    }
    out
}

/// Blobs still found (by a 16-byte slice from their middle or from just
/// after the nonce) in the database, -wal or -shm file.
fn still_on_disk(db: &Path, blobs: &[Vec<u8>]) -> usize {
    let mut needles: HashMap<[u8; 16], usize> = HashMap::new();
    for (i, b) in blobs.iter().enumerate() {
        for at in [12, b.len() / 2 - 8] {
            needles.insert(b[at..at + 16].try_into().unwrap(), i);
        }
    }
    let mut found = HashSet::new();
    for suffix in ["", "-wal", "-shm"] {
        let bytes = fs::read(format!("{}{suffix}", db.display())).unwrap_or_default();
        for w in bytes.windows(16) {
            if let Some(i) = needles.get(w) {
                found.insert(*i);
            }
        }
    }
    found.len()
}

#[test]
fn sealed_delivered_confirmed_purged_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tablet.db");
    let mut store = tablet(&db);
    let outbox = sync::outbox(&db);
    assert_eq!(outbox, dir.path().join("outbox"));
    fs::create_dir_all(&outbox).unwrap();
    sync::export(&mut store, &outbox).unwrap();
    let batch = store.batches().unwrap().remove(0);
    assert_eq!(batch.state, BatchState::Sealed);
    let in_batch: Vec<String> = store
        .list_sessions(&SessionFilter {
            status: Some(SessionStatus::Completed),
            participant: None,
        })
        .unwrap()
        .iter()
        .map(|s| s.id.to_string())
        .collect();
    assert_eq!(in_batch.len() as u64, batch.records);
    let before = store.list_sessions(&SessionFilter::default()).unwrap();
    let open_answers: usize = before
        .iter()
        .filter(|s| s.status != SessionStatus::Completed)
        .map(|s| s.answers)
        .sum();
    assert!(
        open_answers > 0,
        "the demo has unfinished sessions with answers"
    );
    let blobs = sealed_blobs(store.sql(), &in_batch);
    assert!(blobs.len() > 20);
    // The file is encrypted whole: not even the sealed values show.
    assert_eq!(still_on_disk(&db, &blobs), 0, "the raw file shows no blob");

    // Sealed: nothing to purge, whatever the clock says.
    store.set_retention_days(0).unwrap();
    let far = Utc::now() + Duration::days(10_000);
    assert_eq!(store.purge_eligible(far).unwrap(), 0);
    assert_eq!(store.purge(far).unwrap().sessions, 0);

    // A folder on the tablet's own disk (an empty mount point) is refused.
    let same = dir.path().join("mnt-usb");
    fs::create_dir(&same).unwrap();
    let refused = sync::run(
        &sync::plan(&store, &outbox).unwrap(),
        &Target::Folder(same.clone()),
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap_err();
    assert!(
        matches!(refused, sync::DeliveryError::NotAStick(_)),
        "{refused}"
    );
    assert!(refused.to_string().contains("nothing is mounted at"));
    assert_eq!(fs::read_dir(&same).unwrap().count(), 0);

    // Delivered to a folder: files, manifest, read back; still not purgeable.
    let stick = kohort_testkit::stick();
    let usb = stick.path().join("usb");
    assert!(matches!(
        sync::run(
            &sync::plan(&store, &outbox).unwrap(),
            &Target::Folder(usb.clone()),
            &AtomicBool::new(false),
            &mut |_| {}
        ),
        Err(sync::DeliveryError::NoFolder(_))
    ));
    fs::create_dir(&usb).unwrap();
    let events = deliver_to(&mut store, &outbox, &usb);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Delivered(d) if d.seq == 1))
    );
    assert_eq!(states(&store), [BatchState::Delivered]);
    assert_eq!(
        fs::read(usb.join(&batch.file_name)).unwrap(),
        fs::read(outbox.join(&batch.file_name)).unwrap()
    );
    let device = store.device().unwrap().id.to_string();
    let manifest: sync::folder::Manifest =
        serde_json::from_slice(&fs::read(usb.join(sync::folder::manifest_name(&device))).unwrap())
            .unwrap();
    assert_eq!(manifest.files.len(), 1);
    assert_eq!(manifest.files[0].sha256, batch.hash);
    assert_eq!(
        manifest.files[0].size,
        fs::metadata(usb.join(&batch.file_name)).unwrap().len()
    );
    assert_eq!(store.purge(far).unwrap().sessions, 0);
    store.set_retention_days(30).unwrap();

    // A forged receipt (right content, wrong key) changes nothing.
    let forger = ResearchKeys::from_secrets("hab", [9; 32], [10; 32]);
    let forged = receipt(&store, &forger, &[(1, &batch.hash)]);
    let e = sync::apply_receipt(&mut store, &forged).unwrap_err();
    assert!(matches!(e, ReceiptError::NotVerified { .. }), "{e}");
    assert!(e.to_string().contains("does not verify"), "{e}");
    assert_eq!(states(&store), [BatchState::Delivered]);
    // A receipt for a batch this tablet never sealed changes nothing either,
    // not even the batch it does know.
    let unknown = receipt(
        &store,
        &kohort_testkit::research_keys(),
        &[(1, &batch.hash), (2, &batch.hash)],
    );
    let e = sync::apply_receipt(&mut store, &unknown).unwrap_err();
    assert!(
        e.to_string()
            .contains("batch 2, which this tablet never sealed"),
        "{e}"
    );
    assert_eq!(states(&store), [BatchState::Delivered]);
    // Nor one whose file hash differs from what was sealed.
    let other = "0".repeat(64);
    let wrong_hash = receipt(&store, &kohort_testkit::research_keys(), &[(1, &other)]);
    let e = sync::apply_receipt(&mut store, &wrong_hash).unwrap_err();
    assert!(e.to_string().contains("another hash"), "{e}");
    assert_eq!(states(&store), [BatchState::Delivered]);
    assert_eq!(store.purge(far).unwrap().sessions, 0);
    let refused = store
        .audit_entries()
        .unwrap()
        .iter()
        .filter(|a| a.action == "receipt_refused")
        .count();
    assert_eq!(refused, 3);

    // The research store imports the stick and writes a receipt.
    let research_dir = dir.path().join("research");
    crate::support::enrol_signers(&research_dir, &usb);
    let report =
        kohort_research::import_dir(&kohort_testkit::research_keys(), &usb, &research_dir).unwrap();
    let receipt_path = report.devices[&device].receipt.clone().unwrap();
    let text = sync::read_receipt(&receipt_path).unwrap();
    let done = sync::apply_receipt(&mut store, &text).unwrap();
    assert_eq!(
        (done.newly.as_slice(), done.already.as_slice()),
        (&[1][..], &[][..])
    );
    assert_eq!(states(&store), [BatchState::Confirmed]);
    let again = sync::apply_receipt(&mut store, &text).unwrap();
    assert_eq!(again.already, [1]);

    // What the nurses' screens show of every episode, before the purge.
    let study = kohort_testkit::study();
    let today = kohort_testkit::date(2025, 6, 1);
    let schedules = |store: &Store| {
        let c = kohort::core::Clinic::load(store, &study, today).unwrap();
        let mut v: Vec<_> = c.schedules.into_iter().collect();
        v.sort_by_key(|(e, _)| *e);
        v
    };
    let schedule_before = schedules(&store);

    // Kept for the retention period (30 days), then purged.
    let now = Utc::now();
    assert_eq!(store.purge_eligible(now + Duration::days(29)).unwrap(), 0);
    assert_eq!(store.purge(now + Duration::days(29)).unwrap().sessions, 0);
    assert_eq!(
        store.purge_eligible(now + Duration::days(31)).unwrap(),
        in_batch.len()
    );
    let r = sync::purge(&mut store, &outbox, now + Duration::days(31)).unwrap();
    assert_eq!(r.purged.sessions, in_batch.len());
    assert!(r.purged.answers > 0);
    assert_eq!(r.purged.batches, [1]);
    assert!(r.purged.checkpointed);
    assert_eq!(r.files_removed, 1);
    assert!(!outbox.join(&batch.file_name).exists());
    assert_eq!(states(&store), [BatchState::Purged]);

    // The schedule's facts stay: every session, its form, occurrence,
    // status and dates; only the completed ones lost their answers.
    let after = store.list_sessions(&SessionFilter::default()).unwrap();
    assert_eq!(after.len(), before.len());
    let by_id: BTreeMap<_, _> = after.iter().map(|s| (s.id, s)).collect();
    for s in &before {
        let a = by_id[&s.id];
        assert_eq!(
            (
                &a.form_id,
                a.occurrence,
                a.status,
                &a.completed_at,
                &a.started_at
            ),
            (
                &s.form_id,
                s.occurrence,
                s.status,
                &s.completed_at,
                &s.started_at
            )
        );
        if s.status == SessionStatus::Completed {
            assert_eq!(a.answers, 0);
            assert!(a.purged_at.is_some());
            let kept: i64 = store
                .sql()
                .query_row(
                    "SELECT count(*) FROM session_records WHERE session = ?1",
                    [s.id.to_string()],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(kept, 0, "no kept record outlives the confirmation");
            let loaded = store.load_session(s.id).unwrap();
            assert!(loaded.answers.is_empty() && loaded.position.is_none());
        } else {
            assert_eq!(a.answers, s.answers, "unconfirmed answers stay");
            assert!(a.purged_at.is_none());
        }
    }
    assert_eq!(store.unbatched_completed().unwrap().len(), 0);
    assert_eq!(
        schedules(&store),
        schedule_before,
        "the schedule still shows every completed timepoint"
    );
    // ...and the nurses can see which completed rows have left the tablet.
    let c = kohort::core::Clinic::load(&store, &study, today).unwrap();
    let mut purged_rows = 0;
    for (episode, rows) in &c.schedules {
        for row in rows.as_ref().unwrap() {
            let done = matches!(row.state, kohort_form::schedule::State::Completed { .. });
            assert_eq!(c.purged(*episode, row), done, "{}", row.form);
            purged_rows += usize::from(done);
        }
    }
    assert!(purged_rows > 0);

    // Gone for someone with the key too: no row holds them, and with
    // secure_delete the freed pages were zeroed, not left readable.
    assert!(sealed_blobs(store.sql(), &in_batch).is_empty());
    let secure: i64 = store
        .sql()
        .query_row("PRAGMA secure_delete", [], |r| r.get(0))
        .unwrap();
    assert_eq!(secure, 1);
    drop(store);
    assert_eq!(still_on_disk(&db, &blobs), 0);

    let store = kohort_testkit::reopen(&db);
    assert_eq!(
        store.verify_audit().unwrap(),
        Ok(store.audit_entries().unwrap().len())
    );
    let actions: Vec<String> = kohort_testkit::actions(store.audit_entries().unwrap());
    for a in [
        "batch_sealed",
        "batch_delivered",
        "receipt_refused",
        "receipt_applied",
        "purge",
    ] {
        assert!(actions.iter().any(|x| x == a), "no {a} in the audit log");
    }
}

#[test]
fn sql_by_hand_cannot_purge_what_is_not_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, db, outbox) = sealed_tablet(dir.path());
    let stick = kohort_testkit::stick();
    let usb = stick.path().join("usb");
    fs::create_dir(&usb).unwrap();
    deliver_to(&mut store, &outbox, &usb);
    let sessions = store.list_sessions(&SessionFilter::default()).unwrap();
    let done = sessions
        .iter()
        .find(|s| s.status == SessionStatus::Completed && s.answers > 0)
        .unwrap()
        .clone();
    // A paused questionnaire, never batched.
    let p = &store.participants().unwrap()[0];
    let ep = store.episodes(p.id).unwrap()[0].id;
    let q = kohort_testkit::study().questionnaire("baseline").unwrap();
    let paused = store.start_session(p.id, ep, &q).unwrap();
    store
        .save_answer(paused, "a_born_norway", &kohort_form::Answer::Declined)
        .unwrap();
    store.pause_session(paused).unwrap();
    drop(store);
    let by_hand = kohort_testkit::reopen(&db);
    let conn = by_hand.sql();
    for sid in [done.id, paused] {
        let e = conn
            .execute("DELETE FROM answers WHERE session = ?1", [sid.to_string()])
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("kept until the research store confirms"),
            "{e}"
        );
        let e = conn
            .execute(
                "UPDATE sessions SET purged_at = 'now' WHERE id = ?1",
                [sid.to_string()],
            )
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("only after the research store confirms"),
            "{e}"
        );
    }
    let e = conn
        .execute("UPDATE batches SET state = 'sealed'", [])
        .unwrap_err();
    assert!(e.to_string().contains("only moves forward"), "{e}");
    drop(by_hand);
    let store = kohort_testkit::reopen(&db);
    assert_eq!(
        store.load_session(done.id).unwrap().answers.len(),
        done.answers
    );
}

#[test]
fn a_receipt_needs_the_research_key_and_this_device() {
    let dir = tempfile::tempdir().unwrap();
    let (mut bare, _) = kohort_testkit::create(&dir.path().join("bare.db"));
    let text = receipt(&bare, &kohort_testkit::research_keys(), &[]);
    assert!(matches!(
        sync::apply_receipt(&mut bare, &text),
        Err(ReceiptError::NoResearchKey)
    ));
    let mut a = tablet(&dir.path().join("a.db"));
    let b = tablet(&dir.path().join("b.db"));
    let for_b = receipt(&b, &kohort_testkit::research_keys(), &[]);
    let e = sync::apply_receipt(&mut a, &for_b).unwrap_err();
    assert!(matches!(e, ReceiptError::OtherDevice { .. }), "{e}");
    assert!(matches!(
        a.set_retention_days(100_000),
        Err(StoreError::Refused(_))
    ));
}

#[test]
fn the_research_key_cannot_be_swapped_while_a_batch_awaits_its_receipt() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _, _) = sealed_tablet(dir.path());
    let batch = store.batches().unwrap().remove(0);

    // Someone with the staff passphrase sets a key of their own...
    let other = ResearchKeys::from_secrets("hab", [9; 32], [10; 32]);
    let public = other.public().unwrap();
    let e = store
        .set_research_key(&public.render(), &public.fingerprint())
        .unwrap_err();
    assert!(matches!(e, StoreError::Refused(_)), "{e}");
    // ...so their receipt still does not verify, and nothing is confirmed.
    let forged = receipt(&store, &other, &[(batch.seq, &batch.hash)]);
    assert!(sync::apply_receipt(&mut store, &forged).is_err());
    assert_eq!(states(&store), [BatchState::Sealed]);

    // Setting the same key again is fine; once the research store has
    // confirmed everything, the key may be replaced.
    let ours = kohort_testkit::research_keys().public().unwrap();
    store
        .set_research_key(&ours.render(), &ours.fingerprint())
        .unwrap();
    let genuine = receipt(
        &store,
        &kohort_testkit::research_keys(),
        &[(batch.seq, &batch.hash)],
    );
    sync::apply_receipt(&mut store, &genuine).unwrap();
    store
        .set_research_key(&public.render(), &public.fingerprint())
        .unwrap();
}
