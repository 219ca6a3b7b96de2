//! The shipped (HAB) study can be heard: every bokmål and English text has
//! a recording or synthetic speech; a sample of clips, made and decoded as
//! the app does, is not silent and grows with the text; `kohort forms
//! audio` says so, and `forms check` reports a bad recording.

use std::process::Command;

use crate::support::kohort;
use std::time::Duration;

use kohort::core::read_aloud::study_lines;
use kohort_form::Lang;
use kohort_speech::{ClipKey, ClipLibrary, decode};

use crate::read_aloud::espeak;

#[test]
fn every_nb_and_en_text_of_the_study_has_sound_and_a_sample_is_heard() {
    let Some(synth) = espeak() else { return };
    let study = kohort_testkit::study();
    let dir = tempfile::tempdir().unwrap();
    let forms = kohort_testkit::forms_dir();
    let (lib, broken) = ClipLibrary::new(Some(&forms.join("audio")), Some(dir.path()), Some(synth));
    assert!(broken.is_none());
    let lines = study_lines(&study, &[Lang::Nb, Lang::En]);
    assert!(lines.len() > 200, "{} texts", lines.len());
    let silent: Vec<_> = lines
        .iter()
        .filter(|l| lib.source(&l.lang, &l.text).is_none())
        .collect();
    assert!(silent.is_empty(), "texts without sound: {silent:#?}");

    for lang in ["nb", "en"] {
        let mut sample: Vec<_> = lines
            .iter()
            .filter(|l| l.lang == lang)
            .step_by(12)
            .collect();
        assert!(sample.len() >= 15, "{lang}: {} clips", sample.len());
        sample.sort_by_key(|l| l.text.chars().count());
        let mut lengths = Vec::new();
        for l in &sample {
            lib.prepare(lang, &l.text).unwrap();
            // The kept file, decoded as the app decodes it.
            let file = lib
                .cached(&ClipKey::of(lang, &l.text))
                .or_else(|| lib.recording(&ClipKey::of(lang, &l.text)))
                .unwrap();
            let clip = decode(&std::fs::read(file).unwrap()).unwrap();
            assert!(!clip.is_silent(), "{lang}: silent clip for {:?}", l.text);
            lengths.push(clip.duration());
        }
        let quarter = sample.len() / 4;
        let mean = |d: &[Duration]| d.iter().sum::<Duration>() / d.len() as u32;
        let (short, long) = (
            mean(&lengths[..quarter]),
            mean(&lengths[lengths.len() - quarter..]),
        );
        assert!(
            long > short * 2,
            "{lang}: the longest texts last {long:?} on average, the shortest {short:?}"
        );
        // Within the sample, a text three times as long is always heard longer.
        for (i, a) in sample.iter().enumerate() {
            for (j, b) in sample.iter().enumerate() {
                if b.text.chars().count() > 3 * a.text.chars().count() + 10 {
                    assert!(
                        lengths[j] > lengths[i],
                        "{lang}: {:?} vs {:?}",
                        a.text,
                        b.text
                    );
                }
            }
        }
    }
}

#[test]
fn forms_audio_reports_every_language_and_renders_the_clips() {
    if espeak().is_none() {
        return;
    }
    let cache = tempfile::tempdir().unwrap();
    let forms = kohort_testkit::forms_dir();
    let cache_arg = cache.path().to_str().unwrap();
    let (ok, out) = kohort(&[
        "forms",
        "audio",
        forms.to_str().unwrap(),
        "--cache",
        cache_arg,
    ]);
    assert!(ok, "{out}");
    for lang in ["nb:", "nn:", "en:"] {
        let line = out
            .lines()
            .find(|l| l.starts_with(lang))
            .unwrap_or_else(|| panic!("{out}"));
        assert!(line.ends_with(" 0 without sound"), "{line}");
    }
    // Without espeak-ng and with nothing kept, every text is reported.
    let none = Command::new(env!("CARGO_BIN_EXE_kohort"))
        .args([
            "forms",
            "audio",
            forms.to_str().unwrap(),
            "--cache",
            cache_arg,
        ])
        .env("KOHORT_ESPEAK", "/nonexistent/espeak-ng")
        .output()
        .unwrap();
    assert!(!none.status.success());
    let text = String::from_utf8_lossy(&none.stdout);
    assert!(text.contains("no sound (nb): "), "{text}");
}

#[test]
fn forms_check_reports_a_silent_or_reworded_recording() {
    let dir = tempfile::tempdir().unwrap();
    let forms = kohort_testkit::forms_dir();
    for e in std::fs::read_dir(&forms).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    let study = kohort_testkit::study();
    let text = study_lines(&study, &[Lang::Nb])[0].text.clone();
    let audio = dir.path().join("audio");
    std::fs::create_dir_all(audio.join("nb")).unwrap();
    let quiet = kohort_speech::Clip {
        rate: 16_000,
        channels: 1,
        samples: vec![0.0; 16_000],
    };
    std::fs::write(audio.join("nb/q.wav"), quiet.to_wav().unwrap()).unwrap();
    let list = serde_json::json!({ "recordings": [
        { "lang": "nb", "text": text, "file": "nb/q.wav" },
        { "lang": "nb", "text": "Ord som ikke står i noe skjema", "file": "nb/q.wav" },
    ]});
    std::fs::write(audio.join("recordings.json"), list.to_string()).unwrap();
    let (ok, out) = kohort(&["forms", "check", dir.path().to_str().unwrap()]);
    assert!(!ok, "{out}");
    assert!(out.contains("q.wav: recording silent"), "{out}");
    assert!(out.contains("reworded?"), "{out}");
}
