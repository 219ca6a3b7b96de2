//! `kohort store …`: the research store side (keys, import, trust).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Subcommand;

use kohort_batch::ResearchKeys;
use kohort_research::{FileOutcome, dataset, report};

#[derive(Subcommand)]
pub enum StoreCommand {
    /// Create the research key pair: DIR/research.key (keep it in the
    /// research store) and DIR/research.pub (for the tablets).
    Keygen {
        /// The folder to write research.key and research.pub into (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The study the key is for (the `id` in study.json).
        #[arg(long)]
        study: String,
    },
    /// Verify, open and merge batch files into STORE/research.db.
    Import {
        /// The folder holding research.key.
        #[arg(long, value_name = "DIR")]
        key: PathBuf,
        /// The folder of batch files (`*.kohort`).
        #[arg(long = "in", value_name = "DIR")]
        input: PathBuf,
        /// The research store folder; STORE/research.db is created on first import.
        #[arg(long, value_name = "DIR")]
        store: PathBuf,
        /// Accept batches from demo tablets (synthetic data); keep such a
        /// store apart from the study's.
        #[arg(long)]
        allow_demo: bool,
        /// Enrol every device on its first batch, without its fingerprint
        /// having been checked (a pilot only; a study enrols with `devices add`).
        #[arg(long)]
        enrol_unknown: bool,
    },
    /// Write the analysis files from STORE/research.db into OUT: a wide
    /// file per form, long.csv, participants, episodes, sessions and
    /// expected visits, codebooks, and for each data file a script for R,
    /// SPSS, Stata and SAS that reads it with missing codes as missing.
    Dataset {
        /// The research store folder holding research.db.
        #[arg(long, value_name = "DIR")]
        store: PathBuf,
        /// The study folder (default: `forms/` here, else the installed
        /// study); its id must be the study of the batches.
        #[arg(long, value_name = "DIR")]
        forms: Option<PathBuf>,
        /// The folder to write the analysis files into (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The day visit states are computed for (YYYY-MM-DD); today if not given.
        #[arg(long, value_name = "DATE")]
        as_of: Option<chrono::NaiveDate>,
        /// Start every CSV with a UTF-8 byte order mark, so Excel reads the
        /// letters right.
        #[arg(long)]
        excel: bool,
        /// Cells starting with = + - @ (not plain numbers): `quote` writes a
        /// leading ' so spreadsheets show text, `off` writes them as they are.
        #[arg(long, value_enum, default_value = "quote")]
        formula_guard: GuardArg,
        /// Random per-export ids for study codes and ids, dates shifted per
        /// participant, free text left out.
        #[arg(long)]
        deidentify: bool,
        /// Leave out every row of participants who withdrew consent (by
        /// default their rows are kept, flagged by withdrawn_at).
        #[arg(long)]
        exclude_withdrawn: bool,
    },
    /// Write the study's own report from STORE/research.db into OUT:
    /// report.html (self-contained, figures inline) and one CSV per table:
    /// follow-up flow, completeness, first versus last measurement of the
    /// outcomes the study file declares, symptoms, retention in treatment.
    Report {
        /// The research store folder holding research.db.
        #[arg(long, value_name = "DIR")]
        store: PathBuf,
        /// The study folder (default: `forms/` here, else the installed
        /// study); its id must be the study of the batches.
        #[arg(long, value_name = "DIR")]
        forms: Option<PathBuf>,
        /// The folder to write the report into (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The day the report is made for (YYYY-MM-DD); today if not given.
        /// Sessions, ends and withdrawals after it do not count.
        #[arg(long, value_name = "DATE")]
        as_of: Option<chrono::NaiveDate>,
        /// Show counts of 1-4, and statistics of fewer than 5
        /// participants, as <5 (for a report leaving the research store).
        #[arg(long)]
        suppress_small: bool,
        /// The report's language.
        #[arg(long, value_enum, default_value = "en")]
        lang: LangArg,
    },
    /// Devices and their signing keys.
    #[command(subcommand)]
    Devices(DevicesCommand),
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum GuardArg {
    Quote,
    Off,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum LangArg {
    En,
    Nb,
}

#[derive(Subcommand)]
pub enum DevicesCommand {
    /// Enrol a tablet by the fingerprint of its signing key, read off the
    /// tablet (settings page, "This tablet"; or `kohort device show`).
    /// Only enrolled tablets' batches are imported; others are held.
    Add {
        /// The fingerprint, as XXXX-XXXX-XXXX-XXXX.
        fingerprint: String,
        /// The site the tablet is used at.
        #[arg(long)]
        site: String,
        /// A name the clinic knows the tablet by (e.g. "Oslo tablet 2").
        #[arg(long)]
        name: String,
        /// The research store folder holding research.db.
        #[arg(long, value_name = "DIR")]
        store: PathBuf,
    },
    /// Enrolled tablets and the batches held for a decision.
    List {
        /// The research store folder holding research.db.
        #[arg(long, value_name = "DIR")]
        store: PathBuf,
    },
    /// Retire a tablet (by fingerprint or device id): its later batches
    /// are held; what it sent before stays.
    Retire {
        /// The fingerprint or the device id.
        device: String,
        /// The research store folder holding research.db.
        #[arg(long, value_name = "DIR")]
        store: PathBuf,
    },
    /// Reject a key nobody enrolled: its held batches are deleted and
    /// later ones refused.
    Reject {
        /// The fingerprint.
        fingerprint: String,
        /// The research store folder holding research.db.
        #[arg(long, value_name = "DIR")]
        store: PathBuf,
    },
    /// Accept that a tablet was restored from a backup and continues as a
    /// new device id (its batches say so and are held until then); prints
    /// which of the old id's batches came after the backup or never arrived.
    AcceptEpoch {
        /// The restored tablet's new device id (from the HELD line).
        device: String,
        /// The research store folder holding research.db.
        #[arg(long, value_name = "DIR")]
        store: PathBuf,
    },
    /// Trust the new key that signed FILE for its device (a tablet
    /// reinstalled with its old device id), once the fingerprint has been
    /// read at the clinic.
    Trust {
        /// A batch file signed with the device's new key.
        file: PathBuf,
        /// The fingerprint read on the tablet; it must match the file's key.
        #[arg(long)]
        fingerprint: String,
        /// The research store folder holding research.db.
        #[arg(long, value_name = "DIR")]
        store: PathBuf,
    },
}

pub fn run(cmd: StoreCommand) -> Result<ExitCode> {
    match cmd {
        StoreCommand::Keygen { out, study } => keygen(&out, &study),
        StoreCommand::Import {
            key,
            input,
            store,
            allow_demo,
            enrol_unknown,
        } => {
            let opts = kohort_research::ImportOptions {
                allow_demo,
                enrol_unknown,
            };
            import(&key, &input, &store, &opts)
        }
        StoreCommand::Dataset {
            store,
            forms,
            out,
            as_of,
            excel,
            formula_guard,
            deidentify,
            exclude_withdrawn,
        } => {
            let opts = dataset::Options {
                as_of,
                excel,
                formula_guard: match formula_guard {
                    GuardArg::Quote => dataset::FormulaGuard::Quote,
                    GuardArg::Off => dataset::FormulaGuard::Off,
                },
                deidentify,
                seed: None,
                exclude_withdrawn,
            };
            dataset_cmd(&store, &super::app::study_dir(forms)?, &out, &opts)
        }
        StoreCommand::Report {
            store,
            forms,
            out,
            as_of,
            suppress_small,
            lang,
        } => {
            let opts = report::Options {
                as_of,
                suppress_small,
                lang: match lang {
                    LangArg::En => kohort_form::Lang::En,
                    LangArg::Nb => kohort_form::Lang::Nb,
                },
            };
            report_cmd(&store, &super::app::study_dir(forms)?, &out, &opts)
        }
        StoreCommand::Devices(cmd) => devices(cmd),
    }
}

fn report_cmd(store: &Path, forms: &Path, out: &Path, opts: &report::Options) -> Result<ExitCode> {
    let (study, _) = kohort_form::study::load_study(forms)
        .with_context(|| format!("the forms in {} do not load", forms.display()))?;
    let w = report::write(store, &study, out, opts)?;
    for f in &w.files {
        println!("wrote {}", f.display());
    }
    println!(
        "{} participants, {} episodes, {} completed sessions{}",
        w.participants,
        w.episodes,
        w.sessions,
        if opts.suppress_small {
            "; counts of 1-4 shown as <5"
        } else {
            "; small counts shown: not for leaving the research store as it is"
        }
    );
    Ok(ExitCode::SUCCESS)
}

fn devices(cmd: DevicesCommand) -> Result<ExitCode> {
    use kohort_research::devices;
    match cmd {
        DevicesCommand::Add {
            fingerprint,
            site,
            name,
            store,
        } => {
            let held = devices::add(&store, &fingerprint, &site, &name)?;
            let fp = devices::normalise(&fingerprint)?;
            println!("enrolled {name} at {site}: key {fp}");
            if !held.is_empty() {
                let held_dir = store.join(devices::HELD_DIR);
                println!(
                    "{} batch(es) of this tablet wait in {}; import them with \
                     `kohort store import --in {} …`",
                    held.len(),
                    held_dir.display(),
                    held_dir.display()
                );
            }
        }
        DevicesCommand::List { store } => {
            let (enrolled, held) = devices::list(&store)?;
            if enrolled.is_empty() {
                println!("no tablets enrolled");
            }
            for e in &enrolled {
                let state = match &e.retired_at {
                    Some(at) => format!("RETIRED {at}"),
                    None => "enrolled".into(),
                };
                println!(
                    "{}  {} at {}  ({state} {} via {}; device {}; {} batches)",
                    e.fingerprint,
                    e.name,
                    e.site,
                    e.enrolled_at,
                    e.enrolled_via,
                    e.device_id.as_deref().unwrap_or("not seen yet"),
                    e.batches
                );
            }
            for h in &held {
                println!(
                    "HELD {}: batch {} of device {} (key {}): {}",
                    h.file_name, h.seq, h.device_id, h.fingerprint, h.reason
                );
            }
        }
        DevicesCommand::Retire { device, store } => {
            let id = devices::retire(&store, &device)?;
            println!("retired {id}: its later batches will be held");
        }
        DevicesCommand::Reject { fingerprint, store } => {
            let gone = devices::reject(&store, &fingerprint)?;
            println!(
                "rejected key {}: {} held batch(es) deleted, later ones will be refused",
                devices::normalise(&fingerprint)?,
                gone.len()
            );
        }
        DevicesCommand::AcceptEpoch { device, store } => {
            let a = kohort_research::epochs::accept(&store, &device)?;
            let e = &a.epoch;
            println!(
                "accepted: device {} continues device {} after its batch {} (epoch {}: {})",
                a.device, e.previous_device, e.after_seq, e.number, e.reason
            );
            let list = |s: &[u64]| s.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
            if a.after_backup.is_empty() {
                println!("no batch of {} came after the backup", e.previous_device);
            } else {
                println!(
                    "batches {} of {} came after the backup: what the restored tablet sends \
                     again is kept once (counted as already in the store); what it no longer \
                     has stays in the store from those batches",
                    list(&a.after_backup),
                    e.previous_device
                );
            }
            if !a.missing.is_empty() {
                println!(
                    "batches {} of {} never arrived: deliver them from the tablet's outbox if \
                     it still has them",
                    list(&a.missing),
                    e.previous_device
                );
            }
            match a.links {
                Some(true) => println!(
                    "its first batch follows batch {} of {} as the store has it",
                    e.after_seq, e.previous_device
                ),
                Some(false) => println!(
                    "WARNING: its first batch does not follow batch {} of {} as the store has \
                     it: the tablet sealed a batch after the restore before the new epoch",
                    e.after_seq, e.previous_device
                ),
                None => {}
            }
            println!(
                "{} held batch(es) of it: import them with `kohort store import --in {} …`",
                a.held.len(),
                store.join(devices::HELD_DIR).display()
            );
        }
        DevicesCommand::Trust {
            file,
            fingerprint,
            store,
        } => {
            let (device, fp) = kohort_research::trust::trust_file(&store, &file, &fingerprint)?;
            println!("device {device}: key {fp} is now trusted");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn dataset_cmd(
    store: &Path,
    forms: &Path,
    out: &Path,
    opts: &dataset::Options,
) -> Result<ExitCode> {
    let (study, _) = kohort_form::study::load_study(forms)
        .with_context(|| format!("the forms in {} do not load", forms.display()))?;
    let w = dataset::write(store, &study, out, opts)?;
    for f in &w.files {
        println!("wrote {}", f.display());
    }
    println!("{} sessions, {} variable rows", w.sessions, w.long_rows);
    if !w.unknown_forms.is_empty() {
        println!(
            "sessions of forms the study no longer has are in long.csv only: {}",
            w.unknown_forms.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn keygen(out: &Path, study: &str) -> Result<ExitCode> {
    if study.trim().is_empty() {
        bail!("--study must name the study");
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let (key_path, pub_path) = (out.join("research.key"), out.join("research.pub"));
    for p in [&key_path, &pub_path] {
        if p.exists() {
            bail!(
                "{} already exists; refusing to overwrite a key",
                p.display()
            );
        }
    }
    let keys = ResearchKeys::generate(study);
    let public = keys.public()?;
    kohort_files::write_new_private(&key_path, keys.render().as_bytes())
        .with_context(|| format!("cannot create {}", key_path.display()))?;
    kohort_files::write_atomic(&pub_path, public.render().as_bytes())
        .with_context(|| format!("cannot write {}", pub_path.display()))?;
    println!(
        "wrote {} (keep it in the research store only)",
        key_path.display()
    );
    println!("wrote {} (for the tablets)", pub_path.display());
    println!("fingerprint: {}", public.fingerprint());
    Ok(ExitCode::SUCCESS)
}

pub fn load_keys(dir: &Path) -> Result<ResearchKeys> {
    let path = dir.join("research.key");
    let text = zeroize::Zeroizing::new(kohort_files::read_small_text(&path, 16 << 10)?);
    ResearchKeys::parse(&text).with_context(|| format!("{}", path.display()))
}

fn import(
    key: &Path,
    input: &Path,
    store: &Path,
    opts: &kohort_research::ImportOptions,
) -> Result<ExitCode> {
    let keys = load_keys(key)?;
    let report = kohort_research::import_dir_with(&keys, input, store, opts)?;
    let mut unsettled = 0;
    for (path, outcome) in &report.files {
        let name = path.display();
        match outcome {
            FileOutcome::Imported {
                seq,
                new_sessions,
                known_sessions,
                ..
            } => {
                print!("imported {name}: batch {seq}, {new_sessions} new sessions");
                if *known_sessions > 0 {
                    print!(", {known_sessions} already in the store (kept as they were)");
                }
                println!();
            }
            FileOutcome::AlreadyImported { seq, .. } => {
                println!("already imported {name} (batch {seq}): nothing changed")
            }
            FileOutcome::Refused { reason } => println!("REFUSED {name}: {reason}"),
            FileOutcome::Held { reason, .. } => {
                unsettled += 1;
                println!("HELD {name}: {reason}")
            }
            FileOutcome::Skipped { reason } => {
                // Something named like a batch that was not read is a
                // problem; other files in the folder are only listed.
                if path
                    .extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("kohort"))
                {
                    unsettled += 1;
                }
                println!("skipped {name}: {reason}")
            }
        }
    }
    for (device, s) in &report.devices {
        print!(
            "device {device}: {} imported now, {} already imported, {} in the store",
            s.imported_now, s.already_imported, s.total
        );
        if s.gaps.is_empty() {
            println!(", no gaps");
        } else {
            let gaps: Vec<String> = s.gaps.iter().map(u64::to_string).collect();
            println!(", MISSING batches {}", gaps.join(", "));
        }
        if let Some(r) = &s.receipt {
            println!("  receipt: {}", r.display());
        }
    }
    let refused = report.refused().count();
    if !report.files.iter().any(|(p, _)| {
        p.extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("kohort"))
    }) {
        println!("no batch files (*.kohort) in {}", input.display());
    }
    if refused > 0 {
        println!("{refused} file(s) refused: nothing of them was imported");
    }
    if unsettled > 0 {
        println!("{unsettled} batch file(s) held or skipped: not imported (see above)");
    }
    if refused + unsettled > 0 {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
