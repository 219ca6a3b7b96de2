//! The nurse's walk, by touch alone, in bokmål, nynorsk and English: set up
//! a new tablet (the in-app keyboard for every field), note the recovery
//! key, enrol, hand the baseline over, pause, resume, fill in a clinician
//! form, mark a form missed, record the end of treatment and a withdrawal.
//! Every label is the catalogue's in that language; in bokmål no English
//! staff word may show on any screen along the way.

use chrono::{Days, NaiveDate};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use kohort::core::ManualClock;
use kohort::i18n::Lang;
use kohort::t;
use kohort::ui::app::{App, Screen};
use kohort_form::schedule::State;
use kohort_testkit::PASS;

/// Words of the staff screens as they were before they were translated;
/// none may show on a bokmål screen.
const ENGLISH: [&str; 34] = [
    "Today",
    "Settings",
    "Lock",
    "Data manager",
    "Participants",
    "Enrol",
    "Give to patient",
    "Missed",
    "Withdraw",
    "Record end of treatment",
    "Cancel",
    "Staff passphrase",
    "Unlock",
    "upcoming",
    "open now",
    "completed",
    "Treatment episode",
    "Search",
    "Due now",
    "Late",
    "Paused",
    "Save",
    "Keyboard",
    "Done",
    "Delete",
    "Space",
    "Capitals",
    "Fill in",
    "Continue",
    "Resume with patient",
    "Set up this tablet",
    "Recovery key",
    "Create",
    "not applicable",
];

fn day0() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 6).expect("a date")
}

struct Walk {
    h: Harness<'static, App>,
    lang: Lang,
    /// Every text seen on any screen of the walk.
    seen: Vec<String>,
}

impl Walk {
    fn look(&mut self) {
        let texts: Vec<String> = self
            .h
            .query_all_by(|_| true)
            .flat_map(|n| {
                let a = n.accesskit_node();
                [a.label(), a.value()]
            })
            .flatten()
            .collect();
        self.seen.extend(texts);
    }

    fn tap(&mut self, label: &str) {
        self.look();
        self.h.get_by_label(label).click();
        self.h.run();
    }

    /// Taps a key of the in-app keyboard (a button, not a number label).
    fn key(&mut self, label: &str) {
        let key = self
            .h
            .query_all_by(|n| {
                n.role() == eframe::egui::accesskit::Role::Button
                    && n.label().as_deref() == Some(label)
            })
            .next()
            .unwrap_or_else(|| panic!("no key {label:?}"));
        key.click();
        self.h.run();
    }

    /// Types `text` on the in-app keyboard: capitals with the capitals key.
    fn keys(&mut self, text: &str) {
        for c in text.chars() {
            if c == ' ' {
                self.key(&t!(self.lang, "key-space"));
            } else if c.is_uppercase() {
                self.key(&t!(self.lang, "key-capitals"));
                self.key(&c.to_string());
            } else {
                self.key(&c.to_string());
            }
        }
    }

    /// Opens a field's keyboard, types, and closes it.
    fn fill(&mut self, field: &str, text: &str) {
        let open = t!(self.lang, "key-keyboard-for", field = field);
        self.tap(&open);
        self.keys(text);
        self.tap(&t!(self.lang, "key-done"));
    }

    fn title(&self, form: &str) -> String {
        let study = kohort_testkit::study();
        let t = study.form(form).map(|f| f.title.get(self.lang).to_owned());
        t.unwrap_or_else(|| panic!("no form {form}"))
    }

    fn state_of(&self, form: &str) -> State {
        let c = self.h.state().clinic();
        let p = &c.participants[0];
        let e = c.current_episode(p.id).expect("an episode");
        let rows = c
            .rows(e.id)
            .expect("a schedule")
            .as_ref()
            .expect("no error");
        rows.iter()
            .find(|r| r.form == form)
            .map(|r| r.state.clone())
            .unwrap_or_else(|| panic!("no row {form}"))
    }

    /// Pause in patient mode, then staff unlocks the hand-back by touch.
    fn pause_and_unlock(&mut self) {
        self.tap("Pause");
        assert!(matches!(self.h.state().screen, Screen::HandBack { .. }));
        self.keys(PASS);
        self.tap(&t!(self.lang, "unlock-button"));
        assert!(
            matches!(self.h.state().screen, Screen::Staff),
            "{:?}",
            self.h.state().error()
        );
    }
}

fn walk(lang: Lang) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    clock.set_today(day0());
    // Taller than a tablet: a harness cannot scroll a long timeline into
    // view the way a finger does (fit at 1280×800 is tests/app/layout.rs).
    let h = crate::support::harness_in(
        lang,
        &dir.path().join("t.db"),
        [1280.0, 1400.0],
        &clock,
        |a| a,
    );
    let mut w = Walk {
        h,
        lang,
        seen: Vec::new(),
    };
    let l = lang;
    w.h.run();

    // Set-up and the recovery key, typed on the in-app keyboard.
    w.fill(&t!(l, "setup-name"), "nettbrett en");
    w.fill(&t!(l, "setup-passphrase"), PASS);
    w.fill(&t!(l, "setup-again"), PASS);
    w.tap(&t!(l, "setup-create"));
    let (asked, groups) = match &w.h.state().screen {
        Screen::Recovery(d) => (
            d.ask,
            d.key.split('-').map(str::to_lowercase).collect::<Vec<_>>(),
        ),
        _ => panic!("no recovery key screen: {:?}", w.h.state().error()),
    };
    for i in asked {
        w.fill(&t!(l, "recovery-group", number = i + 1), &groups[i]);
    }
    w.tap(&t!(l, "recovery-noted"));

    // Enrol, and hand the baseline over.
    w.tap(&t!(l, "home-enrol"));
    w.fill(&t!(l, "enrol-code"), "HAB-OSL-0001");
    w.tap("OSL");
    w.tap(&t!(l, "enrol-button"));
    let baseline = w.title("baseline");
    w.tap(&format!("{}: {baseline}", t!(l, "row-give")));
    assert!(matches!(w.h.state().screen, Screen::Patient(_)));
    w.pause_and_unlock();
    w.tap(&format!("{}: {baseline}", t!(l, "row-resume-patient")));
    assert!(matches!(w.h.state().screen, Screen::Patient(_)));
    w.pause_and_unlock();

    // A clinician form, filled in on the staff screens.
    w.tap("HAB-OSL-0001");
    clock.set_today(day0() + Days::new(20));
    w.h.state_mut().refresh();
    w.h.run();
    let medication = format!("{} 1", w.title("medication"));
    w.tap(&format!("{}: {medication}", t!(l, "row-fill-in")));
    assert!(w.h.state().patient().is_some_and(|p| p.by_staff));
    w.tap("Pause");
    assert!(matches!(w.h.state().screen, Screen::Staff));

    // The 3-month form missed: the patient is in hospital.
    clock.set_today(day0() + Days::new(100));
    w.h.state_mut().refresh();
    w.h.run();
    let m03 = w.title("m03");
    w.tap(&t!(l, "row-missed-name", title = m03.as_str()));
    let study = kohort_testkit::study();
    let hospital = study
        .missed_reason(2)
        .map(|r| r.get(l).to_owned())
        .unwrap_or_default();
    w.tap(&hospital);
    w.tap(&t!(l, "missed-save"));
    assert!(matches!(
        w.state_of("m03"),
        State::Missed { code: Some(2), .. }
    ));

    // The end of treatment, then a withdrawal.
    w.tap(&t!(l, "episode-end"));
    w.tap(&t!(l, "end-completed"));
    w.tap(&t!(l, "end-save"));
    assert_eq!(w.h.state().error(), None);
    assert_eq!(w.state_of("m06"), State::NotApplicable);
    w.tap(&t!(l, "participant-withdraw"));
    w.tap(&t!(l, "withdraw-save"));
    assert_eq!(w.h.state().error(), None);
    assert_eq!(w.state_of("m06"), State::Withdrawn);
    w.look();
    w.seen
}

fn english_words_in(seen: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for text in seen {
        for word in ENGLISH {
            let whole = text.match_indices(word).any(|(at, _)| {
                let before = text[..at].chars().next_back();
                let after = text[at + word.len()..].chars().next();
                before.is_none_or(|c| !c.is_alphanumeric())
                    && after.is_none_or(|c| !c.is_alphanumeric())
            });
            if whole {
                found.push(format!("{word:?} in {text:?}"));
            }
        }
    }
    found
}

#[test]
fn the_nurses_walk_in_bokmal_shows_no_english() {
    let seen = walk(Lang::Nb);
    assert!(seen.len() > 100, "{} texts seen", seen.len());
    let english = english_words_in(&seen);
    assert!(
        english.is_empty(),
        "English on bokmål screens:\n{}",
        english.join("\n")
    );
}

#[test]
fn the_nurses_walk_in_nynorsk() {
    let seen = walk(Lang::Nn);
    assert!(
        seen.iter()
            .any(|s| s.contains("Ikkje utfylt") || s.contains("ikkje utfylt"))
    );
}

#[test]
fn the_nurses_walk_in_english() {
    let seen = walk(Lang::En);
    // The check can fail: it finds the English words on English screens.
    assert!(!english_words_in(&seen).is_empty());
}
