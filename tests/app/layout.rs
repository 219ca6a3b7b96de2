//! Every patient item type at every text size, on a tablet (1280×800) and
//! a large screen (1920×1200), in every language: no painted text runs
//! into another, is cut off at the side, or breaks inside a word. Read
//! from what egui paints (text shapes and their rows), so buttons and
//! labels are checked alike.

use eframe::egui::epaint::{ClippedShape, Shape, TextShape};
use eframe::egui::{FullOutput, Label, Pos2, Rect, vec2};
use egui_kittest::Harness;
use kohort::ui::preview::Preview;
use kohort::ui::theme::TextSize;
use kohort_form::Lang;

/// One item of each type in the shipped study (form, item).
const ITEMS: &[(&str, &str)] = &[
    ("baseline", "b_living"),
    ("baseline", "b_living_desc"),
    ("baseline", "a_born_norway"),
    ("baseline", "a_birth_year"),
    ("baseline", "d_hungry"),
    ("baseline", "e_craving"),
    ("baseline", "e_heroin"),
    ("baseline", "h_health_today"),
    ("baseline", "i_symptoms"),
    ("baseline", "i_note_longterm"),
    ("baseline", "k_gp"),
    ("medication", "n_other_meds"),
    ("medication", "n_dam_am_mg"),
    ("adverse_event", "o_type"),
    ("adverse_event", "o_date"),
    ("adverse_event", "o_description"),
];

/// A painted row of text: where it shows and what it says.
struct Painted {
    text: String,
    rect: Rect,
    clip: Rect,
    /// The row ends inside a word that goes on in the next row.
    breaks_word: bool,
}

/// The rows of a text as painted. Where a row ends is read against the
/// text laid out: a row that stops between two letters broke a word.
fn rows_of(t: &TextShape, clip: Rect, out: &mut Vec<Painted>) {
    let source: Vec<char> = t.galley.job.text.chars().collect();
    let mut at = 0;
    for row in &t.galley.rows {
        let mut last = None;
        for g in &row.row.glyphs {
            // Spaces a wrap swallowed are in the source, not in the row.
            while at < source.len() && source[at] != g.chr && source[at].is_whitespace() {
                at += 1;
            }
            if source.get(at) == Some(&g.chr) {
                at += 1;
            }
            last = Some(g.chr);
        }
        let breaks_word = !row.ends_with_newline
            && last.is_some_and(char::is_alphanumeric)
            && source.get(at).is_some_and(|c| c.is_alphanumeric());
        let min = t.pos + row.pos.to_vec2();
        out.push(Painted {
            text: row.row.glyphs.iter().map(|g| g.chr).collect(),
            rect: Rect::from_min_size(min, row.row.size),
            clip,
            breaks_word,
        });
    }
}

fn collect(shape: &Shape, clip: Rect, out: &mut Vec<Painted>) {
    match shape {
        Shape::Text(t) => rows_of(t, clip, out),
        Shape::Vec(v) => v.iter().for_each(|s| collect(s, clip, out)),
        _ => {}
    }
}

fn painted(output: &FullOutput) -> Vec<Painted> {
    let mut out = Vec::new();
    for ClippedShape {
        clip_rect, shape, ..
    } in &output.shapes
    {
        collect(shape, *clip_rect, &mut out);
    }
    out
}

/// What is wrong with the screen as painted.
pub fn problems(output: &FullOutput, width: f32) -> Vec<String> {
    // The cue over the bottom of a long question is an overlay by design.
    let rows: Vec<Painted> = painted(output)
        .into_iter()
        .filter(|p| !p.text.trim().is_empty() && !p.text.contains('↓'))
        .filter(|p| p.rect.intersects(p.clip))
        .collect();
    let mut out = Vec::new();
    for (i, p) in rows.iter().enumerate() {
        if p.rect.left() < p.clip.left() - 0.5 || p.rect.right() > p.clip.right() + 0.5 {
            out.push(format!("{:?} is cut off at the side", p.text));
        }
        if p.rect.right() > width + 0.5 || p.rect.left() < -0.5 {
            out.push(format!("{:?} leaves the screen", p.text));
        }
        if p.breaks_word {
            out.push(format!("a word breaks after {:?}", p.text));
        }
        for q in &rows[i + 1..] {
            let a = p.rect.intersect(p.clip);
            let b = q.rect.intersect(q.clip);
            let both = a.intersect(b);
            if both.width() > 1.0 && both.height() > 1.0 {
                out.push(format!("{:?} runs into {:?}", p.text, q.text));
            }
        }
    }
    out
}

fn screen(
    form: &str,
    item: &str,
    size: [f32; 2],
    text: TextSize,
    lang: Lang,
) -> Harness<'static, Preview> {
    let study = kohort_testkit::study();
    let q = study.questionnaire(form).unwrap();
    let preview = Preview::new(q, Some(item)).with_look(text, lang);
    let mut h = Harness::builder().with_size(size).build_eframe(|_| preview);
    // Off the screen: no hover highlight or tooltip.
    h.run();
    h
}

#[test]
fn every_item_type_fits_at_every_text_size() {
    let mut all = Vec::new();
    for size in [[1280.0, 800.0], [1920.0, 1200.0]] {
        for text in TextSize::ALL {
            for lang in Lang::ALL {
                for (form, item) in ITEMS {
                    let h = screen(form, item, size, text, lang);
                    for p in problems(h.output(), size[0]) {
                        all.push(format!("{item} {size:?} {text:?} {lang:?}: {p}"));
                    }
                }
            }
        }
    }
    assert!(
        all.is_empty(),
        "{} problems:\n{}",
        all.len(),
        all.join("\n")
    );
}

/// The check itself sees a word broken inside, text running into text,
/// and text cut off at the side.
#[test]
fn the_check_sees_broken_words_collisions_and_cut_text() {
    let mut h = Harness::builder().with_size([400.0, 300.0]).build_ui(|ui| {
        ui.allocate_ui(vec2(60.0, 100.0), |ui| {
            ui.add(Label::new("Uforholdsmessig").wrap());
        });
        ui.put(
            Rect::from_min_size(Pos2::new(8.0, 8.0), vec2(60.0, 20.0)),
            Label::new("over the other"),
        );
        ui.allocate_ui(vec2(50.0, 30.0), |ui| {
            ui.add(Label::new("Truncated at the side").truncate());
        });
    });
    h.run();
    let found = problems(h.output(), 400.0).join("\n");
    assert!(found.contains("a word breaks after"), "{found}");
    assert!(found.contains("runs into"), "{found}");
    let fine = Harness::builder().with_size([400.0, 300.0]).build_ui(|ui| {
        ui.allocate_ui(vec2(120.0, 100.0), |ui| {
            ui.add(Label::new("Words wrap between them").wrap());
        });
    });
    assert_eq!(problems(fine.output(), 400.0), Vec::<String>::new());
}

/// Every staff page on a demo tablet: each button, field and check box is
/// at least 48 points high (check boxes' boxes 32), every text at least 18
/// points, and no text runs into another or off the side.
#[test]
fn staff_pages_are_for_fingers() {
    use eframe::egui::Role;
    use egui_kittest::kittest::{NodeT, Queryable};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    {
        let mut store = kohort_testkit::tablet(&db);
        kohort_tablet::store::demo::fill(&mut store, &kohort_testkit::study(), 4, 3).unwrap();
    }
    // Bokmål's longer words as well as English.
    for (lang, size) in [Lang::En, Lang::Nb]
        .into_iter()
        .flat_map(|l| [(l, [1280.0, 800.0]), (l, [1920.0, 1200.0])])
    {
        let clock = kohort::core::ManualClock::new();
        let mut h = crate::support::harness_in(lang, &db, size, &clock, |a| a);
        h.run();
        let pass = kohort::t!(lang, "unlock-staff-passphrase");
        crate::support::type_into(&mut h, &pass, kohort_testkit::PASS);
        crate::support::tap(&mut h, &kohort::t!(lang, "unlock-button"));
        let first = h.state().clinic().participants[0].study_code.clone();
        let pages = [
            kohort::t!(lang, "home-today"),
            first,
            kohort::t!(lang, "home-enrol"),
            kohort::t!(lang, "home-settings"),
            kohort::t!(lang, "home-data-manager"),
        ];
        for page in &pages {
            let page = page.as_str();
            let node = h
                .query_all_by_label_contains(page)
                .find(|n| matches!(n.accesskit_node().role(), Role::Button | Role::Switch))
                .unwrap_or_else(|| {
                    let roles: Vec<String> = h
                        .query_all_by_label_contains(page)
                        .map(|n| format!("{:?}", n.accesskit_node().role()))
                        .collect();
                    panic!("no button {page}: {roles:?}")
                });
            node.click();
            h.run();
            let mut small = Vec::new();
            for n in h.root().query_all_by(|n| n.bounding_box().is_some()) {
                let role = n.accesskit_node().role();
                let r = n.rect();
                let min = match role {
                    Role::CheckBox => 32.0,
                    Role::Button | Role::Switch | Role::TextInput => 48.0,
                    _ => continue,
                };
                if r.height() < min - 0.5 {
                    small.push(format!(
                        "{role:?} {:?} {}",
                        n.accesskit_node().label(),
                        r.height()
                    ));
                }
            }
            assert!(small.is_empty(), "{page} {size:?}: too small: {small:?}");
            let tiny: Vec<String> = staff_text_sizes(h.output())
                .into_iter()
                .filter(|(_, s)| *s < 18.0 - 0.01)
                .map(|(t, s)| format!("{t:?} {s}"))
                .collect();
            assert!(tiny.is_empty(), "{page} {size:?}: text under 18: {tiny:?}");
            let found = problems(h.output(), size[0]);
            assert!(found.is_empty(), "{page} {size:?}: {found:?}");
        }
    }
}

/// Each painted text and its font size.
fn staff_text_sizes(output: &FullOutput) -> Vec<(String, f32)> {
    fn walk(shape: &Shape, out: &mut Vec<(String, f32)>) {
        match shape {
            Shape::Text(t) => {
                for sec in &t.galley.job.sections {
                    let (a, b) = (sec.byte_range.start.0, sec.byte_range.end.0);
                    let text = t.galley.job.text.get(a..b).unwrap_or_default().to_owned();
                    if !text.trim().is_empty() {
                        out.push((text, sec.format.font_id.size));
                    }
                }
            }
            Shape::Vec(v) => v.iter().for_each(|s| walk(s, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for c in &output.shapes {
        walk(&c.shape, &mut out);
    }
    out
}
