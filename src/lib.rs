//! Kohort: longitudinal questionnaires on clinic tablets. This package is
//! the app: its headless core (every action a person takes) and the
//! eframe screens; the command line (`main.rs`, `cli/`) calls the same
//! core. The layers below are crates: `kohort-form`, `kohort-batch`,
//! `kohort-tablet`, `kohort-research` (`docs/architecture.md`).

pub mod core;
pub mod i18n;
pub mod ui;
