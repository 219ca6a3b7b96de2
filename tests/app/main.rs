//! The app's tests: its screens in an egui_kittest harness, the app core
//! without a screen, the `kohort` command, and walks across the tablet and
//! the research store. One binary, so a change links it once.
#![allow(clippy::unwrap_used)]

mod app_delivery;
mod app_patient;
mod app_staff;
mod batch_dataset;
mod catalogue;
mod cli;
mod clinic;
mod contrast;
mod core;
mod delivery_store;
mod layers;
mod layout;
mod outbox_safety;
mod packaging;
mod page_check;
mod patient_screen;
mod pictures;
mod read_aloud;
mod read_aloud_study;
mod save_step;
mod screens;
mod store_audit;
mod support;
mod walk_languages;
