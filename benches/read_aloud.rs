//! Tap-to-first-sound latency of read-aloud: from the tap on "Les opp" in
//! the patient screen (kittest harness, the real clip lookup, espeak-ng
//! and WAV decoder) to the first clip reaching the sink at the playback
//! boundary; the median over 50 taps, goal ≤ 300 ms. Three cases:
//! `cold`: nothing kept, espeak-ng renders the question at the tap;
//! `prepared`: the screen's clips were made when it was shown (what the
//! app does), so the tap decodes a kept clip; `repeat`: the same tap again.
//! A real sound device adds its own buffer (ALSA period, tens of ms) on top.
//! Run: `cargo bench --bench read_aloud`.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kohort::core::Speech;
use kohort::ui::patient::{PatientView, SpeechAsk, patient_ui};
use kohort_form::runner::Runner;
use kohort_speech::{Espeak, RecordingSink};

struct Screen {
    runner: Runner,
    view: PatientView,
    speech: Speech,
    /// Whether the screen's clips are made when it is shown.
    prepare: bool,
}

fn harness(speech: Speech, prepare: bool) -> Harness<'static, Screen> {
    let study = kohort_testkit::study();
    let form = study.forms().next().expect("a form").id.clone();
    let q = study.questionnaire(&form).expect("its questionnaire");
    let screen = Screen {
        runner: Runner::new(q),
        view: PatientView::default(),
        speech,
        prepare,
    };
    Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(
            |ui, s: &mut Screen| {
                let reading = s.speech.speaker.reading();
                s.view.speech.sync(s.speech.speaker.ready(), false, reading);
                let _ = patient_ui(ui, &s.runner, &mut s.view);
                for ask in std::mem::take(&mut s.view.speech.asked) {
                    match ask {
                        SpeechAsk::Read(lines) => s.speech.speaker.say(lines),
                        SpeechAsk::Stop => s.speech.speaker.stop(),
                        SpeechAsk::Prepare(lines) if s.prepare => s
                            .speech
                            .speaker
                            .prepare(lines.into_iter().map(|l| (l.lang, l.text)).collect()),
                        SpeechAsk::Prepare(_) => {}
                        SpeechAsk::ReadAll(_) => {}
                    }
                }
            },
            screen,
        )
}

/// One tap; the time until the first clip reaches the sink.
fn tap(h: &mut Harness<'_, Screen>, sink: &RecordingSink) -> Duration {
    h.state().speech.speaker.stop();
    sink.clear();
    let start = Instant::now();
    h.get_by_label("Les opp").click();
    h.run();
    while sink.played().is_empty() {
        std::thread::sleep(Duration::from_micros(200));
    }
    let first = sink.played()[0].at;
    h.state().speech.speaker.stop();
    first - start
}

fn case(name: &str, prepared: bool, repeat: bool) {
    let synth = Espeak::find().expect("espeak-ng (apt install espeak-ng)");
    let mut times = Vec::new();
    let forms = kohort_testkit::forms_dir();
    let keep = tempfile::tempdir().expect("a folder");
    for i in 0..50 {
        let cache = if repeat {
            keep.path().to_owned()
        } else {
            keep.path().join(i.to_string())
        };
        let sink = RecordingSink::new();
        let s = sink.clone();
        let speech = Speech::with_sink(&forms, Some(&cache), Some(synth.clone()), move || Ok(s));
        while !speech.speaker.ready() {
            std::thread::sleep(Duration::from_millis(1));
        }
        let mut h = harness(speech, prepared);
        h.run();
        if prepared {
            // Let the background preparation of the screen finish.
            std::thread::sleep(Duration::from_millis(300));
        }
        if repeat {
            tap(&mut h, &sink);
        }
        times.push(tap(&mut h, &sink));
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "read_aloud/{name}: tap to first sound over {} taps: min {:.1} ms, median {:.1} ms, max {:.1} ms",
        times.len(),
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    );
}

fn main() {
    // `cargo test --benches` runs benches once with --bench absent: skip.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    case("cold", false, false);
    case("prepared", true, false);
    case("repeat", true, true);
}
