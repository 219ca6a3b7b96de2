//! `colspec.json` (every column's type, for readr and pandas) and
//! `manifest.json` (what the files were made from, and their hashes).

use chrono::NaiveDate;
use kohort_form::study::Study;
use serde_json::{Value, json};

use super::model::Data;
use super::table::{Kind, Table};
use super::{FileEntry, FormulaGuard, Options};

/// readr's compact column type and pandas' dtype for a kind. Dates are
/// read as strings in pandas and named in `parse_dates`.
fn types(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::Integer => ("i", "Int64"),
        Kind::Number => ("d", "float64"),
        Kind::Text => ("c", "string"),
        Kind::Date => ("D", "string"),
        Kind::DateTime => ("T", "string"),
    }
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

pub fn colspec(tables: &[Table]) -> String {
    let mut files = serde_json::Map::new();
    for t in tables {
        let columns: Vec<Value> = t
            .columns
            .iter()
            .map(|c| {
                let (readr, pandas) = types(c.kind);
                let mut v = json!({
                    "name": c.name,
                    "type": c.kind.name(),
                    "level": c.level.name(),
                    "readr": readr,
                    "pandas": pandas,
                    "label": c.label,
                });
                if c.codes {
                    v["missing_codes"] = json!([-1, -2, -3, -4, -5]);
                }
                if !c.labels.is_empty() {
                    let labels: serde_json::Map<String, Value> = c
                        .labels
                        .iter()
                        .map(|(code, l)| (code.to_string(), json!(l)))
                        .collect();
                    v["value_labels"] = Value::Object(labels);
                }
                v
            })
            .collect();
        let readr: String = t.columns.iter().map(|c| types(c.kind).0).collect();
        let parse_dates: Vec<&str> = t
            .columns
            .iter()
            .filter(|c| matches!(c.kind, Kind::Date | Kind::DateTime) && !c.codes)
            .map(|c| c.name.as_str())
            .collect();
        files.insert(
            t.file(),
            json!({
                "rows": t.about,
                "readr_col_types": readr,
                "pandas_parse_dates": parse_dates,
                "columns": columns,
            }),
        );
    }
    pretty(&json!({
        "missing_codes": {"-1": "declined", "-2": "skipped", "-3": "not_shown",
                          "-4": "not_reached", "-5": "not_computed"},
        "files": files,
    }))
}

pub(super) fn manifest(
    study: &Study,
    data: &Data,
    opts: &Options,
    as_of: NaiveDate,
    files: &[FileEntry],
) -> String {
    let batches: Vec<Value> = data
        .batches
        .iter()
        .map(|b| {
            json!({
                "device_id": b.device_id, "seq": b.seq, "hash": b.hash,
                "file": b.file_name, "study": b.study_id,
                "created_at": b.created_at, "imported_at": b.imported_at,
            })
        })
        .collect();
    let files: Vec<Value> = files
        .iter()
        .map(|f| json!({"name": f.name, "sha256": f.sha256, "bytes": f.bytes, "rows": f.rows}))
        .collect();
    pretty(&json!({
        "kohort_version": env!("CARGO_PKG_VERSION"),
        "generated_at": kohort_batch::now_stamp(),
        "as_of": as_of.to_string(),
        "study": {"id": study.id, "version": study.version, "hash": study.hash},
        "options": {
            "excel_bom": opts.excel,
            "formula_guard": match opts.formula_guard {
                FormulaGuard::Quote => "quote",
                FormulaGuard::Off => "off",
            },
            "deidentified": opts.deidentify,
            "exclude_withdrawn": opts.exclude_withdrawn,
        },
        "batches": batches,
        "files": files,
    }))
}
