//! Finding the clip for a text: the study's recording, else a clip made
//! before (the cache), else espeak-ng now (kept in the cache).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::clip::{Clip, ClipError, decode};
use crate::key::ClipKey;
use crate::recordings::{Manifest, Problem};
use crate::synth::{Espeak, SynthError};

/// Where a clip came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum From {
    /// A recording the study supplies.
    Recording,
    /// Synthetic speech made earlier and kept.
    Cache,
    /// Synthetic speech made just now.
    Synthesised,
}

/// A clip found for a text.
#[derive(Clone, Debug)]
pub struct Found {
    pub key: ClipKey,
    pub from: From,
    pub clip: Clip,
}

#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    #[error("no recording and no voice for {0}")]
    NoSound(ClipKey),
    #[error("the recording {file} is unreadable: {source}")]
    Recording { file: PathBuf, source: ClipError },
    #[error(transparent)]
    Synth(#[from] SynthError),
}

/// The clips of one study on one tablet.
#[derive(Clone, Debug, Default)]
pub struct ClipLibrary {
    audio: Option<PathBuf>,
    declared: BTreeMap<ClipKey, PathBuf>,
    cache: Option<PathBuf>,
    synth: Option<Espeak>,
}

impl ClipLibrary {
    /// The study's recordings in `audio` (its `forms/audio/`, which need
    /// not exist), clips kept in `cache`, synthetic speech from `synth`.
    /// A broken recordings list is returned with the library (which then
    /// uses the files named by hash only).
    pub fn new(
        audio: Option<&Path>,
        cache: Option<&Path>,
        synth: Option<Espeak>,
    ) -> (ClipLibrary, Option<Problem>) {
        let (declared, problem) = match audio.map(Manifest::read) {
            Some(Ok(m)) => (m.by_key(audio.unwrap_or(Path::new(""))), None),
            Some(Err(p)) => (BTreeMap::new(), Some(p)),
            None => (BTreeMap::new(), None),
        };
        let lib = ClipLibrary {
            audio: audio.map(Path::to_owned),
            declared,
            cache: cache.map(Path::to_owned),
            synth,
        };
        (lib, problem)
    }

    pub fn synth(&self) -> Option<&Espeak> {
        self.synth.as_ref()
    }

    /// Whether a text in `lang` could be heard without a recording.
    pub fn can_synthesise(&self, lang: &str) -> bool {
        self.synth.as_ref().is_some_and(|s| s.voice(lang).is_some())
    }

    /// The study's recording of a text, if it has one.
    pub fn recording(&self, key: &ClipKey) -> Option<PathBuf> {
        if let Some(p) = self.declared.get(key) {
            return Some(p.clone());
        }
        let p = self.audio.as_ref()?.join(key.file_name());
        p.is_file().then_some(p)
    }

    /// The kept synthetic clip of a text, if made before.
    pub fn cached(&self, key: &ClipKey) -> Option<PathBuf> {
        let p = self.cache.as_ref()?.join(key.file_name());
        p.is_file().then_some(p)
    }

    /// Where a text's sound would come from without making it, if anywhere.
    pub fn source(&self, lang: &str, text: &str) -> Option<From> {
        let key = ClipKey::of(lang, text);
        if self.recording(&key).is_some() {
            Some(From::Recording)
        } else if self.cached(&key).is_some() {
            Some(From::Cache)
        } else if self.can_synthesise(lang) {
            Some(From::Synthesised)
        } else {
            None
        }
    }

    /// The clip saying `text` in `lang`.
    pub fn lookup(&self, lang: &str, text: &str) -> Result<Found, LookupError> {
        let key = ClipKey::of(lang, text);
        if let Some(file) = self.recording(&key) {
            let clip = std::fs::read(&file)
                .map_err(|e| ClipError::Wav(hound::Error::IoError(e)))
                .and_then(|b| decode(&b))
                .map_err(|source| LookupError::Recording {
                    file: file.clone(),
                    source,
                })?;
            return Ok(Found {
                key,
                from: From::Recording,
                clip,
            });
        }
        if let Some(file) = self.cached(&key)
            && let Ok(clip) = std::fs::read(&file).map_err(|_| ()).and_then(|b| {
                // A damaged kept clip is made again below.
                decode(&b).map_err(|_| ())
            })
        {
            return Ok(Found {
                key,
                from: From::Cache,
                clip,
            });
        }
        let Some(synth) = self.synth.as_ref().filter(|s| s.voice(lang).is_some()) else {
            return Err(LookupError::NoSound(key));
        };
        let clip = synth.render(lang, text)?;
        // A clip that cannot be kept is still played.
        let _ = self.keep(&key, &clip);
        Ok(Found {
            key,
            from: From::Synthesised,
            clip,
        })
    }

    /// Makes and keeps the synthetic clip of a text that has no recording
    /// and no kept clip yet; returns where its sound comes from.
    pub fn prepare(&self, lang: &str, text: &str) -> Result<From, LookupError> {
        match self.source(lang, text) {
            Some(From::Synthesised) => self.lookup(lang, text).map(|f| f.from),
            Some(from) => Ok(from),
            None => Err(LookupError::NoSound(ClipKey::of(lang, text))),
        }
    }

    /// Writes a clip into the cache under its key (whole or not at all).
    fn keep(&self, key: &ClipKey, clip: &Clip) -> std::io::Result<()> {
        let Some(cache) = &self.cache else {
            return Ok(());
        };
        let path = cache.join(key.file_name());
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let wav = clip.to_wav().map_err(std::io::Error::other)?;
        static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = path.with_extension(format!("tmp{}-{n}", std::process::id()));
        std::fs::write(&tmp, wav)?;
        std::fs::rename(&tmp, &path)
    }
}
