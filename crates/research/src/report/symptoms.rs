//! Symptoms: the distribution of a matrix's rows at one timepoint in bands
//! (the evaluation report's Supplementary Figure A: not at all, a little
//! to moderately, severe), and the share answering yes to yes/no variables
//! at two forms (Supplementary Figure B), as the study file names them.
//! Each participant counts once: their first completed session of the form.

use std::collections::HashMap;

use kohort_form::study::{PrevalenceFigure, SymptomFigure};
use kohort_form::{ItemKind, Text};

use super::base::Base;
use super::figures::bars::{self, Bar, Dumbbell, Pair};
use super::fmt::Fmt;
use super::{Section, html};
use crate::dataset::table::{Column, Kind, Table};

/// The question text of a variable (a matrix row's own text).
fn text_of(base: &Base<'_>, name: &str) -> Option<Text> {
    for inst in &base.study.instruments {
        for v in inst.variables() {
            if v.id == name {
                return match v.row {
                    Some(r) => Some(r.text.clone()),
                    None => v.item.text.clone(),
                };
            }
        }
    }
    None
}

fn distribution(base: &Base<'_>, fig: &SymptomFigure, f: Fmt) -> (Table, String) {
    let c = f.for_csv();
    let rows: Vec<(String, Text)> = (base.study.instruments.iter())
        .flat_map(|i| i.items.iter())
        .find(|i| i.id == fig.matrix)
        .map(|i| match &i.kind {
            ItemKind::Matrix { rows, .. } => rows
                .iter()
                .map(|r| (r.id.clone(), r.text.clone()))
                .collect(),
            _ => Vec::new(),
        })
        .unwrap_or_default();
    let sessions = base.first_of_form(&fig.timepoint);
    let mut cols = vec![
        Column::plain("variable", Kind::Text, "Matrix row"),
        Column::plain("label", Kind::Text, "Its text"),
        Column::plain("n", Kind::Text, "Participants who answered it"),
    ];
    for (i, b) in fig.bands.iter().enumerate() {
        let what = format!("{} (codes {:?})", b.label.nb, b.codes);
        cols.push(Column::plain(&format!("band{}", i + 1), Kind::Text, &what));
        cols.push(Column::plain(
            &format!("band{}_pct", i + 1),
            Kind::Text,
            "… per cent of n",
        ));
    }
    let mut table = Table::new("symptoms", "one row per matrix row", cols);
    let mut counted: Vec<(usize, u64, Vec<u64>)> = Vec::new();
    for (ri, (var, _)) in rows.iter().enumerate() {
        let mut bands = vec![0u64; fig.bands.len()];
        for d in &sessions {
            let Some(x) = base.answers(d.session).number(var) else {
                continue;
            };
            if let Some(b) = (fig.bands.iter()).position(|b| b.codes.iter().any(|c| *c as f64 == x))
            {
                bands[b] += 1;
            }
        }
        counted.push((ri, bands.iter().sum(), bands));
    }
    // Most severe first, as the evaluation report draws them.
    let share = |n: u64, b: &[u64]| b.last().map_or(0.0, |l| *l as f64 / n.max(1) as f64);
    counted.sort_by(|a, b| {
        share(b.1, &b.2)
            .total_cmp(&share(a.1, &a.2))
            .then(a.0.cmp(&b.0))
    });
    let mut head = vec![f.t("Symptom", "Symptom").to_owned(), "n".to_owned()];
    head.extend(fig.bands.iter().map(|b| b.label.get(f.lang).to_owned()));
    let (mut page, mut shown, mut left_out) = (Vec::new(), Vec::new(), 0);
    for (ri, n, bands) in &counted {
        let (var, text) = &rows[*ri];
        let mut csv = vec![var.clone(), text.get(f.lang).to_owned(), c.count(*n)];
        let mut row = vec![text.get(f.lang).to_owned(), f.count(*n)];
        for k in bands {
            csv.extend([c.count(*k), c.pct(*k, *n)]);
            row.push(f.count_pct(*k, *n));
        }
        table.push(csv);
        page.push(row);
        if *n == 0 {
            continue;
        }
        if f.hides_group(*n) || bands.iter().any(|k| f.hides(*k)) {
            left_out += 1;
            continue;
        }
        shown.push(Bar {
            label: text.get(f.lang).to_owned(),
            shares: bands.iter().map(|k| *k as f64 / *n as f64).collect(),
        });
    }
    let names: Vec<String> = fig
        .bands
        .iter()
        .map(|b| b.label.get(f.lang).to_owned())
        .collect();
    let n_people = sessions.len() as u64;
    let title = base
        .study
        .form(&fig.timepoint)
        .map_or(fig.timepoint.clone(), |x| x.title.get(f.lang).to_owned());
    let caption = format!(
        "{} {title} (n = {}). {}",
        f.t(
            "Distribution of the symptoms at",
            "Fordeling av symptomene ved"
        ),
        f.count(n_people),
        f.t(
            "Per cent of those who answered each symptom.",
            "Prosent av dem som svarte på hvert symptom."
        ),
    );
    let extra = (left_out > 0).then(|| {
        format!(
            " {left_out} {}",
            f.t(
                "symptom(s) left out of the figure: a band holds 1–4 participants.",
                "symptom(er) er utelatt fra figuren: et bånd har 1–4 deltakere."
            )
        )
    });
    let mut body = html::h3(&format!(
        "{} {title}",
        f.t("Distribution at", "Fordeling ved")
    ));
    body.push_str(&html::figure(
        &bars::stacked(&shown, &names, f),
        &caption,
        extra.as_deref(),
    ));
    body.push_str(&html::table(&[head], &page, "symptoms"));
    (table, body)
}

fn prevalence(base: &Base<'_>, fig: &PrevalenceFigure, f: Fmt) -> (Table, String) {
    let c = f.for_csv();
    let col = |n: &str, l: &str| Column::plain(n, Kind::Text, l);
    let mut table = Table::new(
        "prevalence",
        "one row per yes/no variable",
        vec![
            col("variable", "Variable"),
            col("label", "Its label"),
            col("n_from", "Participants answering it at the first form"),
            col("yes_from", "… answering yes"),
            col("pct_from", "… per cent"),
            col("n_to", "Participants answering it at the second form"),
            col("yes_to", "… answering yes"),
            col("pct_to", "… per cent"),
            col("n_both", "Participants answering it at both forms"),
            col("pct_from_both", "… per cent yes at the first"),
            col("pct_to_both", "… per cent yes at the second"),
            col(
                "change_pp",
                "Change in percentage points, among those answering at both",
            ),
        ],
    );
    let answers = |form: &str| -> HashMap<String, HashMap<String, f64>> {
        (base.first_of_form(form).into_iter())
            .map(|d| {
                let a = base.answers(d.session);
                let vals = (fig.variables.iter())
                    .filter_map(|v| Some((v.variable.clone(), a.number(&v.variable)?)))
                    .collect();
                (d.participant.id.clone(), vals)
            })
            .collect()
    };
    let (from, to) = (answers(&fig.from), answers(&fig.to));
    let title = |id: &str| {
        base.study
            .form(id)
            .map_or(id.to_owned(), |x| x.title.get(f.lang).to_owned())
    };
    let (tf, tt) = (title(&fig.from), title(&fig.to));
    let head = vec![
        String::new(),
        format!("n ({tf})"),
        tf.clone(),
        format!("n ({tt})"),
        tt.clone(),
        f.t("n (both)", "n (begge)").to_owned(),
        format!("{tf} → {tt} ({})", f.t("both", "begge")),
    ];
    let (mut page, mut pairs, mut left_out) = (Vec::new(), Vec::new(), 0);
    for item in &fig.variables {
        let v = &item.variable;
        let label = (item.label.clone().or_else(|| text_of(base, v)))
            .map_or(v.clone(), |t| t.get(f.lang).to_owned());
        let yes = |m: &HashMap<String, HashMap<String, f64>>| {
            let vals: Vec<f64> = m.values().filter_map(|a| a.get(v).copied()).collect();
            (
                vals.len() as u64,
                vals.iter().filter(|x| **x == 1.0).count() as u64,
            )
        };
        let ((nf, yf), (nt, yt)) = (yes(&from), yes(&to));
        let both: Vec<(f64, f64)> = (from.iter())
            .filter_map(|(p, a)| Some((*a.get(v)?, *to.get(p)?.get(v)?)))
            .collect();
        let nb = both.len() as u64;
        let ybf = both.iter().filter(|b| b.0 == 1.0).count() as u64;
        let ybt = both.iter().filter(|b| b.1 == 1.0).count() as u64;
        let hidden =
            f.hides_group(nb) || [ybf, ybt, nb - ybf, nb - ybt].iter().any(|k| f.hides(*k));
        let pp = (nb > 0).then(|| 100.0 * (ybt as f64 - ybf as f64) / nb as f64);
        table.push(vec![
            v.clone(),
            label.clone(),
            c.count(nf),
            c.count(yf),
            c.pct(yf, nf),
            c.count(nt),
            c.count(yt),
            c.pct(yt, nt),
            c.count(nb),
            c.pct(ybf, nb),
            c.pct(ybt, nb),
            if hidden && nb > 0 {
                super::fmt::HIDDEN.to_owned()
            } else {
                c.stat(pp, nb, 1)
            },
        ]);
        let arrow = if hidden && nb > 0 {
            super::fmt::HIDDEN.to_owned()
        } else if nb == 0 {
            String::new()
        } else {
            format!("{} → {}", f.pct(ybf, nb), f.pct(ybt, nb))
        };
        page.push(vec![
            label.clone(),
            f.count(nf),
            f.pct(yf, nf),
            f.count(nt),
            f.pct(yt, nt),
            f.count(nb),
            arrow,
        ]);
        if nb == 0 {
            continue;
        }
        if hidden {
            left_out += 1;
            continue;
        }
        pairs.push(Pair {
            label,
            from: ybf as f64 / nb as f64,
            to: ybt as f64 / nb as f64,
        });
    }
    let caption = format!(
        "{} {tf} {} {tt}. {}",
        f.t("Share answering yes at", "Andel som svarte ja ved"),
        f.t("and at", "og ved"),
        f.t(
            "Only participants who answered at both count in the figure. The number is the \
             change in percentage points; a change within ±2 points counts as stable.",
            "Bare deltakere som svarte ved begge tidspunktene, teller i figuren. Tallet er \
             endringen i prosentpoeng; en endring innenfor ±2 poeng regnes som stabil.",
        ),
    );
    let extra = (left_out > 0).then(|| {
        format!(
            " {left_out} {}",
            f.t(
                "variable(s) left out of the figure: a share rests on 1–4 participants.",
                "variabel(er) er utelatt fra figuren: en andel bygger på 1–4 deltakere."
            )
        )
    });
    let names = Dumbbell {
        from: tf.clone(),
        to: tt.clone(),
    };
    let mut body = html::h3(&format!(
        "{}: {tf} {} {tt}",
        f.t("Prevalence", "Forekomst"),
        f.t("and", "og")
    ));
    body.push_str(&html::figure(
        &bars::dumbbell(&pairs, &names, f),
        &caption,
        extra.as_deref(),
    ));
    body.push_str(&html::table(&[head], &page, "prevalence"));
    (table, body)
}

pub fn section(base: &Base<'_>, f: Fmt) -> Option<Section> {
    let figs = &base.study.figures;
    if figs.symptoms.is_none() && figs.prevalence.is_none() {
        return None;
    }
    let mut body = String::new();
    let mut tables = Vec::new();
    if let Some(s) = &figs.symptoms {
        let (t, b) = distribution(base, s, f);
        body.push_str(&b);
        tables.push(t);
    }
    if let Some(p) = &figs.prevalence {
        let (t, b) = prevalence(base, p, f);
        body.push_str(&b);
        tables.push(t);
    }
    Some(Section {
        id: "symptoms",
        title: f.t("Symptoms", "Symptomer").to_owned(),
        body,
        tables,
    })
}
