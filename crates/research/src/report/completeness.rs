//! Completeness: for every variable of every form, how its completed
//! sessions left it (answered, declined, skipped, not shown, not reached,
//! not computed, or absent from the version asked), as a table and a heat
//! map of the share answered. No question is mandatory, so every variable
//! has its own response rate.

use std::collections::HashMap;

use kohort_form::study::Form;

use super::base::Base;
use super::figures::heat::{self, HeatMap};
use super::fmt::Fmt;
use super::{Section, html};
use crate::dataset::table::{Column, Kind, Table};

/// The states a variable ends in, in the table's order.
const STATES: [&str; 6] = kohort_form::ItemState::NAMES;

fn state_label(f: Fmt, s: &str) -> &'static str {
    match s {
        "answered" => f.t("Answered", "Besvart"),
        "declined" => f.t("Declined", "Vil ikke svare"),
        "skipped" => f.t("Skipped", "Hoppet over"),
        "not_shown" => f.t("Not shown", "Ikke vist"),
        "not_reached" => f.t("Not reached", "Ikke nådd"),
        "not_computed" => f.t("Not computed", "Ikke beregnet"),
        _ => f.t("Not in version", "Ikke i versjonen"),
    }
}

/// One variable at one form.
struct Row {
    instrument: String,
    variable: String,
    sessions: u64,
    /// By [`STATES`], then "not in the version asked".
    states: [u64; 7],
}

fn rows_of(base: &Base<'_>, form: &Form) -> Vec<Row> {
    let sessions: Vec<_> = base.of_form(&form.id).collect();
    let mut out = Vec::new();
    for inst in form
        .instruments
        .iter()
        .filter_map(|i| base.study.instrument(i))
    {
        for v in inst.variables() {
            out.push(Row {
                instrument: inst.id.clone(),
                variable: v.id.to_owned(),
                sessions: sessions.len() as u64,
                // Absent from the version asked, until a session has it.
                states: [0, 0, 0, 0, 0, 0, sessions.len() as u64],
            });
        }
    }
    let index: HashMap<String, usize> = (out.iter().enumerate())
        .map(|(i, r)| (r.variable.clone(), i))
        .collect();
    let mut found = Vec::new();
    for d in &sessions {
        found.clear();
        for v in &d.session.variables {
            if let Some(&i) = index.get(v.name.as_str()) {
                found.push((i, STATES.iter().position(|s| *s == v.state).unwrap_or(6)));
            }
        }
        for &(i, state) in &found {
            let row = &mut out[i];
            if row.states[6] > 0 {
                row.states[6] -= 1;
                row.states[state] += 1;
            }
        }
    }
    out
}

pub fn section(base: &Base<'_>, f: Fmt) -> Section {
    let c = f.for_csv();
    let mut cols = vec![
        Column::plain("form", Kind::Text, "Form id"),
        Column::plain("instrument", Kind::Text, "Instrument id"),
        Column::plain("variable", Kind::Text, "Variable"),
        Column::plain("sessions", Kind::Text, "Completed sessions of the form"),
        Column::plain(
            "asked",
            Kind::Text,
            "Sessions that asked it: all but not_shown and not_in_version",
        ),
    ];
    for s in STATES {
        cols.push(Column::plain(
            s,
            Kind::Text,
            &format!("Sessions where it is {s}"),
        ));
    }
    cols.push(Column::plain(
        "not_in_version",
        Kind::Text,
        "Sessions whose instrument version does not have it",
    ));
    cols.push(Column::plain(
        "answered_pct",
        Kind::Text,
        "Per cent answered of the sessions that asked it",
    ));
    let mut table = Table::new("completeness", "one row per variable per form", cols);

    let forms: Vec<&Form> = base.study.forms().collect();
    let mut map = HeatMap {
        columns: forms.iter().map(|x| x.id.clone()).collect(),
        rows: Vec::new(),
        cells: Vec::new(),
    };
    let mut head = vec![
        f.t("Variable", "Variabel").to_owned(),
        f.t("Sessions", "Økter").to_owned(),
        f.t("Asked", "Spurt").to_owned(),
    ];
    head.extend(STATES.iter().map(|s| state_label(f, s).to_owned()));
    head.push(state_label(f, "").to_owned());
    head.push(f.t("Answered", "Besvart").to_owned());
    let mut page = Vec::new();
    for (fi, form) in forms.iter().enumerate() {
        let rows = rows_of(base, form);
        page.push(vec![format!("{} ({})", form.title.get(f.lang), form.id)]);
        for r in rows {
            let answered = r.states[0];
            // Not shown (its condition was false) and absent from the
            // version asked are not a missing answer: the rest were asked.
            let asked = r.sessions - r.states[3] - r.states[6];
            let mut csv = vec![
                form.id.clone(),
                r.instrument.clone(),
                r.variable.clone(),
                c.count(r.sessions),
                c.count(asked),
            ];
            let mut cells = vec![r.variable.clone(), f.count(r.sessions), f.count(asked)];
            for k in r.states {
                csv.push(c.count(k));
                cells.push(f.count(k));
            }
            csv.push(c.pct(answered, asked));
            cells.push(f.pct(answered, asked));
            table.push(csv);
            page.push(cells);
            let ri = match map.rows.iter().position(|x| *x == r.variable) {
                Some(i) => i,
                None => {
                    map.rows.push(r.variable.clone());
                    map.cells.push(vec![heat::Cell::NotAsked; forms.len()]);
                    map.rows.len() - 1
                }
            };
            let unanswered = asked - answered;
            map.cells[ri][fi] = if r.sessions == 0 {
                heat::Cell::NoSessions
            } else if asked == 0 {
                heat::Cell::NoneAsked
            } else if f.hides(answered) || f.hides(unanswered) || f.hides_group(asked) {
                heat::Cell::Hidden
            } else {
                heat::Cell::Share(answered as f64 / asked as f64)
            };
        }
    }
    let mut body = html::figure(
        &heat::draw(&map, f),
        f.t(
            "Share answered of the completed sessions that asked each variable (that is, \
             all but those where it was not shown or not in the version asked), by form.",
            "Andel besvart av de utfylte øktene som spurte om hver variabel (alle unntatt \
             dem der den ikke ble vist eller ikke fantes i versjonen), per skjema.",
        ),
        f.suppress.then(|| {
            f.t(
                " Cells marked <5 hide a count of 1–4 answered or unanswered.",
                " Ruter merket <5 skjuler et antall på 1–4 besvart eller ubesvart.",
            )
        }),
    );
    body.push_str(&html::details(
        f.t(
            "The table: every variable of every form",
            "Tabellen: hver variabel i hvert skjema",
        ),
        &html::table(&[head], &page, "completeness"),
    ));
    body.push_str(&html::note(f.t(
        "Answered: a value was given. Declined: the respondent chose \"prefer not to answer\". \
         Skipped: shown and left without an answer. Not shown: its condition was false. Not \
         reached: the session ended before it. Not computed: a score whose inputs were missing. \
         Not in version: the instrument version that session asked has no such variable.",
        "Besvart: et svar ble gitt. Vil ikke svare: valgt av den som svarte. Hoppet over: vist, \
         men ikke besvart. Ikke vist: vilkåret for spørsmålet var usant. Ikke nådd: økten sluttet \
         før spørsmålet. Ikke beregnet: en skår der svarene den bygger på mangler. Ikke i \
         versjonen: instrumentversjonen økten brukte, har ikke variabelen.",
    )));
    Section {
        id: "completeness",
        title: f.t("Completeness", "Svarandel").to_owned(),
        body,
        tables: vec![table],
    }
}
