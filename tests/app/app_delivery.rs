//! The data manager's page in the whole app: seal a batch, copy it to a
//! folder (the worker thread reports back, the state changes), apply the
//! research store's receipt, and purge with a retention of 0 days.

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kohort::ui::app::App;
use kohort_tablet::store::{BatchState, SessionFilter, SessionStatus};

use crate::support::{tap, type_into};
use kohort_testkit::PASS;

/// Replaces a text field's content, as a person selecting all and typing.
fn replace_text(h: &mut Harness<'_, App>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::A);
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

/// Frames until `label` shows, while the worker thread does its part (its
/// reports may arrive in any frame, so frames need not settle in between).
fn wait_for(h: &mut Harness<'_, App>, label: &str) {
    for _ in 0..300 {
        let _ = h.try_run();
        if h.query_by_label(label).is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("{label} never showed; error: {:?}", h.state().error());
}

#[test]
fn the_data_manager_seals_copies_to_a_folder_confirms_and_purges() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tablet.db");
    let completed = {
        let mut store = kohort_testkit::tablet(&db);
        kohort_tablet::store::demo::fill(&mut store, &kohort_testkit::study(), 3, 2).unwrap();
        store.unbatched_completed().unwrap().len()
    };
    assert!(completed > 0);

    let mut h = crate::support::harness(&db, [1280.0, 1400.0], |a| a);
    h.run();
    type_into(&mut h, "Staff passphrase", PASS);
    tap(&mut h, "Unlock");
    tap(&mut h, "Data manager");
    let fp = kohort_testkit::research_keys()
        .public()
        .unwrap()
        .fingerprint();
    h.get_by_label(&format!("Research key fingerprint: {fp}"));
    h.get_by_label(&format!(
        "Completed sessions not yet in a batch: {completed}"
    ));
    h.get_by_label("No batch sealed yet.");

    tap(&mut h, "Seal a new batch");
    h.get_by_label("Completed sessions not yet in a batch: 0");
    h.get_by_label("sealed");
    h.get_by_label("in the outbox");

    let stick = kohort_testkit::stick();
    let usb = stick.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    // No stick is plugged in here: the data manager types the folder.
    h.get_by_label("No USB stick is plugged in.");
    tap(&mut h, "Other folder…");
    replace_text(&mut h, "Folder", &usb.display().to_string());
    h.get_by_label("Copy to folder").click();
    wait_for(&mut h, "delivered");
    h.run();
    assert!(h.query_by_label("sealed").is_none());
    h.get_by_label(&format!("folder {}", usb.canonicalize().unwrap().display()));
    assert!(h.state().error().is_none(), "{:?}", h.state().error());
    let names: Vec<String> = std::fs::read_dir(&usb)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "the batch and its manifest: {names:?}");

    // The research store imports the stick; its receipt comes back.
    crate::support::enrol_signers(&dir.path().join("research"), &usb);
    let report = kohort_research::import_dir(
        &kohort_testkit::research_keys(),
        &usb,
        &dir.path().join("research"),
    )
    .unwrap();
    let receipt = report
        .devices
        .values()
        .next()
        .unwrap()
        .receipt
        .clone()
        .unwrap();
    type_into(&mut h, "Receipt file", &receipt.display().to_string());
    tap(&mut h, "Apply receipt");
    h.get_by_label("The receipt is genuine: batch 1 confirmed.");
    h.get_by_label("confirmed");

    // Kept 30 days by default; with 0 the purge may go ahead at once.
    h.get_by_label("Purge 0 sessions");
    type_into(&mut h, "Keep (days)", "0");
    tap(&mut h, "Save");
    tap(&mut h, &format!("Purge {completed} sessions"));
    // Asked first, naming how many leave the tablet.
    h.get_by_label("Purge answers from this tablet?");
    tap(&mut h, &format!("Purge {completed} sessions now"));
    h.get_by_label("purged");
    h.get_by_label(&format!(
        "Purged the answers of {completed} sessions; the sessions stay in the schedule."
    ));
    drop(h);

    let store = kohort_testkit::reopen(&db);
    assert_eq!(store.batches().unwrap()[0].state, BatchState::Purged);
    let done = store
        .list_sessions(&SessionFilter {
            status: Some(SessionStatus::Completed),
            participant: None,
        })
        .unwrap();
    assert_eq!(done.len(), completed);
    assert!(done.iter().all(|s| s.purged_at.is_some() && s.answers == 0));
}
