//! The tablet app: patient mode and the staff screens.

pub mod app;
pub mod brand;
pub mod contrast;
pub mod errors;
pub mod lang;
pub mod patient;
pub mod preview;
mod read_aloud;
pub mod staff;
pub mod theme;
pub mod widgets;
pub mod window;
