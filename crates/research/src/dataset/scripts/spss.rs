//! SPSS syntax (run in PSPP too): `GET DATA` with every variable's format,
//! variable labels, value labels with the missing-data codes, `MISSING
//! VALUES` on every numeric variable, measurement levels, dates as dates.
//! A text or date variable cannot hold a numeric code, so its code moves
//! to a `<var>_miss` variable and the cell is emptied.

use std::fmt::Write as _;

use super::super::table::{Column, Kind, Level, Table};
use super::{about, one_line, reasons, unique_labels};

/// A quoted SPSS string.
fn quote(s: &str, max: usize) -> String {
    format!("'{}'", one_line(s, max).replace('\'', "''"))
}

/// The input format a column is read with; text and coded dates as text.
fn format(t: &Table, i: usize, c: &Column) -> String {
    match c.kind {
        Kind::Integer => "F8.0".into(),
        Kind::Number => "F12.4".into(),
        Kind::Date if !c.codes => "SDATE10".into(),
        Kind::DateTime => "YMDHMS19".into(),
        Kind::Date => "A10".into(),
        Kind::Text => format!("A{}", t.width(i).max(8)),
    }
}

/// The name a coded date is read under before it becomes a date.
fn raw(i: usize) -> String {
    format!("k_raw{i}")
}

pub fn script(t: &Table) -> String {
    let mut o = about(t, "*");
    o.push_str("* Run: pspp FILE.sps (or in SPSS: CD to the folder, then INSERT FILE).\n");
    let _ = writeln!(
        o,
        "GET DATA /TYPE=TXT /FILE={} /ENCODING='UTF-8'\n /ARRANGEMENT=DELIMITED \
         /DELCASE=LINE /FIRSTCASE=2 /DELIMITERS=',' /QUALIFIER='\"'\n /VARIABLES=",
        quote(&t.file(), 1000)
    );
    for (i, c) in t.columns.iter().enumerate() {
        let name = if c.kind == Kind::Date && c.codes {
            raw(i)
        } else {
            c.name.clone()
        };
        let _ = writeln!(o, "  {name} {}", format(t, i, c));
    }
    o.push_str(" .\n");
    let reasons = reasons();
    let reason_labels: String = reasons.iter().map(|(c, n)| format!(" {c} '{n}'")).collect();
    // Codes of text and dates move to <var>_miss.
    for (i, c) in t.columns.iter().enumerate() {
        let (Some(miss), false) = (&c.miss, c.kind.is_numeric()) else {
            continue;
        };
        let from = if c.kind == Kind::Date {
            raw(i)
        } else {
            c.name.clone()
        };
        let recode: String = reasons
            .iter()
            .map(|(c, _)| format!(" ('{c}'={c})"))
            .collect();
        let _ = writeln!(o, "NUMERIC {miss} (F2.0).");
        let _ = writeln!(o, "RECODE {from}{recode} (ELSE=SYSMIS) INTO {miss}.");
        let _ = writeln!(o, "VALUE LABELS {miss}{reason_labels}.");
        let _ = writeln!(
            o,
            "VARIABLE LABELS {miss} {}.",
            quote(&format!("Why {} is missing", c.name), 255)
        );
        if c.kind == Kind::Date {
            let _ = writeln!(o, "NUMERIC {} (SDATE10).", c.name);
            let _ = writeln!(
                o,
                "IF (MISSING({miss}) AND {from} <> '') {} = NUMBER({from}, SDATE10).",
                c.name
            );
        } else {
            let _ = writeln!(o, "IF (NOT MISSING({miss})) {} = ''.", c.name);
        }
    }
    let raws: Vec<String> = t
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == Kind::Date && c.codes)
        .map(|(i, _)| raw(i))
        .collect();
    if !raws.is_empty() {
        o.push_str("EXECUTE.\n");
        let _ = writeln!(o, "DELETE VARIABLES {}.", raws.join(" "));
    }
    o.push_str("VARIABLE LABELS\n");
    let labels: Vec<String> = t
        .columns
        .iter()
        .map(|c| format!("  {} {}", c.name, quote(&c.label, 250)))
        .collect();
    let _ = writeln!(o, "{}.", labels.join("\n /"));
    for c in &t.columns {
        let coded = c.codes && c.kind.is_numeric();
        let labels = unique_labels(c);
        if labels.is_empty() && !coded {
            continue;
        }
        let _ = write!(o, "VALUE LABELS {}", c.name);
        for (code, l) in &labels {
            let _ = write!(o, "\n  {code} {}", quote(l, 120));
        }
        if coded {
            let _ = write!(o, "\n {reason_labels}");
        }
        o.push_str(".\n");
    }
    let coded: Vec<&str> = t
        .columns
        .iter()
        .filter(|c| c.codes && c.kind.is_numeric())
        .map(|c| c.name.as_str())
        .collect();
    for chunk in coded.chunks(8) {
        let _ = writeln!(o, "MISSING VALUES {} (-5 THRU -1).", chunk.join(" "));
    }
    for (level, word) in [
        (Level::Nominal, "NOMINAL"),
        (Level::Ordinal, "ORDINAL"),
        (Level::Scale, "SCALE"),
    ] {
        let mut names: Vec<&str> = t
            .columns
            .iter()
            .filter(|c| c.level == level && c.kind != Kind::Text)
            .map(|c| c.name.as_str())
            .collect();
        if level == Level::Nominal {
            // The reasons made above for text and dates.
            names.extend(
                t.columns
                    .iter()
                    .filter(|c| !c.kind.is_numeric())
                    .filter_map(|c| c.miss.as_deref()),
            );
        }
        for chunk in names.chunks(8) {
            let _ = writeln!(o, "VARIABLE LEVEL {} ({word}).", chunk.join(" "));
        }
    }
    o.push_str("EXECUTE.\n");
    o
}
