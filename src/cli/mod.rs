//! The subcommands of `kohort`, one file per group.

pub mod app;
pub mod audit;
pub mod deliver;
pub mod demo;
pub mod export;
pub mod forms;
pub mod manpage;
pub mod passphrase;
pub mod research;
pub mod schedule;
