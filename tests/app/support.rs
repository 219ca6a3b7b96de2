//! Driving the whole app in an egui_kittest harness, on a clock the test
//! moves.

use std::path::Path;
use std::sync::Arc;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kohort::core::ManualClock;
use kohort::i18n::Lang;
use kohort::ui::app::App;
use kohort::ui::lang::set_staff_lang;

/// The app on `db` with the shipped study, no unlock delay, `size` points,
/// its time from `clock`; `app` may configure it further. Staff screens in
/// English, as these tests were written (the walk in `walk_languages.rs`
/// goes through every language).
pub fn harness_on(
    db: &Path,
    size: [f32; 2],
    clock: &ManualClock,
    app: impl FnOnce(App) -> App,
) -> Harness<'static, App> {
    harness_in(Lang::En, db, size, clock, app)
}

/// [`harness_on`] with staff screens in `lang` until the tablet's setting
/// says otherwise.
pub fn harness_in(
    lang: Lang,
    db: &Path,
    size: [f32; 2],
    clock: &ManualClock,
    app: impl FnOnce(App) -> App,
) -> Harness<'static, App> {
    let study = Arc::new(kohort_testkit::study());
    let app = app(App::with_clock(study, db.to_owned(), clock.clone()).without_unlock_delay());
    Harness::builder().with_size(size).build_eframe(|cc| {
        set_staff_lang(&cc.egui_ctx, lang);
        app
    })
}

/// [`harness_on`] with a clock of its own.
pub fn harness(db: &Path, size: [f32; 2], app: impl FnOnce(App) -> App) -> Harness<'static, App> {
    harness_on(db, size, &ManualClock::new(), app)
}

pub fn tap(h: &mut Harness<'_, App>, label: &str) {
    h.get_by_label(label).click();
    h.run();
}

pub fn type_into(h: &mut Harness<'_, App>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

/// On the recovery key screen: types back the two groups asked for and
/// goes on, as a person who noted the key does.
pub fn note_recovery_key(h: &mut Harness<'_, App>) {
    let (asked, groups) = match &h.state().screen {
        kohort::ui::app::Screen::Recovery(d) => (
            d.ask,
            d.key.split('-').map(str::to_owned).collect::<Vec<_>>(),
        ),
        _ => panic!("not on the recovery key screen"),
    };
    for i in asked {
        type_into(h, &format!("Group {}", i + 1), &groups[i]);
    }
    tap(h, "I have noted it: continue");
}

/// Enrols, in the research store, the tablets that signed the batches in
/// `dir`, as a data manager does after reading their fingerprints off the
/// tablets (that the tablet shows this same fingerprint is tested in
/// `app_staff`).
pub fn enrol_signers(research: &Path, dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_none_or(|x| x != "kohort") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let v = kohort_batch::verify(&bytes).unwrap();
        let fp = kohort_research::import::fingerprint(&v.header.device_key);
        match kohort_research::devices::add(research, &fp, "Test site", "Test tablet") {
            Ok(_) => {}
            Err(e) if e.to_string().contains("already enrolled") => {}
            Err(e) => panic!("{e}"),
        }
    }
}

/// Runs the `kohort` command; whether it succeeded, and what it printed
/// (standard output, then errors).
pub fn kohort(args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kohort"))
        .args(args)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}
