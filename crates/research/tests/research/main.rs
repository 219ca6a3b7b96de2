//! The research store's tests: importing batches sealed by a real tablet
//! store, forged and damaged ones refused.
#![allow(clippy::unwrap_used)]

mod batch_import;
mod content;
mod dataset_cohort;
mod dataset_shape;
mod demo;
mod devices;
mod epochs;
mod facts;
mod report_as_of;
mod report_check;
mod report_cohort;
mod report_numbers;
mod report_page;
mod stats_tools;
