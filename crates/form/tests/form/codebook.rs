//! `docs/codebook.md` is the codebook generated from the shipped forms.

use kohort_form::codebook::{self, Format};
use kohort_form::study::load_study;

#[test]
fn committed_codebook_is_up_to_date() {
    let root = crate::repo_root();
    let (study, _) = load_study(&root.join("forms")).unwrap_or_else(|e| panic!("{e}: {:#?}", e.0));
    let fresh = codebook::render(&study, Format::Markdown);
    let committed = std::fs::read_to_string(root.join("docs/codebook.md")).unwrap_or_default();
    let first_difference = committed
        .lines()
        .zip(fresh.lines())
        .position(|(a, b)| a != b)
        .map_or_else(|| "the length".to_owned(), |i| format!("line {}", i + 1));
    assert!(
        committed == fresh,
        "docs/codebook.md is out of date (first difference at {first_difference}): run \
         `cargo run -- forms codebook forms --format md --out docs/codebook.md`"
    );
}

#[test]
fn csv_has_a_row_per_variable_with_quoted_fields() {
    let root = crate::repo_root();
    let (study, _) = load_study(&root.join("forms")).expect("the study loads");
    let csv = codebook::render(&study, Format::Csv);
    let variables: usize = study
        .instruments
        .iter()
        .map(|i| i.variables().count())
        .sum();
    let rows: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        rows.len(),
        variables + 1,
        "a header and one row per variable"
    );
    assert!(rows[0].starts_with("variable,instrument,instrument_version,asked_in,type"));
    let gender = rows
        .iter()
        .find(|r| r.starts_with("a_gender,"))
        .expect("a_gender row");
    assert!(
        gender.contains("\"1=Mann | 2=Kvinne | 3=Annet, eller vil beskrive selv\""),
        "{gender}"
    );
}
