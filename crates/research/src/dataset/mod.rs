//! `kohort store dataset`: analysis files from the research database and
//! the study's forms (the layout is documented in `docs/dataset.md`).
//!
//! Data files (`long.csv`, `wide_<form>.csv` for every form of the study,
//! `participants.csv`, `episodes.csv`, `sessions.csv`, `visits.csv`) are
//! each described by one [`table::Table`], from which the CSV, its column
//! spec and a script per tool (R, SPSS, Stata, SAS) that reads it, labels
//! it and makes every missing-data code missing are written. Codebooks,
//! `colspec.json` and `manifest.json` (a SHA-256 of every file) go beside.

mod columns;
mod deidentify;
mod dictionary;
pub mod model;
mod people;
pub(crate) mod place;
mod scripts;
mod spec;
pub mod table;
pub(crate) mod visits;
mod wide;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use kohort_form::study::Study;
use sha2::{Digest, Sha256};

use crate::db;
use crate::error::{ResearchError, Result};

pub use wide::{cell, render};

/// What a cell starting like a spreadsheet formula gets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FormulaGuard {
    /// A leading `'`, so a spreadsheet shows it as text (the default).
    #[default]
    Quote,
    /// Written as it is (for tools that never evaluate cells).
    Off,
}

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The day visit states are computed for; today when `None`.
    pub as_of: Option<NaiveDate>,
    /// A UTF-8 byte order mark first in every CSV, for Excel.
    pub excel: bool,
    pub formula_guard: FormulaGuard,
    /// Random ids for study codes and ids, dates shifted per participant,
    /// free text dropped.
    pub deidentify: bool,
    /// Seed for [`Options::deidentify`]; random when `None` (tests fix it).
    pub seed: Option<u64>,
    /// Leave out every row of participants who withdrew consent.
    pub exclude_withdrawn: bool,
}

/// What [`write`] wrote.
#[derive(Clone, Debug, Default)]
pub struct Written {
    pub files: Vec<PathBuf>,
    pub sessions: usize,
    pub long_rows: usize,
    /// Sessions of forms the study does not have: in `long.csv` only.
    pub unknown_forms: Vec<String>,
}

/// A file written, for the manifest.
pub(crate) struct FileEntry {
    pub name: String,
    pub sha256: String,
    pub bytes: usize,
    pub rows: Option<usize>,
}

struct Out<'a> {
    dir: &'a Path,
    written: Written,
    entries: Vec<FileEntry>,
}

impl Out<'_> {
    /// Writes one file atomically and notes its hash for the manifest.
    fn put(&mut self, name: &str, bytes: &[u8], rows: Option<usize>) -> Result<()> {
        let path = self.dir.join(name);
        kohort_files::write_atomic(&path, bytes).map_err(|source| ResearchError::Io {
            path: path.clone(),
            source,
        })?;
        self.entries.push(FileEntry {
            name: name.to_owned(),
            sha256: hex::encode(Sha256::digest(bytes)),
            bytes: bytes.len(),
            rows,
        });
        self.written.files.push(path);
        Ok(())
    }
}

/// The store's rows, refused when its batches are for another study than
/// the forms given.
pub(crate) fn load(store_dir: &Path, study: &Study) -> Result<model::Data> {
    let conn = db::open(store_dir, false)?;
    let data = model::read(&conn)?;
    drop(conn);
    let ids: BTreeSet<&str> = data.batches.iter().map(|b| b.study_id.as_str()).collect();
    if let Some(other) = ids.into_iter().find(|id| *id != study.id) {
        return Err(ResearchError::StudyMismatch {
            store: other.to_owned(),
            forms: study.id.clone(),
        });
    }
    Ok(data)
}

/// Writes every analysis file of the store into `out`, for `study`.
pub fn write(store_dir: &Path, study: &Study, out: &Path, opts: &Options) -> Result<Written> {
    let mut data = load(store_dir, study)?;
    if opts.exclude_withdrawn {
        deidentify::drop_withdrawn(&mut data);
    }
    let places = place::places(study, &data);
    let as_of = opts
        .as_of
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let visits = visits::table(study, &data, &places, as_of);
    // Health data in clear: the folder is its owner's only (the files are
    // written 0600 by the atomic writer).
    db::private_dir(out).map_err(|source| ResearchError::Io {
        path: out.to_owned(),
        source,
    })?;
    let mut o = Out {
        dir: out,
        written: Written::default(),
        entries: Vec::new(),
    };
    let mut tables = vec![
        people::participants(&data),
        people::episodes(&data),
        people::sessions(&data, &places),
        visits,
        wide::long(&data, &places),
    ];
    for form in study.forms() {
        tables.push(wide::wide(study, form, &data, &places));
    }
    // Schedules and places are computed on the true dates, before a shift.
    if opts.deidentify {
        deidentify::apply(&mut tables, study, &data, opts.seed);
    }
    o.written.sessions = data.sessions.len();
    o.written.long_rows = tables
        .iter()
        .find(|t| t.stem == "long")
        .map_or(0, |t| t.rows.len());
    let known: BTreeSet<&str> = study.forms().map(|f| f.id.as_str()).collect();
    let unknown: BTreeSet<&str> = data
        .sessions
        .iter()
        .map(|s| s.form.as_str())
        .filter(|f| !known.contains(f))
        .collect();
    o.written.unknown_forms = unknown.into_iter().map(str::to_owned).collect();
    for t in &tables {
        o.put(
            &t.file(),
            &t.csv(opts.excel, opts.formula_guard),
            Some(t.rows.len()),
        )?;
        for (name, text) in scripts::all(t, opts) {
            o.put(&name, text.as_bytes(), None)?;
        }
    }
    let bom = |s: String| {
        if opts.excel {
            format!("\u{feff}{s}")
        } else {
            s
        }
    };
    o.put(
        "codebook.csv",
        bom(dictionary::codebook(study, &data)).as_bytes(),
        None,
    )?;
    o.put(
        "codebook_forms.csv",
        bom(dictionary::forms(study)).as_bytes(),
        None,
    )?;
    o.put(
        "data_dictionary.csv",
        bom(dictionary::redcap(study)).as_bytes(),
        None,
    )?;
    o.put("colspec.json", spec::colspec(&tables).as_bytes(), None)?;
    let manifest = spec::manifest(study, &data, opts, as_of, &o.entries);
    o.put("manifest.json", manifest.as_bytes(), None)?;
    Ok(o.written)
}
