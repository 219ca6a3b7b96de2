//! The shape of the analysis files: every form's file with every variable
//! in codebook order whatever the data, types from the codebook, 0/1
//! columns for multiple choice, codebooks, manifest, formula guard, BOM,
//! and the study checked against the batches.

use std::fs;

use kohort_research::ResearchError;
use kohort_research::dataset::{self, FormulaGuard, Options};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::demo::{self, Demo, column, read};

fn colspec(dir: &std::path::Path) -> Value {
    serde_json::from_str(&fs::read_to_string(dir.join("colspec.json")).unwrap()).unwrap()
}

fn column_type<'a>(spec: &'a Value, file: &str, name: &str) -> &'a str {
    spec["files"][file]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("{file}: no {name}"))["type"]
        .as_str()
        .unwrap()
}

#[test]
fn every_form_has_its_file_with_every_variable_typed_from_the_codebook() {
    let d = demo::build();
    let conn = d.conn();
    // No session of end_clinician at all, and a text answer of only codes.
    conn.execute_batch(
        "DELETE FROM variables WHERE session IN
            (SELECT id FROM sessions WHERE form_id = 'end_clinician');
         DELETE FROM sessions WHERE form_id = 'end_clinician';
         UPDATE variables SET state = 'not_shown', value = NULL WHERE name = 'a_gender_desc';",
    )
    .unwrap();
    let dir = d.write("ds", &Demo::options());
    let spec = colspec(&dir);
    for form in d.study.forms() {
        let file = format!("wide_{}.csv", form.id);
        let rows = read(&dir.join(&file));
        let header = &rows[0];
        let mut at = 0;
        for inst in &form.instruments {
            let inst = d.study.instruments.iter().find(|i| i.id == *inst).unwrap();
            for v in inst.variables() {
                let i = header
                    .iter()
                    .position(|h| h == v.id)
                    .unwrap_or_else(|| panic!("{file}: no {}", v.id));
                assert!(i > at, "{file}: {} out of codebook order", v.id);
                at = i;
            }
        }
        for s in ["R", "sps", "do", "sas"] {
            assert!(dir.join(format!("wide_{}.{s}", form.id)).is_file());
        }
    }
    assert_eq!(read(&dir.join("wide_end_clinician.csv")).len(), 1);
    // Types come from the codebook, not from what a column happens to hold.
    let cells = column(&read(&dir.join("wide_baseline.csv")), "a_gender_desc");
    assert!(cells.iter().all(|c| c == "-3"), "{cells:?}");
    assert_eq!(
        column_type(&spec, "wide_baseline.csv", "a_gender_desc"),
        "text"
    );
    assert_eq!(
        column_type(&spec, "wide_baseline.csv", "e_heroin"),
        "integer"
    );
    assert_eq!(
        column_type(&spec, "wide_baseline.csv", "a_prev_oat"),
        "text"
    );
    assert_eq!(column_type(&spec, "visits.csv", "target_date"), "date");
    let readr = spec["files"]["wide_baseline.csv"]["readr_col_types"]
        .as_str()
        .unwrap();
    assert_eq!(readr.len(), read(&dir.join("wide_baseline.csv"))[0].len());
}

#[test]
fn multi_choice_has_a_zero_one_column_per_option() {
    let d = demo::build();
    let dir = d.write("ds", &Demo::options());
    let rows = read(&dir.join("wide_baseline.csv"));
    let packed = column(&rows, "a_prev_oat");
    let inst = d
        .study
        .instruments
        .iter()
        .find(|i| i.id == "background")
        .unwrap();
    let codes = inst.item("a_prev_oat").unwrap().kind.codes().unwrap();
    let mut chosen = 0;
    for code in codes {
        let name = if code < 0 {
            format!("a_prev_oat___m{}", -code)
        } else {
            format!("a_prev_oat___{code}")
        };
        for (p, dummy) in packed.iter().zip(column(&rows, &name)) {
            let expected = match p.parse::<i64>() {
                Ok(c) if c < 0 => c.to_string(),
                _ if p.is_empty() => String::new(),
                _ => u8::from(p.split(';').any(|x| x == code.to_string())).to_string(),
            };
            assert_eq!(dummy, expected, "{name} for {p}");
            chosen += usize::from(dummy == "1");
        }
    }
    assert!(chosen > 0);
}

#[test]
fn codebooks_and_the_manifest_describe_the_files() {
    let d = demo::build();
    let dir = d.write("ds", &Demo::options());
    let codebook = read(&dir.join("codebook.csv"));
    let excl = column(&codebook, "exclusive_codes");
    let vars = column(&codebook, "variable");
    let at = vars.iter().position(|v| v == "a_prev_oat").unwrap();
    assert_eq!(excl[at], "9");
    let forms = read(&dir.join("codebook_forms.csv"));
    assert_eq!(forms.len() - 1, d.study.forms().count());
    let m12 = forms.iter().find(|r| r[0] == "m12").unwrap();
    assert_eq!(&m12[5..11], ["12", "months", "", "", "30", "60"]);
    let dict = read(&dir.join("data_dictionary.csv"));
    assert_eq!(dict[0][0], "Variable / Field Name");
    let row = dict.iter().find(|r| r[0] == "a_prev_oat").unwrap();
    assert_eq!(row[3], "checkbox");

    let manifest: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["study"]["hash"], d.study.hash.as_str());
    let hash: String = d
        .conn()
        .query_row("SELECT hash FROM batches", [], |r| r.get(0))
        .unwrap();
    assert_eq!(manifest["batches"][0]["hash"], hash.as_str());
    let files = manifest["files"].as_array().unwrap();
    let on_disk = fs::read_dir(&dir).unwrap().count();
    assert_eq!(files.len() + 1, on_disk, "every file but the manifest");
    for f in files {
        let bytes = fs::read(dir.join(f["name"].as_str().unwrap())).unwrap();
        assert_eq!(f["sha256"], hex::encode(Sha256::digest(&bytes)).as_str());
    }
}

#[test]
fn formula_cells_are_guarded_unless_turned_off_and_excel_gets_a_bom() {
    let d = demo::build();
    let n = d
        .conn()
        .execute(
            "UPDATE variables SET state = 'answered',
                value = '{\"text\":\"=HYPERLINK(\\\"http://x\\\")\"}'
             WHERE (session, ordinal) = (SELECT session, ordinal FROM variables
                WHERE name = 'a_gender_desc' LIMIT 1)",
            [],
        )
        .unwrap();
    assert_eq!(n, 1);
    let guarded = d.write("ds", &Demo::options());
    let cells = column(&read(&guarded.join("wide_baseline.csv")), "a_gender_desc");
    assert!(
        cells.contains(&"'=HYPERLINK(\"http://x\")".to_owned()),
        "{cells:?}"
    );
    // Missing codes and negative numbers are values, not formulas.
    let heroin = column(&read(&guarded.join("wide_baseline.csv")), "e_heroin");
    assert!(heroin.iter().all(|c| !c.starts_with('\'')));
    let opts = Options {
        formula_guard: FormulaGuard::Off,
        excel: true,
        ..Demo::options()
    };
    let raw = d.write("raw", &opts);
    let text = fs::read(raw.join("wide_baseline.csv")).unwrap();
    assert!(text.starts_with(b"\xEF\xBB\xBFstudy_code,"));
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains(",\"=HYPERLINK(\"\"http://x\"\")\","),
        "unguarded"
    );
    assert!(
        fs::read(raw.join("codebook.csv"))
            .unwrap()
            .starts_with(b"\xEF\xBB\xBF")
    );
}

#[test]
fn forms_of_another_study_are_refused() {
    let d = demo::build();
    let mut other = d.study.clone();
    other.id = "other".into();
    let err = dataset::write(&d.store, &other, &d.dir.path().join("x"), &Demo::options());
    assert!(
        matches!(&err, Err(ResearchError::StudyMismatch { store, forms })
            if store == "hab" && forms == "other"),
        "{err:?}"
    );
    assert!(!d.dir.path().join("x").exists());
}
