//! Loading and checking the shipped study, and one runner step on a large
//! synthetic questionnaire with chained skip logic.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use kohort_form::AnswerValue;
use kohort_form::runner::Runner;
use kohort_form::study::Questionnaire;
use kohort_form::{Respondent, Text, load};

/// 500 items: every fifth opens a chain of four questions that each depend
/// on the one before, so one answer change ripples through visibility.
fn synthetic(n: usize) -> Questionnaire {
    let mut items = Vec::new();
    for i in 0..n {
        let show_if = if i % 5 == 0 {
            String::new()
        } else {
            format!(r#", "show_if": "q{} == 1""#, i - 1)
        };
        items.push(format!(
            r#"{{ "id": "q{i}", "type": "yes_no", "text": {{ "nb": "Spørsmål {i}", "en": "Question {i}" }}{show_if} }}"#
        ));
    }
    items
        .push(r#"{ "id": "total", "type": "score", "expr": "sum(q0, q5, q10, q15, q20)" }"#.into());
    let json = format!(
        r#"{{ "id": "big", "version": "1.0.0", "respondent": "patient",
             "title": {{ "nb": "Stor", "en": "Big" }}, "items": [{}] }}"#,
        items.join(",")
    );
    let (inst, problems) = load::instrument_from_bytes("big.json", json.as_bytes());
    let inst = inst.unwrap_or_else(|| panic!("synthetic form: {problems:?}"));
    Questionnaire {
        form_id: "big".into(),
        title: Text::new("Stor", "Big"),
        respondent: Respondent::Patient,
        instruments: vec![Arc::new(inst)],
        params: BTreeMap::new(),
    }
}

fn bench(c: &mut Criterion) {
    let forms = Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    c.bench_function("load and check forms/", |b| {
        b.iter(|| {
            kohort_form::study::load_study(black_box(&forms)).map(|(s, _)| s.instruments.len())
        })
    });

    let mut runner = Runner::new(synthetic(500));
    for i in 0..500 {
        let _ = runner.set(&format!("q{i}"), AnswerValue::Code(1));
    }
    let mut flip = 0;
    c.bench_function("runner step, 500 items, chained show_if", |b| {
        b.iter(|| {
            flip = 1 - flip;
            let _ = runner.set("q250", AnswerValue::Code(flip));
            black_box(runner.progress())
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
