//! Both patient looks meet WCAG 2 contrast: every text/background pair at
//! least 4.5:1, controls and large text at least 3:1; and the screens use
//! the look the patient chose.

use egui_kittest::kittest::Queryable;
use kohort::ui::contrast::{HIGH, STANDARD, ratio};
use kohort::ui::theme;

#[test]
fn the_ratio_is_wcags() {
    use eframe::egui::Color32;
    assert!((ratio(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 0.01);
    assert!((ratio(Color32::WHITE, Color32::WHITE) - 1.0).abs() < 0.001);
    // WCAG's own example: #767676 on white is just above 4.5:1.
    let r = ratio(Color32::from_gray(0x76), Color32::WHITE);
    assert!((4.5..4.6).contains(&r), "{r}");
}

#[test]
fn every_pair_of_both_looks_has_enough_contrast() {
    // The standard palette is the theme's own colours.
    assert_eq!(STANDARD.ink, theme::INK);
    assert_eq!(STANDARD.paper, theme::PAPER);
    assert_eq!(STANDARD.quiet, theme::QUIET);
    assert_eq!(STANDARD.chosen, theme::CHOSEN);
    assert_eq!(STANDARD.warn, theme::WARN);
    assert_eq!(STANDARD.warn_bg, theme::WARN_BG);
    let mut report = Vec::new();
    let mut failed = false;
    for (name, palette) in [("standard", STANDARD), ("high contrast", HIGH)] {
        for p in palette.pairs() {
            let r = ratio(p.fg, p.bg);
            report.push(format!(
                "{name}: {}: {r:.2}:1 (needs {}:1)",
                p.what, p.needs
            ));
            failed |= r < p.needs;
        }
    }
    assert!(!failed, "{}", report.join("\n"));
    // High contrast is higher for the body text than the standard look.
    assert!(ratio(HIGH.ink, HIGH.paper) >= 21.0 - 0.01);
}

#[test]
fn the_patient_can_switch_to_high_contrast_on_screen() {
    use kohort::ui::patient::{PatientView, patient_ui};
    let study = kohort_testkit::study();
    let form = study.forms().next().unwrap().id.clone();
    let runner = kohort_form::runner::Runner::new(study.questionnaire(&form).unwrap());
    let mut h = egui_kittest::Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(
            move |ui, v: &mut PatientView| {
                let _ = patient_ui(ui, &runner, v);
            },
            PatientView::default(),
        );
    h.run();
    assert_eq!(*h.state().palette(), STANDARD);
    h.get_by_label("Høy kontrast").click();
    h.run();
    assert!(h.state().high_contrast);
    assert_eq!(*h.state().palette(), HIGH);
    h.get_by_label("Høy kontrast").click();
    h.run();
    assert_eq!(*h.state().palette(), STANDARD);
}
