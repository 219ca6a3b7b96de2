//! The `kohort` command as a person runs it: checking forms, printing a
//! schedule.

use std::process::Command;

use kohort_testkit::repo_root;

fn forms_cli(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kohort"))
        .args(args)
        .current_dir(repo_root())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    (out.status.success(), stdout)
}

#[test]
fn forms_check_reports_every_problem_of_every_file() {
    let a = "tests/fixtures/bad-forms/duplicate-option-code.json";
    let b = "tests/fixtures/bad-studies/respondent-mismatch";
    let (ok, stdout) = forms_cli(&["forms", "check", a, b]);
    assert!(!ok, "exit code 0 for broken files:\n{stdout}");
    let expected = [
        format!("error: {a}: item 'q_living' at /items/0/options/1/code: duplicate option code 1"),
        format!(
            "error: {b}/study.json at /timepoints/0/instruments/1: instrument 'medication' is for a \
             clinician"
        ),
    ];
    for line in &expected {
        assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
    }
    assert!(stdout.contains("2 error(s)"), "{stdout}");
}

/// `--lang nn` lists each text without nynorsk; a text that has it, or a
/// language key of another language, is not listed.
#[test]
fn forms_check_lists_texts_without_nynorsk() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nn.json");
    std::fs::write(
        &file,
        r#"{ "id": "nn_demo", "version": "1.0.0", "respondent": "patient",
  "title": { "nb": "Bolig", "nn": "Bustad", "en": "Housing" },
  "items": [
    { "id": "q_home", "type": "yes_no", "text": { "nb": "Har du et sted å bo?", "en": "Home?", "se": "Ruoktu?" } },
    { "id": "q_days", "type": "days", "max": 30,
      "text": { "nb": "Dager?", "nn": "Dagar?", "en": "Days?" },
      "help": { "nb": "Antall dager", "en": "Number of days" } }
  ] }"#,
    )
    .unwrap();
    let path = file.display().to_string();
    let (ok, stdout) = forms_cli(&["forms", "check", &path, "--lang", "nn"]);
    assert!(ok, "{stdout}");
    assert!(
        stdout.contains("nn_demo: q_home / text: no 'nn' text"),
        "{stdout}"
    );
    assert!(
        stdout.contains("nn_demo: q_days / help: no 'nn' text"),
        "{stdout}"
    );
    assert!(!stdout.contains("q_days / text"), "{stdout}");
    assert!(!stdout.contains("nn_demo: title"), "{stdout}");
    assert!(stdout.contains("2 text(s) without 'nn'"), "{stdout}");
}

#[test]
fn forms_check_accepts_the_shipped_study() {
    let (ok, stdout) = forms_cli(&["forms", "check", "forms/"]);
    assert!(ok, "forms/ has errors:\n{stdout}");
    assert!(stdout.contains("ok: no errors"), "{stdout}");
}

fn kohort(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_kohort"))
        .args(args)
        .current_dir(repo_root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "kohort {args:?} failed: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

/// The line of the table that starts with `title`, spaces squeezed.
fn line(out: &str, title: &str) -> String {
    let found = out
        .lines()
        .find(|l| l.starts_with(&format!("{title}  ")))
        .unwrap_or_else(|| panic!("no line for {title} in:\n{out}"));
    found.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn cli_prints_a_table_for_the_patient_file() {
    let out = kohort(&[
        "schedule",
        "--anchor",
        "2024-02-29",
        "--today",
        "2024-03-10",
        "--forms",
        "forms",
        "--lang",
        "en",
    ]);
    assert!(
        out.contains("First day of diacetylmorphine: 2024-02-29"),
        "{out}"
    );
    assert_eq!(
        line(&out, "Baseline"),
        "Baseline 2024-02-29 2024-02-22 – 2024-03-30 open now"
    );
    assert_eq!(
        line(&out, "12 months"),
        "12 months 2025-02-28 2025-01-29 – 2025-04-29 upcoming"
    );
    assert_eq!(
        line(&out, "48 months"),
        "48 months 2028-02-29 2028-01-30 – 2028-04-29 upcoming"
    );
    assert_eq!(
        line(&out, "Medication registration 1"),
        "Medication registration 1 2024-03-29 2024-03-15 – 2024-04-28 upcoming"
    );
    assert_eq!(
        line(&out, "Serious adverse event"),
        "Serious adverse event – – can be started"
    );
    assert!(!out.contains("End of treatment"), "{out}");
}

#[test]
fn cli_after_an_end_in_norwegian() {
    let out = kohort(&[
        "schedule",
        "--anchor",
        "2025-01-06",
        "--end",
        "2025-04-20",
        "--today",
        "2025-04-25",
    ]);
    assert!(out.contains("Behandlingsslutt: 2025-04-20"), "{out}");
    assert_eq!(
        line(&out, "3 måneder"),
        "3 måneder 2025-04-06 2025-03-23 – 2025-04-20 ikke samlet inn (episode avsluttet)"
    );
    assert_eq!(
        line(&out, "Slutt på behandlingen – pasient"),
        "Slutt på behandlingen – pasient 2025-04-20 fra 2025-04-20 åpen nå"
    );
    assert_eq!(
        line(&out, "6 måneder"),
        "6 måneder 2025-07-06 2025-06-22 – 2025-08-05 ikke aktuell"
    );
}

#[test]
fn cli_rejects_a_bad_date_or_study_folder() {
    let out = Command::new(env!("CARGO_BIN_EXE_kohort"))
        .args(["schedule", "--anchor", "2025-02-30"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--anchor"));

    let out = Command::new(env!("CARGO_BIN_EXE_kohort"))
        .args([
            "schedule",
            "--anchor",
            "2025-01-06",
            "--forms",
            "no/such/dir",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/dir/study.json"));
}

/// The README's demo gives a data manager's page that works: the demo sets
/// a practice research key (marked so), and a batch can be sealed at once.
#[test]
fn the_demo_tablet_has_a_practice_research_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_kohort"))
            .args(args)
            .env("KOHORT_PASSPHRASE", kohort_testkit::PASS)
            .current_dir(repo_root())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        text
    };
    let db_arg = db.display().to_string();
    let said = run(&["demo", "--db", &db_arg, "--participants", "3"]);
    assert!(said.contains("Practice research key set"), "{said}");
    assert!(
        dir.path()
            .join("demo-practice-research-key/research.key")
            .is_file()
    );
    let store = kohort_testkit::reopen(&db);
    let status = kohort_tablet::sync::Status::load(&store, dir.path(), chrono::Utc::now()).unwrap();
    assert!(status.practice_key && status.research_key.is_some());
    drop(store);
    let sealed = run(&["export", "--db", &db_arg]);
    assert!(sealed.contains("wrote"), "{sealed}");
    // Topping up a demo database is fine; a real one is never filled.
    run(&["demo", "--db", &db_arg, "--participants", "4"]);
    let real = dir.path().join("real.db");
    drop(kohort_testkit::create(&real));
    let out = Command::new(env!("CARGO_BIN_EXE_kohort"))
        .args(["demo", "--db", &real.display().to_string()])
        .env("KOHORT_PASSPHRASE", kohort_testkit::PASS)
        .current_dir(repo_root())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("not a demo database"),
        "{err}"
    );
    assert_eq!(
        kohort_testkit::reopen(&real).participants().unwrap().len(),
        0
    );
}

/// Staff change the passphrase from the command line, with the current one
/// or, when it is forgotten, with the recovery key; a weak one is refused.
#[test]
fn the_staff_passphrase_changes_with_the_old_one_or_the_recovery_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let (store, recovery) = kohort_testkit::create(&db);
    drop(store);
    let file = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let change = |extra: &[&str], pass: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_kohort"))
            .args([
                "device",
                "change-passphrase",
                "--db",
                &db.display().to_string(),
            ])
            .args(extra)
            .env("KOHORT_PASSPHRASE", pass)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    };
    let weak = file("weak", "aaaaaaaa\n");
    let (ok, out) = change(&["--new-passphrase-file", &weak], kohort_testkit::PASS);
    assert!(!ok && out.contains("random words"), "{out}");

    let new = file("new", "otter lamp gravel sunday\n");
    let (ok, out) = change(&["--new-passphrase-file", &new], kohort_testkit::PASS);
    assert!(ok && out.contains("passphrase changed"), "{out}");
    let mut locked = kohort_tablet::store::Store::open(&db).unwrap();
    locked.set_delay(kohort_tablet::store::Delay::None);
    drop(locked.unlock("otter lamp gravel sunday").unwrap());

    // Forgotten: the recovery key opens it for a new passphrase.
    // As the app saves it to a stick: the key among lines of text.
    let rk = file(
        "rk",
        &format!(
            "Kohort recovery key for the tablet \"t\" (device x)\n\n{}\n\nKeep it.\n",
            *recovery.to_printable()
        ),
    );
    let newer = file("newer", "kettle brave orchard nineteen\n");
    let (ok, out) = change(
        &["--recovery-key-file", &rk, "--new-passphrase-file", &newer],
        "",
    );
    assert!(ok, "{out}");
    let mut locked = kohort_tablet::store::Store::open(&db).unwrap();
    locked.set_delay(kohort_tablet::store::Delay::None);
    drop(locked.unlock("kettle brave orchard nineteen").unwrap());
}

/// The tablet shows the fingerprint the research store sees for its batches.
#[test]
fn device_show_prints_the_fingerprint_the_research_store_sees() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let store = kohort_testkit::tablet(&db);
    let device = store.device().unwrap();
    drop(store);
    let out = Command::new(env!("CARGO_BIN_EXE_kohort"))
        .args(["device", "show", "--db", &db.display().to_string()])
        .env("KOHORT_PASSPHRASE", kohort_testkit::PASS)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let research_side = kohort_research::import::fingerprint(&hex::encode(device.public_key));
    assert!(
        text.contains(&format!("fingerprint: {research_side}")),
        "{text}"
    );
    assert!(text.contains(&device.id.to_string()));
}
