//! R, base R only: `read.csv` with `colClasses`, codes made `NA` with the
//! reason in a `<var>_miss` factor, categorical variables as factors (no
//! level for a missing code), dates as `Date` and `POSIXct`, variable
//! labels in `attr(, "label")`. Non-ASCII text is written as `\u` escapes
//! so the script reads the same in any locale.

use std::fmt::Write as _;

use super::super::Options;
use super::super::table::{Kind, Table};
use super::{about, one_line, reasons, unique_labels};

/// An R string literal in ASCII.
pub fn quote(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            ' '..='~' => o.push(c),
            '\0' => {}
            c if (c as u32) <= 0xFFFF => {
                let _ = write!(o, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(o, "\\U{{{:x}}}", c as u32);
            }
        }
    }
    o.push('"');
    o
}

fn class(kind: Kind) -> &'static str {
    match kind {
        Kind::Integer => "integer",
        Kind::Number => "numeric",
        Kind::Text | Kind::Date | Kind::DateTime => "character",
    }
}

pub fn script(t: &Table, opts: &Options) -> String {
    let mut o = about(t, "#");
    let _ = writeln!(
        o,
        "# Gives the data frame `{}`: source({}, chdir = TRUE)",
        t.stem,
        quote(&format!("{}.R", t.stem))
    );
    o.push_str("local({\n");
    let reasons: Vec<String> = reasons().iter().map(|(_, n)| quote(n)).collect();
    let _ = writeln!(o, "  reasons <- c({})", reasons.join(", "));
    o.push_str(
        "  codes <- c(\"-1\", \"-2\", \"-3\", \"-4\", \"-5\")\n  \
         why <- function(x) factor(reasons[match(as.character(x), codes)], levels = reasons)\n",
    );
    let classes: Vec<String> = t
        .columns
        .iter()
        .map(|c| format!("{} = \"{}\"", quote(&c.name), class(c.kind)))
        .collect();
    let encoding = if opts.excel { "UTF-8-BOM" } else { "UTF-8" };
    let _ = writeln!(
        o,
        "  d <- read.csv({}, colClasses = c({}),\n    na.strings = \"\", check.names = FALSE, \
         fileEncoding = \"{encoding}\", comment.char = \"\", strip.white = FALSE)",
        quote(&t.file()),
        classes.join(", ")
    );
    for c in &t.columns {
        let v = format!("d[[{}]]", quote(&c.name));
        if c.codes {
            let _ = writeln!(o, "  m <- as.character({v}) %in% codes");
            if let Some(miss) = &c.miss {
                let _ = writeln!(
                    o,
                    "  d[[{}]] <- why(ifelse(m, as.character({v}), NA))",
                    quote(miss)
                );
            }
            let _ = writeln!(o, "  {v}[m] <- NA");
        }
        match c.kind {
            Kind::Date => {
                let _ = writeln!(o, "  {v} <- as.Date({v}, format = \"%Y-%m-%d\")");
            }
            Kind::DateTime => {
                let _ = writeln!(
                    o,
                    "  {v} <- as.POSIXct({v}, format = \"%Y-%m-%d %H:%M:%S\", tz = \"UTC\")"
                );
            }
            _ => {}
        }
        let labels = unique_labels(c);
        if !labels.is_empty() && c.kind.is_numeric() {
            let codes: Vec<String> = labels.iter().map(|(c, _)| c.to_string()).collect();
            let texts: Vec<String> = labels.iter().map(|(_, l)| quote(l)).collect();
            let _ = writeln!(
                o,
                "  {v} <- factor({v}, levels = c({}), labels = c({}))",
                codes.join(", "),
                texts.join(", ")
            );
        }
        let _ = writeln!(
            o,
            "  attr({v}, \"label\") <- {}",
            quote(&one_line(&c.label, 1000))
        );
        if let Some(miss) = c.miss.as_ref().filter(|_| c.codes) {
            let _ = writeln!(
                o,
                "  attr(d[[{}]], \"label\") <- {}",
                quote(miss),
                quote(&format!("Why {} is missing", c.name))
            );
        }
    }
    let _ = writeln!(o, "  assign({}, d, envir = globalenv())", quote(&t.stem));
    o.push_str("})\n");
    o
}
