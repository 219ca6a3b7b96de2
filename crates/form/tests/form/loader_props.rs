//! The loader never panics, whatever it is fed, and the content hash depends
//! on the content only.

use proptest::prelude::*;
use serde_json::{Map, Value, json};

use kohort_form::load::instrument_from_bytes;
use kohort_form::{Instrument, Problem, Severity};

const LABEL: &str = "prop.json";

/// What every load must keep to: an instrument exactly when there is no
/// error, and every problem names the file it was given.
fn check_outcome(inst: &Option<Instrument>, problems: &[Problem]) -> Result<(), TestCaseError> {
    let has_error = problems.iter().any(|p| p.severity == Severity::Error);
    prop_assert_eq!(inst.is_some(), !has_error, "problems: {:?}", problems);
    for p in problems {
        prop_assert_eq!(&p.file, LABEL);
    }
    Ok(())
}

fn load(bytes: &[u8]) -> Result<(Option<Instrument>, Vec<Problem>), TestCaseError> {
    let (inst, problems) = instrument_from_bytes(LABEL, bytes);
    check_outcome(&inst, &problems)?;
    Ok((inst, problems))
}

/// A small valid instrument with every kind of name an expression can use.
fn valid_instrument() -> Value {
    json!({
        "$schema": "schema/instrument.schema.json",
        "id": "props",
        "version": "1.0.0",
        "title": { "nb": "Egenskaper", "en": "Properties" },
        "respondent": "patient",
        "params": { "followup": 0, "cut": 19 },
        "items": [
            { "id": "q_sec", "type": "section", "text": { "nb": "Start", "en": "Start" } },
            { "id": "q_living", "type": "single_choice", "text": { "nb": "Bolig", "en": "Housing" },
              "options": [
                  { "code": 1, "text": { "nb": "Egen", "en": "Own" } },
                  { "code": 2, "text": { "nb": "Annet", "en": "Other" } } ] },
            { "id": "q_drugs", "type": "multi_choice", "text": { "nb": "Rus", "en": "Drugs" },
              "options": [
                  { "code": 1, "text": { "nb": "Heroin", "en": "Heroin" } },
                  { "code": 9, "text": { "nb": "Ingen", "en": "None" }, "exclusive": true } ] },
            { "id": "q_stable", "type": "yes_no", "text": { "nb": "Fast?", "en": "Stable?" } },
            { "id": "q_age", "type": "integer", "min": 16, "max": 100,
              "text": { "nb": "Alder", "en": "Age" } },
            { "id": "q_days", "type": "days", "max": 30, "text": { "nb": "Dager", "en": "Days" } },
            { "id": "q_name", "type": "text", "text": { "nb": "Navn", "en": "Name" } },
            { "id": "q_born", "type": "date", "text": { "nb": "Født", "en": "Born" } },
            { "id": "q_sleep", "type": "matrix", "text": { "nb": "Søvn", "en": "Sleep" },
              "options": [
                  { "code": 0, "text": { "nb": "Aldri", "en": "Never" } },
                  { "code": 1, "text": { "nb": "Ofte", "en": "Often" } } ],
              "rows": [ { "id": "q_sleep_a", "text": { "nb": "Sovne", "en": "Falling asleep" } } ] },
            { "id": "s_total", "type": "score", "expr": "sum(q_age, q_days, q_sleep)" },
            { "id": "q_last", "type": "slider", "text": { "nb": "Smerte", "en": "Pain" } }
        ]
    })
}

/// The valid instrument with `show_if` on its last item and a second score
/// computing `expr`.
fn with_expressions(show_if: &str, expr: &str) -> Value {
    let mut v = valid_instrument();
    let items = v["items"].as_array_mut().unwrap();
    items.last_mut().unwrap()["show_if"] = json!(show_if);
    items.push(json!({ "id": "s_prop", "type": "score", "expr": expr }));
    v
}

const WORDS: &[&str] = &[
    "$schema",
    "id",
    "version",
    "title",
    "respondent",
    "params",
    "licensed_slot",
    "instrument",
    "note",
    "items",
    "type",
    "text",
    "help",
    "options",
    "rows",
    "code",
    "exclusive",
    "min",
    "max",
    "unit",
    "min_label",
    "max_label",
    "max_length",
    "show_if",
    "expr",
    "nb",
    "en",
    "patient",
    "clinician",
    "1.0.0",
    "section",
    "single_choice",
    "multi_choice",
    "yes_no",
    "scale",
    "integer",
    "decimal",
    "days",
    "slider",
    "date",
    "year",
    "long_text",
    "matrix",
    "score",
    "q_a",
    "q_b",
    "q_a == 1",
    "q_a > q_b",
    "answered(q_a)",
    "selected(q_a, 1)",
    "sum(q_a, q_b)",
    "count(q_a)",
    "",
    "Hei",
    "1st",
    "æøå",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(WORDS).prop_map(str::to_owned),
        1 => "\\PC{0,12}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-3i64..40).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        word().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((word(), inner), 0..8)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

const TOKENS: &[&str] = &[
    "q_living",
    "q_drugs",
    "q_stable",
    "q_age",
    "q_days",
    "q_name",
    "q_born",
    "q_sleep",
    "q_sleep_a",
    "q_sec",
    "s_total",
    "s_prop",
    "q_last",
    "followup",
    "cut",
    "nope",
    "answered",
    "declined",
    "selected",
    "count",
    "count_true",
    "sum",
    "if",
    "min",
    "max",
    "avg",
    "and",
    "or",
    "not",
    "in",
    "true",
    "false",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "=",
    "+",
    "-",
    "*",
    "/",
    "(",
    ")",
    "[",
    "]",
    ",",
    "0",
    "1",
    "2",
    "9",
    "1.5",
    "1e3",
    "99999999999999999999",
    ".5",
    "1..2",
    "\"x\"",
    "'y'",
    "\"",
    "\n",
    "!",
    "#",
    "ø",
    "_",
];

fn expression() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(prop::sample::select(TOKENS), 0..24).prop_map(|t| t.join(" ")),
        1 => prop::collection::vec(prop::sample::select(TOKENS), 0..24).prop_map(|t| t.concat()),
        1 => any::<String>(),
    ]
}

fn pretty(v: &Value) -> Vec<u8> {
    serde_json::to_vec_pretty(v).unwrap()
}

/// One generated item that is valid on its own, numbered `n`.
fn item() -> impl Strategy<Value = Value> {
    let text = "[A-Za-zæøåÆØÅ][A-Za-zæøåÆØÅ ?,.]{0,24}";
    let options = prop::collection::btree_set(-2i64..20, 1..6);
    prop_oneof![
        (text, options.clone()).prop_map(|(t, codes)| json!({
            "type": "single_choice", "text": { "nb": t, "en": "?" },
            "options": codes.iter().map(|c| json!({ "code": c, "text": { "nb": format!("{t} {c}") } }))
                .collect::<Vec<_>>()
        })),
        (text, options).prop_map(|(t, codes)| json!({
            "type": "multi_choice", "text": { "nb": t },
            "options": codes.iter().map(|c| json!({ "code": c, "text": { "nb": format!("{c}"), "en": "c" } }))
                .collect::<Vec<_>>()
        })),
        text.prop_map(|t| json!({ "type": "yes_no", "text": { "nb": t, "en": t } })),
        (text, 0i64..50, 50i64..200).prop_map(|(t, lo, hi)| json!({
            "type": "integer", "text": { "nb": t }, "min": lo, "max": hi
        })),
        (text, 1i64..365).prop_map(|(t, max)| json!({ "type": "days", "text": { "nb": t }, "max": max })),
        text.prop_map(|t| json!({ "type": "long_text", "text": { "nb": t }, "max_length": 500 })),
        text.prop_map(|t| json!({ "type": "note", "text": { "nb": t } })),
    ]
}

fn instrument() -> impl Strategy<Value = Value> {
    (prop::collection::vec(item(), 1..12), "[a-z][a-z0-9_]{0,20}").prop_map(|(items, id)| {
        let items: Vec<Value> = items
            .into_iter()
            .enumerate()
            .map(|(n, mut item)| {
                item["id"] = json!(format!("q_{n}"));
                item
            })
            .collect();
        json!({
            "$schema": "schema/instrument.schema.json",
            "id": id, "version": "2.1.0", "title": { "nb": "Tittel", "en": "Title" },
            "respondent": "clinician", "items": items
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        load(&bytes)?;
    }

    #[test]
    fn damaged_valid_files_never_panic(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..3u8), 1..6)
    ) {
        let mut bytes = pretty(&valid_instrument());
        for (at, byte, op) in edits {
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ => { bytes.remove(i); }
            }
        }
        load(&bytes)?;
    }

    #[test]
    fn arbitrary_json_never_panics(v in json_value()) {
        load(&serde_json::to_vec(&v).unwrap())?;
    }

    #[test]
    fn arbitrary_items_never_panic(items in prop::collection::vec(json_value(), 0..6)) {
        let mut v = valid_instrument();
        v["items"].as_array_mut().unwrap().extend(items);
        load(&pretty(&v))?;
    }

    #[test]
    fn arbitrary_expressions_never_panic(show_if in expression(), expr in expression()) {
        load(&pretty(&with_expressions(&show_if, &expr)))?;
    }

    #[test]
    fn valid_instruments_load_and_hash_by_content(v in instrument(), pick in any::<prop::sample::Index>()) {
        let (pretty_inst, problems) = load(&pretty(&v))?;
        let pretty_inst = pretty_inst.unwrap_or_else(|| panic!("refused: {problems:?}"));
        let (compact, _) = load(&serde_json::to_vec(&v).unwrap())?;
        let compact = compact.unwrap();
        prop_assert_eq!(&pretty_inst.hash, &compact.hash);
        prop_assert_eq!(pretty_inst.hash.len(), 64);

        // Where the editor's schema lives does not change the content.
        let mut moved = v.clone();
        moved["$schema"] = json!("../forms/schema/instrument.schema.json");
        let (moved, _) = load(&pretty(&moved))?;
        prop_assert_eq!(&moved.unwrap().hash, &pretty_inst.hash);

        // Any change of wording does.
        let mut changed = v.clone();
        let n = pick.index(changed["items"].as_array().unwrap().len());
        let nb = &mut changed["items"][n]["text"]["nb"];
        *nb = json!(format!("{} (endret)", nb.as_str().unwrap()));
        let (changed, _) = load(&pretty(&changed))?;
        prop_assert_ne!(&changed.unwrap().hash, &pretty_inst.hash);
    }
}

#[test]
fn the_shared_valid_instrument_loads() {
    let (inst, problems) = instrument_from_bytes(LABEL, &pretty(&valid_instrument()));
    assert!(inst.is_some(), "{problems:?}");
    assert!(problems.is_empty(), "{problems:?}");
    let (inst, problems) = instrument_from_bytes(
        LABEL,
        &pretty(&with_expressions(
            "q_living == 1 and selected(q_drugs, 9)",
            "s_total + cut",
        )),
    );
    assert!(inst.is_some(), "{problems:?}");
}

/// Expressions at the length limit: long operator chains build deep trees
/// without passing the parser's nesting limit, and the checker walks them
/// recursively, on a test thread's small stack.
#[test]
fn long_expressions_do_not_overflow_the_stack() {
    let max = kohort_form::expr::MAX_LEN;
    let chain = |first: &str, op: &str, each: &str| {
        let mut s = first.to_owned();
        while s.len() + op.len() + each.len() <= max {
            s.push_str(op);
            s.push_str(each);
        }
        s
    };
    let cases = [
        (
            chain("q_age > 1", " and ", "q_age > 1"),
            chain("1", "+", "1"),
        ),
        (
            chain("true", " or ", "false"),
            chain("q_age", "*", "q_days"),
        ),
        (chain("1 == 1", " and ", "1 < 2"), chain("-1", "-", "-1")),
        (
            format!("{}1", "-".repeat(max - 1)),
            format!("{}1", "(".repeat(max - 1)),
        ),
    ];
    for (show_if, expr) in cases {
        assert!(show_if.len() <= max && expr.len() <= max);
        let (_, problems) =
            instrument_from_bytes(LABEL, &pretty(&with_expressions(&show_if, &expr)));
        assert!(problems.iter().all(|p| p.file == LABEL));
    }
}
