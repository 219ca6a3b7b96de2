//! CPU time of one frame of the staff home (today's work and the list of
//! participants) on a clinic-sized database, through the kittest harness
//! (no GPU). A database made by `kohort demo` can be given in
//! KOHORT_BENCH_DB (passphrase in KOHORT_BENCH_PASS, default the demo's);
//! otherwise one with KOHORT_BENCH_PARTICIPANTS demo participants (default
//! 150) is made first.

use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kohort::core::ManualClock;
use kohort::ui::app::App;

fn database(dir: &Path) -> (std::path::PathBuf, String) {
    let db = dir.join("home.db");
    if let Some(src) = std::env::var_os("KOHORT_BENCH_DB") {
        let src = Path::new(&src);
        let keys = kohort_tablet::store::key_file_of(src);
        std::fs::copy(src, &db).expect("copy the database");
        std::fs::copy(keys, kohort_tablet::store::key_file_of(&db)).expect("copy its key file");
        let pass = std::env::var("KOHORT_BENCH_PASS").unwrap_or_else(|_| "demo-passphrase".into());
        return (db, pass);
    }
    let n = std::env::var("KOHORT_BENCH_PARTICIPANTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let (mut store, _) = kohort_testkit::create(&db);
    let today = chrono::Local::now().date_naive();
    kohort_tablet::store::demo::fill_until(&mut store, &kohort_testkit::study(), n, 7, today)
        .expect("demo data");
    (db, kohort_testkit::PASS.to_owned())
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (db, pass) = database(dir.path());
    let study = Arc::new(kohort_testkit::study());
    let app = App::with_clock(study, db.clone(), ManualClock::new()).without_unlock_delay();
    let mut h: Harness<'static, App> = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(|_| app);
    h.run();
    h.get_by_label("Passordfrase for personalet").focus();
    h.run();
    h.get_by_label("Passordfrase for personalet")
        .type_text(&pass);
    h.run();
    h.get_by_label("Lås opp").click();
    h.run();
    let sessions = h.state().clinic().sessions.len();
    let due = h.state().clinic().work().len();
    c.bench_function(
        &format!("frame: staff home, {sessions} sessions, {due} forms due"),
        |b| b.iter(|| h.step()),
    );
    unlock_to_home(&mut h, &pass);
    drop(h);

    // What an unlock and every change reload: the clinic's whole state.
    let mut locked = kohort_tablet::store::Store::open(&db).expect("open");
    locked.set_delay(kohort_tablet::store::Delay::None);
    let store = locked.unlock(&pass).expect("unlock");
    let study = kohort_testkit::study();
    let today = chrono::Local::now().date_naive();
    c.bench_function(&format!("Clinic::load, {sessions} sessions"), |b| {
        b.iter(|| kohort::core::Clinic::load(&store, &study, today).expect("load"))
    });
}

/// Unlock → home, timed over 20 runs (Argon2id, the page check, the
/// clinic's load and the first home frame); prints the median and the
/// slowest, the latter standing for p99 (criterion reports means).
fn unlock_to_home(h: &mut Harness<'static, App>, pass: &str) {
    let mut times = Vec::new();
    for _ in 0..20 {
        h.get_by_label("Lås").click();
        h.run();
        h.get_by_label("Passordfrase for personalet").focus();
        h.run();
        h.get_by_label("Passordfrase for personalet")
            .type_text(pass);
        h.run();
        let start = std::time::Instant::now();
        h.get_by_label("Lås opp").click();
        h.run();
        times.push(start.elapsed());
        assert!(
            h.query_by_label("Lås opp").is_none(),
            "the staff home is shown"
        );
    }
    times.sort();
    println!(
        "unlock → home over {} runs: median {:.0} ms, slowest {:.0} ms",
        times.len(),
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
