//! Read-aloud for Kohort. A text is heard from, in this order: a recording
//! the study supplies, a clip already synthesised, or offline synthetic
//! speech made now by espeak-ng (never a network service). Every clip is
//! keyed by language and the SHA-256 of the exact text ([`ClipKey`]), so a
//! changed wording never plays an old clip. Playback runs on a worker
//! thread ([`Speaker`]) through a [`Sink`]: the sound device in the app, a
//! [`RecordingSink`] in tests. Nothing here knows egui or the store.

mod clip;
mod key;
mod library;
mod recordings;
mod speaker;
mod synth;

pub use clip::{Clip, ClipError, decode};
pub use key::ClipKey;
pub use library::{ClipLibrary, Found, From, LookupError};
pub use recordings::{Manifest, Problem, Recording, check_recordings};
pub use speaker::{DeviceSink, Line, Played, RecordingSink, Sink, Speaker, Status};
pub use synth::{Espeak, SynthError};
