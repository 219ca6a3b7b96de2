//! Synthetic data for demos, training and benchmarks: participants,
//! episodes and questionnaires answered through the real [`Runner`] and
//! saved through the store API. Deterministic for a seed (except the
//! timestamps, which are the time of writing).

use chrono::{Days, NaiveDate};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::form::{Item, ItemKind, choices};
use crate::protocol::{Questionnaire, Study};
use crate::runner::{AnswerValue, Runner};

use super::{Consent, Result, SessionStatus, Store};

/// Free-text answers come only from this list.
pub const PHRASES: &[&str] = &[
    "Ingen kommentar.",
    "Har det bedre enn sist.",
    "Sover dårlig om natten.",
    "Fint å ha fast sted å bo.",
    "Vil gjerne snakke med sykepleier.",
    "Jobber litt igjen.",
    "Mindre bruk enn før.",
    "Savner familien.",
];

const LABELS: &[&str] = &[
    "Demo Nordmann",
    "Demo Hansen",
    "Demo Olsen",
    "Demo Berg",
    "Demo Dahl",
    "Demo Lie",
];

/// What [`fill`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub participants: usize,
    pub sessions: usize,
    pub completed: usize,
    pub paused: usize,
    pub in_progress: usize,
    pub answers: usize,
}

/// Enrols `n` participants with study codes `<prefix>-<site>-0001`… and
/// answers the forms due by `today`.
pub fn fill(store: &mut Store, study: &Study, n: usize, seed: u64) -> Result<Summary> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let today = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap_or_default();
    let start = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or_default();
    let prefix = study.id.to_uppercase();
    let existing = store.participants()?.len();
    let mut sum = Summary::default();
    for i in existing..existing + n {
        let site = if rng.gen_bool(0.6) { "OSL" } else { "BGO" };
        let anchor = start + Days::new(rng.gen_range(0..1200));
        let consent = Consent {
            date: anchor,
            version: "1.0".into(),
            contact_interview: rng.gen_bool(0.7),
            contact_relatives: rng.gen_bool(0.4),
            withdrawn_at: None,
        };
        let label = rng.gen_bool(0.8).then(|| LABELS[i % LABELS.len()]);
        let code = format!("{prefix}-{site}-{:04}", i + 1);
        let (pid, episode) = store.enrol(&code, site, label, &consent, anchor)?;
        sum.participants += 1;
        let mut due: Vec<Questionnaire> = study
            .timepoints
            .iter()
            .filter(|t| t.offset.after(anchor).is_some_and(|d| d <= today))
            .filter_map(|t| study.questionnaire(&t.form.id))
            .collect();
        if let Some(q) = study
            .recurring
            .first()
            .and_then(|r| study.questionnaire(&r.form.id))
        {
            due.insert(0, q);
        }
        let last = due.len();
        for (k, q) in due.into_iter().enumerate() {
            let status = if k + 1 < last {
                SessionStatus::Completed
            } else {
                *[
                    SessionStatus::Completed,
                    SessionStatus::Paused,
                    SessionStatus::InProgress,
                ]
                .choose(&mut rng)
                .unwrap_or(&SessionStatus::Completed)
            };
            sum.answers += answer_session(store, &mut rng, pid, episode, q, status)?;
            sum.sessions += 1;
            match status {
                SessionStatus::Completed => sum.completed += 1,
                SessionStatus::Paused => sum.paused += 1,
                _ => sum.in_progress += 1,
            }
        }
    }
    Ok(sum)
}

fn answer_session(
    store: &mut Store,
    rng: &mut ChaCha8Rng,
    participant: uuid::Uuid,
    episode: uuid::Uuid,
    q: Questionnaire,
    status: SessionStatus,
) -> Result<usize> {
    let sid = store.start_session(participant, episode, &q)?;
    let mut runner = Runner::new(q);
    let stop = match status {
        SessionStatus::Completed => usize::MAX,
        _ => rng.gen_range(3..60),
    };
    let mut saved = 0;
    let mut screens = 0;
    while screens < stop {
        let Some(item) = runner.current().map(|c| c.item.clone()) else {
            break;
        };
        for id in answer_screen(&mut runner, &item, rng) {
            if let Some(a) = runner.answer(&id).cloned() {
                store.save_answer(sid, &id, &a)?;
                saved += 1;
            }
        }
        runner.next();
        screens += 1;
        let seen = runner.seen().clone();
        store.set_position(sid, runner.position_id(), &seen)?;
    }
    match status {
        SessionStatus::Completed => store.complete_session(sid)?,
        SessionStatus::Paused => store.pause_session(sid)?,
        _ => {}
    }
    Ok(saved)
}

/// Answers (or declines) the screen in the runner; returns the ids set.
pub fn answer_screen(runner: &mut Runner, item: &Item, rng: &mut impl Rng) -> Vec<String> {
    let targets: Vec<String> = match &item.kind {
        ItemKind::Section | ItemKind::Note | ItemKind::Score { .. } => return Vec::new(),
        ItemKind::Matrix { rows, .. } => rows.iter().map(|r| r.id.clone()).collect(),
        _ => vec![item.id.clone()],
    };
    let mut done = Vec::new();
    for id in targets {
        let ok = if rng.gen_bool(0.05) {
            runner.decline(&id).is_ok()
        } else {
            random_value(&item.kind, rng).is_some_and(|v| runner.set(&id, v).is_ok())
        };
        if ok {
            done.push(id);
        }
    }
    done
}

/// A value within the item's options or range.
pub fn random_value(kind: &ItemKind, rng: &mut impl Rng) -> Option<AnswerValue> {
    let int_in = |rng: &mut dyn rand::RngCore, lo: i64, hi: i64| {
        if lo <= hi { rng.gen_range(lo..=hi) } else { lo }
    };
    Some(match kind {
        ItemKind::SingleChoice { .. }
        | ItemKind::Scale { .. }
        | ItemKind::YesNo
        | ItemKind::Matrix { .. } => AnswerValue::Code(choices(kind).choose(rng)?.code),
        ItemKind::MultiChoice { options } => {
            let mut codes: Vec<i64> = options
                .iter()
                .filter(|o| !o.exclusive && rng.gen_bool(0.3))
                .map(|o| o.code)
                .collect();
            if codes.is_empty() {
                codes.push(options.choose(rng)?.code);
            }
            AnswerValue::Codes(codes)
        }
        ItemKind::Integer { min, max, .. } => {
            let lo = min.map_or(0, |m| m.ceil() as i64);
            AnswerValue::Int(int_in(rng, lo, max.map_or(lo + 100, |m| m.floor() as i64)))
        }
        ItemKind::Decimal { min, max, .. } => {
            let lo = min.unwrap_or(0.0);
            let hi = max.unwrap_or(lo + 100.0).max(lo);
            AnswerValue::Decimal(
                ((lo + rng.gen_range(0.0..=1.0) * (hi - lo)) * 10.0).floor() / 10.0,
            )
        }
        ItemKind::Days { max } => AnswerValue::Int(int_in(rng, 0, *max)),
        ItemKind::Slider { min, max, .. } => AnswerValue::Int(int_in(rng, *min, *max)),
        ItemKind::Year { min, max } => {
            AnswerValue::Int(int_in(rng, min.unwrap_or(1950), max.unwrap_or(2025)))
        }
        ItemKind::Date => AnswerValue::Date(
            NaiveDate::from_ymd_opt(2024, 1, 1)? + Days::new(rng.gen_range(0..500)),
        ),
        ItemKind::Text { max_length } | ItemKind::LongText { max_length } => {
            let p = PHRASES.choose(rng)?;
            AnswerValue::Text(p.chars().take(*max_length).collect())
        }
        ItemKind::Section | ItemKind::Note | ItemKind::Score { .. } => return None,
    })
}
