//! Loading and checking the shipped study, and one runner step on the
//! questionnaire of the SurveyJS comparison.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use criterion::{Criterion, criterion_group};
use kohort_form::AnswerValue;
use kohort_form::runner::{Progress, Runner};
use kohort_form::study::Questionnaire;
use kohort_form::{Respondent, Text, load};

/// The questionnaire of the SurveyJS comparison (`scripts/bench-vs-surveyjs.sh`
/// builds the same one in survey-core): `n` integer items, each shown only
/// if the one before is above 0. With every item at 1, setting item 250 to
/// 0 hides the 249 after it, and setting it back shows them again.
fn chain(n: usize) -> Questionnaire {
    let mut items = Vec::new();
    for i in 0..n {
        let show_if = if i == 0 {
            String::new()
        } else {
            format!(r#", "show_if": "q{} > 0""#, i - 1)
        };
        items.push(format!(
            r#"{{ "id": "q{i}", "type": "integer", "min": 0, "max": 9, "text": {{ "nb": "Spørsmål {i}", "en": "Question {i}" }}{show_if} }}"#
        ));
    }
    let json = format!(
        r#"{{ "id": "chain", "version": "1.0.0", "respondent": "patient",
             "title": {{ "nb": "Kjede", "en": "Chain" }}, "items": [{}] }}"#,
        items.join(",")
    );
    let (inst, problems) = load::instrument_from_bytes("chain.json", json.as_bytes());
    let inst = inst.unwrap_or_else(|| panic!("chain form: {problems:?}"));
    Questionnaire {
        form_id: "chain".into(),
        title: Text::new("Kjede", "Chain"),
        respondent: Respondent::Patient,
        instruments: vec![Arc::new(inst)],
        params: BTreeMap::new(),
    }
}

/// The runner with every item answered 1, ready for the step.
fn chain_runner() -> Runner {
    let mut runner = Runner::new(chain(500));
    for i in 0..500 {
        if let Err(e) = runner.set(&format!("q{i}"), AnswerValue::Int(1)) {
            panic!("q{i}: {e:?}");
        }
    }
    runner
}

/// One step of the comparison: set item 250 (alternately 0 and 1), then
/// read the progress. Visibility is brought up to date inside `set`.
fn step(runner: &mut Runner, flip: &mut i64) -> Progress {
    *flip = 1 - *flip;
    let _ = runner.set("q250", AnswerValue::Int(*flip));
    runner.progress()
}

/// `KOHORT_BENCH_RAW=N`: times N single steps (after a warm-up) and prints
/// the median and 99th percentile in microseconds, for the comparison script.
fn raw(steps: usize) {
    let mut runner = chain_runner();
    let mut flip = 1;
    // The step must hide the 249 items after item 250, then show them.
    let totals = [step(&mut runner, &mut flip), step(&mut runner, &mut flip)].map(|p| p.total);
    if totals != [251, 500] {
        eprintln!("the step does not hide and show the chain: visible screens {totals:?}");
        std::process::exit(1);
    }
    let mut times = Vec::with_capacity(steps);
    for k in 0..steps + 200 {
        let t0 = Instant::now();
        black_box(step(&mut runner, &mut flip));
        let t = t0.elapsed().as_secs_f64() * 1e6;
        if k >= 200 {
            times.push(t);
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!("{:.3} {:.3}", at(0.5), at(0.99));
}

fn bench(c: &mut Criterion) {
    let forms = Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    c.bench_function("load and check forms/", |b| {
        b.iter(|| {
            kohort_form::study::load_study(black_box(&forms)).map(|(s, _)| s.instruments.len())
        })
    });

    let mut runner = chain_runner();
    let mut flip = 1;
    c.bench_function(
        "runner step, 500-item chain (the SurveyJS comparison)",
        |b| b.iter(|| black_box(step(&mut runner, &mut flip))),
    );
}

criterion_group!(benches, bench);

fn main() {
    match std::env::var("KOHORT_BENCH_RAW").map(|n| n.parse::<usize>()) {
        Ok(Ok(n)) if n > 0 => raw(n),
        Ok(_) => eprintln!("KOHORT_BENCH_RAW must be a number of steps above 0"),
        Err(_) => {
            benches();
            Criterion::default().configure_from_args().final_summary();
        }
    }
}
