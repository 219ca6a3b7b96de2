//! Read-aloud in the app core: what a screen says ([`script`]), every
//! text a study can say ([`study_texts`]), and the tablet's [`Speech`]:
//! the study's recordings, kept synthetic clips and espeak-ng, played on
//! a worker thread. The screens ask through [`Core`]; they never touch a
//! file or the sound device.
//!
//! Synthetic speech is made at run time (and kept by language + text
//! hash), not pre-rendered into the package: espeak-ng renders a sentence
//! in about 15 ms here, a study's changed or added form needs no new
//! package, and a tablet never holds a clip for words it no longer shows.
//! `kohort forms audio --render` makes every clip ahead when wanted.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use uuid::Uuid;

use kohort_form::study::Study;
use kohort_form::{Instrument, Item, ItemKind, Lang, Respondent, Text, choices};
pub use kohort_speech::Line;
use kohort_speech::{ClipKey, ClipLibrary, DeviceSink, Espeak, Sink, Speaker, Status};

use super::{Core, CoreError, Result};

/// The line id of a screen's question, help and options.
pub const QUESTION: &str = "question";
pub const HELP: &str = "help";

pub fn option_id(code: i64) -> String {
    format!("option:{code}")
}

pub fn row_id(row: &str) -> String {
    format!("row:{row}")
}

fn line(id: String, lang: Lang, text: &Text) -> Line {
    Line {
        id,
        lang: lang.code().to_owned(),
        text: text.get(lang).to_owned(),
    }
}

/// What the speaker button reads on an item's screen, in order: the
/// question, its help, then each option (a matrix: each row, then the
/// points of its scale; a slider: the words at its ends).
pub fn script(item: &Item, lang: Lang) -> Vec<Line> {
    let mut out = Vec::new();
    if let Some(t) = &item.text {
        out.push(line(QUESTION.into(), lang, t));
    }
    if let Some(h) = &item.help {
        out.push(line(HELP.into(), lang, h));
    }
    if let ItemKind::Matrix { rows, .. } = &item.kind {
        out.extend(rows.iter().map(|r| line(row_id(&r.id), lang, &r.text)));
    }
    if let ItemKind::Slider {
        min_label,
        max_label,
        ..
    } = &item.kind
    {
        let ends = [("min", min_label), ("max", max_label)];
        for (end, label) in ends {
            if let Some(l) = label {
                out.push(line(format!("slider:{end}"), lang, l));
            }
        }
    }
    out.extend(
        choices(&item.kind)
            .iter()
            .map(|c| line(option_id(c.code), lang, &c.text)),
    );
    out
}

/// Every text a patient form of the study can say, in `langs`.
pub fn study_texts(study: &Study, langs: &[Lang]) -> BTreeSet<ClipKey> {
    let mut out = BTreeSet::new();
    for inst in &study.instruments {
        out.extend(instrument_texts(inst, langs));
    }
    out
}

/// Every text an instrument's screens can say, in `langs` (none for a
/// clinician form: staff reads it).
pub fn instrument_texts(inst: &Instrument, langs: &[Lang]) -> Vec<ClipKey> {
    if inst.respondent != Respondent::Patient {
        return Vec::new();
    }
    let mut out = Vec::new();
    for item in &inst.items {
        if matches!(item.kind, ItemKind::Score { .. }) {
            continue;
        }
        for &lang in langs {
            out.extend(
                script(item, lang)
                    .into_iter()
                    .map(|l| ClipKey::of(&l.lang, &l.text)),
            );
        }
    }
    out
}

/// The texts of `study`'s patient forms (language code and words).
pub fn study_lines(study: &Study, langs: &[Lang]) -> Vec<Line> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for inst in &study.instruments {
        if inst.respondent != Respondent::Patient {
            continue;
        }
        for item in inst
            .items
            .iter()
            .filter(|i| !matches!(i.kind, ItemKind::Score { .. }))
        {
            for &lang in langs {
                for l in script(item, lang) {
                    if seen.insert((l.lang.clone(), l.text.clone())) {
                        out.push(l);
                    }
                }
            }
        }
    }
    out
}

/// The tablet's read-aloud: where clips come from and who plays them.
pub struct Speech {
    pub speaker: Speaker,
    pub library: Arc<ClipLibrary>,
}

/// The languages a patient can choose, as espeak-ng needs voices for.
const LANGS: [&str; 3] = ["nb", "nn", "en"];

impl Speech {
    /// The study's recordings in `forms/audio`, synthetic clips kept in
    /// `cache`, espeak-ng if installed, the default sound device.
    pub fn start(forms: &Path, cache: &Path) -> Speech {
        Self::with_sink(forms, Some(cache), Espeak::find(), DeviceSink::open)
    }

    /// The same with another sink (tests: a recording sink).
    pub fn with_sink<S: Sink + 'static>(
        forms: &Path,
        cache: Option<&Path>,
        synth: Option<Espeak>,
        open: impl FnOnce() -> std::result::Result<S, String> + Send + 'static,
    ) -> Speech {
        let (library, _broken_list) = ClipLibrary::new(Some(&forms.join("audio")), cache, synth);
        let library = Arc::new(library);
        let speaker = Speaker::start(library.clone(), &LANGS, open);
        Speech { speaker, library }
    }
}

/// Why staff sees no read-aloud, for the settings page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpeechProblem {
    /// The app was started without read-aloud.
    Off,
    NoDevice(String),
    NoVoice,
}

impl Core {
    /// Gives the app its read-aloud.
    pub fn with_speech(mut self, speech: Speech) -> Self {
        self.speech = Some(speech);
        self
    }

    pub fn speech(&self) -> Option<&Speech> {
        self.speech.as_ref()
    }

    /// Whether the speaker buttons are shown.
    pub fn can_read_aloud(&self) -> bool {
        self.speech.as_ref().is_some_and(|s| s.speaker.ready())
    }

    /// Why read-aloud cannot be used, once that is known.
    pub fn speech_problem(&self) -> Option<SpeechProblem> {
        let Some(s) = &self.speech else {
            return Some(SpeechProblem::Off);
        };
        match s.speaker.status() {
            Status::Ready | Status::Starting => None,
            Status::NoDevice(why) => Some(SpeechProblem::NoDevice(why)),
            Status::NoVoice => Some(SpeechProblem::NoVoice),
        }
    }

    /// Reads `lines` aloud, stopping whatever was being read.
    pub fn read(&self, lines: Vec<Line>) {
        if let Some(s) = self.speech.as_ref().filter(|s| s.speaker.ready()) {
            s.speaker.say(lines);
        }
    }

    pub fn stop_reading(&self) {
        if let Some(s) = &self.speech {
            s.speaker.stop();
        }
    }

    /// Makes the clips of a screen ahead of a tap.
    pub fn prepare_reading(&self, lines: &[Line]) {
        if let Some(s) = self.speech.as_ref().filter(|s| s.speaker.ready()) {
            s.speaker.prepare(
                lines
                    .iter()
                    .map(|l| (l.lang.clone(), l.text.clone()))
                    .collect(),
            );
        }
    }

    /// The line being read (its id), for the screen to highlight.
    pub fn reading(&self) -> Option<String> {
        self.speech.as_ref().and_then(|s| s.speaker.reading())
    }

    /// Whether the patient answering has every screen read aloud.
    pub fn read_all(&self) -> bool {
        self.read_all
    }

    /// Switches "read everything" for the participant answering; kept
    /// with their data.
    pub fn set_read_all(&mut self, on: bool) -> Result<()> {
        let participant = self.reader.ok_or(CoreError::NoQuestionnaire)?;
        self.store()?.set_read_aloud(participant, on)?;
        self.read_all = on;
        if !on {
            self.stop_reading();
        }
        Ok(())
    }

    /// Staff switches "read everything" for a participant (on handing over).
    pub fn set_participant_read_all(&mut self, participant: Uuid, on: bool) -> Result<()> {
        self.store()?.set_read_aloud(participant, on)?;
        self.refresh();
        Ok(())
    }

    /// Follows the participant whose questionnaire was opened.
    pub(super) fn follow_reader(&mut self, participant: Option<Uuid>) -> Result<()> {
        self.reader = participant;
        self.read_all = match participant {
            Some(p) => self.store()?.read_aloud(p)?,
            None => false,
        };
        Ok(())
    }
}
