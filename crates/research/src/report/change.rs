//! First versus last measurement of every outcome the study declares, in
//! the form of the evaluation report's Supplementary Table A: the
//! participants with at least two measurements, the mean months from their
//! first anchor at the first and the last, and for yes/no and scale
//! outcomes how many changed from the favourable ("positive") state to the
//! other, the other way, or not at all; for counts the means at the first
//! and last measurement and the SD of the change.

use kohort_form::study::{Better, Outcome, OutcomeKind, Source};

use super::base::{Answers, Base};
use super::fmt::Fmt;
use super::{Section, html};
use crate::dataset::table::{Column, Kind, Table};

/// One outcome's row.
#[derive(Debug, Default, PartialEq)]
pub struct Change {
    /// Participants with two or more measurements.
    pub n: u64,
    /// Participants with exactly one (not counted).
    pub single: u64,
    pub months_first: f64,
    pub months_last: f64,
    /// Binary and scale: favourable → unfavourable, the reverse, neither.
    pub to_negative: u64,
    pub to_positive: u64,
    pub unchanged: u64,
    /// Counts.
    pub mean_first: f64,
    pub mean_last: f64,
    pub sd_change: Option<f64>,
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len().max(1) as f64
}

/// The sample standard deviation (n − 1); none for fewer than two.
pub fn sd(xs: &[f64]) -> Option<f64> {
    if xs.len() < 2 {
        return None;
    }
    let m = mean(xs);
    let ss: f64 = xs.iter().map(|x| (x - m).powi(2)).sum();
    Some((ss / (xs.len() - 1) as f64).sqrt())
}

/// Each participant's measurements of `o`, in date order: (months, value).
fn measurements(base: &Base<'_>, o: &Outcome, answers: &[Answers<'_>]) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut last: Option<&str> = None;
    for (d, a) in base.sessions.iter().zip(answers) {
        if !o.timepoints.contains(&d.session.form) {
            continue;
        }
        let (Some(v), Some(m)) = (o.value(a), base.months(d)) else {
            continue;
        };
        if last != Some(d.participant.id.as_str()) {
            out.push(Vec::new());
            last = Some(&d.participant.id);
        }
        if let Some(list) = out.last_mut() {
            list.push((m, v));
        }
    }
    out
}

/// `answers`: every session's, in `base.sessions`' order.
pub fn change(base: &Base<'_>, o: &Outcome, answers: &[Answers<'_>]) -> Change {
    let people = measurements(base, o, answers);
    let mut c = Change {
        single: people.iter().filter(|m| m.len() == 1).count() as u64,
        ..Change::default()
    };
    let pairs: Vec<((f64, f64), (f64, f64))> = people
        .iter()
        .filter(|m| m.len() >= 2)
        .filter_map(|m| Some((*m.first()?, *m.last()?)))
        .collect();
    c.n = pairs.len() as u64;
    if pairs.is_empty() {
        return c;
    }
    let firsts: Vec<f64> = pairs.iter().map(|p| p.0.1).collect();
    let lasts: Vec<f64> = pairs.iter().map(|p| p.1.1).collect();
    let deltas: Vec<f64> = pairs.iter().map(|p| p.1.1 - p.0.1).collect();
    c.months_first = mean(&pairs.iter().map(|p| p.0.0).collect::<Vec<_>>());
    c.months_last = mean(&pairs.iter().map(|p| p.1.0).collect::<Vec<_>>());
    c.mean_first = mean(&firsts);
    c.mean_last = mean(&lasts);
    c.sd_change = sd(&deltas);
    // A change that counts: any for yes/no, at least min_change points on a scale.
    let step = match o.kind {
        OutcomeKind::Scale => o.min_change.unwrap_or(1.0),
        _ => 0.5,
    };
    let up_is_good = o.better != Some(Better::Lower);
    for d in deltas {
        if d.abs() < step {
            c.unchanged += 1;
        } else if (d > 0.0) == up_is_good {
            c.to_positive += 1;
        } else {
            c.to_negative += 1;
        }
    }
    c
}

/// An outcome's definition in words, for the report's definitions.
pub fn definition(f: Fmt, o: &Outcome) -> String {
    let kind = match o.kind {
        OutcomeKind::Binary => f.t("yes/no", "ja/nei"),
        OutcomeKind::Count => f.t("count", "antall"),
        OutcomeKind::Scale => f.t("scale", "skala"),
    };
    let mut s = format!("{}: {kind}, ", o.label.get(f.lang));
    match &o.source {
        Source::Variable(v) => s.push_str(v),
        Source::Expression(e) => s.push_str(&e.source),
    }
    if let Some(t) = o.threshold {
        let (en, x) = t.words();
        let nb = match en {
            "more than" => "mer enn",
            "at least" => "minst",
            "less than" => "mindre enn",
            _ => "høyst",
        };
        s.push_str(&format!(" {} {}", f.t(en, nb), f.dec(x, 0)));
    }
    let good = match (o.kind, o.better) {
        (_, None) => None,
        (OutcomeKind::Binary, Some(Better::Higher)) => Some(f.t("positive: yes", "positiv: ja")),
        (OutcomeKind::Binary, Some(Better::Lower)) => Some(f.t("positive: no", "positiv: nei")),
        (_, Some(Better::Higher)) => Some(f.t("higher is better", "høyere er bedre")),
        (_, Some(Better::Lower)) => Some(f.t("lower is better", "lavere er bedre")),
    };
    if let Some(g) = good {
        s.push_str(&format!("; {g}"));
    }
    if let Some(m) = o.min_change {
        s.push_str(&format!(
            "; {} {}",
            f.t("a change counts from", "en endring teller fra"),
            f.dec(m, 0)
        ));
        s.push_str(f.t(" points", " poeng"));
    }
    s.push_str(&format!(
        "; {} {}",
        f.t("timepoints:", "tidspunkter:"),
        o.timepoints.join(", ")
    ));
    s
}

pub fn section(base: &Base<'_>, f: Fmt) -> Section {
    let c = f.for_csv();
    let col = |name: &str, label: &str| Column::plain(name, Kind::Text, label);
    let mut table = Table::new(
        "change",
        "one row per outcome declared in the study file",
        vec![
            col("outcome", "Outcome id"),
            col("label", "Outcome"),
            col("kind", "binary, count or scale"),
            col("n", "Participants with at least two measurements"),
            col(
                "months_first",
                "Mean months from the first anchor at the first measurement",
            ),
            col(
                "months_last",
                "Mean months from the first anchor at the last measurement",
            ),
            col(
                "to_negative",
                "Changed from the favourable state to the other",
            ),
            col("to_negative_pct", "… per cent of n"),
            col("to_positive", "Changed to the favourable state"),
            col("to_positive_pct", "… per cent of n"),
            col(
                "no_change",
                "Did not change (a scale: by less than min_change)",
            ),
            col("no_change_pct", "… per cent of n"),
            col("mean_first", "Counts: mean at the first measurement"),
            col("mean_last", "Counts: mean at the last measurement"),
            col("sd_change", "Counts: SD of the change (last − first)"),
            col(
                "one_measurement",
                "Participants with one measurement only (not counted)",
            ),
        ],
    );
    let t = |en, nb| f.t(en, nb).to_owned();
    let head = vec![
        String::new(),
        t("Number of participants", "Antall pasienter"),
        t("First measurement*", "Første måling*"),
        t("Last measurement*", "Siste måling*"),
        t(
            "Change from positive to negative",
            "Endring fra positiv til negativ",
        ),
        t(
            "Change from negative to positive",
            "Endring fra negativ til positiv",
        ),
        t("No change", "Ingen endring"),
        t("One only†", "Kun én†"),
    ];
    let mut rows = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let answers: Vec<Answers<'_>> = base
        .sessions
        .iter()
        .map(|d| base.answers(d.session))
        .collect();
    let kinds = [true, false];
    for binary_like in kinds {
        let list: Vec<&Outcome> = (base.study.outcomes.iter())
            .filter(|o| (o.kind != OutcomeKind::Count) == binary_like)
            .collect();
        if !binary_like && !list.is_empty() {
            rows.push(html::subhead(vec![
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                t("Mean at first measurement", "Gjennomsnittlig første måling"),
                t("Mean at last measurement", "Gjennomsnittlig siste måling"),
                t("SD of change", "SD endring"),
                String::new(),
            ]));
        }
        for o in list {
            let ch = change(base, o, &answers);
            let mut label = o.label.get(f.lang).to_owned();
            if let Some(note) = &o.note {
                // One footnote for outcomes sharing a definition.
                let text = note.get(f.lang).to_owned();
                let k = match notes.iter().position(|n| *n == text) {
                    Some(k) => k + 1,
                    None => {
                        notes.push(text);
                        notes.len()
                    }
                };
                label = format!("{label} {}", html::sup(k));
            }
            let n = ch.n;
            let has = n > 0;
            let stat = |fm: Fmt, x: f64| fm.stat(has.then_some(x), n, 2);
            let mut csv = vec![
                o.id.clone(),
                o.label.get(f.lang).to_owned(),
                o.kind.name().to_owned(),
                c.count(n),
                stat(c, ch.months_first),
                stat(c, ch.months_last),
            ];
            let mut row = vec![
                label,
                f.count(n),
                stat(f, ch.months_first),
                stat(f, ch.months_last),
            ];
            if o.kind == OutcomeKind::Count {
                csv.extend(["", "", "", "", "", ""].map(String::from));
                csv.extend([
                    stat(c, ch.mean_first),
                    stat(c, ch.mean_last),
                    c.stat(ch.sd_change, n, 2),
                ]);
                row.extend([
                    stat(f, ch.mean_first),
                    stat(f, ch.mean_last),
                    f.stat(ch.sd_change, n, 2),
                ]);
            } else {
                for k in [ch.to_negative, ch.to_positive, ch.unchanged] {
                    csv.extend([c.count(k), c.pct(k, n)]);
                    row.push(f.count_pct(k, n));
                }
                csv.extend(["", "", ""].map(String::from));
            }
            csv.push(c.count(ch.single));
            row.push(f.count(ch.single));
            table.push(csv);
            rows.push(row);
        }
    }
    if base.study.outcomes.is_empty() {
        let none = f.t(
            "The study file declares no outcomes (`outcomes` in study.json; see forms/README.md).",
            "Studiefilen oppgir ingen utfall (`outcomes` i study.json; se forms/README.md).",
        );
        return Section {
            id: "change",
            title: f
                .t("First versus last measurement", "Første mot siste måling")
                .to_owned(),
            body: html::note(none),
            tables: vec![table],
        };
    }
    let mut body = html::table(&[head], &rows, "change");
    let mut foot =
        vec![f
        .t(
            "* Mean months from the participant's first anchor date (first day of treatment) to \
             the measurement, in calendar months as the schedule counts them.",
            "* Gjennomsnittlig antall måneder fra deltakerens første startdato (første \
             behandlingsdag) til målingen, i kalendermåneder slik timeplanen regner dem.",
        )
        .to_owned()];
    for (i, n) in notes.iter().enumerate() {
        foot.push(format!("{} {n}", html::sup(i + 1)));
    }
    foot.push(
        f.t(
            "Positive: the favourable state the study file declares for the outcome (for \
             \"frequent heroin use\" that is no frequent use); on a scale, a change counts \
             from the number of points it declares. † Participants with only one measurement: \
             not counted. SD = standard deviation.",
            "Positiv: den gunstige tilstanden studiefilen oppgir for utfallet (for \
             «høyfrekvent heroinbruk» er det ikke høyfrekvent bruk); på en skala teller en \
             endring fra antallet poeng studiefilen oppgir. † Deltakere med bare én måling: \
             telles ikke. SD = standardavvik.",
        )
        .to_owned(),
    );
    for line in foot {
        body.push_str(&html::note(&line));
    }
    Section {
        id: "change",
        title: f
            .t("First versus last measurement", "Første mot siste måling")
            .to_owned(),
        body,
        tables: vec![table],
    }
}
