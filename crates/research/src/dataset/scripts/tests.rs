//! Stata and SAS cannot be installed here, so their scripts are read back
//! and held to those programs' rules; R and SPSS scripts are run for real
//! in the research crate's `stats_tools` tests.

use super::super::Options;
use super::super::table::{Column, Kind, Level, Table};
use super::{all, r, sas, stata};

fn table() -> Table {
    let mut coded = Column::plain("e_heroin", Kind::Integer, "Dager med heroin — «siste 30»");
    coded.codes = true;
    coded.miss = Some("e_heroin_miss".into());
    let mut choice = Column::plain("sex", Kind::Integer, "Kjønn 'sitat' \"dobbel\" $HOME `x'");
    choice.codes = true;
    choice.level = Level::Nominal;
    choice.labels = vec![(1, "Mann".into()), (2, "Kvinne".into()), (3, "Mann".into())];
    choice.miss = Some("sex_miss".into());
    let mut when = Column::plain("d_born", Kind::Date, &"lang ".repeat(40));
    when.codes = true;
    when.miss = Some("d_born_miss".into());
    let mut text = Column::plain("comment", Kind::Text, "Kommentar");
    text.codes = true;
    text.miss = Some("comment_miss".into());
    text.free_text = true;
    let mut t = Table::new(
        "wide_x",
        "one row per session",
        vec![
            Column::plain("study_code", Kind::Text, "Study code"),
            Column::plain("started_at", Kind::DateTime, "Started"),
            coded,
            choice,
            when,
            text,
        ],
    );
    t.push(vec![
        "HAB-OSL-0001".into(),
        "2025-01-01 10:00:00".into(),
        "-1".into(),
        "2".into(),
        "-3".into(),
        "fint".into(),
    ]);
    t
}

/// Statements of a SAS or Stata script, with the quoted strings blanked.
fn unquoted(s: &str, quote: char) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in s.chars() {
        if c == quote {
            inside = !inside;
        }
        if !inside {
            out.push(c);
        }
    }
    assert!(!inside, "an unbalanced {quote} in:\n{s}");
    out
}

#[test]
fn stata_names_labels_and_strings_keep_to_statas_rules() {
    let s = stata::script(&table());
    assert!(s.contains("encoding(\"utf-8\")"), "{s}");
    assert!(s.contains("mvdecode e_heroin, mv(-1=.a \\ -2=.b \\ -3=.c \\ -4=.d \\ -5=.e)"));
    for line in s.lines() {
        if let Some(rest) = line.strip_prefix("label variable ") {
            let (name, label) = rest.split_once(' ').unwrap();
            assert!(name.len() <= 32, "{line}");
            let inner = label.trim_start_matches("`\"").trim_end_matches("\"'");
            assert!(inner.chars().count() <= stata::LABEL_MAX, "{line}");
        }
        if let Some(rest) = line.strip_prefix("label define ") {
            assert!(rest.split(' ').next().unwrap().len() <= 32, "{line}");
        }
        // A $ or backquote inside a string would expand a macro.
        if line.contains("`\"") {
            let inner = &line[line.find("`\"").unwrap()..];
            assert!(!inner.contains(" $") || inner.contains("\\$"), "{line}");
        }
    }
    assert!(s.contains("\\$HOME"));
    // Repeated value labels are told apart.
    assert!(s.contains("3 `\"Mann (3)\"'"), "{s}");
    // A file with no rows gets its variables all the same.
    let mut empty = table();
    empty.rows.clear();
    let s = stata::script(&empty);
    assert!(!s.contains("import delimited"), "{s}");
    assert!(s.contains("generate double e_heroin = .\ngenerate double sex = ."));
    assert!(s.contains("generate str1 comment = \"\""));
}

#[test]
fn sas_statements_end_formats_are_named_right_and_quotes_balance() {
    let t = table();
    let s = sas::script(&t);
    let plain = unquoted(&s, '\'');
    for stmt in plain.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let first = stmt.split_whitespace().next().unwrap();
        assert!(first.len() <= 32, "{stmt}");
    }
    assert!(s.trim_end().ends_with("run;"));
    for i in 0..t.columns.len() {
        let f = sas::format_name(i);
        assert!(f.len() <= 32 && !f.ends_with(|c: char| c.is_ascii_digit()));
    }
    assert!(s.contains("if _kc{_ki} = -1 then _kc{_ki} = .A;"), "{s}");
    assert!(s.contains("'Kjønn ''sitat'' \"dobbel\" $HOME `x'''"), "{s}");
    assert!(s.contains("input(_kraw4, ?? yymmdd10.)"), "{s}");
}

#[test]
fn r_strings_are_ascii_and_every_tool_gets_a_script() {
    assert_eq!(r::quote("Kjønn \"x\"\\"), "\"Kj\\u00f8nn \\\"x\\\"\\\\\"");
    let names: Vec<String> = all(&table(), &Options::default())
        .into_iter()
        .map(|(n, text)| {
            assert!(text.len() > 200, "{n}");
            n
        })
        .collect();
    assert_eq!(names, ["wide_x.R", "wide_x.sps", "wide_x.do", "wide_x.sas"]);
    assert!(r::script(&table(), &Options::default()).is_ascii());
}
