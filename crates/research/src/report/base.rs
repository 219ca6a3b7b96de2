//! What every table of the report starts from: the episodes that had
//! started by the as-of day, the sessions completed in them by that day,
//! each participant's first anchor, the sites, and a session's answers as
//! the study's expressions see them.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use kohort_form::expr::V;
use kohort_form::study::{Study, Values};
use kohort_form::{AnswerValue, ItemKind};

use crate::dataset::model::{Data, Episode, Participant, Session, VarRow, day};
use crate::dataset::place::{self, Place};

/// A session completed by the as-of day.
#[derive(Clone, Copy)]
pub struct Done<'a> {
    pub session: &'a Session,
    pub participant: &'a Participant,
    /// The day it was completed.
    pub on: NaiveDate,
}

pub struct Base<'a> {
    pub study: &'a Study,
    pub data: &'a Data,
    pub places: HashMap<String, Place>,
    pub as_of: NaiveDate,
    /// Episodes whose anchor is on or before the as-of day.
    pub episodes: Vec<&'a Episode>,
    /// Their sessions completed by the as-of day, by participant and date.
    pub sessions: Vec<Done<'a>>,
    /// Each participant's earliest anchor: months are counted from it.
    pub first_anchor: HashMap<&'a str, NaiveDate>,
    /// The study's sites, then any other a participant has.
    pub sites: Vec<String>,
    /// Each matrix's row variables, for expressions naming a matrix.
    matrices: HashMap<String, Vec<String>>,
}

impl<'a> Base<'a> {
    pub fn new(study: &'a Study, data: &'a Data, as_of: NaiveDate) -> Base<'a> {
        let episodes: Vec<&Episode> = data.episodes.iter().filter(|e| e.anchor <= as_of).collect();
        let started: BTreeSet<&str> = episodes.iter().map(|e| e.id.as_str()).collect();
        let mut first_anchor: HashMap<&str, NaiveDate> = HashMap::new();
        for e in &episodes {
            let a = first_anchor.entry(&e.participant).or_insert(e.anchor);
            *a = (*a).min(e.anchor);
        }
        let mut sessions: Vec<Done<'a>> = Vec::new();
        for s in &data.sessions {
            let (Some(on), Some(participant)) = (
                s.completed_at.as_deref().and_then(day),
                data.participant(&s.participant),
            ) else {
                continue;
            };
            if on <= as_of && started.contains(s.episode.as_str()) {
                sessions.push(Done {
                    session: s,
                    participant,
                    on,
                });
            }
        }
        sessions.sort_by(|a, b| {
            (
                &a.participant.id,
                a.on,
                &a.session.completed_at,
                &a.session.started_at,
            )
                .cmp(&(
                    &b.participant.id,
                    b.on,
                    &b.session.completed_at,
                    &b.session.started_at,
                ))
                .then_with(|| a.session.id.cmp(&b.session.id))
        });
        let mut sites: Vec<String> = study.sites.clone();
        for p in &data.participants {
            if first_anchor.contains_key(p.id.as_str()) && !sites.contains(&p.site) {
                sites.push(p.site.clone());
            }
        }
        let mut matrices = HashMap::new();
        for inst in &study.instruments {
            for item in &inst.items {
                if let ItemKind::Matrix { rows, .. } = &item.kind {
                    let ids = rows.iter().map(|r| r.id.clone()).collect();
                    matrices.insert(item.id.clone(), ids);
                }
            }
        }
        Base {
            study,
            data,
            places: place::places(study, data),
            as_of,
            episodes,
            sessions,
            first_anchor,
            sites,
            matrices,
        }
    }

    /// Participants with an episode that had started by the as-of day.
    pub fn participants(&self) -> impl Iterator<Item = &'a Participant> + '_ {
        (self.data.participants.iter()).filter(|p| self.first_anchor.contains_key(p.id.as_str()))
    }

    /// The completed sessions of `form`.
    pub fn of_form<'s>(&'s self, form: &'s str) -> impl Iterator<Item = &'s Done<'a>> + 's {
        self.sessions.iter().filter(move |d| d.session.form == form)
    }

    /// Each participant's first completed session of `form`.
    pub fn first_of_form<'s>(&'s self, form: &'s str) -> Vec<&'s Done<'a>> {
        let mut seen = BTreeSet::new();
        self.of_form(form)
            .filter(|d| seen.insert(d.participant.id.as_str()))
            .collect()
    }

    /// Months from the participant's first anchor to `d`'s day.
    pub fn months(&self, d: &Done<'_>) -> Option<f64> {
        let anchor = self.first_anchor.get(d.participant.id.as_str())?;
        kohort_form::schedule::months_since(*anchor, d.on)
    }

    /// A session's answers, as expressions see them.
    pub fn answers<'s>(&'s self, s: &'s Session) -> Answers<'s> {
        Answers {
            vars: s.variables.iter().map(|v| (v.name.as_str(), v)).collect(),
            matrices: &self.matrices,
        }
    }
}

/// One session's variables for [`kohort_form::study::Outcome::value`]:
/// an answered value, else missing (declined, skipped, not shown, not
/// reached, not computed, or not in the version asked).
pub struct Answers<'a> {
    vars: HashMap<&'a str, &'a VarRow>,
    matrices: &'a HashMap<String, Vec<String>>,
}

impl Answers<'_> {
    /// The answered value of a variable, as a number where it is one.
    pub fn number(&self, name: &str) -> Option<f64> {
        match self.value(name) {
            V::Num(x) => Some(x),
            _ => None,
        }
    }

    fn one(&self, name: &str) -> V {
        let Some(v) = self.vars.get(name).filter(|v| v.state == "answered") else {
            return V::Missing;
        };
        match &v.value {
            Some(AnswerValue::Code(c) | AnswerValue::Int(c)) => V::Num(*c as f64),
            Some(AnswerValue::Decimal(x)) => V::Num(*x),
            Some(AnswerValue::Codes(cs)) => V::Set(cs.clone()),
            _ => V::Missing,
        }
    }
}

impl Values for Answers<'_> {
    fn value(&self, name: &str) -> V {
        match self.matrices.get(name) {
            Some(rows) => V::List(rows.iter().map(|r| self.one(r)).collect()),
            None => self.one(name),
        }
    }

    fn answered(&self, name: &str) -> bool {
        match self.value(name) {
            V::Missing => false,
            V::List(rows) => rows.iter().any(|r| *r != V::Missing),
            _ => true,
        }
    }

    fn declined(&self, name: &str) -> bool {
        let declined = |n: &str| self.vars.get(n).is_some_and(|v| v.state == "declined");
        match self.matrices.get(name) {
            Some(rows) => rows.iter().any(|r| declined(r)),
            None => declined(name),
        }
    }
}
