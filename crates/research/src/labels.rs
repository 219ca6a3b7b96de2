//! Stata, SPSS and R syntax that applies value labels (Norwegian texts,
//! the study's primary language) and the missing-data codes to the wide
//! files. Only categorical variables (single choice, yes/no, scale, matrix
//! rows, scores with labelled bands) get labels; multiple choice is a
//! `;`-joined string and is left alone. Each script skips variables a
//! given wide file does not have.

use std::fmt::Write as _;

use kohort_form::ItemState;
use kohort_form::codebook::labels;
use kohort_form::{Instrument, ItemKind};

/// (variable, [(code, label)]) for every categorical variable.
fn categorical<'a>(instruments: &[&'a Instrument]) -> Vec<(&'a str, Vec<(i64, String)>)> {
    let mut out = Vec::new();
    for inst in instruments {
        for var in inst.variables() {
            let kind = &var.item.kind;
            if matches!(kind, ItemKind::MultiChoice { .. } | ItemKind::Slider { .. }) {
                continue;
            }
            let l: Vec<(i64, String)> = labels(kind)
                .into_iter()
                .map(|(code, text, _)| (code, text.nb))
                .collect();
            if !l.is_empty() {
                out.push((var.id, l));
            }
        }
    }
    out
}

fn missing() -> Vec<(i64, &'static str)> {
    [
        ItemState::Declined,
        ItemState::Skipped,
        ItemState::NotShown,
        ItemState::NotReached,
        ItemState::NotComputed,
    ]
    .iter()
    .filter_map(|s| Some((s.missing_code()?, s.name())))
    .collect()
}

/// One label text on one line, for any of the three languages.
fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

pub fn stata(instruments: &[&Instrument]) -> String {
    let mut o = String::from(
        "* Kohort value labels. Run after importing a wide file, e.g.\n\
         *   import delimited using \"wide_baseline.csv\", clear varnames(1)\n\
         *   do labels.do\n",
    );
    for (var, l) in categorical(instruments) {
        let _ = write!(o, "capture label define {var}");
        for (code, text) in &l {
            // Compound quotes allow any " inside the text.
            let _ = write!(o, " {code} `\"{}\"'", one_line(text));
        }
        for (code, name) in missing() {
            let _ = write!(o, " {code} \"{name}\"");
        }
        let _ = writeln!(o, ", replace");
        let _ = writeln!(o, "capture label values {var} {var}");
    }
    o
}

pub fn spss(instruments: &[&Instrument]) -> String {
    let mut o = String::from(
        "* Kohort value labels and missing codes; run after reading a wide file.\n\
         * Variables a file does not have give a warning and are skipped.\n",
    );
    let quote = |s: &str| format!("'{}'", one_line(s).replace('\'', "''"));
    for (var, l) in categorical(instruments) {
        let _ = write!(o, "VALUE LABELS {var}");
        for (code, text) in &l {
            let _ = write!(o, " {code} {}", quote(text));
        }
        for (code, name) in missing() {
            let _ = write!(o, " {code} {}", quote(name));
        }
        let _ = writeln!(o, ".");
        let _ = writeln!(o, "MISSING VALUES {var} (-5 THRU -1).");
    }
    o
}

pub fn r(instruments: &[&Instrument]) -> String {
    let quote = |s: &str| {
        format!(
            "\"{}\"",
            one_line(s).replace('\\', "\\\\").replace('"', "\\\"")
        )
    };
    let mut o = String::from(
        "# Kohort value labels. Usage:\n\
         #   source(\"labels.R\"); df <- kohort_labels(read.csv(\"wide_baseline.csv\"))\n\
         # Categorical variables become factors; the missing codes become levels.\n",
    );
    o.push_str("kohort_missing <- c(");
    let m: Vec<String> = missing()
        .iter()
        .map(|(c, n)| format!("{} = {c}", quote(n)))
        .collect();
    o.push_str(&m.join(", "));
    o.push_str(")\nkohort_value_labels <- list(\n");
    let vars: Vec<String> = categorical(instruments)
        .into_iter()
        .map(|(var, l)| {
            let pairs: Vec<String> = l
                .iter()
                .map(|(c, t)| format!("{} = {c}", quote(t)))
                .collect();
            format!("  {} = c({})", quote(var), pairs.join(", "))
        })
        .collect();
    o.push_str(&vars.join(",\n"));
    o.push_str(
        "\n)\n\
         kohort_labels <- function(df) {\n\
         \x20 for (v in intersect(names(kohort_value_labels), names(df))) {\n\
         \x20   labs <- c(kohort_value_labels[[v]], kohort_missing)\n\
         \x20   df[[v]] <- factor(df[[v]], levels = unname(labs), labels = names(labs))\n\
         \x20 }\n\
         \x20 df\n\
         }\n",
    );
    o
}
