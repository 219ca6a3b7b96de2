//! The whole way: `kohort demo` database → export → import → dataset, and
//! every answer in the analysis files equals what the tablet saved, with
//! its state, derived scores included.

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use kohort_batch::ResearchKeys;
use kohort_form::ItemState;
use kohort_research::dataset;
use kohort_tablet::store::{SessionFilter, SessionStatus, demo};
use kohort_tablet::sync;

/// A minimal CSV reader: quoted fields with doubled quotes, CRLF lines.
fn csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    rows
}

fn expected(state: &ItemState) -> (String, &'static str) {
    let value = match state {
        ItemState::Answered(v) => dataset::render(v),
        s => s.missing_code().unwrap().to_string(),
    };
    (value, state.name())
}

#[test]
fn every_answer_in_the_dataset_equals_what_was_saved() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = kohort_testkit::create(&dir.path().join("t.db"));
    let keys = ResearchKeys::from_secrets("hab", [7; 32], [8; 32]);
    let public = keys.public().unwrap();
    store
        .set_research_key(&public.render(), &public.fingerprint())
        .unwrap();
    demo::fill(&mut store, &kohort_testkit::study(), 6, 11).unwrap();
    let out = dir.path().join("out");
    fs::create_dir_all(&out).unwrap();
    sync::export(&mut store, &out).unwrap();
    let research_dir = dir.path().join("research");
    crate::support::enrol_signers(&research_dir, &out);
    let report = kohort_research::import_dir(&keys, &out, &research_dir).unwrap();
    assert_eq!(report.refused().count(), 0);
    let files = dir.path().join("dataset");
    dataset::write(
        &research_dir,
        &kohort_testkit::study(),
        &files,
        &dataset::Options::default(),
    )
    .unwrap();

    let long = csv(&fs::read_to_string(files.join("long.csv")).unwrap());
    let col = |name: &str| long[0].iter().position(|c| c == name).unwrap();
    let (c_session, c_var, c_value, c_state) = (
        col("session_id"),
        col("variable"),
        col("value"),
        col("state"),
    );
    let got: HashMap<(String, String), (String, String)> = long[1..]
        .iter()
        .map(|r| {
            (
                (r[c_session].clone(), r[c_var].clone()),
                (r[c_value].clone(), r[c_state].clone()),
            )
        })
        .collect();

    let completed = store
        .list_sessions(&SessionFilter {
            status: Some(SessionStatus::Completed),
            participant: None,
        })
        .unwrap();
    let mut rows = 0;
    let mut wide_expect: HashMap<(String, String), String> = HashMap::new();
    let mut scores = 0;
    for s in &completed {
        let loaded = store.load_session(s.id).unwrap();
        let score_ids: Vec<String> = loaded
            .questionnaire
            .instruments
            .iter()
            .flat_map(|i| i.items.iter())
            .filter(|i| matches!(i.kind, kohort_form::ItemKind::Score { .. }))
            .map(|i| i.id.clone())
            .collect();
        for (var, state) in loaded.into_runner().outcome() {
            let (value, name) = expected(&state);
            let key = (s.id.to_string(), var.clone());
            assert_eq!(
                got.get(&key),
                Some(&(value.clone(), name.to_owned())),
                "{var} in session {}",
                s.id
            );
            if score_ids.contains(&var) && matches!(state, ItemState::Answered(_)) {
                scores += 1;
            }
            wide_expect.insert(key, value);
            rows += 1;
        }
    }
    assert_eq!(long.len() - 1, rows, "long.csv has rows for other sessions");
    assert!(scores > 0, "no derived score was checked");

    // Every wide cell agrees with the tablet too.
    let mut cells = 0;
    for entry in fs::read_dir(&files).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if !name.starts_with("wide_") || !name.ends_with(".csv") {
            continue;
        }
        let wide = csv(&fs::read_to_string(&path).unwrap());
        let header = &wide[0];
        let sid = header.iter().position(|c| c == "session_id").unwrap();
        let first_var = header
            .iter()
            .rposition(|c| c.ends_with("_version"))
            .unwrap()
            + 1;
        for row in &wide[1..] {
            // Multi-choice 0/1 columns stand beside their variable.
            let vars = header.iter().enumerate().skip(first_var);
            for (i, var) in vars.filter(|(_, v)| !v.contains("___")) {
                match wide_expect.get(&(row[sid].clone(), var.clone())) {
                    Some(v) => {
                        assert_eq!(&row[i], v, "{name}: {var}");
                        cells += 1;
                    }
                    None => assert_eq!(row[i], "", "{name}: {var} is not in that session"),
                }
            }
        }
    }
    assert_eq!(cells, rows);
    for f in [
        "codebook.csv",
        "wide_baseline.R",
        "wide_baseline.sps",
        "visits.csv",
    ] {
        assert!(files.join(f).metadata().unwrap().len() > 100, "{f}");
    }
}

fn kohort(args: &[&str], dir: &Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kohort"))
        .args(args)
        .current_dir(kohort_testkit::repo_root())
        .env("KOHORT_PASSPHRASE", kohort_testkit::PASS)
        .env("TMPDIR", dir)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn the_commands_carry_a_demo_database_to_analysis_files() {
    let dir = tempfile::tempdir().unwrap();
    let p = |s: &str| dir.path().join(s).to_str().unwrap().to_owned();
    let run = |args: &[&str]| {
        let (ok, out) = kohort(args, dir.path());
        assert!(ok, "kohort {args:?} failed: {out}");
        out
    };
    run(&["demo", "--db", &p("t.db"), "--participants", "3"]);
    let out = run(&["store", "keygen", "--out", &p("keys"), "--study", "hab"]);
    let fp = out
        .lines()
        .last()
        .unwrap()
        .trim_start_matches("fingerprint: ")
        .to_owned();
    let out = run(&[
        "device",
        "set-research-key",
        &p("keys/research.pub"),
        "--db",
        &p("t.db"),
    ]);
    assert!(out.contains(&fp), "{out}");
    assert!(run(&["export", "--db", &p("t.db"), "--to", &p("out")]).contains("batch 1"));
    assert!(run(&["export", "--db", &p("t.db"), "--to", &p("out")]).contains("nothing to export"));
    assert_eq!(fs::read_dir(p("out")).unwrap().count(), 1);
    let args = [
        "store",
        "import",
        "--key",
        &p("keys"),
        "--in",
        &p("out"),
        "--store",
        &p("st"),
    ];
    // A demo tablet's batch is practice data: refused unless allowed.
    let (ok, out) = kohort(&args, dir.path());
    assert!(!ok && out.contains("demo tablet"), "{out}");
    let args = [&args[..], &["--allow-demo"]].concat();
    // The tablet is not enrolled: its batch is held, named with its key.
    let (ok, out) = kohort(&args, dir.path());
    assert!(
        !ok && out.contains("HELD") && out.contains("not enrolled"),
        "{out}"
    );
    assert_eq!(fs::read_dir(p("out")).unwrap().count(), 0, "moved to held/");
    // The data manager enrols it by the fingerprint the tablet shows.
    let shown = run(&["device", "show", "--db", &p("t.db")]);
    let tablet_fp = shown
        .lines()
        .find_map(|l| l.strip_prefix("fingerprint: "))
        .unwrap()
        .to_owned();
    assert!(out.contains(&tablet_fp), "{out}");
    let (ok, bad) = kohort(
        &[
            "store",
            "devices",
            "add",
            "12",
            "--site",
            "Oslo",
            "--name",
            "T1",
            "--store",
            &p("st"),
        ],
        dir.path(),
    );
    assert!(!ok && bad.contains("not a device fingerprint"), "{bad}");
    let lower = tablet_fp.to_lowercase();
    let added = run(&[
        "store",
        "devices",
        "add",
        &lower,
        "--site",
        "Oslo",
        "--name",
        "T1",
        "--store",
        &p("st"),
    ]);
    assert!(added.contains("1 batch(es) of this tablet wait"), "{added}");
    assert!(run(&["store", "devices", "list", "--store", &p("st")]).contains("HELD"));
    let held = p("st/held");
    let held_args = args
        .iter()
        .map(|a| if *a == p("out") { held.as_str() } else { a });
    let held_args: Vec<&str> = held_args.collect();
    assert!(run(&held_args).contains("1 imported now"));
    let out = run(&held_args);
    assert!(
        out.contains("no batch files"),
        "the imported copy left held/: {out}"
    );
    let listed = run(&["store", "devices", "list", "--store", &p("st")]);
    assert!(
        listed.contains(&format!("{tablet_fp}  T1 at Oslo")),
        "{listed}"
    );
    assert!(
        listed.contains("1 batches") && !listed.contains("HELD"),
        "{listed}"
    );
    let out = run(&[
        "store",
        "dataset",
        "--store",
        &p("st"),
        "--forms",
        "forms",
        "--out",
        &p("ds"),
    ]);
    assert!(
        out.contains("long.csv") && out.contains("wide_baseline.R"),
        "{out}"
    );
    let out = run(&[
        "store",
        "dataset",
        "--store",
        &p("st"),
        "--out",
        &p("shared"),
        "--as-of",
        "2025-06-01",
        "--excel",
        "--formula-guard",
        "off",
        "--deidentify",
        "--exclude-withdrawn",
    ]);
    assert!(out.contains("visits.csv"), "{out}");
    let manifest = fs::read_to_string(dir.path().join("shared/manifest.json")).unwrap();
    for opt in [
        "\"as_of\": \"2025-06-01\"",
        "\"deidentified\": true",
        "\"formula_guard\": \"off\"",
    ] {
        assert!(manifest.contains(opt), "{opt}: {manifest}");
    }
    // The study's own report, in Norwegian, small cells hidden.
    let out = run(&[
        "store",
        "report",
        "--store",
        &p("st"),
        "--out",
        &p("report"),
        "--as-of",
        "2025-06-01",
        "--suppress-small",
        "--lang",
        "nb",
    ]);
    assert!(
        out.contains("report.html") && out.contains("change.csv") && out.contains("shown as <5"),
        "{out}"
    );
    let page = fs::read_to_string(dir.path().join("report/report.html")).unwrap();
    assert!(page.contains("<html lang=\"nb\">") && page.contains("Første mot siste måling"));
    let (ok, out) = kohort(
        &["store", "report", "--store", &p("none"), "--out", &p("r2")],
        dir.path(),
    );
    assert!(!ok && out.contains("research.db does not exist"), "{out}");
    // The tablet holds no private key: a batch refused by a wrong key says so.
    let (ok, out) = kohort(
        &[
            "store",
            "import",
            "--key",
            &p("out"),
            "--in",
            &p("out"),
            "--store",
            &p("x"),
        ],
        dir.path(),
    );
    assert!(!ok && out.contains("research.key"), "{out}");
}

/// A withdrawal made on the staff screen after the participant's last
/// export reaches the analysis files: the next export carries it on its
/// own (no session is new), and `participants.csv` flags it, rows kept.
#[test]
fn a_withdrawal_on_the_staff_screen_reaches_the_analysis_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tablet.db");
    let mut store = kohort_testkit::tablet(&db);
    store
        .enrol(
            "HAB-OSL-0042",
            "OSL",
            None,
            &kohort_testkit::consent(),
            kohort_testkit::date(2025, 1, 6),
        )
        .unwrap();
    let out = dir.path().join("out");
    fs::create_dir_all(&out).unwrap();
    let research = dir.path().join("research");
    let keys = kohort_testkit::research_keys();
    let first = match sync::export(&mut store, &out).unwrap() {
        sync::Exported::Batch { path, .. } => path,
        sync::Exported::Nothing => panic!("the enrolment alone makes a batch"),
    };
    crate::support::enrol_signers(&research, &out);
    let report = kohort_research::import_dir(&keys, &out, &research).unwrap();
    assert_eq!(report.refused().count(), 0);
    fs::remove_file(first).unwrap();
    drop(store);

    // The nurse withdraws consent on the participant's page.
    let mut h = crate::support::harness(&db, [1280.0, 800.0], |a| a);
    h.run();
    crate::support::type_into(&mut h, "Staff passphrase", kohort_testkit::PASS);
    crate::support::tap(&mut h, "Unlock");
    crate::support::tap(&mut h, "HAB-OSL-0042");
    crate::support::tap(&mut h, "Withdraw consent…");
    crate::support::tap(&mut h, "Confirm withdrawal");
    assert_eq!(h.state().error(), None);
    drop(h);

    let mut store = kohort_testkit::reopen(&db);
    let withdrawn = store.participants().unwrap()[0]
        .consent
        .as_ref()
        .and_then(|c| c.withdrawn_at)
        .unwrap();
    assert!(matches!(
        sync::export(&mut store, &out).unwrap(),
        sync::Exported::Batch { sessions: 0, .. }
    ));
    let report = kohort_research::import_dir(&keys, &out, &research).unwrap();
    assert_eq!(report.refused().count(), 0, "{report:?}");
    let files = dir.path().join("dataset");
    dataset::write(
        &research,
        &kohort_testkit::study(),
        &files,
        &dataset::Options::default(),
    )
    .unwrap();
    let rows = csv(&fs::read_to_string(files.join("participants.csv")).unwrap());
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let row = rows
        .iter()
        .find(|r| {
            r.get(col("study_code"))
                .is_some_and(|c| c == "HAB-OSL-0042")
        })
        .unwrap_or_else(|| panic!("{rows:?}"));
    assert_eq!(row[col("withdrawn_at")], withdrawn.to_string());
}
