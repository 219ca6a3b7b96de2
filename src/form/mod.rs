//! Instruments: the model, loading and checking, expressions.

mod check;
pub mod codebook;
pub mod expr;
mod json;
pub mod load;
pub mod lock;
mod model;
pub mod outline;
mod problem;
mod read;
mod text;

pub use json::valid_id;
pub use model::*;
pub use problem::{FormErrors, Problem, Problems, Severity};
pub use read::{is_semver, params, respondent};
pub use text::{Lang, Message, Text};

pub(crate) use json::{
    Obj, array, boolean, id, integer, join, object, only_keys, string, text as read_text,
};
