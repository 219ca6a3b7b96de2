//! `kohort forms audio`: whether every text of a study's patient forms
//! can be heard in every language, and (`--render`) making the synthetic
//! clips ahead. Also the recordings part of `kohort forms check`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use kohort::core::read_aloud::{study_lines, study_texts};
use kohort_form::study::Study;
use kohort_form::{Lang, Problem, Severity};
use kohort_speech::{ClipLibrary, Espeak, From, check_recordings};

/// Where the app keeps synthetic clips: the user's cache folder.
pub fn default_cache() -> PathBuf {
    dirs::cache_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("kohort/speech")
}

/// The study's recordings that are missing, unreadable, silent or of
/// words no form has any more, and its pictures that are missing or
/// unreadable, as problems for `forms check`.
pub fn recording_problems(dir: &Path, study: &Study) -> Vec<Problem> {
    let audio = dir.join("audio");
    let pictures = kohort::core::media::problems(dir, study)
        .into_iter()
        .map(|(file, why)| Problem {
            severity: Severity::Error,
            file,
            item: None,
            path: String::new(),
            message: format!("picture {why}"),
        });
    if !audio.is_dir() {
        return pictures.collect();
    }
    check_recordings(&audio, &study_texts(study, &Lang::ALL))
        .into_iter()
        .map(|p| Problem {
            severity: Severity::Error,
            file: p.file.display().to_string(),
            item: None,
            path: String::new(),
            message: format!("recording {}", p.what),
        })
        .chain(pictures)
        .collect()
}

#[derive(Default)]
struct Count {
    recorded: usize,
    kept: usize,
    voiced: usize,
    missing: Vec<String>,
}

pub fn audio(dir: &Path, render: bool, cache: Option<PathBuf>) -> Result<ExitCode> {
    let Some(study) = super::forms::load_study(dir) else {
        return Ok(ExitCode::FAILURE);
    };
    let cache = cache.unwrap_or_else(default_cache);
    let espeak = Espeak::find();
    if espeak.is_none() {
        println!("espeak-ng was not found: only recordings and kept clips count");
    }
    let (library, broken) = ClipLibrary::new(Some(&dir.join("audio")), Some(&cache), espeak);
    let mut failed = false;
    if let Some(p) = broken {
        println!("error: {p}");
        failed = true;
    }
    for p in recording_problems(dir, &study) {
        println!("{p}");
        failed = true;
    }
    let mut counts: BTreeMap<&str, Count> = BTreeMap::new();
    for line in study_lines(&study, &Lang::ALL) {
        let lang = Lang::from_code(&line.lang).map_or("?", Lang::code);
        let c = counts.entry(lang).or_default();
        let from = if render {
            library.prepare(&line.lang, &line.text).ok()
        } else {
            library.source(&line.lang, &line.text)
        };
        match from {
            Some(From::Recording) => c.recorded += 1,
            Some(From::Cache) => c.kept += 1,
            Some(From::Synthesised) if render => c.kept += 1,
            Some(From::Synthesised) => c.voiced += 1,
            None => c.missing.push(line.text),
        }
    }
    for (lang, c) in &counts {
        let total = c.recorded + c.kept + c.voiced + c.missing.len();
        println!(
            "{lang}: {total} texts: {} recorded by the study, {} kept synthetic clips, \
             {} made by espeak-ng when first read, {} without sound",
            c.recorded,
            c.kept,
            c.voiced,
            c.missing.len()
        );
        for text in &c.missing {
            println!("  no sound ({lang}): {text}");
        }
        failed |= !c.missing.is_empty();
    }
    if render {
        println!("clips kept in {}", cache.display());
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
