//! One script per data file per tool: it reads the file with every
//! column's type, sets variable and value labels and measurement levels,
//! converts dates, and makes the missing-data codes missing, keeping the
//! reason.

mod r;
mod sas;
mod spss;
mod stata;
#[cfg(test)]
mod tests;

use super::Options;
use super::model::MISSING_STATES;
use super::table::{Column, Table};

/// (file name, text) of every script for a table.
pub fn all(t: &Table, opts: &Options) -> Vec<(String, String)> {
    vec![
        (format!("{}.R", t.stem), r::script(t, opts)),
        (format!("{}.sps", t.stem), spss::script(t)),
        (format!("{}.do", t.stem), stata::script(t)),
        (format!("{}.sas", t.stem), sas::script(t)),
    ]
}

/// (code, name) of the missing-data codes, -1 first.
pub fn reasons() -> Vec<(i64, &'static str)> {
    MISSING_STATES
        .iter()
        .filter_map(|s| Some((s.missing_code()?, s.name())))
        .collect()
}

/// A label on one line, cut to at most `max` bytes at a character edge.
pub fn one_line(s: &str, max: usize) -> String {
    let s = s.replace(['\r', '\n', '\t'], " ");
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_owned()
}

/// Value labels made unique, as factors and some tools need: a repeated
/// label gets its code added.
pub fn unique_labels(c: &Column) -> Vec<(i64, String)> {
    let mut out: Vec<(i64, String)> = Vec::new();
    for (code, l) in &c.labels {
        let mut l = l.trim().to_owned();
        if l.is_empty() || out.iter().any(|(_, o)| *o == l) {
            l = format!("{l} ({code})").trim().to_owned();
        }
        out.push((*code, l));
    }
    out
}

/// The header comment shared by every script.
pub fn about(t: &Table, comment: &str) -> String {
    format!(
        "{comment} Kohort: reads {} ({}).\n\
         {comment} Types come from the codebook; the missing-data codes -1 to -5 become missing,\n\
         {comment} with the reason kept (see docs/dataset.md). Run it in the folder of the files.\n",
        t.file(),
        t.about
    )
}
