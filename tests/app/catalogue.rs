//! The translation catalogue: every key in every language, no key unused,
//! no screen text written in code, plurals and dates as each language has
//! them.

use std::collections::BTreeSet;
use std::path::Path;

use kohort::i18n::{self, Lang, SOURCES, keys_of};
use kohort::t;
use kohort_testkit::repo_root;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Every source file of the app, with its text.
fn sources() -> Vec<(String, String)> {
    let mut files = Vec::new();
    rust_files(&repo_root().join("src"), &mut files);
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).unwrap();
            (f.display().to_string(), text)
        })
        .collect()
}

fn catalogue_keys() -> Vec<(Lang, Vec<String>)> {
    SOURCES
        .iter()
        .map(|(lang, source)| {
            let (keys, errors) = keys_of(source);
            assert!(
                errors.is_empty(),
                "{}.ftl does not parse: {errors:?}",
                lang.code()
            );
            (*lang, keys)
        })
        .collect()
}

#[test]
fn every_key_is_in_every_language_once() {
    let all = catalogue_keys();
    let union: BTreeSet<&String> = all.iter().flat_map(|(_, k)| k).collect();
    assert!(union.len() > 200, "the catalogue has {} keys", union.len());
    for (lang, keys) in &all {
        let mine: BTreeSet<&String> = keys.iter().collect();
        assert_eq!(
            mine.len(),
            keys.len(),
            "{}.ftl has a key twice",
            lang.code()
        );
        let missing: Vec<_> = union.difference(&mine).collect();
        assert!(missing.is_empty(), "{}.ftl lacks {missing:?}", lang.code());
    }
}

/// The keys the code names with t!/ts! (the first string after the
/// language or ui argument).
fn keys_in_code() -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for (_, text) in sources() {
        let calls = text.match_indices("t!(").chain(text.match_indices("ts!("));
        for (at, _) in calls {
            let rest = &text[at..];
            let Some(open) = rest.find('"') else { continue };
            let Some(len) = rest[open + 1..].find('"') else {
                continue;
            };
            let key = &rest[open + 1..open + 1 + len];
            if !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())
            {
                used.insert(key.to_owned());
            }
        }
    }
    used
}

#[test]
fn no_key_is_unused_and_every_key_used_exists() {
    let used = keys_in_code();
    let (_, keys) = &catalogue_keys()[0];
    let keys: BTreeSet<String> = keys.iter().cloned().collect();
    let unused: Vec<_> = keys.difference(&used).collect();
    assert!(unused.is_empty(), "keys nothing uses: {unused:?}");
    let unknown: Vec<_> = used.difference(&keys).collect();
    assert!(unknown.is_empty(), "keys the catalogue lacks: {unknown:?}");
}

/// Calls that put text on screen, and a string literal as their text.
const SHOWS: [&str; 10] = [
    ".label(",
    ".button(",
    ".heading(",
    "Button::new(",
    "RichText::new(",
    "on_hover_text(",
    "hint_text(",
    ".checkbox(",
    "toggle(",
    "Label::new(",
];

/// Texts allowed in code: the app's name.
const ALLOWED: [&str; 1] = ["Kohort"];

#[test]
fn no_screen_text_is_written_in_code() {
    let mut found = Vec::new();
    for (file, text) in sources() {
        if !file.contains("/src/ui/") {
            continue;
        }
        for call in SHOWS {
            for (at, _) in text.match_indices(call) {
                // The call's arguments up to the first closing parenthesis.
                let args = &text[at + call.len()..];
                let args = &args[..args.find(')').unwrap_or(args.len()).min(200)];
                let Some(open) = args.find('"') else { continue };
                let Some(len) = args[open + 1..].find('"') else {
                    continue;
                };
                let lit = &args[open + 1..open + 1 + len];
                let words = lit.chars().filter(|c| c.is_alphabetic()).count() >= 2;
                let before = &args[..open];
                let in_macro = before.contains("t!(") || before.contains("ts!(");
                if words && !in_macro && !ALLOWED.contains(&lit) {
                    found.push(format!("{file}: {call}\"{lit}\""));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "screen text outside the catalogue:\n{}",
        found.join("\n")
    );
}

#[test]
fn plurals_and_numbers_follow_each_language() {
    assert_eq!(
        t!(Lang::Nb, "seal-done", seq = 3, sessions = 1),
        "Forseglet batch 3 med én økt i utboksen."
    );
    assert_eq!(
        t!(Lang::Nn, "seal-done", seq = 3, sessions = 2),
        "Forsegla batch 3 med 2 økter i utboksen."
    );
    assert_eq!(t!(Lang::En, "state-late", days = 1), "late, 1 day");
    assert_eq!(t!(Lang::Nb, "state-late", days = 12), "forsinket, 12 dager");
    assert_eq!(i18n::number(Lang::Nb, 2.5, 1), "2,5");
    assert_eq!(i18n::number(Lang::En, 2.5, 1), "2.5");
}
