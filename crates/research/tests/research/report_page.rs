//! The report's page: self-contained, no study code, id, name or free text
//! in anything written, a clear error for bad input with nothing lost, and
//! the report of a demo store opened in headless Chromium (skipped with a
//! notice when Chromium is not installed, unless KOHORT_REQUIRE_STATS=1).

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kohort_research::ResearchError;
use kohort_research::report::{self, Options};

use crate::demo;
use crate::report_cohort::{self, Cohort};

#[test]
fn the_report_holds_no_code_id_name_or_free_text_and_fetches_nothing() {
    let c = report_cohort::build();
    for (name, suppress) in [("plain", false), ("small", true)] {
        let out = c.report(name, &Cohort::options(suppress));
        let mut files: Vec<String> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        assert_eq!(
            files,
            [
                "change.csv",
                "completeness.csv",
                "enrolment.csv",
                "flow.csv",
                "prevalence.csv",
                "report.html",
                "retention.csv",
                "retention_ends.csv",
                "symptoms.csv",
            ]
        );
        for f in &files {
            let text = fs::read_to_string(out.join(f)).unwrap();
            for secret in &c.secrets {
                assert!(
                    !text.contains(secret.as_str()),
                    "{name}/{f} holds {secret:?}"
                );
            }
        }
        let page = fs::read_to_string(out.join("report.html")).unwrap();
        for id in [
            "data",
            "flow",
            "completeness",
            "change",
            "symptoms",
            "retention",
            "definitions",
        ] {
            assert!(page.contains(&format!("<section id=\"{id}\">")), "{id}");
        }
        // Four figures, drawn inline; nothing loaded from anywhere.
        assert_eq!(page.matches("<svg class=\"fig\"").count(), 4);
        for word in [
            "<script", "<link", "<img", "<iframe", "src=", "url(", "@import", "https:",
        ] {
            assert!(!page.contains(word), "{name}: the page has {word}");
        }
        let http: Vec<&str> = page.matches("http://").collect();
        assert_eq!(
            http.len(),
            page.matches("xmlns=\"http://www.w3.org/2000/svg\"").count(),
            "only SVG's namespace names a web address"
        );
        assert!(page.contains("Content-Security-Policy"));
        assert!(page.contains("Kohort"), "it says what made it");
    }
}

#[test]
fn bad_input_gets_a_clear_error_and_nothing_is_lost() {
    let c = report_cohort::build();
    let opts = Cohort::options(false);
    // No store.
    let empty = c.dir.path().join("no-store");
    let out = c.dir.path().join("out");
    match report::write(&empty, &c.study, &out, &opts) {
        Err(ResearchError::NoDatabase(p)) => assert!(p.ends_with("research.db")),
        other => panic!("{other:?}"),
    }
    assert!(!out.exists(), "nothing is written without a store");
    // The forms of another study.
    let forms = c.dir.path().join("forms");
    fs::create_dir_all(&forms).unwrap();
    for e in fs::read_dir(kohort_testkit::forms_dir()).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            fs::copy(&p, forms.join(p.file_name().unwrap())).unwrap();
        }
    }
    let study = fs::read_to_string(forms.join("study.json")).unwrap();
    fs::write(
        forms.join("study.json"),
        study.replacen("\"id\": \"hab\"", "\"id\": \"other\"", 1),
    )
    .unwrap();
    let other = kohort_form::study::load_study(&forms).unwrap().0;
    let err = report::write(&c.store, &other, &out, &opts).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the store's batches are for study 'hab', but the forms given are study 'other'"
    );
    assert!(!out.exists());
    // An output path that is a file is refused; the file stays as it was.
    let file = c.dir.path().join("a-file");
    fs::write(&file, "keep me").unwrap();
    let err = report::write(&c.store, &c.study, &file, &opts).unwrap_err();
    assert!(matches!(err, ResearchError::Io { .. }), "{err:?}");
    assert_eq!(fs::read_to_string(&file).unwrap(), "keep me");
    // Other files in the output folder stay; the report's own are replaced.
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("notes.txt"), "mine").unwrap();
    fs::write(out.join("report.html"), "old").unwrap();
    report::write(&c.store, &c.study, &out, &opts).unwrap();
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    assert!(
        fs::read_to_string(out.join("report.html"))
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
}

#[test]
fn an_empty_store_gives_a_report_of_zeros() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    drop(kohort_research::db::open(&store, true).unwrap());
    let study = kohort_testkit::study();
    let out = dir.path().join("report");
    let w = report::write(&store, &study, &out, &Cohort::options(true)).unwrap();
    assert_eq!((w.participants, w.episodes, w.sessions), (0, 0, 0));
    let flow = report_cohort::rows(&out, "flow.csv");
    assert!(flow.iter().all(|r| r["episodes"] == "0"), "{flow:?}");
    let page = fs::read_to_string(out.join("report.html")).unwrap();
    assert_eq!(page.matches("<svg class=\"fig\"").count(), 4);
}

/// Chromium, when installed; with KOHORT_REQUIRE_STATS=1 its absence fails.
fn chromium() -> Option<&'static str> {
    let found = Command::new("chromium")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("KOHORT_REQUIRE_STATS").as_deref() != Ok("1"),
            "chromium is not installed and KOHORT_REQUIRE_STATS=1"
        );
        eprintln!("NOTICE: chromium is not installed; the report is not opened in a browser");
        return None;
    }
    Some("chromium")
}

/// Runs headless Chromium on `page` with `args`, at most a minute; its
/// standard output.
fn headless(profile: &Path, page: &Path, args: &[&str]) -> Vec<u8> {
    let mut child = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Read while it runs: a page's DOM is more than a pipe holds.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut buf).map(|_| buf)
    });
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("chromium did not finish in a minute");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader.join().unwrap().unwrap()
}

#[test]
fn the_report_of_a_demo_store_opens_in_headless_chromium() {
    let Some(_) = chromium() else {
        return;
    };
    let d = demo::build();
    let out = d.dir.path().join("report");
    let opts = Options {
        as_of: Some(demo::date(demo::AS_OF)),
        ..Options::default()
    };
    report::write(&d.store, &d.study, &out, &opts).unwrap();
    let page = out.join("report.html");
    let profile = d.dir.path().join("chromium");
    // The DOM Chromium built: every section, every figure drawn as SVG
    // with its parts, the tables filled.
    let dom = String::from_utf8(headless(&profile, &page, &["--dump-dom"])).unwrap();
    for id in ["flow", "completeness", "change", "symptoms", "retention"] {
        assert!(
            dom.contains(&format!("<section id=\"{id}\">")),
            "{id} missing from the DOM"
        );
    }
    assert_eq!(dom.matches("<svg class=\"fig\"").count(), 4);
    assert!(
        dom.matches("<rect").count() > 100,
        "bars and heat map cells"
    );
    assert!(
        dom.contains("<circle"),
        "the dumbbell's and the curve's marks"
    );
    assert!(dom.matches("<td>").count() > 100);
    // And a picture of it.
    let png = d.dir.path().join("report.png");
    let shot = format!("--screenshot={}", png.display());
    headless(&profile, &page, &[&shot, "--window-size=1100,1400"]);
    let bytes = fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    assert!(
        bytes.len() > 20_000,
        "more than a blank page: {} bytes",
        bytes.len()
    );
}
