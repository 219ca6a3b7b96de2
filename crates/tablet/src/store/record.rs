//! A completed session's variables as its batch record carries them: the
//! session replayed through the runner over its pinned questionnaire, so
//! the states and derived scores are the runner's own. Built when the
//! session is completed (and kept, `kept.rs`) or, for a session without a
//! kept record, when it is exported.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use kohort_batch::Variable;
use kohort_form::runner::Plan;
use kohort_form::{AnswerValue, Instrument, ItemKind, ItemState};

use super::{LoadedSession, SessionSummary};

/// A session's record, but for the participant and episode facts (which
/// may change later and are read at export).
pub struct Built {
    pub summary: SessionSummary,
    /// Its pinned instruments, in questionnaire order.
    pub instruments: Vec<Arc<Instrument>>,
    /// Every analysis variable, in questionnaire order.
    pub variables: Vec<Variable>,
}

/// Replays `loaded` with a plan for its questionnaire from `plans` (made
/// and added there if none fits, so an export plans each questionnaire
/// once).
pub fn build(mut loaded: LoadedSession, plans: &mut Vec<Plan>) -> Built {
    let summary = loaded.summary.clone();
    let times = std::mem::take(&mut loaded.answer_times);
    let plan = match plans.iter().find(|p| p.fits(&loaded.questionnaire)) {
        Some(p) => p.clone(),
        None => {
            let p = Plan::new(&loaded.questionnaire);
            plans.push(p.clone());
            p
        }
    };
    let runner = loaded.into_runner_with(&plan);
    let instruments = runner.questionnaire().instruments.clone();
    let mut owner: HashMap<&str, &str> = HashMap::new();
    for inst in &instruments {
        for item in &inst.items {
            owner.insert(&item.id, &inst.id);
            if let ItemKind::Matrix { rows, .. } = &item.kind {
                for row in rows {
                    owner.insert(&row.id, &inst.id);
                }
            }
        }
    }
    let variables = runner
        .outcome()
        .into_iter()
        .map(|(name, state)| variable(name, state, &owner, &times))
        .collect();
    Built {
        summary,
        instruments,
        variables,
    }
}

/// One variable's final state as the batch carries it.
fn variable(
    name: String,
    state: ItemState,
    owner: &HashMap<&str, &str>,
    times: &BTreeMap<String, String>,
) -> Variable {
    let state = match state {
        // JSON has no NaN or infinity; such a score was not computed.
        ItemState::Answered(AnswerValue::Decimal(v)) if !v.is_finite() => ItemState::NotComputed,
        s => s,
    };
    let answered_at = match state {
        ItemState::Answered(_) | ItemState::Declined => times.get(&name).cloned(),
        _ => None,
    };
    Variable {
        instrument: owner.get(name.as_str()).copied().unwrap_or("").to_owned(),
        state: state.name().to_owned(),
        value: match state {
            ItemState::Answered(v) => Some(v),
            _ => None,
        },
        answered_at,
        name,
    }
}
