//! Pictures beside questions and options: the form format (a PNG or SVG
//! under media/, alt text in every language), `forms check` reporting a
//! missing or unreadable file, and the patient screen showing the picture
//! with its alt text as its accessible name.

use crate::support::kohort;
use std::path::Path;

use egui_kittest::kittest::Queryable;
use kohort::core::media;
use kohort::ui::patient::{PatientView, patient_ui};
use kohort_form::load;
use kohort_form::runner::Runner;

fn write_png(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let file = std::fs::File::create(path).unwrap();
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), 4, 2);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header().unwrap();
    w.write_image_data(&[200u8; 4 * 2 * 3]).unwrap();
}

#[test]
fn a_picture_needs_a_file_under_media_and_alt_text_in_every_language() {
    let form = r#"{
      "id": "pics", "version": "1.0.0", "respondent": "patient",
      "title": { "nb": "Bilder", "en": "Pictures" },
      "items": [
        { "id": "q1", "type": "yes_no", "text": { "nb": "Bor du alene?", "en": "Do you live alone?" },
          "image": { "file": "media/home.png", "alt": { "nb": "Et hus", "en": "A house" } } },
        { "id": "q2", "type": "yes_no", "text": { "nb": "Røyker du?", "en": "Do you smoke?" },
          "image": { "file": "../secret.png", "alt": { "nb": "Sigarett" } } },
        { "id": "q3", "type": "single_choice", "text": { "nb": "Hva?", "en": "What?" },
          "options": [ { "code": 1, "text": { "nb": "Te", "en": "Tea" },
                         "image": { "file": "media/tea.gif", "alt": { "nb": "Te", "en": "Tea" } } } ] }
      ]
    }"#;
    let (inst, problems) = load::instrument_from_bytes("pics.json", form.as_bytes());
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let has = |s: &str| text.iter().any(|t| t.contains(s));
    assert!(
        has("'../secret.png' is not a PNG or SVG file under media/"),
        "{text:#?}"
    );
    assert!(
        has("alt text needs every language ('en' is missing)"),
        "{text:#?}"
    );
    assert!(has("'media/tea.gif' is not a PNG or SVG"), "{text:#?}");
    assert!(inst.is_none());
    let (inst, problems) = load::instrument_from_bytes(
        "pics.json",
        form.replace("../secret.png", "media/smoke.svg")
            .replace(
                r#""nb": "Sigarett""#,
                r#""nb": "Sigarett", "en": "Cigarette""#,
            )
            .replace("media/tea.gif", "media/tea.png")
            .as_bytes(),
    );
    let inst = inst.unwrap_or_else(|| panic!("{problems:#?}"));
    assert_eq!(
        inst.items[0]
            .image
            .as_ref()
            .unwrap()
            .alt
            .get(kohort_form::Lang::En),
        "A house"
    );
}

#[test]
fn forms_check_reports_a_missing_picture_and_the_patient_sees_it_beside_the_question() {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(kohort_testkit::forms_dir()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    // The housing question gets a picture, and its first option another.
    let housing = dir.path().join("housing.json");
    let text = std::fs::read_to_string(&housing).unwrap();
    let text = text.replacen(
        r#""id": "b_living","#,
        r#""id": "b_living", "image": {"file": "media/home.png", "alt": {"nb": "Et hus", "en": "A house"}},"#,
        1,
    );
    let text = text.replacen(
        r#"{"code": 1, "text": {"nb": "I egen bolig som jeg eier", "en": "In a home I own"}}"#,
        r#"{"code": 1, "text": {"nb": "I egen bolig som jeg eier", "en": "In a home I own"}, "image": {"file": "media/key.png", "alt": {"nb": "En nøkkel", "en": "A key"}}}"#,
        1,
    );
    std::fs::write(&housing, text).unwrap();
    // The lock lists variables only: pictures change none.
    let (ok, out) = kohort(&["forms", "check", dir.path().to_str().unwrap()]);
    assert!(!ok, "{out}");
    assert!(out.contains("home.png: picture missing"), "{out}");
    std::fs::create_dir_all(dir.path().join("media")).unwrap();
    std::fs::write(dir.path().join("media/key.png"), b"not a png").unwrap();
    write_png(&dir.path().join("media/home.png"));
    let (ok, out) = kohort(&["forms", "check", dir.path().to_str().unwrap()]);
    assert!(!ok, "{out}");
    assert!(out.contains("key.png: picture not a readable PNG"), "{out}");
    assert!(!out.contains("home.png"), "{out}");
    write_png(&dir.path().join("media/key.png"));
    let (ok, out) = kohort(&["forms", "check", dir.path().to_str().unwrap()]);
    assert!(ok, "{out}");

    // On screen: both pictures, named by their alt text.
    let (study, _) = kohort_form::study::load_study(dir.path()).unwrap();
    let pictures = media::load(dir.path(), &study);
    assert_eq!(pictures["media/home.png"].size, [4, 2]);
    let q = study.questionnaire("baseline").unwrap();
    let mut runner = Runner::new(q);
    while runner.position_id() != Some("b_living") {
        runner.next();
    }
    let mut view = PatientView::default();
    view.speech.media = pictures;
    let mut h = egui_kittest::Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(
            move |ui, v: &mut PatientView| {
                let _ = patient_ui(ui, &runner, v);
            },
            view,
        );
    h.run();
    h.get_by_label("Et hus");
    h.get_by_label("En nøkkel");
    h.get_by_label("I egen bolig som jeg eier");
}
