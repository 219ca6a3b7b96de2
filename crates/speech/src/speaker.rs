//! Playback off the UI thread. The screen asks a [`Speaker`] to say some
//! lines; a worker thread looks each clip up, hands it to the [`Sink`] and
//! says which line is being read, so the screen can highlight it. A new
//! request or a stop cancels what is being said at once; nothing the
//! screen calls waits for sound.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::clip::Clip;
use crate::key::ClipKey;
use crate::library::{ClipLibrary, From};

/// One thing to say: which part of the screen (`id`, e.g. `question`,
/// `option:2`), in which language, in which words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub id: String,
    pub lang: String,
    pub text: String,
}

/// Where clips go: the sound device, or a recorder in tests. `play`
/// returns when the clip has been heard or `cancelled()` says to stop.
pub trait Sink {
    fn play(&mut self, line: &Line, found: (&ClipKey, From, &Clip), cancelled: &dyn Fn() -> bool);
}

/// Whether the tablet can read aloud.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// The sound device is still being opened.
    Starting,
    Ready,
    /// No sound device (the reason, for staff).
    NoDevice(String),
    /// No voice: espeak-ng is missing or lacks the language.
    NoVoice,
}

/// A clip as it reached a [`RecordingSink`].
#[derive(Clone, Debug, PartialEq)]
pub struct Played {
    pub line: Line,
    pub key: ClipKey,
    pub from: From,
    pub frames: usize,
    pub rate: u32,
    /// When the clip reached the sink.
    pub at: Instant,
}

/// A sink that records what would have been heard, for tests and for
/// measuring the time from a tap to the first sound.
#[derive(Clone, Default)]
pub struct RecordingSink {
    played: Arc<Mutex<Vec<Played>>>,
}

impl RecordingSink {
    pub fn new() -> Self {
        Self::default()
    }

    /// Everything played so far, in order.
    pub fn played(&self) -> Vec<Played> {
        lock(&self.played).clone()
    }

    pub fn clear(&self) {
        lock(&self.played).clear();
    }
}

impl Sink for RecordingSink {
    fn play(
        &mut self,
        line: &Line,
        (key, from, clip): (&ClipKey, From, &Clip),
        _: &dyn Fn() -> bool,
    ) {
        lock(&self.played).push(Played {
            line: line.clone(),
            key: key.clone(),
            from,
            frames: clip.samples.len() / usize::from(clip.channels.max(1)),
            rate: clip.rate,
            at: Instant::now(),
        });
    }
}

/// The default sound device through rodio (ALSA on Linux).
pub struct DeviceSink {
    device: rodio::MixerDeviceSink,
}

impl DeviceSink {
    pub fn open() -> Result<DeviceSink, String> {
        let mut device =
            rodio::DeviceSinkBuilder::open_default_sink().map_err(|e| e.to_string())?;
        device.log_on_drop(false);
        Ok(DeviceSink { device })
    }
}

impl Sink for DeviceSink {
    fn play(
        &mut self,
        _: &Line,
        (_, _, clip): (&ClipKey, From, &Clip),
        cancelled: &dyn Fn() -> bool,
    ) {
        let (Some(channels), Some(rate)) = (
            std::num::NonZero::new(clip.channels),
            std::num::NonZero::new(clip.rate),
        ) else {
            return;
        };
        let player = rodio::Player::connect_new(self.device.mixer());
        player.append(rodio::buffer::SamplesBuffer::new(
            channels,
            rate,
            clip.samples.clone(),
        ));
        while !player.empty() {
            if cancelled() {
                player.stop();
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

struct Shared {
    /// Bumped by every request and stop; a line of an older one is not said.
    generation: AtomicU64,
    reading: Mutex<Option<String>>,
    status: Mutex<Status>,
    /// Called when what is being read changes (the screen repaints).
    wake: Mutex<Option<Box<dyn Fn() + Send>>>,
}

enum Command {
    Say(u64, Vec<Line>),
    Prepare(Vec<(String, String)>),
}

/// The handle the screens hold; cheap to call every frame.
pub struct Speaker {
    tx: Sender<Command>,
    warm: Sender<Command>,
    shared: Arc<Shared>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Speaker {
    /// Starts the worker: `open` makes the sink on the worker's thread
    /// (a sound device is opened there, not on the UI thread).
    pub fn start<S, F>(library: Arc<ClipLibrary>, langs: &[&str], open: F) -> Speaker
    where
        S: Sink + 'static,
        F: FnOnce() -> Result<S, String> + Send + 'static,
    {
        let voiced = library.synth().is_some_and(|s| s.speaks(langs));
        let shared = Arc::new(Shared {
            generation: AtomicU64::new(0),
            reading: Mutex::new(None),
            status: Mutex::new(if voiced {
                Status::Starting
            } else {
                Status::NoVoice
            }),
            wake: Mutex::new(None),
        });
        let (tx, rx) = channel();
        let (warm, warm_rx) = channel();
        let lib = library.clone();
        let sh = shared.clone();
        let spawned =
            std::thread::Builder::new()
                .name("read-aloud".into())
                .spawn(move || match open() {
                    Ok(sink) => {
                        {
                            let mut status = lock(&sh.status);
                            if *status == Status::Starting {
                                *status = Status::Ready;
                            }
                        }
                        sh.woken();
                        work(&lib, &sh, sink, &rx);
                    }
                    Err(why) => {
                        *lock(&sh.status) = Status::NoDevice(why);
                        sh.woken();
                    }
                });
        if let Err(e) = spawned {
            *lock(&shared.status) = Status::NoDevice(e.to_string());
        }
        let _ = std::thread::Builder::new()
            .name("read-aloud-prepare".into())
            .spawn(move || prepare(&library, &warm_rx));
        Speaker { tx, warm, shared }
    }

    /// Says `lines` in order, cancelling whatever was being said.
    pub fn say(&self, lines: Vec<Line>) {
        let g = self.shared.generation.fetch_add(1, Ordering::SeqCst) + 1;
        *lock(&self.shared.reading) = lines.first().map(|l| l.id.clone());
        let _ = self.tx.send(Command::Say(g, lines));
    }

    /// Stops reading at once.
    pub fn stop(&self) {
        self.shared.generation.fetch_add(1, Ordering::SeqCst);
        *lock(&self.shared.reading) = None;
    }

    /// Makes the clips of texts (language code, words) ahead of a tap, in
    /// the background: the first sound then comes from a kept clip.
    pub fn prepare(&self, texts: Vec<(String, String)>) {
        let _ = self.warm.send(Command::Prepare(texts));
    }

    /// The line being read, if any.
    pub fn reading(&self) -> Option<String> {
        lock(&self.shared.reading).clone()
    }

    pub fn status(&self) -> Status {
        lock(&self.shared.status).clone()
    }

    /// Whether the speaker buttons are shown: a device and a voice.
    pub fn ready(&self) -> bool {
        self.status() == Status::Ready
    }

    /// Called (from the worker) whenever the line being read changes.
    pub fn on_change(&self, wake: impl Fn() + Send + 'static) {
        *lock(&self.shared.wake) = Some(Box::new(wake));
    }

    /// Waits until nothing is being read or `limit` passes (tests, benches).
    pub fn wait_quiet(&self, limit: Duration) -> bool {
        let end = Instant::now() + limit;
        while Instant::now() < end {
            if self.reading().is_none() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        false
    }
}

impl Shared {
    fn woken(&self) {
        if let Some(w) = lock(&self.wake).as_ref() {
            w();
        }
    }

    fn current(&self, g: u64) -> bool {
        self.generation.load(Ordering::SeqCst) == g
    }
}

fn work(library: &ClipLibrary, shared: &Shared, mut sink: impl Sink, rx: &Receiver<Command>) {
    while let Ok(cmd) = rx.recv() {
        let Command::Say(g, lines) = cmd else {
            continue;
        };
        for line in &lines {
            if !shared.current(g) {
                break;
            }
            let Ok(found) = library.lookup(&line.lang, &line.text) else {
                continue;
            };
            if !shared.current(g) {
                break;
            }
            *lock(&shared.reading) = Some(line.id.clone());
            shared.woken();
            sink.play(line, (&found.key, found.from, &found.clip), &|| {
                !shared.current(g)
            });
        }
        if shared.current(g) {
            *lock(&shared.reading) = None;
            shared.woken();
        }
    }
}

fn prepare(library: &ClipLibrary, rx: &Receiver<Command>) {
    while let Ok(cmd) = rx.recv() {
        if let Command::Prepare(texts) = cmd {
            for (lang, text) in texts {
                let _ = library.prepare(&lang, &text);
            }
        }
    }
}
