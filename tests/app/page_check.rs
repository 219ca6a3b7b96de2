//! The app opens its staff screens before every page of the database is
//! checked; a changed page the first screens did not read is found by the
//! check that follows, and the app locks and says so.

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use kohort::core::{Access, Core, Credential, ErrorKind, ManualClock, PagesCheck};
use kohort::ui::app::Screen;
use kohort_tablet::store::{StoreError, key_file_of};
use kohort_testkit::{PASS, unlock_checking_later};
use zeroize::Zeroizing;

use crate::support::{harness, tap, type_into};

#[test]
fn a_page_changed_where_the_first_screens_do_not_read_locks_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let (mut store, _) = kohort_testkit::create(&db);
    let today = chrono::Local::now().date_naive();
    kohort_tablet::store::demo::fill_until(&mut store, &kohort_testkit::study(), 12, 7, today)
        .unwrap();
    drop(store);
    let original = std::fs::read(&db).unwrap();
    let keys = std::fs::read(key_file_of(&db)).unwrap();
    // A byte on a page from the end (the answers), one the unlock does
    // not read.
    let page = 4096;
    let pages = original.len() / page;
    let changed = (1..pages)
        .rev()
        .find_map(|p| {
            let mut bytes = original.clone();
            bytes[p * page + 900] ^= 0x01;
            std::fs::write(&db, &bytes).unwrap();
            std::fs::write(key_file_of(&db), &keys).unwrap();
            matches!(
                unlock_checking_later(&db),
                (Err(StoreError::TamperedFile(_)), false)
            )
            .then_some(bytes)
        })
        .expect("a page the unlock does not read");
    let put_back = || {
        std::fs::write(&db, &changed).unwrap();
        std::fs::write(key_file_of(&db), &keys).unwrap();
    };

    // The core opens, and locks once the check has found the page.
    put_back();
    let mut core = Core::new(
        Arc::new(kohort_testkit::study()),
        db.clone(),
        Arc::new(ManualClock::new()),
    )
    .without_unlock_delay();
    core.unlock(Credential::Passphrase(Zeroizing::new(PASS.into())))
        .unwrap();
    assert_eq!(core.access(), Access::Open);
    let found = loop {
        match core.poll_pages() {
            PagesCheck::Running => std::thread::sleep(Duration::from_millis(2)),
            other => break other,
        }
    };
    assert!(
        matches!(&found, PagesCheck::Changed(e) if e.kind() == ErrorKind::Tampered),
        "{found:?}"
    );
    assert_eq!(core.access(), Access::Locked);
    drop(core);

    // The app goes back to the unlock screen and says why.
    put_back();
    let mut h = harness(&db, [1280.0, 800.0], |app| app);
    type_into(&mut h, "Staff passphrase", PASS);
    tap(&mut h, "Unlock");
    let deadline = Instant::now() + Duration::from_secs(20);
    while h.state().error().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
    let error = h.state().error().unwrap_or_default().to_owned();
    assert!(error.starts_with("Sealed data does not open"), "{error:?}");
    assert!(matches!(h.state().screen, Screen::Unlock(_)));
    h.run();
    h.get_by_label("Unlock");
}
