//! A study's own recordings: `forms/audio/recordings.json` names, for each
//! recorded text, its language, the exact words and the file (a WAV under
//! `forms/audio/`). A file may also be put at `forms/audio/<lang>/<sha256
//! of the text>.wav` without being declared. Either way the recording is
//! found by [`ClipKey`], so when the wording of a text changes the old
//! recording is no longer used (and `forms check` says it is stale).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::clip::decode;
use crate::key::ClipKey;

/// The manifest's name inside the audio folder.
pub const MANIFEST: &str = "recordings.json";

/// One declared recording.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Recording {
    pub lang: String,
    /// The exact words recorded, as the form has them.
    pub text: String,
    /// The file, relative to the audio folder.
    pub file: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    #[serde(default)]
    pub recordings: Vec<Recording>,
}

/// Something wrong with a study's recordings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub what: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.what)
    }
}

impl Manifest {
    /// Reads `dir/recordings.json`; none there is an empty manifest.
    pub fn read(dir: &Path) -> Result<Manifest, Problem> {
        let path = dir.join(MANIFEST);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Manifest::default()),
            Err(e) => {
                return Err(Problem {
                    file: path,
                    what: format!("cannot be read: {e}"),
                });
            }
        };
        serde_json::from_str(&text).map_err(|e| Problem {
            file: path,
            what: format!("is not a valid recordings list: {e}"),
        })
    }

    /// The declared files by the key of the text they say.
    pub fn by_key(&self, dir: &Path) -> BTreeMap<ClipKey, PathBuf> {
        self.recordings
            .iter()
            .map(|r| (ClipKey::of(&r.lang, &r.text), dir.join(&r.file)))
            .collect()
    }
}

/// Checks the recordings in `dir` against the texts the forms have
/// (`texts`: language code and words): every declared file must exist,
/// decode and not be silent; a recording whose words no form has any
/// more (its text was reworded) is reported as stale.
pub fn check_recordings(dir: &Path, texts: &BTreeSet<ClipKey>) -> Vec<Problem> {
    let manifest = match Manifest::read(dir) {
        Ok(m) => m,
        Err(p) => return vec![p],
    };
    let mut problems = Vec::new();
    for r in &manifest.recordings {
        let file = dir.join(&r.file);
        if !texts.contains(&ClipKey::of(&r.lang, &r.text)) {
            problems.push(Problem {
                file: file.clone(),
                what: format!(
                    "recorded words no form has in '{}' (reworded?): \"{}\"",
                    r.lang, r.text
                ),
            });
        }
        if let Some(what) = check_file(&file) {
            problems.push(Problem { file, what });
        }
    }
    for lang in ["nb", "nn", "en"] {
        let Ok(entries) = std::fs::read_dir(dir.join(lang)) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            let hashed = stem.len() == 64 && stem.bytes().all(|b| b.is_ascii_hexdigit());
            if !hashed {
                continue;
            }
            let key = ClipKey {
                lang: lang.to_owned(),
                hash: stem.to_ascii_lowercase(),
            };
            if !texts.contains(&key) {
                problems.push(Problem {
                    file: path.clone(),
                    what: "named for words no form has any more (reworded?)".into(),
                });
            }
            if let Some(what) = check_file(&path) {
                problems.push(Problem { file: path, what });
            }
        }
    }
    problems
}

/// What is wrong with one recording file, if anything.
fn check_file(file: &Path) -> Option<String> {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Some("missing".into()),
        Err(e) => return Some(format!("cannot be read: {e}")),
    };
    match decode(&bytes) {
        Err(e) => Some(format!("unreadable: {e}")),
        Ok(c) if c.is_silent() => Some("silent (or shorter than 0.1 s)".into()),
        Ok(_) => None,
    }
}
