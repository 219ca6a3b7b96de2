//! Retention: time in treatment from the anchor to the end of treatment,
//! per episode, as a Kaplan–Meier estimate with the way each episode
//! ended, and how many episodes were still in treatment at each timepoint.
//! An episode still going on the as-of day is censored there; one whose
//! participant withdrew consent before it ended is censored on the day of
//! the withdrawal (nothing is collected after it, the end included).

use chrono::NaiveDate;
use kohort_form::schedule::{EndType, months_since};
use kohort_form::study::Offset;

use super::base::Base;
use super::figures::km::{self, Curve};
use super::fmt::{Fmt, HIDDEN};
use super::{Section, html};
use crate::dataset::table::{Column, Kind, Table};

/// Days per month for a timepoint given in days (365.25 / 12).
const DAYS_PER_MONTH: f64 = 30.4375;

/// One episode's time in treatment.
#[derive(Clone, Debug, PartialEq)]
pub struct Obs {
    pub months: f64,
    /// The end type when the episode ended; `None` when censored.
    pub end: Option<String>,
    pub withdrawn: bool,
}

/// The Kaplan–Meier estimate just after an event time.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub t: f64,
    pub at_risk: u64,
    pub events: u64,
    pub survival: f64,
    /// Σ d / (n (n − d)) so far: Greenwood's sum.
    pub greenwood: f64,
}

/// How an episode stood on `day` (as the as-of day allows it to be known).
enum At {
    InTreatment,
    Ended,
    Withdrawn,
}

struct Ep {
    anchor: NaiveDate,
    end: Option<(NaiveDate, String)>,
    withdrawn: Option<NaiveDate>,
}

impl Ep {
    fn at(&self, day: NaiveDate) -> At {
        let end = self.end.as_ref().map(|e| e.0);
        match (self.withdrawn, end) {
            (Some(w), e) if w <= day && e.is_none_or(|e| e > w) => At::Withdrawn,
            (_, Some(e)) if e <= day => At::Ended,
            _ => At::InTreatment,
        }
    }

    fn obs(&self, as_of: NaiveDate) -> Option<Obs> {
        let months = |d| months_since(self.anchor, d);
        Some(match (self.withdrawn, &self.end) {
            (Some(w), e) if e.as_ref().is_none_or(|e| e.0 > w) => Obs {
                months: months(w.max(self.anchor))?,
                end: None,
                withdrawn: true,
            },
            (_, Some((day, kind))) => Obs {
                months: months(*day)?,
                end: Some(kind.clone()),
                withdrawn: false,
            },
            _ => Obs {
                months: months(as_of)?,
                end: None,
                withdrawn: false,
            },
        })
    }
}

fn episodes(base: &Base<'_>) -> Vec<Ep> {
    let known = |d: &NaiveDate| *d <= base.as_of;
    (base.episodes.iter())
        .filter_map(|e| {
            let p = base.data.participant(&e.participant)?;
            Some(Ep {
                anchor: e.anchor,
                end: e.end.filter(known).map(|d| {
                    let kind = e.end_type.clone().unwrap_or_else(|| "unknown".into());
                    (d, kind)
                }),
                withdrawn: p.withdrawn_on().filter(known),
            })
        })
        .collect()
}

/// Kaplan–Meier: at each event time `t`, `n` episodes with a time of at
/// least `t` are at risk and `d` end; S(t) = Π (1 − d / n). An episode
/// censored at `t` is still at risk at `t`.
pub fn kaplan_meier(obs: &[Obs]) -> Vec<Step> {
    let mut times: Vec<f64> = obs
        .iter()
        .filter(|o| o.end.is_some())
        .map(|o| o.months)
        .collect();
    times.sort_by(f64::total_cmp);
    times.dedup();
    let (mut s, mut g) = (1.0, 0.0);
    let mut out = Vec::new();
    for t in times {
        let n = obs.iter().filter(|o| o.months >= t).count() as u64;
        let d = obs
            .iter()
            .filter(|o| o.end.is_some() && o.months == t)
            .count() as u64;
        s *= 1.0 - d as f64 / n as f64;
        if n > d {
            g += d as f64 / (n as f64 * (n - d) as f64);
        }
        out.push(Step {
            t,
            at_risk: n,
            events: d,
            survival: s,
            greenwood: g,
        });
    }
    out
}

/// S(t) with its 95 % confidence interval (on the log scale, as R's
/// `survfit` gives it by default), and the number at risk at `t`.
pub fn estimate(obs: &[Obs], steps: &[Step], t: f64) -> (f64, Option<(f64, f64)>, u64) {
    let last = steps.iter().rev().find(|s| s.t <= t);
    let at_risk = obs.iter().filter(|o| o.months >= t).count() as u64;
    let Some(st) = last else {
        return (1.0, None, at_risk);
    };
    let ci = (st.survival > 0.0).then(|| {
        let se = st.greenwood.sqrt();
        let lo = (st.survival.ln() - 1.96 * se).exp();
        let hi = (st.survival.ln() + 1.96 * se).exp().min(1.0);
        (lo, hi)
    });
    (st.survival, ci, at_risk)
}

pub fn end_label(f: Fmt, code: &str) -> String {
    let t = |en, nb| f.t(en, nb).to_owned();
    match EndType::from_code(code) {
        Some(EndType::Completed) => t("Completed", "Fullført"),
        Some(EndType::DroppedOut) => t("Dropped out", "Falt fra"),
        Some(EndType::Transferred) => t("Transferred", "Overført"),
        Some(EndType::Discharged) => t("Discharged", "Utskrevet"),
        Some(EndType::Died) => t("Died", "Død"),
        Some(EndType::Other) => t("Other", "Annet"),
        None => t("Not given", "Ikke oppgitt"),
    }
}

pub fn section(base: &Base<'_>, f: Fmt) -> Section {
    let c = f.for_csv();
    let eps = episodes(base);
    let obs: Vec<Obs> = eps.iter().filter_map(|e| e.obs(base.as_of)).collect();
    let steps = kaplan_meier(&obs);
    let col = |n: &str, l: &str| Column::plain(n, Kind::Text, l);
    let mut table = Table::new(
        "retention",
        "one row per timepoint after the anchor",
        vec![
            col("timepoint", "Timepoint (form id)"),
            col("months", "Months from the anchor"),
            col(
                "reached",
                "Episodes whose timepoint fell on or before the as-of day, withdrawals before it left out",
            ),
            col("in_treatment", "… still in treatment on that day"),
            col("ended", "… whose treatment had ended"),
            col(
                "withdrawn",
                "Episodes whose participant withdrew consent before it (not known)",
            ),
            col(
                "not_reached",
                "Episodes whose timepoint falls after the as-of day",
            ),
            col(
                "at_risk",
                "Kaplan–Meier: episodes at risk (time in treatment at least this long)",
            ),
            col("km_pct", "Kaplan–Meier: per cent still in treatment"),
            col("km_low", "… 95 per cent confidence interval, lower"),
            col("km_high", "… upper"),
        ],
    );
    let t = |en, nb| f.t(en, nb).to_owned();
    let head = vec![
        t("Timepoint", "Tidspunkt"),
        t("Reached", "Nådd"),
        t("Still in treatment", "Fortsatt i behandling"),
        t("Ended", "Avsluttet"),
        t("Withdrew consent", "Trakk samtykket"),
        t("Not reached yet", "Ikke nådd ennå"),
        t("At risk", "I risiko"),
        t("Kaplan–Meier (95% CI)", "Kaplan–Meier (95 % KI)"),
    ];
    let mut rows = Vec::new();
    for tp in &base.study.timepoints {
        let months = match tp.offset {
            Offset::Months(0) | Offset::Days(0) => continue,
            Offset::Months(m) => f64::from(m),
            Offset::Days(d) => f64::from(d) / DAYS_PER_MONTH,
        };
        let (mut reached, mut in_t, mut ended, mut gone, mut later) = (0, 0, 0, 0, 0);
        for e in &eps {
            let Some(target) = tp.offset.after(e.anchor) else {
                continue;
            };
            if target > base.as_of {
                later += 1;
                continue;
            }
            match e.at(target) {
                At::Withdrawn => gone += 1,
                At::Ended => {
                    reached += 1;
                    ended += 1;
                }
                At::InTreatment => {
                    reached += 1;
                    in_t += 1;
                }
            }
        }
        let (s, ci, at_risk) = estimate(&obs, &steps, months);
        // Past the longest time observed the estimate is not defined.
        let (ci, s) = if at_risk == 0 {
            (None, f64::NAN)
        } else {
            (ci, s)
        };
        let hide = at_risk > 0 && f.hides_group(at_risk);
        let pct = |fm: Fmt, x: f64| {
            if hide {
                HIDDEN.to_owned()
            } else {
                fm.dec(100.0 * x, 1)
            }
        };
        let title = tp.form.title.get(f.lang).to_owned();
        table.push(vec![
            tp.form.id.clone(),
            c.dec(months, 2),
            c.count(reached),
            c.count(in_t),
            c.count(ended),
            c.count(gone),
            c.count(later),
            c.count(at_risk),
            pct(c, s),
            ci.map(|x| pct(c, x.0)).unwrap_or_default(),
            ci.map(|x| pct(c, x.1)).unwrap_or_default(),
        ]);
        let km_cell = match ci {
            _ if hide => HIDDEN.to_owned(),
            Some((lo, hi)) => format!(
                "{} ({}–{})",
                f.percent(100.0 * s, 0),
                f.dec(100.0 * lo, 0),
                f.dec(100.0 * hi, 0)
            ),
            None => f.percent(100.0 * s, 0),
        };
        rows.push(vec![
            title,
            f.count(reached),
            f.count(in_t),
            f.count(ended),
            f.count(gone),
            f.count(later),
            f.count(at_risk),
            if at_risk == 0 { String::new() } else { km_cell },
        ]);
    }

    let mut ends = Table::new(
        "retention_ends",
        "one row per way an episode ended, then the censored",
        vec![
            col(
                "end_type",
                "How the episode ended (censored: still in treatment, withdrawn)",
            ),
            col("episodes", "Episodes"),
            col("pct", "Per cent of all episodes"),
            col("mean_months", "Mean months in treatment"),
        ],
    );
    let mut kinds: Vec<String> = EndType::ALL.iter().map(|e| e.code().to_owned()).collect();
    for o in &obs {
        if let Some(k) = &o.end
            && !kinds.contains(k)
        {
            kinds.push(k.clone());
        }
    }
    let all = obs.len() as u64;
    let mut end_rows = Vec::new();
    let mut groups: Vec<(String, String, Vec<f64>)> = kinds
        .iter()
        .map(|k| {
            let m = obs
                .iter()
                .filter(|o| o.end.as_ref() == Some(k))
                .map(|o| o.months)
                .collect();
            (k.clone(), end_label(f, k), m)
        })
        .collect();
    let censored = |w: bool| {
        obs.iter()
            .filter(|o| o.end.is_none() && o.withdrawn == w)
            .map(|o| o.months)
            .collect()
    };
    groups.push((
        "censored_in_treatment".into(),
        t(
            "Still in treatment (censored)",
            "Fortsatt i behandling (sensurert)",
        ),
        censored(false),
    ));
    groups.push((
        "censored_withdrawn".into(),
        t("Withdrew consent (censored)", "Trakk samtykket (sensurert)"),
        censored(true),
    ));
    for (code, label, months) in &groups {
        let n = months.len() as u64;
        let mean = (n > 0).then(|| months.iter().sum::<f64>() / n as f64);
        ends.push(vec![
            code.clone(),
            c.count(n),
            c.pct(n, all),
            c.stat(mean, n, 2),
        ]);
        end_rows.push(vec![label.clone(), f.count_pct(n, all), f.stat(mean, n, 1)]);
    }
    let curve = Curve {
        steps: &steps,
        obs: &obs,
        kinds: groups[..kinds.len()]
            .iter()
            .map(|g| (g.0.clone(), g.1.clone()))
            .collect(),
    };
    let mut body = html::figure(
        &km::draw(&curve, f),
        f.t(
            "Time in treatment from the anchor date, Kaplan–Meier estimate over episodes: each \
             drop is an end of treatment, marked by how it ended; a tick is an episode censored \
             (still in treatment on the as-of day, or consent withdrawn).",
            "Tid i behandling fra startdatoen, Kaplan–Meier-estimat over episoder: hvert fall er en avsluttet \
             behandling, merket etter hvordan den sluttet; en strek er en sensurert episode \
             (fortsatt i behandling på dagen rapporten gjelder, eller samtykke trukket).",
        ),
        f.suppress.then(|| {
            f.t(
                " The curve stops where fewer than 5 episodes are at risk; end types with 1–4 \
                 episodes are not marked.",
                " Kurven stopper der færre enn 5 episoder er i risiko; sluttmåter med 1–4 \
                 episoder er ikke merket.",
            )
        }),
    );
    body.push_str(&html::table(&[head], &rows, "retention"));
    body.push_str(&html::table(
        &[vec![
            t("How the episode ended", "Hvordan episoden sluttet"),
            t("Episodes", "Episoder"),
            t(
                "Mean months in treatment",
                "Gjennomsnittlig måneder i behandling",
            ),
        ]],
        &end_rows,
        "ends",
    ));
    Section {
        id: "retention",
        title: t("Retention in treatment", "Tid i behandling"),
        body,
        tables: vec![table, ends],
    }
}
