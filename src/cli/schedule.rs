//! `kohort schedule`: one episode's schedule as a table a nurse can print
//! for the patient file. Only dates go in, so every state is date-based.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::NaiveDate;

use kohort_form::Lang;
use kohort_form::schedule::{self, EpisodeDates, Row};
use kohort_form::study::Study;

pub fn run(dir: &Path, episode: EpisodeDates, today: NaiveDate, lang: Lang) -> Result<ExitCode> {
    let Some(study) = super::forms::load_study(dir) else {
        return Ok(ExitCode::FAILURE);
    };
    let rows = schedule::schedule(&study, episode, today, &[]).context("computing the schedule")?;
    print!("{}", render(&study, episode, today, &rows, lang));
    Ok(ExitCode::SUCCESS)
}

/// A heading with the episode's dates, then one line per form.
fn render(study: &Study, ep: EpisodeDates, today: NaiveDate, rows: &[Row], lang: Lang) -> String {
    let nb = lang == Lang::Nb;
    let t = |nb_text: &'static str, en_text: &'static str| if nb { nb_text } else { en_text };
    let day = |d: Option<NaiveDate>| d.map_or_else(|| "–".to_owned(), |d| d.to_string());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({} {})",
        study.title.get(lang),
        study.id,
        study.version
    );
    let _ = writeln!(out, "{}: {}", study.anchor.get(lang), ep.anchor);
    if let Some(end) = ep.end {
        let _ = writeln!(out, "{}: {end}", t("Behandlingsslutt", "End of treatment"));
    }
    let _ = writeln!(out, "{}: {today}", t("Dato", "Date"));
    let _ = writeln!(out);
    let mut table = vec![[
        t("Skjema", "Form").to_owned(),
        t("Måldato", "Target").to_owned(),
        t("Vindu", "Window").to_owned(),
        t("Status", "State").to_owned(),
    ]];
    for r in rows {
        let window = match (r.opens, r.closes) {
            (None, _) => "–".to_owned(),
            (Some(o), Some(c)) => format!("{o} – {c}"),
            (Some(o), None) => format!("{} {o}", t("fra", "from")),
        };
        table.push([r.title(lang), day(r.target), window, r.state.label(lang)]);
    }
    let width = |col: usize| {
        table
            .iter()
            .map(|row| row[col].chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths = [width(0), width(1), width(2)];
    for (i, row) in table.iter().enumerate() {
        for (cell, w) in row.iter().zip(widths) {
            let pad = w.saturating_sub(cell.chars().count());
            let _ = write!(out, "{cell}{}  ", " ".repeat(pad));
        }
        let _ = writeln!(out, "{}", row[3]);
        if i == 0 {
            let rule = widths.iter().sum::<usize>() + 6 + row[3].chars().count();
            let _ = writeln!(out, "{}", "-".repeat(rule));
        }
    }
    out
}
