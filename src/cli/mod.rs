//! The subcommands of `kohort`, one file per group.

pub mod forms;
