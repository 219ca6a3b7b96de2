//! A tablet restored from a backup continues: it starts a new epoch (new
//! device id, same key), its batches are held until a data manager accepts
//! the epoch, the store says which of the old id's batches came after the
//! backup, sessions sent again are kept once, and receipts of both ids
//! still confirm the tablet's batches.

use std::fs;
use std::path::{Path, PathBuf};

use kohort_research::{FileOutcome, ImportReport, devices, epochs};
use kohort_tablet::store::{Store, demo, key_file_of};
use kohort_tablet::sync::{self, Exported};

fn export(store: &mut Store, out: &Path) -> PathBuf {
    match sync::export(store, out).unwrap() {
        Exported::Batch { path, .. } => path,
        Exported::Nothing => panic!("expected a batch"),
    }
}

fn import(file: &Path, dir: &Path, store: &Path) -> ImportReport {
    let in_dir = dir.join("in");
    let _ = fs::remove_dir_all(&in_dir);
    fs::create_dir_all(&in_dir).unwrap();
    fs::copy(file, in_dir.join(file.file_name().unwrap())).unwrap();
    kohort_research::import_dir(&kohort_testkit::research_keys(), &in_dir, store).unwrap()
}

/// Copies a closed tablet database and its key file.
fn copy_db(from: &Path, to: &Path) {
    for (a, b) in [
        (from.to_owned(), to.to_owned()),
        (key_file_of(from), key_file_of(to)),
    ] {
        fs::copy(a, b).unwrap();
    }
}

#[test]
fn a_tablet_restored_from_a_backup_continues_after_the_data_manager_accepts_its_epoch() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let mut tablet = kohort_testkit::tablet(&db);
    let study = kohort_testkit::study();
    let out = dir.path().join("out");
    fs::create_dir_all(&out).unwrap();
    let store = dir.path().join("research");
    let old_id = tablet.device().unwrap().id.to_string();
    devices::add(
        &store,
        &tablet.device().unwrap().fingerprint(),
        "Oslo",
        "T1",
    )
    .unwrap();

    demo::fill(&mut tablet, &study, 1, 1).unwrap();
    let b1 = export(&mut tablet, &out);
    import(&b1, dir.path(), &store);
    // Sessions completed before the backup but batched after it.
    demo::fill(&mut tablet, &study, 1, 2).unwrap();
    drop(tablet);
    let backup = dir.path().join("backup.db");
    copy_db(&db, &backup);

    let mut tablet = kohort_testkit::reopen(&db);
    let b2 = export(&mut tablet, &out);
    let report = import(&b2, dir.path(), &store);
    assert!(matches!(report.files[0].1, FileOutcome::Imported { .. }));
    drop(tablet);

    // The disk fails; the backup is restored, and staff start an epoch.
    for f in [db.clone(), key_file_of(&db)] {
        fs::remove_file(f).unwrap();
    }
    copy_db(&backup, &db);
    let mut tablet = kohort_testkit::reopen(&db);
    let epoch = tablet
        .start_epoch("restored from the backup after a disk failure")
        .unwrap();
    assert_eq!((epoch.number, epoch.after_seq), (1, 1));
    assert_eq!(epoch.previous_device, old_id);
    let new_id = tablet.device().unwrap().id.to_string();
    assert_ne!(new_id, old_id);
    assert!(
        kohort_testkit::actions(tablet.audit_after(0).unwrap()).contains(&"epoch_started".into())
    );

    // Its next batch (the sessions of batch 2 again, and a new one) is held.
    demo::fill(&mut tablet, &study, 1, 3).unwrap();
    let b3 = export(&mut tablet, &out);
    let report = import(&b3, dir.path(), &store);
    let FileOutcome::Held { reason, device, .. } = &report.files[0].1 else {
        panic!("{report:?}");
    };
    assert_eq!(*device, new_id);
    assert!(
        reason.contains("restored from a backup") && reason.contains(&old_id),
        "{reason}"
    );

    // The data manager accepts it: the store says what came after the backup.
    let accepted = epochs::accept(&store, &new_id).unwrap();
    assert_eq!(accepted.after_backup, [2]);
    assert!(accepted.missing.is_empty());
    assert_eq!(accepted.links, Some(true));
    assert!(epochs::accept(&store, &new_id).is_err(), "accepted once");

    let report = import_held(&store);
    let FileOutcome::Imported {
        new_sessions,
        known_sessions,
        ..
    } = report.files[0].1
    else {
        panic!("{report:?}");
    };
    assert!(
        known_sessions > 0,
        "batch 2's sessions came again, kept once"
    );
    assert!(new_sessions > 0);
    let summary = &report.devices[&new_id];
    assert!(summary.gaps.is_empty(), "{summary:?}");

    // Receipts of both ids confirm the restored tablet's batches.
    let receipt = sync::read_receipt(summary.receipt.as_ref().unwrap()).unwrap();
    let confirmed = sync::apply_receipt(&mut tablet, &receipt).unwrap();
    assert!(format!("{confirmed:?}").contains('2'), "{confirmed:?}");
    let old_receipt = store
        .join("receipts")
        .join(format!("{old_id}-000002.receipt"));
    let old = sync::read_receipt(&old_receipt).unwrap();
    sync::apply_receipt(&mut tablet, &old).unwrap();
    let states: Vec<_> = tablet
        .batches()
        .unwrap()
        .iter()
        .map(|b| (b.seq, b.state))
        .collect();
    assert!(
        states
            .iter()
            .all(|(_, s)| *s == kohort_tablet::store::BatchState::Confirmed),
        "{states:?}"
    );
}

fn import_held(store: &Path) -> ImportReport {
    kohort_research::import_dir(
        &kohort_testkit::research_keys(),
        &store.join(devices::HELD_DIR),
        store,
    )
    .unwrap()
}

#[test]
fn an_epoch_signed_with_another_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut tablet = kohort_testkit::tablet(&dir.path().join("t.db"));
    let out = dir.path().join("out");
    fs::create_dir_all(&out).unwrap();
    let store = dir.path().join("research");
    devices::add(
        &store,
        &tablet.device().unwrap().fingerprint(),
        "Oslo",
        "T1",
    )
    .unwrap();
    demo::fill(&mut tablet, &kohort_testkit::study(), 1, 1).unwrap();
    import(&export(&mut tablet, &out), dir.path(), &store);

    // Someone else claims to be that tablet restored: a made-up key.
    tablet.start_epoch("claimed restore").unwrap();
    demo::fill(&mut tablet, &kohort_testkit::study(), 1, 2).unwrap();
    let genuine = fs::read(export(&mut tablet, &out)).unwrap();
    let v = kohort_batch::verify(&genuine).unwrap();
    let opened = kohort_batch::open(&v, &kohort_testkit::research_keys()).unwrap();
    let key = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let mut h = v.header.clone();
    h.device_key = hex::encode(key.verifying_key().as_bytes());
    let forged = kohort_batch::seal(
        &h,
        &opened.payload,
        &kohort_testkit::research_keys().public().unwrap(),
        &key,
        &mut rand_core::UnwrapErr(rand_core::OsRng),
    )
    .unwrap();
    let file = dir.path().join(h.file_name());
    fs::write(&file, forged).unwrap();
    let report = import(&file, dir.path(), &store);
    let FileOutcome::Refused { reason } = &report.files[0].1 else {
        panic!("{report:?}");
    };
    assert!(reason.contains("signs with another key"), "{reason}");
}
