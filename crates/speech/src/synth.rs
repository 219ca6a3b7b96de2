//! Offline synthetic speech with espeak-ng (Debian's `espeak-ng`), run as
//! a program: it renders a sentence in about 15 ms on the tablet, so clips
//! are made when first needed and kept by their key; nothing is sent
//! anywhere.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::clip::{Clip, decode};

#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("espeak-ng could not be started: {0}")]
    Start(std::io::Error),
    #[error("espeak-ng failed: {0}")]
    Failed(String),
    #[error("espeak-ng has no voice for '{0}'")]
    NoVoice(String),
    #[error("espeak-ng's output is not a readable clip: {0}")]
    Output(#[from] crate::clip::ClipError),
}

/// The espeak-ng program and the voices it has.
#[derive(Clone, Debug)]
pub struct Espeak {
    program: PathBuf,
    voices: Vec<String>,
}

impl Espeak {
    /// espeak-ng on the `PATH` (or `KOHORT_ESPEAK`), if it runs and has a
    /// Norwegian or an English voice.
    pub fn find() -> Option<Espeak> {
        let program = std::env::var_os("KOHORT_ESPEAK")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("espeak-ng"));
        Espeak::at(program)
    }

    pub fn at(program: PathBuf) -> Option<Espeak> {
        let out = Command::new(&program)
            .arg("--voices")
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        if !out.status.success() {
            return None;
        }
        let listed = String::from_utf8_lossy(&out.stdout);
        // Lines: "Pty Language Age/Gender VoiceName File Other".
        let mut voices: Vec<String> = listed
            .lines()
            .skip(1)
            .filter_map(|l| l.split_whitespace().nth(1).map(str::to_owned))
            .collect();
        voices.retain(|v| v == "nb" || v == "en" || v.starts_with("en-"));
        (!voices.is_empty()).then_some(Espeak { program, voices })
    }

    /// The espeak-ng voice for a language code: nynorsk is read by the
    /// bokmål voice (espeak-ng has none of its own).
    pub fn voice(&self, lang: &str) -> Option<&'static str> {
        let want = match lang {
            "nb" | "nn" => "nb",
            "en" => "en",
            _ => return None,
        };
        self.voices
            .iter()
            .any(|v| v == want || v.starts_with(&format!("{want}-")))
            .then_some(want)
    }

    /// Whether there is a voice for every language in `langs`.
    pub fn speaks(&self, langs: &[&str]) -> bool {
        langs.iter().all(|l| self.voice(l).is_some())
    }

    /// Renders `text` in `lang` as a clip.
    pub fn render(&self, lang: &str, text: &str) -> Result<Clip, SynthError> {
        let voice = self
            .voice(lang)
            .ok_or_else(|| SynthError::NoVoice(lang.to_owned()))?;
        let mut child = Command::new(&self.program)
            .args(["-v", voice, "--stdout"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(SynthError::Start)?;
        // The text goes in on standard input: never read as an option.
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(text.as_bytes())
                .map_err(SynthError::Start)?;
        }
        let out = child.wait_with_output().map_err(SynthError::Start)?;
        if !out.status.success() {
            return Err(SynthError::Failed(
                String::from_utf8_lossy(&out.stderr).trim().to_owned(),
            ));
        }
        Ok(decode(&fix_stream_header(out.stdout))?)
    }
}

/// espeak-ng writes a WAV header for a stream of unknown length (sizes
/// 0x7FFFFFFF); the sizes are set to what was written.
fn fix_stream_header(mut wav: Vec<u8>) -> Vec<u8> {
    let len = wav.len();
    if len >= 44 && &wav[0..4] == b"RIFF" && &wav[36..40] == b"data" {
        let riff = u32::try_from(len - 8).unwrap_or(u32::MAX);
        let data = u32::try_from(len - 44).unwrap_or(u32::MAX);
        wav[4..8].copy_from_slice(&riff.to_le_bytes());
        wav[40..44].copy_from_slice(&data.to_le_bytes());
    }
    wav
}
