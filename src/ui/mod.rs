//! The tablet app: patient mode and the staff screens.

pub mod patient;
pub mod preview;
pub mod theme;
pub mod widgets;
