//! Stata do-file: `import delimited` with each column's type, `mvdecode`
//! of the codes to `.a`–`.e` (labelled), value and variable labels, dates
//! as `%td` and `%tc`. Text and date variables keep their code's reason
//! in `<var>_miss`.

use std::fmt::Write as _;

use super::super::table::{Kind, Table};
use super::{about, one_line, reasons, unique_labels};

/// Stata's limit on a variable label.
pub const LABEL_MAX: usize = 80;

/// A compound-quoted Stata string; `$` and backquotes are escaped so no
/// macro is expanded.
pub fn quote(s: &str, max_chars: usize) -> String {
    let s: String = one_line(s, 4 * max_chars).chars().take(max_chars).collect();
    let s = s.replace('`', "\\`").replace('$', "\\$");
    format!("`\"{s}\"'")
}

fn letter(code: i64) -> char {
    match code {
        -1 => 'a',
        -2 => 'b',
        -3 => 'c',
        -4 => 'd',
        _ => 'e',
    }
}

pub fn script(t: &Table) -> String {
    let mut o = about(t, "*");
    o.push_str("* Run: do FILE.do (Stata 14 or later: the file is UTF-8).\n");
    let index = |f: &dyn Fn(Kind, bool) -> bool| -> String {
        t.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| f(c.kind, c.codes))
            .map(|(i, _)| (i + 1).to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let strings = index(&|k, _| !k.is_numeric());
    let numbers = index(&|k, _| k.is_numeric());
    if t.rows.is_empty() {
        // A file with a header only: its variables, with no observations,
        // made directly rather than trusting import to make them.
        let _ = writeln!(o, "* {} has no rows yet.\nclear\nset obs 0", t.file());
        for c in &t.columns {
            let ty = if c.kind.is_numeric() {
                "double"
            } else {
                "str1"
            };
            let empty = if c.kind.is_numeric() { "." } else { "\"\"" };
            let _ = writeln!(o, "generate {ty} {} = {empty}", c.name);
        }
    } else {
        let _ = write!(
            o,
            "import delimited using \"{}\", clear varnames(1) delimiters(\",\") \
             bindquotes(strict) encoding(\"utf-8\") case(preserve)",
            t.file()
        );
        if !strings.is_empty() {
            let _ = write!(o, " stringcols({strings})");
        }
        if !numbers.is_empty() {
            let _ = write!(o, " numericcols({numbers})");
        }
        o.push('\n');
    }
    let reasons = reasons();
    let missing: String = reasons
        .iter()
        .map(|(c, n)| format!(" .{} \"{n}\"", letter(*c)))
        .collect();
    let _ = writeln!(o, "label define kohort_missing{missing}, replace");
    let codes: String = reasons
        .iter()
        .map(|(c, n)| format!(" {c} \"{n}\""))
        .collect();
    let _ = writeln!(o, "label define kohort_reason{codes}, replace");
    let mv: Vec<String> = reasons
        .iter()
        .map(|(c, _)| format!("{c}=.{}", letter(*c)))
        .collect();
    for c in &t.columns {
        let n = &c.name;
        if c.codes && c.kind.is_numeric() {
            let _ = writeln!(o, "mvdecode {n}, mv({})", mv.join(" \\ "));
            let labels = unique_labels(c);
            if labels.is_empty() {
                let _ = writeln!(o, "label values {n} kohort_missing");
            } else {
                let _ = write!(o, "label define {n}");
                for (code, l) in &labels {
                    let _ = write!(o, " {code} {}", quote(l, 200));
                }
                let _ = writeln!(o, "{missing}, replace");
                let _ = writeln!(o, "label values {n} {n}");
            }
        } else if !c.labels.is_empty() && c.kind.is_numeric() {
            let _ = write!(o, "label define {n}");
            for (code, l) in unique_labels(c) {
                let _ = write!(o, " {code} {}", quote(&l, 200));
            }
            let _ = writeln!(o, ", replace");
            let _ = writeln!(o, "label values {n} {n}");
        }
        if let (Some(miss), false) = (&c.miss, c.kind.is_numeric()) {
            let _ = writeln!(
                o,
                "generate byte {miss} = real({n}) if inlist({n}, \"-1\", \"-2\", \"-3\", \"-4\", \"-5\")"
            );
            let _ = writeln!(o, "replace {n} = \"\" if !missing({miss})");
            let _ = writeln!(o, "label values {miss} kohort_reason");
            let why = format!("Why {n} is missing");
            let _ = writeln!(o, "label variable {miss} {}", quote(&why, LABEL_MAX));
        }
        match c.kind {
            Kind::Date => {
                let _ = writeln!(
                    o,
                    "tempvar t\ngenerate long `t' = date({n}, \"YMD\")\nformat `t' %td\n\
                     drop {n}\nrename `t' {n}"
                );
            }
            Kind::DateTime => {
                let _ = writeln!(
                    o,
                    "tempvar t\ngenerate double `t' = clock({n}, \"YMDhms\")\nformat `t' %tc\n\
                     drop {n}\nrename `t' {n}"
                );
            }
            _ => {}
        }
        let _ = writeln!(o, "label variable {n} {}", quote(&c.label, LABEL_MAX));
    }
    o
}
