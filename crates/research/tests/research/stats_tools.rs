//! Every generated R and SPSS script run in R and PSPP on a demo store:
//! no error, no warning, and missing codes are missing (a declined answer
//! does not change a mean, and is no factor level). Skipped with a notice
//! when R or PSPP is not installed, unless KOHORT_REQUIRE_STATS=1.

use std::fs;
use std::path::Path;
use std::process::Command;

use kohort_research::dataset::Options;

use crate::demo::{self, Demo};

fn have(program: &str) -> bool {
    let found = Command::new(program).arg("--version").output().is_ok();
    if !found {
        assert!(
            std::env::var("KOHORT_REQUIRE_STATS").as_deref() != Ok("1"),
            "{program} is not installed and KOHORT_REQUIRE_STATS=1"
        );
        eprintln!("NOTICE: {program} is not installed; its scripts are not run");
    }
    found
}

/// Runs a program in `dir`; its output, failing on an error exit.
fn run(dir: &Path, program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{program} {args:?} failed:\n{text}");
    text
}

/// The demo with one answered `e_heroin` and one answered `a_gender` at
/// baseline forced to "declined": counted as -1 they would move the mean
/// and make a "declined" category.
fn declined_demo() -> Demo {
    let d = demo::build();
    let conn = d.conn();
    for var in ["e_heroin", "a_gender"] {
        // `variables` is WITHOUT ROWID: the row is picked by its key.
        let n = conn
            .execute(
                "UPDATE variables SET state = 'declined', value = NULL, answered_at = NULL
                 WHERE (session, ordinal) = (SELECT v.session, v.ordinal FROM variables v
                    JOIN sessions s ON s.id = v.session
                    JOIN participants p ON p.id = s.participant WHERE v.name = ?1
                    AND s.form_id = 'baseline' AND v.state = 'answered'
                    ORDER BY p.study_code LIMIT 1)",
                [var],
            )
            .unwrap();
        assert_eq!(n, 1, "{var}");
    }
    // Text no tool should stumble on, and a form with no session at all.
    let n = conn
        .execute(
            "UPDATE variables SET state = 'answered', value = ?1
             WHERE (session, ordinal) = (SELECT session, ordinal FROM variables
                WHERE name = 'a_gender_desc' LIMIT 1)",
            [r#"{"text":"=1+1, \"sitat\" 'x'\r\nny linje; æøå ☃ $HOME `ls` %s \\"}"#],
        )
        .unwrap();
    assert_eq!(n, 1);
    conn.execute_batch(
        "DELETE FROM variables WHERE session IN
            (SELECT id FROM sessions WHERE form_id = 'end_clinician');
         DELETE FROM sessions WHERE form_id = 'end_clinician';",
    )
    .unwrap();
    d
}

/// The mean of `var` in a wide file over answered values only.
fn answered_mean(dir: &Path, file: &str, var: &str) -> (f64, f64) {
    let rows = demo::read(&dir.join(file));
    let values: Vec<f64> = demo::column(&rows, var)
        .iter()
        .filter(|c| !c.is_empty())
        .map(|c| c.parse().unwrap())
        .collect();
    let answered: Vec<f64> = values.iter().copied().filter(|v| *v >= 0.0).collect();
    assert!(answered.len() < values.len(), "no missing code in {var}");
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    (mean(&answered), mean(&values))
}

fn scripts(dir: &Path, ext: &str) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(ext))
        .collect();
    v.sort();
    assert!(v.len() > 10, "{v:?}");
    v
}

#[test]
fn every_r_script_runs_clean_and_missing_codes_are_na() {
    if !have("Rscript") {
        return;
    }
    let d = declined_demo();
    let dir = d.write("ds", &Demo::options());
    for s in scripts(&dir, ".R") {
        let expr = format!("options(warn = 1); source('{s}', chdir = TRUE)");
        let out = run(&dir, "Rscript", &["-e", &expr]);
        assert!(
            !out.contains("Warning") && !out.contains("Error"),
            "{s}:\n{out}"
        );
    }
    let (answered, with_codes) = answered_mean(&dir, "wide_baseline.csv", "e_heroin");
    eprintln!("e_heroin at baseline: {answered:.6} over answers, {with_codes:.6} counting codes");
    let out = run(
        &dir,
        "Rscript",
        &[
            "-e",
            "options(warn = 2); source('wide_baseline.R'); \
             cat(sprintf('mean=%.6f\\n', mean(wide_baseline$e_heroin, na.rm = TRUE))); \
             cat('levels:', paste(names(table(wide_baseline$a_gender)), collapse = '|'), '\\n'); \
             cat('why:', paste(names(which(table(wide_baseline$a_gender_miss) > 0)), collapse = '|'), '\\n')",
        ],
    );
    eprintln!("R printed: {out}");
    let mean: f64 = out
        .lines()
        .find_map(|l| l.strip_prefix("mean="))
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (mean - answered).abs() < 1e-6,
        "R {mean}, answered {answered}"
    );
    assert!(
        (mean - with_codes).abs() > 1e-3,
        "the code would not change the mean"
    );
    let levels = out.lines().find(|l| l.starts_with("levels:")).unwrap();
    assert!(
        !levels.contains("declined") && levels.contains('|'),
        "{levels}"
    );
    let why = out.lines().find(|l| l.starts_with("why:")).unwrap();
    assert!(why.contains("declined"), "{why}");
    // With --excel's byte order mark the first column keeps its name.
    let excel = d.write(
        "excel",
        &Options {
            excel: true,
            ..Demo::options()
        },
    );
    let out = run(
        &excel,
        "Rscript",
        &[
            "-e",
            "options(warn = 2); source('wide_baseline.R'); cat(names(wide_baseline)[1])",
        ],
    );
    assert!(out.ends_with("study_code"), "{out}");
}

#[test]
fn every_spss_script_runs_clean_in_pspp_and_codes_are_user_missing() {
    if !have("pspp") {
        return;
    }
    let d = declined_demo();
    let dir = d.write("ds", &Demo::options());
    for s in scripts(&dir, ".sps") {
        let out = run(&dir, "pspp", &[&s]);
        let low = out.to_lowercase();
        assert!(
            !low.contains("error") && !low.contains("warning"),
            "{s}:\n{out}"
        );
    }
    let (answered, _) = answered_mean(&dir, "wide_baseline.csv", "e_heroin");
    fs::write(
        dir.join("mean.sps"),
        "INSERT FILE='wide_baseline.sps'.\n\
         COMPUTE k_all = 1.\n\
         AGGREGATE OUTFILE=* /BREAK=k_all /m = MEAN(e_heroin).\n\
         WRITE OUTFILE='mean.txt' /m (F12.6).\n\
         EXECUTE.\n",
    )
    .unwrap();
    let out = run(&dir, "pspp", &["mean.sps"]);
    assert!(!out.to_lowercase().contains("error"), "{out}");
    let text = fs::read_to_string(dir.join("mean.txt")).unwrap();
    eprintln!("PSPP wrote: {text}");
    let mean: f64 = text.trim().parse().unwrap();
    assert!(
        (mean - answered).abs() < 1e-6,
        "PSPP {mean}, answered {answered}"
    );
}
