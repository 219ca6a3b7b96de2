//! Kohort: longitudinal questionnaires on clinic tablets.
//!
//! Data flows one way: form files → instruments and protocol → runner
//! (one questionnaire in progress) → store → batches → research store.

pub mod clinic;
pub mod ui;
