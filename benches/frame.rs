//! CPU time of one frame of the largest patient screen (the 18-row symptom
//! matrix), through the kittest harness (no GPU), beside a small screen.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use kohort::ui::patient::{PatientView, patient_ui};
use kohort_form::runner::Runner;

struct Screen {
    runner: Runner,
    view: PatientView,
}

fn harness(at: &str) -> Harness<'static, Screen> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    let (study, _) = kohort_form::study::load_study(&dir).expect("shipped study loads");
    let q = study.questionnaire("baseline").expect("baseline exists");
    let runner = Runner::resume(q, Default::default(), Some(at), Default::default());
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(
            |ui, s: &mut Screen| {
                patient_ui(ui, &s.runner, &mut s.view);
            },
            Screen {
                runner,
                view: PatientView::default(),
            },
        );
    h.run();
    h
}

fn bench(c: &mut Criterion) {
    let mut matrix = harness("i_symptoms");
    c.bench_function("frame: 18-row symptom matrix", |b| b.iter(|| matrix.step()));
    let mut yes_no = harness("a_born_norway");
    c.bench_function("frame: yes/no question", |b| b.iter(|| yes_no.step()));
}

criterion_group!(benches, bench);
criterion_main!(benches);
