//! Clips keyed by language and text hash, recordings before synthetic
//! speech, espeak-ng's clips decoded, and the worker's order of play.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use kohort_speech::{
    Clip, ClipKey, ClipLibrary, Espeak, From, Line, RecordingSink, Speaker, check_recordings,
    decode,
};

/// espeak-ng, or `None` (the test is skipped) unless KOHORT_REQUIRE_STATS
/// says the tools must be there.
fn espeak() -> Option<Espeak> {
    let found = Espeak::find();
    if found.is_none() && std::env::var_os("KOHORT_REQUIRE_STATS").is_some() {
        panic!("espeak-ng with Norwegian and English voices is required (apt install espeak-ng)");
    }
    found
}

fn tone(seconds: f32, amplitude: f32) -> Clip {
    let rate = 16_000;
    let n = (seconds * rate as f32) as usize;
    Clip {
        rate,
        channels: 1,
        samples: (0..n)
            .map(|i| amplitude * (i as f32 * 440.0 * std::f32::consts::TAU / rate as f32).sin())
            .collect(),
    }
}

fn write(path: &Path, clip: &Clip) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, clip.to_wav().unwrap()).unwrap();
}

#[test]
fn a_changed_wording_has_another_key_and_never_finds_the_old_clip() {
    let a = ClipKey::of("nb", "Hvor mange dager?");
    assert_eq!(a, ClipKey::of("nb", "Hvor mange dager?"));
    assert_ne!(a, ClipKey::of("nb", "Hvor mange dager ?"));
    assert_ne!(a, ClipKey::of("en", "Hvor mange dager?"));
    assert_eq!(a.hash.len(), 64);

    // A recording of the old wording is not played for the new one.
    let dir = tempfile::tempdir().unwrap();
    let audio = dir.path().join("audio");
    std::fs::create_dir_all(&audio).unwrap();
    write(&audio.join("nb/q1.wav"), &tone(0.5, 0.3));
    std::fs::write(
        audio.join("recordings.json"),
        r#"{"recordings": [{"lang": "nb", "text": "Hvor mange dager?", "file": "nb/q1.wav"}]}"#,
    )
    .unwrap();
    let (lib, problem) = ClipLibrary::new(Some(&audio), None, None);
    assert!(problem.is_none());
    assert_eq!(lib.source("nb", "Hvor mange dager?"), Some(From::Recording));
    assert_eq!(lib.source("nb", "Hvor mange dager har du brukt?"), None);
    assert!(lib.lookup("nb", "Hvor mange dager har du brukt?").is_err());
}

#[test]
fn a_recording_comes_before_synthetic_speech_and_synthetic_clips_are_kept() {
    let Some(espeak) = espeak() else { return };
    let dir = tempfile::tempdir().unwrap();
    let audio = dir.path().join("audio");
    let cache = dir.path().join("cache");
    let recorded = "Hvordan har du det i dag?";
    write(
        &audio.join(ClipKey::of("nb", recorded).file_name()),
        &tone(0.7, 0.2),
    );
    let (lib, _) = ClipLibrary::new(Some(&audio), Some(&cache), Some(espeak));
    let found = lib.lookup("nb", recorded).unwrap();
    assert_eq!(found.from, From::Recording);
    assert_eq!(found.clip.rate, 16_000);

    let other = "Har du sovet godt?";
    assert_eq!(lib.lookup("nb", other).unwrap().from, From::Synthesised);
    assert!(cache.join(ClipKey::of("nb", other).file_name()).is_file());
    assert_eq!(lib.lookup("nb", other).unwrap().from, From::Cache);
}

#[test]
fn espeak_clips_are_not_silent_and_grow_with_the_text() {
    let Some(espeak) = espeak() else { return };
    for (lang, short, long) in [
        (
            "nb",
            "Ja.",
            "Hvor mange dager har du brukt heroin i løpet av de siste tretti dagene?",
        ),
        (
            "en",
            "Yes.",
            "On how many days in the past thirty days have you used heroin?",
        ),
    ] {
        let s = espeak.render(lang, short).unwrap();
        let l = espeak.render(lang, long).unwrap();
        assert!(!s.is_silent() && !l.is_silent(), "{lang}: silent clip");
        assert!(
            l.duration() > s.duration() * 3,
            "{lang}: {:?} vs {:?}",
            l.duration(),
            s.duration()
        );
        // What is kept decodes to the same length.
        let again = decode(&l.to_wav().unwrap()).unwrap();
        assert_eq!(again.samples.len(), l.samples.len());
    }
}

#[test]
fn forms_check_reports_missing_unreadable_silent_and_stale_recordings() {
    let dir = tempfile::tempdir().unwrap();
    let audio = dir.path();
    write(&audio.join("nb/good.wav"), &tone(0.5, 0.3));
    write(&audio.join("nb/quiet.wav"), &tone(0.5, 0.0));
    std::fs::write(audio.join("nb/broken.wav"), b"not a wav").unwrap();
    write(&audio.join("en/old.wav"), &tone(0.5, 0.3));
    std::fs::write(
        audio.join("recordings.json"),
        r#"{"recordings": [
            {"lang": "nb", "text": "God", "file": "nb/good.wav"},
            {"lang": "nb", "text": "Stille", "file": "nb/quiet.wav"},
            {"lang": "nb", "text": "Ødelagt", "file": "nb/broken.wav"},
            {"lang": "nb", "text": "Borte", "file": "nb/gone.wav"},
            {"lang": "en", "text": "Old words", "file": "en/old.wav"}
        ]}"#,
    )
    .unwrap();
    let texts: BTreeSet<ClipKey> = [
        ("nb", "God"),
        ("nb", "Stille"),
        ("nb", "Ødelagt"),
        ("nb", "Borte"),
        ("en", "New words"),
    ]
    .iter()
    .map(|(l, t)| ClipKey::of(l, t))
    .collect();
    let problems: Vec<String> = check_recordings(audio, &texts)
        .iter()
        .map(|p| p.to_string())
        .collect();
    let has = |file: &str, what: &str| {
        problems
            .iter()
            .any(|p| p.contains(file) && p.contains(what))
    };
    assert!(has("quiet.wav", "silent"), "{problems:#?}");
    assert!(has("broken.wav", "unreadable"), "{problems:#?}");
    assert!(has("gone.wav", "missing"), "{problems:#?}");
    assert!(has("old.wav", "reworded"), "{problems:#?}");
    assert!(
        !problems.iter().any(|p| p.contains("good.wav")),
        "{problems:#?}"
    );
    assert_eq!(problems.len(), 4, "{problems:#?}");
}

#[test]
fn the_worker_plays_lines_in_order() {
    let Some(espeak) = espeak() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (lib, _) = ClipLibrary::new(None, Some(dir.path()), Some(espeak));
    let sink = RecordingSink::new();
    let s2 = sink.clone();
    let speaker = Speaker::start(Arc::new(lib), &["nb", "en"], move || Ok(s2));
    let line = |id: &str, text: &str| Line {
        id: id.into(),
        lang: "en".into(),
        text: text.into(),
    };
    for _ in 0..200 {
        if speaker.ready() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(speaker.ready(), "{:?}", speaker.status());
    speaker.say(vec![
        line("question", "How are you?"),
        line("option:1", "Well"),
        line("option:2", "Badly"),
    ]);
    assert!(speaker.wait_quiet(Duration::from_secs(10)));
    let ids: Vec<String> = sink.played().iter().map(|p| p.line.id.clone()).collect();
    assert_eq!(ids, ["question", "option:1", "option:2"]);
    assert!(sink.played().iter().all(|p| p.frames > 1000));
}

#[test]
fn without_a_device_or_a_voice_the_speaker_says_so_and_never_blocks() {
    let (lib, _) = ClipLibrary::new(None, None, None);
    let speaker = Speaker::start(Arc::new(lib), &["nb"], || Ok(RecordingSink::new()));
    assert_eq!(speaker.status(), kohort_speech::Status::NoVoice);
    assert!(!speaker.ready());
    let (lib, _) = ClipLibrary::new(None, None, Espeak::find());
    let speaker = Speaker::start(Arc::new(lib), &["nb"], || {
        Err::<RecordingSink, _>("no sound card".to_owned())
    });
    for _ in 0..200 {
        if speaker.status() != kohort_speech::Status::Starting {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(!speaker.ready());
    speaker.say(vec![]);
    speaker.stop();
}

/// A sink that takes two seconds per clip unless cancelled.
struct Slow(RecordingSink);

impl kohort_speech::Sink for Slow {
    fn play(&mut self, line: &Line, found: (&ClipKey, From, &Clip), cancelled: &dyn Fn() -> bool) {
        self.0.play(line, found, cancelled);
        let end = std::time::Instant::now() + Duration::from_secs(2);
        while !cancelled() && std::time::Instant::now() < end {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

#[test]
fn a_new_request_or_a_stop_cuts_off_what_is_being_read() {
    let Some(espeak) = espeak() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (lib, _) = ClipLibrary::new(None, Some(dir.path()), Some(espeak));
    let sink = RecordingSink::new();
    let s2 = Slow(sink.clone());
    let speaker = Speaker::start(Arc::new(lib), &["nb"], move || Ok(s2));
    let line = |id: &str| Line {
        id: id.into(),
        lang: "nb".into(),
        text: format!("Linje {id}"),
    };
    speaker.say(vec![line("a1"), line("a2"), line("a3")]);
    while sink.played().is_empty() {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(speaker.reading().as_deref(), Some("a1"));
    speaker.say(vec![line("b1")]);
    while sink.played().len() < 2 {
        std::thread::sleep(Duration::from_millis(1));
    }
    speaker.stop();
    assert_eq!(speaker.reading(), None);
    assert!(speaker.wait_quiet(Duration::from_millis(100)));
    std::thread::sleep(Duration::from_millis(50));
    let ids: Vec<String> = sink.played().iter().map(|p| p.line.id.clone()).collect();
    assert_eq!(ids, ["a1", "b1"]);
}
