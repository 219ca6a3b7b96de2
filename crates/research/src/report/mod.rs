//! `kohort store report`: the study's own report from the research store,
//! one self-contained HTML file (`report.html`, figures as inline SVG) and
//! one CSV per table beside it. What each table holds, and the rules its
//! numbers follow, are in `docs/report.md`.
//!
//! It holds no study code, id or free text: only counts, shares, means and
//! times, so that with `--suppress-small` (counts of 1–4, and statistics of
//! fewer than 5 participants, shown as `<5`) it may leave the research
//! store.

mod base;
mod change;
mod completeness;
mod figures;
mod flow;
mod fmt;
mod html;
mod retention;
mod symptoms;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use kohort_form::Lang;
use kohort_form::study::Study;

use crate::dataset::model::Data;
use crate::dataset::table::Table;
use crate::db;
use crate::error::{ResearchError, Result};

pub use fmt::HIDDEN;

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The day the report is made for; today when `None`.
    pub as_of: Option<NaiveDate>,
    /// Counts of 1–4, and statistics over fewer than 5, shown as `<5`.
    pub suppress_small: bool,
    pub lang: Lang,
}

/// What [`write`] wrote.
#[derive(Clone, Debug, Default)]
pub struct Written {
    pub files: Vec<PathBuf>,
    pub participants: usize,
    pub episodes: usize,
    pub sessions: usize,
}

/// One part of the report: its page text and the tables written as CSV.
pub(crate) struct Section {
    pub id: &'static str,
    pub title: String,
    pub body: String,
    pub tables: Vec<Table>,
}

/// The report's file name.
pub const PAGE: &str = "report.html";

/// Writes the report of the store at `store_dir`, for `study`, into `out`
/// (created readable by its owner only; files of the same names are
/// replaced, each atomically).
pub fn write(store_dir: &Path, study: &Study, out: &Path, opts: &Options) -> Result<Written> {
    let data = crate::dataset::load(store_dir, study)?;
    let as_of = opts
        .as_of
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let (page, tables, mut written) = render(study, &data, as_of, opts);
    db::private_dir(out).map_err(|source| ResearchError::Io {
        path: out.to_owned(),
        source,
    })?;
    let mut put = |name: String, bytes: &[u8]| {
        let path = out.join(name);
        kohort_files::write_atomic(&path, bytes).map_err(|source| ResearchError::Io {
            path: path.clone(),
            source,
        })?;
        written.files.push(path);
        Ok::<_, ResearchError>(())
    };
    for t in &tables {
        put(t.file(), &t.csv(false, crate::dataset::FormulaGuard::Quote))?;
    }
    put(PAGE.to_owned(), page.as_bytes())?;
    Ok(written)
}

/// The page and its tables, for `as_of`.
fn render(
    study: &Study,
    data: &Data,
    as_of: NaiveDate,
    opts: &Options,
) -> (String, Vec<Table>, Written) {
    let f = fmt::Fmt {
        lang: opts.lang,
        suppress: opts.suppress_small,
        csv: false,
    };
    let base = base::Base::new(study, data, as_of);
    let mut sections = vec![
        flow::section(&base, f),
        completeness::section(&base, f),
        change::section(&base, f),
    ];
    sections.extend(symptoms::section(&base, f));
    sections.push(retention::section(&base, f));
    let written = Written {
        files: Vec::new(),
        participants: base.participants().count(),
        episodes: base.episodes.len(),
        sessions: base.sessions.len(),
    };
    let made_from = made_from(&base, f, &written);
    let definitions = definitions(&base, f);
    let mut nav = vec![("data", f.t("Data", "Data").to_owned())];
    nav.extend(sections.iter().map(|s| (s.id, s.title.clone())));
    nav.push(("definitions", f.t("Definitions", "Definisjoner").to_owned()));
    let mut body = section_html("data", f.t("The data", "Dataene"), &made_from);
    let mut tables = Vec::new();
    for s in sections {
        body.push_str(&section_html(s.id, &s.title, &s.body));
        tables.extend(s.tables);
    }
    body.push_str(&section_html(
        "definitions",
        f.t("Definitions", "Definisjoner"),
        &definitions,
    ));
    let title = format!(
        "{} — {}",
        study.title.get(f.lang),
        f.t("study report", "studierapport")
    );
    let subtitle = format!(
        "{} {as_of} · {} {}",
        f.t("As of", "Per"),
        f.t("made by Kohort", "laget av Kohort"),
        env!("CARGO_PKG_VERSION")
    );
    let page = html::page(f.lang.code(), &title, &subtitle, &nav, &body);
    (page, tables, written)
}

fn section_html(id: &str, title: &str, body: &str) -> String {
    format!(
        "<section id=\"{}\">\n<h2>{}</h2>\n{body}</section>\n",
        html::esc(id),
        html::esc(title)
    )
}

/// What the report was made from: the study, the batches, when.
fn made_from(base: &base::Base<'_>, f: fmt::Fmt, w: &Written) -> String {
    let s = base.study;
    let batches = &base.data.batches;
    let range = |mut v: Vec<&str>| {
        v.sort_unstable();
        match (v.first(), v.last()) {
            (Some(a), Some(b)) => format!("{} – {}", stamp(a), stamp(b)),
            _ => "–".to_owned(),
        }
    };
    let devices: BTreeSet<&str> = batches.iter().map(|b| b.device_id.as_str()).collect();
    let rows: Vec<(&str, String)> = vec![
        (
            f.t("Study", "Studie"),
            format!(
                "{} ({} {}, {} {})",
                s.title.get(f.lang),
                s.id,
                s.version,
                f.t("hash", "sjekksum"),
                short(&s.hash)
            ),
        ),
        (f.t("As of", "Per dag"), base.as_of.to_string()),
        (f.t("Made", "Laget"), stamp(&kohort_batch::now_stamp())),
        (
            f.t("Kohort version", "Kohort-versjon"),
            env!("CARGO_PKG_VERSION").to_owned(),
        ),
        (
            f.t("Batches", "Batcher"),
            format!(
                "{} {} {} {}",
                batches.len(),
                f.t("from", "fra"),
                devices.len(),
                f.t("device(s)", "enhet(er)")
            ),
        ),
        (
            f.t("Sealed", "Forseglet"),
            range(batches.iter().map(|b| b.created_at.as_str()).collect()),
        ),
        (
            f.t("Imported", "Importert"),
            range(batches.iter().map(|b| b.imported_at.as_str()).collect()),
        ),
        (
            f.t("Included", "Med i rapporten"),
            format!(
                "{} {}, {} {}, {} {}",
                w.participants,
                f.t("participants", "deltakere"),
                w.episodes,
                f.t("episodes", "episoder"),
                w.sessions,
                f.t("completed sessions", "utfylte økter"),
            ),
        ),
        (
            f.t("Small cells", "Små celler"),
            if f.suppress {
                f.t("suppressed (<5)", "skjult (<5)").to_owned()
            } else {
                f.t(
                    "shown (not for leaving the research store)",
                    "vist (ikke for bruk utenfor forskningsserveren)",
                )
                .to_owned()
            },
        ),
    ];
    let mut out = String::from("<dl class=\"meta\">\n");
    for (k, v) in rows {
        out.push_str(&format!(
            "<dt>{}</dt><dd>{}</dd>\n",
            html::esc(k),
            html::esc(&v)
        ));
    }
    out.push_str("</dl>\n");
    let mut per_device = Vec::new();
    for d in &devices {
        let mine: Vec<_> = batches.iter().filter(|b| b.device_id == *d).collect();
        let seqs: Vec<i64> = mine.iter().map(|b| b.seq).collect();
        per_device.push(vec![
            short(d),
            format!(
                "{}–{}",
                seqs.iter().min().unwrap_or(&0),
                seqs.iter().max().unwrap_or(&0)
            ),
            mine.len().to_string(),
            range(mine.iter().map(|b| b.created_at.as_str()).collect()),
        ]);
    }
    if !per_device.is_empty() {
        let head = vec![
            f.t("Device", "Enhet").to_owned(),
            f.t("Batch numbers", "Batchnumre").to_owned(),
            f.t("Batches", "Batcher").to_owned(),
            f.t("Sealed", "Forseglet").to_owned(),
        ];
        out.push_str(&html::table(&[head], &per_device, "batches"));
    }
    out
}

/// The first 12 characters of a hash or id.
fn short(s: &str) -> String {
    s.chars().take(12).collect()
}

/// An RFC 3339 time as `YYYY-MM-DD HH:MM UTC`.
fn stamp(s: &str) -> String {
    kohort_batch::parse_stamp(s)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| s.to_owned())
}

fn definitions(base: &base::Base<'_>, f: fmt::Fmt) -> String {
    let t = |en, nb| f.t(en, nb).to_owned();
    let mut items = vec![
        t(
            "Included: treatment episodes whose anchor date is on or before the as-of day, their participants, and the sessions completed in them by that day. Nothing later counts, so a report for an earlier day shows the study as it stood then.",
            "Med i rapporten: behandlingsepisoder med startdato på eller før dagen rapporten gjelder, deltakerne deres og øktene som var utfylt i dem innen den dagen. Ingenting senere teller, så en rapport for en tidligere dag viser studien slik den sto da.",
        ),
        t(
            "Months are counted from the anchor date in calendar months, as the schedule counts them: a month after 31 January is the last day of February, and the days past a whole month are its share of the next month. First-versus-last months count from the participant's first anchor date.",
            "Måneder regnes fra startdatoen i kalendermåneder, slik timeplanen gjør: en måned etter 31. januar er siste dag i februar, og dagene ut over hele måneder er deres andel av neste måned. Måneder i første mot siste måling regnes fra deltakerens første startdato.",
        ),
        t(
            "A measurement of an outcome is a completed session of one of its timepoints in which its variable was answered (for an expression: it has a value and a variable it names was answered). Only participants with at least two measurements count in its row; the first and the last are compared.",
            "En måling av et utfall er en utfylt økt ved et av utfallets tidspunkter der variabelen ble besvart (for et uttrykk: det har en verdi og en variabel det bruker, ble besvart). Bare deltakere med minst to målinger teller i raden; den første og den siste sammenlignes.",
        ),
        t(
            "Withdrawal of consent: nothing is collected from the day of the withdrawal, and what was collected before stays (the study's rule, as the tablet applies it). So a withdrawn participant's earlier answers count; their later timepoints are counted as withdrawn, not as missed; and their time in treatment is censored on the day of the withdrawal.",
            "Trukket samtykke: ingenting samles inn fra dagen samtykket ble trukket, og det som ble samlet inn før, blir stående (studiens regel, slik nettbrettet bruker den). En deltaker som har trukket seg, teller derfor med tidligere svar; senere tidspunkter telles som trukket, ikke som manglende; og tiden i behandling sensureres på dagen samtykket ble trukket.",
        ),
        t(
            "Symptoms and prevalence: each participant counts once, with their first completed session of the form.",
            "Symptomer og forekomst: hver deltaker telles én gang, med sin første utfylte økt av skjemaet.",
        ),
        t(
            "Time in treatment: from the anchor date to the end of treatment, one observation per episode, estimated by Kaplan–Meier with a 95% confidence interval on the log scale (Greenwood). An episode still going on the as-of day is censored on that day.",
            "Tid i behandling: fra startdatoen til behandlingen sluttet, én observasjon per episode, estimert med Kaplan–Meier med 95 % konfidensintervall på log-skala (Greenwood). En episode som fortsatt pågår på dagen rapporten gjelder, sensureres den dagen.",
        ),
    ];
    if f.suppress {
        items.push(t(
            "Small cells: every count of 1 to 4, and every percentage, mean, SD or estimate resting on fewer than 5 participants, is shown as <5 (0 is shown). Only the cells themselves are hidden: where a total is shown, a hidden cell can sometimes be worked out from the others, so look over the tables before they leave the research store.",
            "Små celler: hvert antall fra 1 til 4, og hver prosent, gjennomsnitt, SD eller estimat som bygger på færre enn 5 deltakere, vises som <5 (0 vises). Bare selve cellene skjules: der en sum vises, kan en skjult celle noen ganger regnes ut fra de andre, så se over tabellene før de forlater forskningsserveren.",
        ));
    }
    let mut out = html::list(&items);
    if !base.study.outcomes.is_empty() {
        out.push_str(&html::h3(f.t("Outcomes", "Utfall")));
        let defs: Vec<String> = base
            .study
            .outcomes
            .iter()
            .map(|o| change::definition(f, o))
            .collect();
        out.push_str(&html::list(&defs));
    }
    out
}
