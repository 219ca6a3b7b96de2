//! The outbox under concurrency, crashes and missing files: one writer at
//! a time, a kill between recording a batch and renaming its file rolled
//! forward, one missing file not holding back the others, a panicking
//! worker ending with a message, and failures to start audited.
use std::fs;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use kohort_tablet::store::{FailedAction, Store, StoreError};
use kohort_tablet::sync::{self, DeliveryError, Event, ExportError, Exported, Target, Transfer};

use kohort_testkit::{consent, date, reopen};

/// A completed baseline for a new participant.
fn complete_one(store: &mut Store, n: usize) {
    let q = kohort_testkit::study().questionnaire("baseline").unwrap();
    let (pid, ep) = store
        .enrol(
            &format!("HAB-OSL-{n:04}"),
            "OSL",
            None,
            &consent(),
            date(2025, 1, 1),
        )
        .unwrap();
    let sid = store.start_session(pid, ep, &q).unwrap();
    store.complete_session(sid).unwrap();
}

/// Every recorded batch's file is in the outbox with its hash, and no
/// temporary file is left.
fn outbox_is_whole(store: &Store, outbox: &Path) {
    for b in store.batches().unwrap() {
        let (hash, _) = sync::outbox::hash_file(&outbox.join(&b.file_name)).unwrap();
        assert_eq!(hash, b.hash, "batch {}", b.seq);
    }
    let names: Vec<String> = fs::read_dir(outbox)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
    assert_eq!(names.len(), store.batches().unwrap().len());
}

#[test]
fn two_exports_at_once_never_break_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tablet.db");
    let mut a = kohort_testkit::tablet(&db);
    let mut b = reopen(&db);
    let outbox = sync::outbox(&db);
    fs::create_dir_all(&outbox).unwrap();
    let (mut sealed, mut busy) = (0, 0);
    for round in 0..100 {
        complete_one(&mut a, round);
        let (ra, rb) = std::thread::scope(|s| {
            let ta = s.spawn(|| sync::export(&mut a, &outbox));
            let tb = s.spawn(|| sync::export(&mut b, &outbox));
            (ta.join().unwrap(), tb.join().unwrap())
        });
        for r in [ra, rb] {
            match r {
                Ok(Exported::Batch { .. }) => sealed += 1,
                Ok(Exported::Nothing) => {}
                Err(ExportError::Store(StoreError::OutboxBusy)) => busy += 1,
                Err(e) => panic!("round {round}: {e}"),
            }
        }
    }
    // Every completed session is in exactly one batch, and every batch is
    // whole in the outbox.
    assert_eq!(sealed, 100, "one batch per round ({busy} told busy)");
    assert_eq!(a.unbatched_completed().unwrap().len(), 0);
    outbox_is_whole(&a, &outbox);
    let stick = kohort_testkit::stick();
    let plan = sync::plan(&a, &outbox).unwrap();
    sync::run(
        &plan,
        &Target::Folder(stick.path().to_owned()),
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap();
}

#[test]
fn a_kill_between_recording_and_renaming_is_rolled_forward() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tablet.db");
    let mut store = kohort_testkit::tablet(&db);
    let outbox = sync::outbox(&db);
    fs::create_dir_all(&outbox).unwrap();
    complete_one(&mut store, 1);
    sync::export(&mut store, &outbox).unwrap();
    let name = store.batches().unwrap()[0].file_name.clone();
    // What a kill after the commit and before the rename leaves: the file
    // under its temporary name. And a temporary file of an export killed
    // before it recorded anything.
    fs::rename(
        outbox.join(&name),
        outbox.join(format!(".{name}.Xa81Qz.tmp")),
    )
    .unwrap();
    fs::write(outbox.join(".other.kohort.Zz1234.tmp"), b"half a batch").unwrap();
    let s = sync::Status::load(&store, &outbox, chrono::Utc::now()).unwrap();
    assert_eq!(s.missing, [1]);

    // The next run puts the file in place and clears the leftovers.
    complete_one(&mut store, 2);
    let Exported::Batch { seq, .. } = sync::export(&mut store, &outbox).unwrap() else {
        panic!("nothing sealed");
    };
    assert_eq!(seq, 2);
    outbox_is_whole(&store, &outbox);
    let s = sync::Status::load(&store, &outbox, chrono::Utc::now()).unwrap();
    assert!(s.missing.is_empty());
}

#[test]
fn one_missing_file_does_not_hold_back_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tablet.db");
    let mut store = kohort_testkit::tablet(&db);
    let outbox = sync::outbox(&db);
    fs::create_dir_all(&outbox).unwrap();
    for n in 1..=3 {
        complete_one(&mut store, n);
        sync::export(&mut store, &outbox).unwrap();
    }
    let second = store.batches().unwrap()[1].file_name.clone();
    fs::remove_file(outbox.join(&second)).unwrap();
    let s = sync::Status::load(&store, &outbox, chrono::Utc::now()).unwrap();
    assert_eq!(s.missing, [2]);

    let stick = kohort_testkit::stick();
    let mut events = Vec::new();
    let err = sync::run(
        &sync::plan(&store, &outbox).unwrap(),
        &Target::Folder(stick.path().to_owned()),
        &AtomicBool::new(false),
        &mut |e| events.push(e),
    )
    .unwrap_err();
    assert!(
        matches!(&err, DeliveryError::Skipped(s) if s.len() == 1),
        "{err}"
    );
    assert!(err.to_string().contains("batch 2"), "{err}");
    let delivered: Vec<u64> = events
        .iter()
        .filter_map(|e| match e {
            Event::Delivered(d) => Some(d.seq),
            _ => None,
        })
        .collect();
    assert_eq!(delivered, [1, 3]);
    assert!(events.iter().any(|e| matches!(
        e,
        Event::Skipped { seq: 2, reason, .. } if reason.contains("not in the outbox")
    )));
    for e in &events {
        if let Event::Delivered(d) = e {
            sync::record(&mut store, d).unwrap();
        }
    }
    assert!(!stick.path().join(&second).exists());
}

#[test]
fn a_panicking_worker_ends_the_transfer_with_a_message() {
    let mut t = Transfer::spawn_job(FailedAction::Folder, |_, report| {
        report(Event::Progress {
            file: "a".into(),
            done: 1,
            total: 2,
        });
        panic!("a bug in a transport");
    });
    let mut last = None;
    while let Some(e) = t.wait() {
        last = Some(e);
    }
    let Some(Event::Finished(Some(why))) = last else {
        panic!("no end reported: {last:?}");
    };
    assert!(
        why.contains("internal error") && why.contains("a bug in a transport"),
        "{why}"
    );
}

#[test]
fn a_second_writer_is_told_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tablet.db");
    let mut store = kohort_testkit::tablet(&db);
    let other = reopen(&db);
    let outbox = sync::outbox(&db);
    fs::create_dir_all(&outbox).unwrap();
    complete_one(&mut store, 1);
    let held = sync::lock::take(&other).unwrap();
    let err = sync::export(&mut store, &outbox).unwrap_err();
    assert!(
        err.to_string().contains("another Kohort is exporting"),
        "{err}"
    );
    assert!(store.batches().unwrap().is_empty());
    assert_eq!(fs::read_dir(&outbox).unwrap().count(), 0);
    drop(held);
    assert!(matches!(
        sync::export(&mut store, &outbox).unwrap(),
        Exported::Batch { seq: 1, .. }
    ));
}

#[test]
fn a_delivery_that_cannot_start_is_audited_without_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tablet.db");
    let mut store = kohort_testkit::tablet(&db);
    let outbox = sync::outbox(&db);
    fs::create_dir_all(&outbox).unwrap();
    complete_one(&mut store, 1);
    sync::export(&mut store, &outbox).unwrap();
    let token = dir.path().join("token");
    fs::write(&token, "secret-token-value").unwrap();
    let request = kohort::core::delivery::UploadRequest {
        url: "http://api.tsd.usit.no".into(),
        project: "p11".into(),
        group: None,
        token_file: token,
    };
    let err = kohort::core::delivery::Delivery::begin(
        &mut store,
        &outbox,
        kohort::core::delivery::Route::Tsd,
        || request.target(),
    )
    .err()
    .unwrap();
    assert!(err.to_string().contains("https://"), "{err}");
    let audit = store.audit_entries().unwrap();
    let failed: Vec<_> = audit
        .iter()
        .filter(|e| e.action == "delivery_upload_failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(failed[0].subject.contains("https://"));
    assert!(
        !audit
            .iter()
            .any(|e| e.subject.contains("secret-token-value"))
    );
}

#[test]
fn an_upload_the_server_cannot_show_is_recorded_delivered_but_unchecked() {
    use kohort_testkit::tsd::{Faults, Server, TOKEN};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tablet.db");
    let mut store = kohort_testkit::tablet(&db);
    let outbox = sync::outbox(&db);
    fs::create_dir_all(&outbox).unwrap();
    complete_one(&mut store, 1);
    sync::export(&mut store, &outbox).unwrap();
    let server = Server::start(Faults {
        forget_files: true,
        ..Default::default()
    });
    let tsd = sync::Tsd::new(&server.url, "p11", None, TOKEN).unwrap();
    let mut events = Vec::new();
    sync::run(
        &sync::plan(&store, &outbox).unwrap(),
        &Target::Tsd(Box::new(tsd)),
        &AtomicBool::new(false),
        &mut |e| events.push(e),
    )
    .unwrap();
    for e in &events {
        if let Event::Delivered(d) = e {
            sync::record(&mut store, d).unwrap();
        }
    }
    let rows = store.deliveries().unwrap();
    assert_eq!(rows.len(), 1);
    assert!(!rows[0].checked);
    assert_eq!(
        store.batches().unwrap()[0].state,
        kohort_tablet::store::BatchState::Delivered
    );
    let audit = store.audit_entries().unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "batch_delivered" && e.subject.ends_with("unchecked"))
    );
}

#[test]
fn purge_deletes_only_what_a_kept_receipt_still_confirms() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tablet.db");
    let mut store = kohort_testkit::tablet(&db);
    let outbox = sync::outbox(&db);
    fs::create_dir_all(&outbox).unwrap();
    complete_one(&mut store, 1);
    sync::export(&mut store, &outbox).unwrap();
    // Batch 1 goes to the research store, whose receipt confirms it.
    let stick = kohort_testkit::stick();
    sync::run(
        &sync::plan(&store, &outbox).unwrap(),
        &Target::Folder(stick.path().to_owned()),
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap();
    crate::support::enrol_signers(&dir.path().join("research"), stick.path());
    let report = kohort_research::import_dir(
        &kohort_testkit::research_keys(),
        stick.path(),
        &dir.path().join("research"),
    )
    .unwrap();
    let device = store.device().unwrap().id.to_string();
    let text = sync::read_receipt(report.devices[&device].receipt.as_ref().unwrap()).unwrap();
    sync::apply_receipt(&mut store, &text).unwrap();
    // Batch 2 never left; someone with the passphrase marks it confirmed.
    complete_one(&mut store, 2);
    sync::export(&mut store, &outbox).unwrap();
    store
        .sql()
        .execute(
            "UPDATE batches SET state = 'confirmed', confirmed_at = '2000-01-01T00:00:00.000Z'
             WHERE seq = 2",
            [],
        )
        .unwrap();
    store.set_retention_days(0).unwrap();
    let later = chrono::Utc::now() + chrono::Duration::days(1);
    assert_eq!(store.purge_eligible(later).unwrap(), 1);
    let r = sync::purge(&mut store, &outbox, later).unwrap();
    assert_eq!(r.purged.batches, [1]);
    let second = store
        .list_sessions(&Default::default())
        .unwrap()
        .into_iter()
        .filter(|s| s.purged_at.is_none())
        .count();
    assert_eq!(second, 1, "batch 2's session keeps its answers");
    assert!(outbox.join(&store.batches().unwrap()[1].file_name).exists());
}

#[test]
fn a_lost_batch_file_is_sealed_again_and_the_research_store_takes_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tablet.db");
    let mut store = kohort_testkit::tablet(&db);
    let outbox = sync::outbox(&db);
    fs::create_dir_all(&outbox).unwrap();
    for n in 1..=3 {
        complete_one(&mut store, n);
        sync::export(&mut store, &outbox).unwrap();
    }
    let before: Vec<String> = store
        .batches()
        .unwrap()
        .into_iter()
        .map(|b| b.hash)
        .collect();
    let second = outbox.join(&store.batches().unwrap()[1].file_name);
    let old_bytes = fs::read(&second).unwrap();
    fs::remove_file(&second).unwrap();

    let done = sync::reseal(&mut store, &outbox).unwrap();
    assert_eq!(done, [2, 3], "the lost one and the one that names its hash");
    let after: Vec<String> = store
        .batches()
        .unwrap()
        .into_iter()
        .map(|b| b.hash)
        .collect();
    assert_eq!(after[0], before[0]);
    assert_ne!(after[1], before[1]);
    outbox_is_whole(&store, &outbox);
    assert_eq!(
        sync::reseal(&mut store, &outbox).unwrap(),
        Vec::<u64>::new()
    );
    assert_eq!(
        kohort_testkit::count(&store.audit_entries().unwrap(), "batch_resealed"),
        2
    );
    // A re-seal cut short (the new file recorded, the old one still in
    // place) is found by its hash and sealed again from there.
    fs::write(&second, &old_bytes).unwrap();
    assert_eq!(sync::reseal(&mut store, &outbox).unwrap(), [2, 3]);
    outbox_is_whole(&store, &outbox);

    // The research store takes all three, in one chain, with every session.
    let stick = kohort_testkit::stick();
    sync::run(
        &sync::plan(&store, &outbox).unwrap(),
        &Target::Folder(stick.path().to_owned()),
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap();
    crate::support::enrol_signers(&dir.path().join("research"), stick.path());
    let report = kohort_research::import_dir(
        &kohort_testkit::research_keys(),
        stick.path(),
        &dir.path().join("research"),
    )
    .unwrap();
    assert_eq!(report.refused().count(), 0);
    let device = store.device().unwrap().id.to_string();
    let s = &report.devices[&device];
    assert_eq!((s.imported_now, s.total), (3, 3));
    assert!(s.gaps.is_empty());
}

#[test]
fn a_delivered_batch_is_never_sealed_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tablet.db");
    let mut store = kohort_testkit::tablet(&db);
    let outbox = sync::outbox(&db);
    fs::create_dir_all(&outbox).unwrap();
    for n in 1..=2 {
        complete_one(&mut store, n);
        sync::export(&mut store, &outbox).unwrap();
    }
    // Batch 2 was delivered; then batch 1's file is lost.
    let b2 = store.batches().unwrap()[1].clone();
    store
        .record_delivery(
            2,
            &kohort_tablet::store::Via::Folder { path: "/x".into() },
            1,
            &b2.hash,
            true,
        )
        .unwrap();
    fs::remove_file(outbox.join(&store.batches().unwrap()[0].file_name)).unwrap();
    let err = sync::reseal(&mut store, &outbox).unwrap_err();
    assert!(matches!(err, ExportError::CannotReseal(2)), "{err}");
    assert_eq!(store.batches().unwrap()[1].hash, b2.hash);
}

#[test]
fn an_unreadable_receipt_file_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = kohort_testkit::tablet(&dir.path().join("tablet.db"));
    let err = kohort::core::delivery::apply_receipt(&mut store, &dir.path().join("no.receipt"))
        .unwrap_err();
    assert!(err.to_string().contains("no.receipt"), "{err}");
    let big = dir.path().join("big.receipt");
    fs::write(&big, vec![b'x'; 4 << 20]).unwrap();
    assert!(kohort::core::delivery::apply_receipt(&mut store, &big).is_err());
    assert_eq!(
        kohort_testkit::count(&store.audit_entries().unwrap(), "receipt_refused"),
        2
    );
}

#[test]
fn a_delivery_seals_a_lost_batch_again_before_it_sends() {
    use kohort::core::delivery::{Delivery, Route};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tablet.db");
    let mut store = kohort_testkit::tablet(&db);
    let outbox = sync::outbox(&db);
    fs::create_dir_all(&outbox).unwrap();
    for n in 1..=3 {
        complete_one(&mut store, n);
        sync::export(&mut store, &outbox).unwrap();
    }
    fs::remove_file(outbox.join(&store.batches().unwrap()[1].file_name)).unwrap();
    let stick = kohort_testkit::stick();
    let target = stick.path().to_owned();
    let mut d = Delivery::begin(&mut store, &outbox, Route::Folder, || {
        Ok(Target::Folder(target))
    })
    .unwrap()
    .unwrap();
    while d.is_running() {
        d.pump(&mut store, true);
    }
    assert_eq!(d.progress.failed, None);
    assert_eq!(d.progress.delivered, 3);
    // The worker let the outbox go when it ended, whoever records.
    drop(sync::lock::take(&store).unwrap());
    let states: Vec<_> = store.batches().unwrap().iter().map(|b| b.state).collect();
    assert!(
        states
            .iter()
            .all(|s| *s == kohort_tablet::store::BatchState::Delivered)
    );
}
