//! Flow: participants and episodes enrolled, and for each timepoint how
//! many episodes have it done, missed, due, overdue, not collected, not
//! yet due, not applicable or withdrawn, per site and overall, with the
//! mean months from the anchor at which it was done. The states are the
//! ones `visits.csv` gives, from the same schedule code.

use kohort_form::schedule::{State, months_since};

use super::Section;
use super::base::Base;
use super::fmt::Fmt;
use super::html;
use crate::dataset::table::{Column, Kind, Table};
use crate::dataset::visits::{self, state_name};

/// The states counted, in the order the table shows them.
const STATES: [&str; 8] = [
    "done",
    "missed",
    "due",
    "overdue",
    "not_collected",
    "not_yet_due",
    "not_applicable",
    "withdrawn",
];

fn state_label(f: Fmt, s: &str) -> &'static str {
    match s {
        "done" => f.t("Done", "Utfylt"),
        "missed" => f.t("Missed", "Ikke utfylt"),
        "due" => f.t("Due", "Åpen"),
        "overdue" => f.t("Overdue", "Forsinket"),
        "not_collected" => f.t("Not collected", "Ikke samlet inn"),
        "not_yet_due" => f.t("Not yet due", "Ikke åpnet ennå"),
        "not_applicable" => f.t("Not applicable", "Ikke aktuell"),
        _ => f.t("Withdrawn", "Trukket"),
    }
}

/// One group's counts for one timepoint.
#[derive(Default)]
struct Counts {
    states: [u64; 8],
    months_done: Vec<f64>,
}

impl Counts {
    fn total(&self) -> u64 {
        self.states.iter().sum()
    }
}

pub fn section(base: &Base<'_>, f: Fmt) -> Section {
    let c = f.for_csv();
    // Groups: all sites (None), then every site.
    let mut groups: Vec<Option<&str>> = vec![None];
    groups.extend(base.sites.iter().map(|s| Some(s.as_str())));
    let in_group = |g: Option<&str>, site: &str| g.is_none_or(|g| g == site);

    let mut enrolment = Table::new(
        "enrolment",
        "one row per site, and one for all sites",
        vec![
            Column::plain("site", Kind::Text, "Site (empty: all sites)"),
            Column::plain(
                "participants",
                Kind::Text,
                "Participants with an episode started by the as-of day",
            ),
            Column::plain(
                "episodes",
                Kind::Text,
                "Treatment episodes started by the as-of day",
            ),
            Column::plain(
                "withdrawn",
                Kind::Text,
                "Participants who withdrew consent by the as-of day",
            ),
        ],
    );
    let mut enrol_rows = Vec::new();
    for g in &groups {
        let people: Vec<_> = base
            .participants()
            .filter(|p| in_group(*g, &p.site))
            .collect();
        let withdrawn = (people.iter())
            .filter(|p| p.withdrawn_on().is_some_and(|w| w <= base.as_of))
            .count() as u64;
        let episodes = (base.episodes.iter())
            .filter(|e| people.iter().any(|p| p.id == e.participant))
            .count() as u64;
        let n = people.len() as u64;
        enrolment.push(vec![
            g.unwrap_or_default().to_owned(),
            c.count(n),
            c.count(episodes),
            c.count(withdrawn),
        ]);
        enrol_rows.push(vec![
            group_name(f, *g),
            f.count(n),
            f.count(episodes),
            f.count(withdrawn),
        ]);
    }

    let visits = visits::expected(base.study, base.data, &base.places, base.as_of);
    let forms: Vec<&str> = base
        .study
        .timepoints
        .iter()
        .map(|t| t.form.id.as_str())
        .collect();
    let mut counts: Vec<Vec<Counts>> = groups
        .iter()
        .map(|_| forms.iter().map(|_| Counts::default()).collect())
        .collect();
    for v in &visits {
        if v.episode.anchor > base.as_of {
            continue;
        }
        let Some(fi) = forms.iter().position(|f| *f == v.row.form) else {
            continue;
        };
        let name = state_name(&v.row.state);
        let si = STATES.iter().position(|s| *s == name).unwrap_or(2);
        for (gi, g) in groups.iter().enumerate() {
            if !in_group(*g, &v.participant.site) {
                continue;
            }
            let cell = &mut counts[gi][fi];
            cell.states[si] += 1;
            if let State::Completed { on, .. } = v.row.state
                && let Some(m) = months_since(v.episode.anchor, on)
            {
                cell.months_done.push(m);
            }
        }
    }

    let mut cols = vec![
        Column::plain("site", Kind::Text, "Site (empty: all sites)"),
        Column::plain("timepoint", Kind::Text, "Timepoint (form id)"),
        Column::plain("episodes", Kind::Text, "Episodes started by the as-of day"),
    ];
    for s in STATES {
        cols.push(Column::plain(
            s,
            Kind::Text,
            &format!("Episodes whose timepoint is {s}"),
        ));
    }
    cols.push(Column::plain(
        "mean_months_done",
        Kind::Text,
        "Mean months from the episode's anchor to the day it was done",
    ));
    let mut flow = Table::new("flow", "one row per site (empty: all) and timepoint", cols);
    let mut body = html::table(
        &[vec![
            f.t("Site", "Sted").to_owned(),
            f.t("Participants", "Deltakere").to_owned(),
            f.t("Episodes", "Episoder").to_owned(),
            f.t("Withdrew consent", "Trakk samtykket").to_owned(),
        ]],
        &enrol_rows,
        "enrolment",
    );
    let mut head = vec![
        f.t("Timepoint", "Tidspunkt").to_owned(),
        f.t("Episodes", "Episoder").to_owned(),
    ];
    head.extend(STATES.iter().map(|s| state_label(f, s).to_owned()));
    head.push(
        f.t("Months when done*", "Måneder ved utfylling*")
            .to_owned(),
    );
    let mut rows = Vec::new();
    for (gi, g) in groups.iter().copied().enumerate() {
        rows.push(vec![group_name(f, g)]);
        for (fi, form) in forms.iter().enumerate() {
            let cell = &counts[gi][fi];
            let n = cell.months_done.len() as u64;
            let mean = (n > 0).then(|| cell.months_done.iter().sum::<f64>() / n as f64);
            let title = base
                .study
                .form(form)
                .map_or(form.to_string(), |x| x.title.get(f.lang).to_owned());
            let mut csv = vec![
                g.unwrap_or_default().to_owned(),
                (*form).to_owned(),
                c.count(cell.total()),
            ];
            let mut row = vec![title, f.count(cell.total())];
            for k in cell.states {
                csv.push(c.count(k));
                row.push(f.count(k));
            }
            csv.push(c.stat(mean, n, 2));
            row.push(f.stat(mean, n, 2));
            flow.push(csv);
            rows.push(row);
        }
    }
    body.push_str(&html::table(&[head], &rows, "flow"));
    body.push_str(&html::note(f.t(
        "* Mean months from the episode's anchor date to the day the timepoint was completed, \
         counted in calendar months as the schedule counts them. Each episode is counted: a \
         participant with two treatment episodes has two schedules.",
        "* Gjennomsnittlig antall måneder fra episodens startdato til dagen tidspunktet ble \
         utfylt, regnet i kalendermåneder slik timeplanen regner dem. Hver episode telles: en \
         deltaker med to behandlingsepisoder har to timeplaner.",
    )));
    Section {
        id: "flow",
        title: f.t("Follow-up flow", "Oppfølging").to_owned(),
        body,
        tables: vec![enrolment, flow],
    }
}

fn group_name(f: Fmt, g: Option<&str>) -> String {
    match g {
        Some(site) => site.to_owned(),
        None => f.t("All sites", "Alle steder").to_owned(),
    }
}
