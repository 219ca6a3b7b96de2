//! Every broken file under `tests/fixtures/` is rejected by the real loader,
//! with the file, the place in it and the reason named.
//!
//! Each fixture holds exactly one problem (the rest of it is valid), so a
//! fixture that starts yielding a second error means the checker reports a
//! knock-on error, or the fixture has rotted.

use std::io::Write;
use std::path::{Path, PathBuf};

use kohort_form::{Problem, Severity};
use kohort_form::{load, load::MAX_FILE_BYTES};

/// Instrument fixtures in `tests/fixtures/bad-forms/`: file name, the exact
/// `path` of the error (JSON Pointer, `line L, column C`, or empty for the
/// whole file), and a part of its message.
#[rustfmt::skip]
const BAD_FORMS: &[(&str, &str, &str)] = &[
    // The file itself.
    ("empty-file.json", "", "the file is empty"),
    ("whitespace-only.json", "", "the file is empty"),
    ("binary-garbage.json", "line 1, column 1", "not UTF-8 text"),
    ("utf16-file.json", "line 1, column 1", "not UTF-8 text"),
    ("latin1-file.json", "line 22, column 32", "not UTF-8 text"),
    ("utf8-bom.json", "line 1, column 1", "byte order mark"),
    ("invalid-json-syntax.json", "line 44, column 5", "invalid JSON: trailing comma"),
    ("unclosed-json.json", "line 46, column 1", "invalid JSON: EOF while parsing"),
    ("deep-nesting.json", "line 1, column 128", "recursion limit exceeded"),
    ("duplicate-json-key.json", "line 45, column 15", "key \"show_if\" appears twice"),
    ("not-an-object.json", "", "expected an object, found a list"),
    // Top-level fields.
    ("unknown-top-level-field.json", "/author", "unknown field 'author'"),
    ("bad-semver.json", "/version", "'1.0' is not a semantic version"),
    ("unknown-respondent.json", "/respondent", "unknown respondent 'nurse'"),
    ("empty-items.json", "/items", "at least one item"),
    ("param-not-number.json", "/params/followup", "a param must be a number"),
    ("param-and-item-same-name.json", "/items/1", "'q_age' is both an item and a param"),
    // Items.
    ("item-not-an-object.json", "/items/1", "expected an object, found a string"),
    ("missing-item-id.json", "/items/1", "missing field 'id'"),
    ("duplicate-item-id.json", "/items/1/id", "duplicate id 'q_living'"),
    ("matrix-row-duplicates-item.json", "/items/1/rows/0/id", "duplicate id 'q_age'"),
    ("invalid-variable-name.json", "/items/1/id", "'1st_age' is not a valid variable name"),
    ("variable-name-too-long.json", "/items/1/id", "at most 32 characters"),
    ("unknown-field.json", "/items/1/hint", "unknown field 'hint'"),
    ("unknown-type.json", "/items/1/type", "unknown item type 'dropdown'"),
    ("yes-no-with-options.json", "/items/0/options", "does not apply to type 'yes_no'"),
    ("missing-nb-text.json", "/items/1/text", "missing field 'nb'"),
    ("empty-nb-text.json", "/items/1/text/nb", "the bokmål text is empty"),
    ("text-not-translated.json", "/items/1/text", "expected an object, found a string"),
    ("duplicate-option-code.json", "/items/0/options/1/code", "duplicate option code 1"),
    ("option-code-not-whole.json", "/items/0/options/1/code", "expected a whole number, found 1.5"),
    ("exclusive-on-single-choice.json", "/items/0/options/1/exclusive", "only applies to multi_choice"),
    ("matrix-without-rows.json", "/items/0/rows", "a matrix needs at least one row"),
    ("min-greater-than-max.json", "/items/0", "min (100) is greater than max (16)"),
    ("slider-min-not-below-max.json", "/items/0", "min (10) must be below max (10)"),
    ("days-without-max.json", "/items/0", "a 'days' item needs 'max'"),
    ("text-max-length-zero.json", "/items/0/max_length", "max_length 0 is outside"),
    ("score-without-expr.json", "/items/1", "a score needs 'expr'"),
    // Expressions: syntax, with the line:column inside the expression.
    ("show-if-syntax-error.json", "/items/1/show_if", "at 1:13: expected a value, found '=='"),
    ("show-if-single-equals.json", "/items/1/show_if", "at 1:10: use '==' to compare"),
    ("show-if-unclosed-paren.json", "/items/1/show_if", "at 1:15: expected ')'"),
    ("show-if-too-deep.json", "/items/1/show_if", "at 1:65: expression is nested more than 64"),
    ("score-long-chain.json", "/items/1/expr", "at 1:513: expression is nested more than 64"),
    ("unknown-function.json", "/items/1/show_if", "at 1:1: unknown function 'avg'"),
    // Expressions: names and types.
    ("show-if-unknown-item.json", "/items/1/show_if", "at 1:1: unknown item 'q_housing'"),
    ("show-if-later-item.json", "/items/0/show_if", "'q_living' comes later in the form"),
    ("show-if-self.json", "/items/1/show_if", "'q_age' refers to itself"),
    ("show-if-names-section.json", "/items/1/show_if", "'s_intro' is a section and has no value"),
    ("show-if-not-boolean.json", "/items/1/show_if", "must be a true/false condition, not a number"),
    ("show-if-bool-arithmetic.json", "/items/1/show_if", "at 1:19: arithmetic needs numbers"),
    ("compare-choice-with-string.json", "/items/1/show_if", "cannot compare a choice (codes 1, 2) with text"),
    ("compare-choice-with-unknown-code.json", "/items/1/show_if", "3 is not one of the item's option codes"),
    ("in-list-unknown-code.json", "/items/1/show_if", "7 is not one of the item's option codes"),
    ("selected-on-single-choice.json", "/items/1/show_if", "selected() needs a multiple choice"),
    ("wrong-argument-count.json", "/items/2/show_if", "selected() takes 2 argument(s), found 1"),
    ("arithmetic-on-text.json", "/items/1/expr", "arithmetic needs numbers, found a text answer"),
    ("score-not-number.json", "/items/1/expr", "must compute a number, not a true/false"),
    ("score-cycle.json", "/items/1/expr", "cycle: s_a → s_b → s_a"),
];

/// Study fixtures in `tests/fixtures/bad-studies/`: folder, the file in it
/// that the error names, its exact `path` and a part of its message.
#[rustfmt::skip]
const BAD_STUDIES: &[(&str, &str, &str, &str)] = &[
    ("unknown-instrument", "study.json", "/timepoints/1/instruments/1", "unknown instrument 'quality_of_life'"),
    ("overlapping-windows", "study.json", "/timepoints/1/window", "the window of 'm01' overlaps the window of 'baseline'"),
    ("inverted-order", "study.json", "/timepoints/2/offset", "'m03' is not after 'm06'"),
    ("duplicate-variable-across-instruments", "crime.json", "/items/1/id", "variable 'h_stable' is also used in instrument 'housing'"),
    ("respondent-mismatch", "study.json", "/timepoints/0/instruments/1", "'medication' is for a clinician but this form is for a patient"),
    ("param-override-undeclared", "study.json", "/timepoints/1/params/followup", "no instrument of this form declares a param 'followup'"),
    ("missing-instrument-file", "study.json", "/instruments/1", "cannot find 'crime.json'"),
    ("duplicate-form-id", "study.json", "/timepoints/2/id", "duplicate form id 'm03'"),
    ("duplicate-instrument-id", "study.json", "/instruments/1", "instrument id 'housing' is also used by housing.json"),
    ("broken-instrument", "crime.json", "/items/0/show_if", "'c_arrested' refers to itself"),
    ("instrument-outside-folder", "study.json", "/instruments/1", "must be a file inside the study folder"),
    ("instrument-listed-twice-in-form", "study.json", "/timepoints/0/instruments/1", "instrument 'housing' is listed twice"),
    ("offset-days-and-months", "study.json", "/timepoints/1/offset", "give exactly one of 'days' or 'months'"),
    ("recurring-every-zero", "study.json", "/recurring/0/every", "'every' must be more than zero"),
    ("unknown-trigger", "study.json", "/events/0/trigger", "unknown trigger 'weekly'"),
    ("outcome-unknown-variable", "study.json", "/outcomes/0/variable", "outcome 'stable': unknown variable 'h_stabel'"),
    ("outcome-count-of-a-yes-no", "study.json", "/outcomes/0/variable", "outcome 'stable': 'h_stable' is a yes_no; a count outcome needs a number"),
    ("outcome-scale-without-min-change", "study.json", "/outcomes/0", "outcome 'stable': a scale outcome needs 'min_change'"),
    ("outcome-expression-not-a-condition", "study.json", "/outcomes/0/expression", "'h_nights + 1' is a number, but a binary outcome here needs a true/false condition"),
    ("outcome-timepoint-not-asking", "study.json", "/outcomes/0/timepoints/1", "outcome 'stable': form 'medication' does not ask 'h_stable'"),
    ("report-prevalence-not-yes-no", "study.json", "/report/prevalence/variables/0", "the prevalence figure: 'h_nights' is not a yes/no variable"),
];

fn fixtures() -> PathBuf {
    crate::repo_root().join("tests/fixtures")
}

fn errors(problems: &[Problem]) -> Vec<&Problem> {
    problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect()
}

fn listing(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("\n    {p} [path {:?}]", p.path))
        .collect()
}

/// The single error names `file`, sits at `path` and says `message`.
fn expect_one_error(fixture: &str, problems: &[Problem], file: &Path, path: &str, message: &str) {
    let errors = errors(problems);
    assert_eq!(
        errors.len(),
        1,
        "{fixture}: expected exactly one error, got:{}",
        listing(problems)
    );
    let e = errors[0];
    assert_eq!(
        e.file,
        file.display().to_string(),
        "{fixture}: the error names the wrong file:{}",
        listing(problems)
    );
    assert_eq!(
        e.path,
        path,
        "{fixture}: the error points at the wrong place:{}",
        listing(problems)
    );
    assert!(
        e.message.contains(message),
        "{fixture}: expected a message containing {message:?}:{}",
        listing(problems)
    );
}

/// Names of the entries of a folder, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn every_bad_form_is_rejected_with_file_place_and_reason() {
    let dir = fixtures().join("bad-forms");
    for &(name, path, message) in BAD_FORMS {
        let file = dir.join(name);
        let (inst, problems) = load::instrument_file(&file);
        assert!(inst.is_none(), "{name}: loaded although it is broken");
        expect_one_error(name, &problems, &file, path, message);
    }
}

#[test]
fn every_bad_study_is_rejected_with_file_place_and_reason() {
    let dir = fixtures().join("bad-studies");
    for &(name, file, path, message) in BAD_STUDIES {
        let study = dir.join(name);
        let (loaded, problems) = kohort_form::study::check_study(&study);
        assert!(loaded.is_none(), "{name}: loaded although it is broken");
        expect_one_error(name, &problems, &study.join(file), path, message);
        assert!(
            kohort_form::study::load_study(&study).is_err(),
            "{name}: load_study accepted it"
        );
    }
}

/// Fixtures cannot be deleted silently, and none sits there untested.
#[test]
fn the_corpus_is_complete() {
    let forms = entries(&fixtures().join("bad-forms"));
    let mut listed: Vec<String> = BAD_FORMS.iter().map(|f| f.0.to_owned()).collect();
    listed.sort();
    assert_eq!(
        forms, listed,
        "tests/fixtures/bad-forms/ and BAD_FORMS differ"
    );

    let studies = entries(&fixtures().join("bad-studies"));
    let mut listed: Vec<String> = BAD_STUDIES.iter().map(|f| f.0.to_owned()).collect();
    listed.sort();
    assert_eq!(
        studies, listed,
        "tests/fixtures/bad-studies/ and BAD_STUDIES differ"
    );

    assert!(forms.len() >= 25, "only {} bad forms", forms.len());
    assert!(studies.len() >= 8, "only {} bad studies", studies.len());
}

/// Writes a file of `size` bytes that starts like a form file.
fn huge_file(path: &Path, size: usize) {
    let mut f = std::fs::File::create(path).unwrap();
    f.write_all(b"{\"id\": \"huge\", \"pad\": \"").unwrap();
    let chunk = vec![b'x'; 1 << 20];
    let mut written = 0;
    while written < size {
        f.write_all(&chunk).unwrap();
        written += chunk.len();
    }
    f.write_all(b"\"}").unwrap();
}

/// Too large to commit: generated here instead.
#[test]
fn a_huge_file_is_refused_by_its_size() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("huge.json");
    huge_file(&file, 50 << 20);
    let (inst, problems) = load::instrument_file(&file);
    assert!(inst.is_none());
    let size_message = format!("larger than {} MiB", MAX_FILE_BYTES >> 20);
    expect_one_error("huge.json", &problems, &file, "", &size_message);

    let study = tmp.path().join("study.json");
    std::fs::rename(&file, &study).unwrap();
    let (loaded, problems) = kohort_form::study::check_study(tmp.path());
    assert!(loaded.is_none());
    expect_one_error("huge study.json", &problems, &study, "", &size_message);
}
