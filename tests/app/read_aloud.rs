//! Read-aloud on the patient screens: every item type has the speaker
//! button with its accessible name, and pressing it plays the clips of
//! the question, help and options in order through a recording sink at
//! the playback boundary (the real clip lookup, espeak-ng and the WAV
//! decoder are used); "read everything" plays on each Next, is switched
//! on by the nurse and is restored after a pause and resume.

use std::path::Path;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kohort::core::read_aloud::script;
use kohort::core::{Refused, Speech, apply};
use kohort::ui::app::{App, Screen as AppScreen};
use kohort::ui::patient::{PatientView, SpeechAsk, patient_ui};
use kohort_form::runner::Runner;
use kohort_form::{Lang, Text};
use kohort_speech::{Clip, ClipKey, Espeak, From, Played, RecordingSink, Sink};

use crate::support::{tap, type_into};
use kohort_testkit::PASS;

/// espeak-ng, or `None` (the test is skipped) unless KOHORT_REQUIRE_STATS
/// says the tools must be there.
pub fn espeak() -> Option<Espeak> {
    let found = Espeak::find();
    if found.is_none() && std::env::var_os("KOHORT_REQUIRE_STATS").is_some() {
        panic!("espeak-ng with Norwegian and English voices is required (apt install espeak-ng)");
    }
    found
}

const EVERY_TYPE: &str = r#"{
  "id": "every", "version": "1.0.0", "respondent": "patient",
  "title": { "nb": "Alle typer", "en": "Every type" },
  "items": [
    { "id": "n1", "type": "note", "text": { "nb": "Nå kommer noen spørsmål.", "en": "Some questions follow." },
      "help": { "nb": "Ta den tiden du trenger.", "en": "Take your time." } },
    { "id": "q_yes", "type": "yes_no", "text": { "nb": "Har du et sted å bo?", "en": "Do you have a place to live?" },
      "help": { "nb": "Tenk på den siste uken.", "en": "Think of the last week." } },
    { "id": "q_one", "type": "single_choice", "text": { "nb": "Hvor bor du?", "en": "Where do you live?" },
      "help": { "nb": "Velg ett svar.", "en": "Choose one." },
      "options": [ { "code": 1, "text": { "nb": "Egen bolig", "en": "Own home" } },
                   { "code": 2, "text": { "nb": "Hos familie", "en": "With family" } } ] },
    { "id": "q_many", "type": "multi_choice", "text": { "nb": "Hva har du brukt?", "en": "What have you used?" },
      "help": { "nb": "Velg alle som passer.", "en": "Choose all that apply." },
      "options": [ { "code": 1, "text": { "nb": "Heroin", "en": "Heroin" } },
                   { "code": 2, "text": { "nb": "Alkohol", "en": "Alcohol" } },
                   { "code": 9, "text": { "nb": "Ingen av disse", "en": "None of these" }, "exclusive": true } ] },
    { "id": "q_scale", "type": "scale", "text": { "nb": "Hvordan har du det?", "en": "How are you?" },
      "help": { "nb": "Velg ett tall.", "en": "Choose a number." },
      "options": [ { "code": 1, "text": { "nb": "Dårlig", "en": "Badly" } },
                   { "code": 2, "text": { "nb": "Middels", "en": "So-so" } },
                   { "code": 3, "text": { "nb": "Godt", "en": "Well" } } ] },
    { "id": "q_int", "type": "integer", "min": 0, "max": 99, "text": { "nb": "Hvor gammel er du?", "en": "How old are you?" },
      "help": { "nb": "I hele år.", "en": "In whole years." } },
    { "id": "q_dec", "type": "decimal", "min": 0, "max": 300, "text": { "nb": "Hvor mye veier du?", "en": "How much do you weigh?" },
      "help": { "nb": "I kilo.", "en": "In kilograms." } },
    { "id": "q_days", "type": "days", "max": 30, "text": { "nb": "Hvor mange dager?", "en": "How many days?" },
      "help": { "nb": "De siste tretti dagene.", "en": "The last thirty days." } },
    { "id": "q_slide", "type": "slider", "min": 0, "max": 100,
      "min_label": { "nb": "Verst tenkelig", "en": "Worst imaginable" },
      "max_label": { "nb": "Best tenkelig", "en": "Best imaginable" },
      "text": { "nb": "Hvor god er helsen din i dag?", "en": "How good is your health today?" },
      "help": { "nb": "Dra i linjen.", "en": "Drag the line." } },
    { "id": "q_date", "type": "date", "text": { "nb": "Når begynte du?", "en": "When did you start?" },
      "help": { "nb": "Velg en dag.", "en": "Choose a day." } },
    { "id": "q_year", "type": "year", "min": 1930, "max": 2030, "text": { "nb": "Hvilket år er du født?", "en": "What year were you born?" },
      "help": { "nb": "Fire sifre.", "en": "Four digits." } },
    { "id": "q_text", "type": "text", "text": { "nb": "Hva heter legen din?", "en": "What is your doctor's name?" },
      "help": { "nb": "Kan stå tomt.", "en": "May be left empty." } },
    { "id": "q_long", "type": "long_text", "text": { "nb": "Vil du si noe mer?", "en": "Anything else?" },
      "help": { "nb": "Skriv fritt.", "en": "Write freely." } },
    { "id": "q_mat", "type": "matrix", "text": { "nb": "Har du hatt disse plagene?", "en": "Have you had these complaints?" },
      "help": { "nb": "Ett svar per linje.", "en": "One answer per line." },
      "options": [ { "code": 0, "text": { "nb": "Nei", "en": "No" } },
                   { "code": 1, "text": { "nb": "Ja", "en": "Yes" } } ],
      "rows": [ { "id": "q_mat_sleep", "text": { "nb": "Søvnproblemer", "en": "Trouble sleeping" } },
                { "id": "q_mat_pain", "text": { "nb": "Smerter", "en": "Pain" } } ] }
  ]
}"#;

struct Screen {
    runner: Runner,
    view: PatientView,
    refused: Option<Refused>,
    speech: Speech,
}

/// Waits until the sink has `n` clips (the worker plays off this thread).
pub fn wait_for(sink: &RecordingSink, n: usize) -> Vec<Played> {
    let end = Instant::now() + Duration::from_secs(20);
    while sink.played().len() < n && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(5));
    }
    sink.played()
}

/// Speech over `forms` (its `audio/` recordings), kept clips in `cache`,
/// playing into `sink`; ready when this returns.
pub fn speech(forms: &Path, cache: &Path, synth: Espeak, sink: &RecordingSink) -> Speech {
    let s = sink.clone();
    let speech = Speech::with_sink(forms, Some(cache), Some(synth), move || Ok(s));
    let end = Instant::now() + Duration::from_secs(5);
    while !speech.speaker.ready() && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(speech.speaker.ready(), "{:?}", speech.speaker.status());
    speech
}

fn press(h: &mut Harness<'_, Screen>, label: &str) {
    h.get_by_label(label).click();
    h.run();
}

fn screen_harness(speech: Speech) -> Harness<'static, Screen> {
    let q = kohort_testkit::questionnaire("every.json", EVERY_TYPE, Text::new("Alle", "Every"));
    let screen = Screen {
        runner: Runner::new(q),
        view: PatientView::default(),
        refused: None,
        speech,
    };
    Harness::builder()
        .with_size([1280.0, 900.0])
        .build_ui_state(
            |ui, s: &mut Screen| {
                let reading = s.speech.speaker.reading();
                s.view.speech.sync(s.speech.speaker.ready(), false, reading);
                for step in patient_ui(ui, &s.runner, &mut s.view) {
                    let applied = apply(&mut s.runner, &mut s.refused, step);
                    s.view
                        .stepped(applied.invalid, applied.next_skips, applied.retype);
                }
                // What the app core does with the screen's asks.
                for ask in std::mem::take(&mut s.view.speech.asked) {
                    match ask {
                        SpeechAsk::Read(lines) => s.speech.speaker.say(lines),
                        SpeechAsk::Stop => s.speech.speaker.stop(),
                        SpeechAsk::Prepare(_) | SpeechAsk::ReadAll(_) => {}
                    }
                }
            },
            screen,
        )
}

fn tone(seconds: f32) -> Clip {
    let rate = 22_050;
    Clip {
        rate,
        channels: 1,
        samples: (0..(seconds * rate as f32) as usize)
            .map(|i| 0.3 * (i as f32 * 330.0 * std::f32::consts::TAU / rate as f32).sin())
            .collect(),
    }
}

#[test]
fn every_item_type_has_the_speaker_button_and_it_plays_question_help_and_options_in_order() {
    let Some(synth) = espeak() else { return };
    let dir = tempfile::tempdir().unwrap();
    let forms = dir.path().join("forms");
    // The study recorded one question itself: that recording is played.
    let recorded = "Hvor bor du?";
    std::fs::create_dir_all(forms.join("audio/nb")).unwrap();
    std::fs::write(
        forms.join("audio/nb/hvor-bor-du.wav"),
        tone(0.8).to_wav().unwrap(),
    )
    .unwrap();
    std::fs::write(
        forms.join("audio/recordings.json"),
        format!(r#"{{"recordings": [{{"lang": "nb", "text": "{recorded}", "file": "nb/hvor-bor-du.wav"}}]}}"#),
    )
    .unwrap();
    let sink = RecordingSink::new();
    let mut h = screen_harness(speech(&forms, &dir.path().join("cache"), synth, &sink));
    h.run();
    let mut seen_types = Vec::new();
    while let Some(item) = h.state().runner.current().map(|c| c.item.clone()) {
        seen_types.push(item.kind.type_name());
        sink.clear();
        // The accessible name is the catalogue's, in the patient's language.
        press(&mut h, "Les opp");
        let expected = script(&item, Lang::Nb);
        let played = wait_for(&sink, expected.len());
        let ids: Vec<&str> = played.iter().map(|p| p.line.id.as_str()).collect();
        let want: Vec<&str> = expected.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, want, "{}: the lines read, in order", item.id);
        assert_eq!(ids[0], "question");
        assert_eq!(ids[1], "help");
        for (p, l) in played.iter().zip(&expected) {
            // The clip is the one for exactly these words.
            assert_eq!(p.key, ClipKey::of("nb", &l.text), "{}: {}", item.id, l.text);
            assert!(
                p.frames > 2_000,
                "{}: a clip of {} frames",
                item.id,
                p.frames
            );
        }
        let question = &played[0];
        if question.line.text == recorded {
            assert_eq!(question.from, From::Recording);
            assert_eq!(question.frames, (0.8 * 22_050.0) as usize);
        } else {
            assert_ne!(question.from, From::Recording);
        }
        // Options and matrix rows have a small speaker of their own that
        // reads just that option.
        if let Some(first) = expected
            .iter()
            .find(|l| l.id.starts_with("option") || l.id.starts_with("row"))
        {
            if h.query_by_label(&format!("Les opp: {}", first.text))
                .is_some()
            {
                assert!(h.state().speech.speaker.wait_quiet(Duration::from_secs(5)));
                sink.clear();
                press(&mut h, &format!("Les opp: {}", first.text));
                let played = wait_for(&sink, 1);
                assert_eq!(played.len(), 1);
                assert_eq!(played[0].line, *first);
            } else {
                // A scale's points sit side by side: no room for speakers.
                assert_eq!(item.kind.type_name(), "scale");
            }
        }
        press(&mut h, "Neste →");
    }
    assert_eq!(
        seen_types,
        [
            "note",
            "yes_no",
            "single_choice",
            "multi_choice",
            "scale",
            "integer",
            "decimal",
            "days",
            "slider",
            "date",
            "year",
            "text",
            "long_text",
            "matrix"
        ]
    );
}

/// A sink that takes five seconds per clip unless cancelled.
struct Slow(RecordingSink);

impl Sink for Slow {
    fn play(
        &mut self,
        line: &kohort_speech::Line,
        found: (&ClipKey, From, &Clip),
        cancelled: &dyn Fn() -> bool,
    ) {
        self.0.play(line, found, cancelled);
        let end = Instant::now() + Duration::from_secs(5);
        while !cancelled() && Instant::now() < end {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

#[test]
fn the_option_read_is_marked_and_reading_stops_when_the_patient_moves_on() {
    let Some(synth) = espeak() else { return };
    let dir = tempfile::tempdir().unwrap();
    let sink = RecordingSink::new();
    let slow = Slow(sink.clone());
    let speech = Speech::with_sink(
        dir.path(),
        Some(&dir.path().join("cache")),
        Some(synth),
        move || Ok(slow),
    );
    while !speech.speaker.ready() {
        std::thread::sleep(Duration::from_millis(2));
    }
    let mut h = screen_harness(speech);
    h.run();
    press(&mut h, "Neste →");
    press(&mut h, "Neste →");
    h.get_by_label("Hvor bor du?");
    press(&mut h, "Les opp: Hos familie");
    wait_for(&sink, 1);
    h.run();
    let selected = |h: &Harness<'_, Screen>, label: &str| {
        use egui_kittest::kittest::NodeT as _;
        format!("{:?}", h.get_by_label(label).accesskit_node().toggled()) == "Some(True)"
    };
    assert!(
        selected(&h, "Les opp: Hos familie"),
        "the option read is marked"
    );
    assert!(!selected(&h, "Les opp: Egen bolig"));
    assert_eq!(
        h.state().speech.speaker.reading().as_deref(),
        Some("option:2")
    );
    // Tapping the big speaker again while it reads stops it.
    press(&mut h, "Les opp");
    assert_eq!(h.state().speech.speaker.reading(), None);
    press(&mut h, "Les opp");
    wait_for(&sink, 2);
    assert!(h.state().speech.speaker.reading().is_some());
    // Moving on stops it: nothing more of the old screen is heard.
    press(&mut h, "Neste →");
    assert_eq!(h.state().speech.speaker.reading(), None);
    std::thread::sleep(Duration::from_millis(100));
    let ids: Vec<String> = sink.played().iter().map(|p| p.line.id.clone()).collect();
    assert_eq!(ids, ["option:2", "question"]);
}

fn app_with(db: &Path, speech: Speech) -> Harness<'static, App> {
    crate::support::harness(db, [1280.0, 800.0], move |a| a.with_speech(speech))
}

fn current_script(h: &Harness<'_, App>) -> Vec<kohort::core::read_aloud::Line> {
    let item = h
        .state()
        .patient()
        .unwrap()
        .runner
        .current()
        .unwrap()
        .item
        .clone();
    script(&item, Lang::Nb)
}

#[test]
fn read_everything_set_by_the_nurse_plays_on_each_next_and_is_restored_after_resume() {
    let Some(synth) = espeak() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kohort.db");
    let cache = dir.path().join("cache");
    let forms = kohort_testkit::forms_dir();
    let sink = RecordingSink::new();
    let mut h = app_with(&db, speech(&forms, &cache, synth.clone(), &sink));
    h.run();
    type_into(&mut h, "Tablet name", "Test tablet");
    type_into(&mut h, "Staff passphrase", PASS);
    type_into(&mut h, "Passphrase again", PASS);
    tap(&mut h, "Create");
    crate::support::note_recovery_key(&mut h);
    tap(&mut h, "Settings");
    h.get_by_label("Read-aloud works: patients see the speaker buttons.");
    tap(&mut h, "Enrol participant");
    type_into(&mut h, "Study code", "HAB-OSL-0001");
    tap(&mut h, "OSL");
    tap(&mut h, "Enrol");
    // The nurse switches it on when handing the tablet over.
    tap(
        &mut h,
        "Read everything aloud to this participant (patient mode)",
    );
    tap(&mut h, "Give to patient: Baseline");
    assert!(matches!(h.state().screen, AppScreen::Patient(_)));
    h.run();
    let first = current_script(&h);
    let played = wait_for(&sink, first.len());
    assert_eq!(
        played[0].line, first[0],
        "the first screen is read by itself"
    );
    // Each Next reads the new screen.
    for _ in 0..2 {
        assert!(
            h.state()
                .core()
                .speech()
                .unwrap()
                .speaker
                .wait_quiet(Duration::from_secs(10))
        );
        sink.clear();
        tap(&mut h, "Neste →");
        h.run();
        let lines = current_script(&h);
        let played = wait_for(&sink, lines.len());
        let ids: Vec<_> = played.iter().map(|p| p.line.clone()).collect();
        assert_eq!(ids, lines);
    }
    let at = h
        .state()
        .patient()
        .unwrap()
        .runner
        .position_id()
        .map(str::to_owned);
    tap(&mut h, "Pause");
    drop(h);

    // A new app: staff resumes; the participant's choice was kept.
    let sink = RecordingSink::new();
    let mut h = app_with(&db, speech(&forms, &cache, synth, &sink));
    h.run();
    type_into(&mut h, "Staff passphrase", PASS);
    tap(&mut h, "Unlock");
    tap(&mut h, "HAB-OSL-0001");
    tap(&mut h, "Resume with patient: Baseline");
    h.run();
    assert_eq!(
        h.state()
            .patient()
            .unwrap()
            .runner
            .position_id()
            .map(str::to_owned),
        at
    );
    assert!(h.state().core().read_all());
    let lines = current_script(&h);
    let played = wait_for(&sink, lines.len());
    assert_eq!(
        played[0].line, lines[0],
        "the resumed screen is read by itself"
    );
    // The patient switches it off on screen; that is kept too.
    tap(&mut h, "Les opp alt for meg");
    assert!(!h.state().core().read_all());
    assert!(
        h.state()
            .core()
            .speech()
            .unwrap()
            .speaker
            .wait_quiet(Duration::from_secs(10))
    );
    sink.clear();
    tap(&mut h, "Neste →");
    h.run();
    std::thread::sleep(Duration::from_millis(200));
    assert!(sink.played().is_empty(), "{:?}", sink.played());
}

#[test]
fn without_a_sound_device_staff_is_told_and_the_patient_sees_no_speaker() {
    let dir = tempfile::tempdir().unwrap();
    let speech = Speech::with_sink(dir.path(), None, Espeak::find(), || {
        Err::<RecordingSink, _>("ALSA: no card".into())
    });
    let end = Instant::now() + Duration::from_secs(5);
    while speech.speaker.status() == kohort_speech::Status::Starting && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(2));
    }
    let mut h = app_with(&dir.path().join("kohort.db"), speech);
    h.run();
    type_into(&mut h, "Tablet name", "Test tablet");
    type_into(&mut h, "Staff passphrase", PASS);
    type_into(&mut h, "Passphrase again", PASS);
    tap(&mut h, "Create");
    crate::support::note_recovery_key(&mut h);
    tap(&mut h, "Settings");
    let notice = if Espeak::find().is_some() {
        "Read-aloud does not work: no sound device was found (ALSA: no card). The speaker buttons are hidden from patients."
    } else {
        "Read-aloud does not work: no Norwegian or English voice (install the espeak-ng package). The speaker buttons are hidden from patients."
    };
    h.get_by_label(notice);
    tap(&mut h, "Enrol participant");
    type_into(&mut h, "Study code", "HAB-OSL-0001");
    tap(&mut h, "OSL");
    tap(&mut h, "Enrol");
    tap(&mut h, "Give to patient: Baseline");
    h.run();
    assert!(h.query_by_label("Les opp").is_none());
    assert!(h.query_by_label("Les opp alt for meg").is_none());
}
