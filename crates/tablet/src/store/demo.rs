//! Synthetic data for demos, training and benchmarks: participants,
//! episodes and questionnaires answered through the real [`Runner`] and
//! saved through the store API. Deterministic for a seed and a day (the
//! audit log keeps the real time of writing).

use chrono::{Days, NaiveDate};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use kohort_form::AnswerValue;
use kohort_form::runner::Runner;
use kohort_form::schedule::{EndType, EpisodeDates, State, schedule};
use kohort_form::study::{Questionnaire, Study, Trigger};
use kohort_form::{Item, ItemKind, Respondent, choices};

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

/// [`fill_until`] as of 1 June 2025, for tests that need the same data
/// whatever the day.
pub fn fill(store: &mut Store, study: &Study, n: usize, seed: u64) -> Result<Summary> {
    let today = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap_or_default();
    fill_until(store, study, n, seed, today)
}

/// Why a demo nurse marked a form missed.
const MISSED: &[&str] = &[
    "Did not come to the clinic in the window",
    "Admitted to hospital",
    "Did not want to answer this time",
];

/// Enrols `n` participants with study codes `<prefix>-<site>-0001`… whose
/// treatment started up to three years before `today`, and plays out their
/// schedule as a clinic would: most forms completed inside their window
/// (sessions dated there), some missed with a reason, the latest often
/// paused or not yet started, a few treatments ended, one adverse event
/// here and there. The audit log keeps the real time of writing.
pub fn fill_until(
    store: &mut Store,
    study: &Study,
    n: usize,
    seed: u64,
    today: NaiveDate,
) -> Result<Summary> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let prefix = study.id.to_uppercase();
    let existing = store.participants()?.len();
    let mut sum = Summary::default();
    for i in existing..existing + n {
        let site = if rng.gen_bool(0.6) { "OSL" } else { "BGO" };
        let anchor = today - Days::new(rng.gen_range(3..1100));
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
        store.conn.execute(
            "UPDATE participants SET enrolled_at = ?2 WHERE id = ?1",
            rusqlite::params![pid.to_string(), format!("{anchor}T09:00:00.000Z")],
        )?;
        sum.participants += 1;
        // A tenth of treatments have ended, some time after the 3 months.
        let ended = (rng.gen_bool(0.1) && today > anchor + Days::new(120))
            .then(|| anchor + Days::new(rng.gen_range(100..=(today - anchor).num_days() as u64)));
        if let Some(end) = ended {
            store.end_episode(episode, end, EndType::Completed)?;
        }
        let dates = EpisodeDates { anchor, end: ended };
        let rows = schedule(study, dates, today, &[]).unwrap_or_default();
        let latest = rows
            .iter()
            .filter(|r| r.respondent == Respondent::Patient && r.opens.is_some_and(|o| o <= today))
            .filter_map(|r| r.target)
            .max();
        for row in &rows {
            let (Some(opens), Some(target)) = (row.opens, row.target) else {
                continue;
            };
            if opens > today || row.state == State::NotApplicable {
                continue;
            }
            let Some(q) = study.questionnaire(&row.form) else {
                continue;
            };
            let closes = row.closes.unwrap_or(today).min(today);
            let newest = row.respondent == Respondent::Patient && Some(target) == latest;
            let status = match rng.gen_range(0..20) {
                _ if newest && today <= closes => match rng.gen_range(0..4) {
                    0 => None,
                    1 => Some(SessionStatus::Paused),
                    2 => Some(SessionStatus::InProgress),
                    _ => Some(SessionStatus::Completed),
                },
                0 => {
                    let reason = MISSED.choose(&mut rng).unwrap_or(&MISSED[0]);
                    let code = study.missed_reasons.choose(&mut rng).map(|r| r.code);
                    let n = row.occurrence.unwrap_or(0);
                    store.mark_missed(episode, &row.form, n, code, reason)?;
                    continue;
                }
                _ if newest && rng.gen_bool(0.4) => {
                    rng.gen_bool(0.4).then_some(SessionStatus::Paused)
                }
                // A clinician form in its window is often still to do.
                _ if !newest && today <= closes && rng.gen_bool(0.5) => None,
                _ => Some(SessionStatus::Completed),
            };
            let Some(status) = status else { continue };
            // Completed somewhere between the window's start and its end.
            let span = (closes - opens).num_days().max(0) as u64;
            let on = (opens + Days::new(rng.gen_range(0..=span))).min(today);
            let occurrence = row.occurrence.unwrap_or(0);
            sum.answers +=
                answer_session(store, &mut rng, (pid, episode, occurrence), q, status, on)?;
            sum.sessions += 1;
            match status {
                SessionStatus::Completed => sum.completed += 1,
                SessionStatus::Paused => sum.paused += 1,
                _ => sum.in_progress += 1,
            }
        }
        if rng.gen_bool(0.2)
            && let Some(q) = study
                .events
                .iter()
                .find(|e| e.trigger == Trigger::Manual)
                .and_then(|e| study.questionnaire(&e.form.id))
        {
            let on = anchor + Days::new(rng.gen_range(0..=(today - anchor).num_days() as u64));
            sum.answers += answer_session(
                store,
                &mut rng,
                (pid, episode, 0),
                q,
                SessionStatus::Completed,
                on,
            )?;
            sum.sessions += 1;
            sum.completed += 1;
        }
    }
    Ok(sum)
}

fn answer_session(
    store: &mut Store,
    rng: &mut ChaCha8Rng,
    (participant, episode, occurrence): (uuid::Uuid, uuid::Uuid, u32),
    q: Questionnaire,
    status: SessionStatus,
    on: NaiveDate,
) -> Result<usize> {
    let sid = store.start_occurrence(participant, episode, &q, occurrence)?;
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
    // Date the session on the day the clinic would have collected it.
    let started = format!("{on}T10:00:00.000Z");
    let finished = format!("{on}T11:00:00.000Z");
    store.conn.execute(
        "UPDATE sessions SET started_at = ?2, updated_at = ?3,
             completed_at = CASE WHEN completed_at IS NULL THEN NULL ELSE ?3 END
         WHERE id = ?1",
        rusqlite::params![sid.to_string(), started, finished],
    )?;
    store.conn.execute(
        "UPDATE answers SET updated_at = ?2 WHERE session = ?1",
        rusqlite::params![sid.to_string(), started],
    )?;
    // Its record was kept with the times it was answered at now.
    if status == SessionStatus::Completed {
        store.keep_record(sid)?;
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
