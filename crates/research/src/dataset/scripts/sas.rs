//! SAS: `PROC FORMAT` for the value labels (with the special missing
//! values `.A`–`.E`), then a DATA step that reads the file with every
//! column's type, turns the codes into special missing values, converts
//! dates, and sets labels and formats. Text and date variables keep their
//! code's reason in `<var>_miss`. Strings are single-quoted, so no macro
//! is resolved inside them.

use std::fmt::Write as _;

use super::super::table::{Kind, Table};
use super::{about, one_line, reasons, unique_labels};

pub fn quote(s: &str, max: usize) -> String {
    format!("'{}'", one_line(s, max).replace('\'', "''"))
}

/// A format name: at most 32 characters and not ending in a digit.
pub fn format_name(i: usize) -> String {
    format!("kf{i}f")
}

fn raw(i: usize) -> String {
    format!("_kraw{i}")
}

pub fn script(t: &Table) -> String {
    let mut o = about(t, "*");
    let o_comment_end = o.replace('\n', ";\n");
    o = o_comment_end;
    let reasons = reasons();
    let special = |c: i64| (b'A' + (-c - 1) as u8) as char;
    let missing: String = reasons
        .iter()
        .map(|(c, n)| format!(" .{} = '{n}'", special(*c)))
        .collect();
    o.push_str("proc format;\n");
    let _ = writeln!(o, "  value kreason{};", {
        let v: String = reasons
            .iter()
            .map(|(c, n)| format!(" {c} = '{n}'"))
            .collect();
        v
    });
    for (i, c) in t.columns.iter().enumerate() {
        if !c.kind.is_numeric() || (c.labels.is_empty() && !c.codes) {
            continue;
        }
        let _ = write!(o, "  value {}", format_name(i));
        for (code, l) in unique_labels(c) {
            let _ = write!(o, "\n    {code} = {}", quote(&l, 200));
        }
        if c.codes {
            o.push_str(&missing);
        }
        o.push_str(";\n");
    }
    o.push_str("run;\n");
    let _ = writeln!(o, "data {};", t.stem);
    let _ = writeln!(
        o,
        "  infile '{}' dsd dlm=',' firstobs=2 lrecl=1000000 encoding='utf-8' termstr=crlf truncover;",
        t.file()
    );
    let input_name = |i: usize, c: &super::super::table::Column| {
        if c.kind == Kind::Date && c.codes {
            raw(i)
        } else {
            c.name.clone()
        }
    };
    o.push_str("  length");
    for (i, c) in t.columns.iter().enumerate() {
        let len = match c.kind {
            Kind::Text => format!("${}", t.width(i)),
            Kind::Date if c.codes => "$10".into(),
            _ => "8".into(),
        };
        let _ = write!(o, "\n    {} {len}", input_name(i, c));
    }
    o.push_str(";\n");
    for (i, c) in t.columns.iter().enumerate() {
        let name = input_name(i, c);
        match c.kind {
            Kind::Date if !c.codes => {
                let _ = writeln!(o, "  informat {name} yymmdd10.; format {name} yymmdd10.;");
            }
            Kind::DateTime => {
                let _ = writeln!(
                    o,
                    "  informat {name} anydtdtm19.; format {name} e8601dt19.;"
                );
            }
            _ => {}
        }
    }
    o.push_str("  input");
    for (i, c) in t.columns.iter().enumerate() {
        let dollar = if matches!(c.kind, Kind::Text) || (c.kind == Kind::Date && c.codes) {
            " $"
        } else {
            ""
        };
        let _ = write!(o, "\n    {}{dollar}", input_name(i, c));
    }
    o.push_str(";\n");
    let coded: Vec<&str> = t
        .columns
        .iter()
        .filter(|c| c.codes && c.kind.is_numeric())
        .map(|c| c.name.as_str())
        .collect();
    if !coded.is_empty() {
        let _ = writeln!(o, "  array _kc{{*}} {};", coded.join(" "));
        o.push_str("  do _ki = 1 to dim(_kc);\n");
        for (c, _) in &reasons {
            let _ = writeln!(
                o,
                "    if _kc{{_ki}} = {c} then _kc{{_ki}} = .{};",
                special(*c)
            );
        }
        o.push_str("  end;\n  drop _ki;\n");
    }
    for (i, c) in t.columns.iter().enumerate() {
        let Some(miss) = c.miss.as_ref().filter(|_| !c.kind.is_numeric()) else {
            continue;
        };
        let from = input_name(i, c);
        let _ = writeln!(
            o,
            "  if {from} in ('-1', '-2', '-3', '-4', '-5') then {miss} = input({from}, 8.);"
        );
        let _ = writeln!(o, "  format {miss} kreason.;");
        let _ = writeln!(
            o,
            "  label {miss} = {};",
            quote(&format!("Why {} is missing", c.name), 250)
        );
        if c.kind == Kind::Date {
            let _ = writeln!(
                o,
                "  if missing({miss}) then {} = input({from}, ?? yymmdd10.);",
                c.name
            );
            let _ = writeln!(o, "  format {} yymmdd10.;", c.name);
            let _ = writeln!(o, "  drop {from};");
        } else {
            let _ = writeln!(o, "  if not missing({miss}) then {} = '';", c.name);
        }
    }
    for (i, c) in t.columns.iter().enumerate() {
        if c.kind.is_numeric() && (!c.labels.is_empty() || c.codes) {
            let _ = writeln!(o, "  format {} {}.;", c.name, format_name(i));
        }
        let _ = writeln!(o, "  label {} = {};", c.name, quote(&c.label, 250));
    }
    o.push_str("run;\n");
    o
}
