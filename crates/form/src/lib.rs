//! The form layer: instruments (model, loading, checking, expressions),
//! the answer vocabulary, the study protocol, the runner (one
//! questionnaire in progress), the schedule, the codes lock and the
//! codebook. Pure: no storage, no screen, no network.

pub mod answer;
mod check;
pub mod codebook;
pub mod expr;
mod json;
pub mod langs;
pub mod load;
pub mod lock;
mod model;
pub mod outline;
mod problem;
mod read;
pub mod runner;
pub mod schedule;
pub mod study;
mod text;

pub use answer::{Answer, AnswerValue, Invalid, ItemState, validate};
pub use json::valid_id;
pub use model::*;
pub use problem::{FormErrors, Problem, Problems, Severity};
pub use read::{is_semver, params, respondent};
pub use text::{Lang, Text};

pub(crate) use json::{
    Obj, array, boolean, id, integer, join, object, only_keys, string, text as read_text,
};
