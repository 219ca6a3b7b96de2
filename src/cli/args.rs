//! The command line's words: every subcommand and its options, as clap
//! reads them (`kohort --help`, the man pages).

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "kohort",
    version,
    about = "Longitudinal questionnaires on clinic tablets",
    long_about = "Longitudinal questionnaires on clinic tablets. With no subcommand, \
opens the tablet app: set-up on a new database, otherwise the staff unlock \
screen. The subcommands check and document form files, export sealed \
batches, configure the tablet and run the research store's side."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The tablet database (default: kohort.db in the platform's data
    /// directory, e.g. ~/.local/share/kohort/ on Linux).
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// The study folder (default: the bundled forms/).
    #[arg(long, value_name = "DIR")]
    pub forms: Option<PathBuf>,
    /// Kiosk: full screen without window decorations on every screen, and
    /// the window ignores requests to close it (for `cage` or Assigned Access).
    #[arg(long)]
    pub kiosk: bool,
}

#[derive(Subcommand)]
pub enum Command {
    /// Check, outline and document form files.
    #[command(subcommand)]
    Forms(FormsCommand),
    /// Check the audit log of a tablet database.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Seal completed, not yet exported sessions into the next batch file.
    Export {
        /// The tablet database.
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        /// The folder to write `<device>-<seq>.kohort` into (default: the
        /// outbox, `outbox/` beside the database, where delivery finds it).
        #[arg(long, value_name = "DIR")]
        to: Option<PathBuf>,
        /// Instead of sealing new sessions, seal again the batches whose
        /// files are missing from the outbox (and the ones after them),
        /// from the answers still on the tablet; only batches never delivered.
        #[arg(long)]
        reseal: bool,
        /// Read the staff passphrase from this file (else KOHORT_PASSPHRASE, else a prompt).
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },
    /// Copy every batch not yet confirmed from the outbox to a folder (a
    /// USB stick) with a manifest, sync, read back, and mark them delivered.
    Deliver {
        /// The tablet database.
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        /// The folder, e.g. the mounted USB stick; it must exist.
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
        /// Accept a folder on the tablet's own disk (practice on one
        /// machine); without it such a folder is refused as "not a stick".
        #[arg(long)]
        same_disk: bool,
        /// Where the sealed batch files are (default: `outbox/` beside the database).
        #[arg(long, value_name = "DIR")]
        outbox: Option<PathBuf>,
        /// Read the staff passphrase from this file (else KOHORT_PASSPHRASE, else a prompt).
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },
    /// Upload every batch not yet confirmed to the TSD file API, check it
    /// arrived, and mark it delivered.
    Upload {
        /// The tablet database.
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        /// The file API's address, e.g. https://api.tsd.usit.no (https only).
        #[arg(long, value_name = "URL")]
        url: String,
        /// The TSD project, e.g. p11.
        #[arg(long, value_name = "PROJECT")]
        project: String,
        /// A file holding the upload token (never give the token itself as an argument).
        #[arg(long, value_name = "FILE")]
        token_file: PathBuf,
        /// The group folder (default: {project}-member-group).
        #[arg(long, value_name = "GROUP")]
        group: Option<String>,
        /// Where the sealed batch files are (default: `outbox/` beside the database).
        #[arg(long, value_name = "DIR")]
        outbox: Option<PathBuf>,
        /// Read the staff passphrase from this file (else KOHORT_PASSPHRASE, else a prompt).
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },
    /// Apply a receipt from the research store: the batches it lists become
    /// confirmed (and may be purged after the retention period).
    Receipt {
        /// The `.receipt` file written by `kohort store import`.
        file: PathBuf,
        /// The tablet database.
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        /// Read the staff passphrase from this file (else KOHORT_PASSPHRASE, else a prompt).
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },
    /// Remove the answers of sessions whose batches the research store
    /// confirmed at least the retention period ago. Nothing unconfirmed.
    Purge {
        /// The tablet database.
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        /// Only say how many sessions would be purged.
        #[arg(long)]
        dry_run: bool,
        /// Where the sealed batch files are (default: `outbox/` beside the database).
        #[arg(long, value_name = "DIR")]
        outbox: Option<PathBuf>,
        /// Read the staff passphrase from this file (else KOHORT_PASSPHRASE, else a prompt).
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },
    /// List the batches of this tablet with their delivery state.
    Batches {
        /// The tablet database.
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        /// Where the sealed batch files are (default: `outbox/` beside the database).
        #[arg(long, value_name = "DIR")]
        outbox: Option<PathBuf>,
        /// Read the staff passphrase from this file (else KOHORT_PASSPHRASE, else a prompt).
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },
    /// Settings of this tablet.
    #[command(subcommand)]
    Device(super::export::DeviceCommand),
    /// The research store: keys, import of batches, analysis files.
    #[command(subcommand)]
    Store(super::research::StoreCommand),
    /// Fill a database with synthetic participants and answered questionnaires.
    Demo {
        /// The database to fill; created (as "demo tablet") when it does not exist.
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        /// How many participants to enrol.
        #[arg(long, default_value_t = 10)]
        participants: usize,
        /// Seed of the random answers: the same seed gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The study folder (default: `forms/` here, else the installed study).
        #[arg(long, value_name = "DIR")]
        forms: Option<PathBuf>,
        /// Read the staff passphrase from this file (else KOHORT_PASSPHRASE, else a prompt).
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },
    /// Print one episode's schedule: each form's target date, window and state.
    Schedule {
        /// The episode's anchor date (YYYY-MM-DD).
        #[arg(long)]
        anchor: NaiveDate,
        /// The episode's end date, if it has ended.
        #[arg(long)]
        end: Option<NaiveDate>,
        /// The day the states are for; default today.
        #[arg(long)]
        today: Option<NaiveDate>,
        /// The study folder (default: `forms/` here, else the installed study).
        #[arg(long, value_name = "DIR")]
        forms: Option<PathBuf>,
        /// The language of the form titles.
        #[arg(long, value_enum, default_value_t = LangArg::Nb)]
        lang: LangArg,
    },
    /// Write the man pages (kohort.1 and one per subcommand) into a folder.
    #[command(hide = true)]
    Manpage {
        /// The folder to write into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum TextArg {
    Normal,
    Large,
    Larger,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum LangArg {
    /// Norwegian bokmål.
    Nb,
    /// Norwegian nynorsk.
    Nn,
    /// English.
    En,
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Verify every page of the database and the audit chain; prints the
    /// first broken link.
    Verify {
        /// The tablet database.
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        /// Read the staff passphrase from this file (else KOHORT_PASSPHRASE, else a prompt).
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum FormsCommand {
    /// Check study folders or instrument files; prints every problem and
    /// exits non-zero when there is an error.
    Check {
        /// Study folders, `study.json` files or instrument files.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Also list every text without this language (bokmål is shown in
        /// its place), e.g. `--lang nn`.
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
    },
    /// Print one instrument as indented text with variable names, codes and
    /// skip conditions.
    Outline {
        /// The instrument file, e.g. forms/housing.json.
        file: PathBuf,
    },
    /// Try a form in patient mode; nothing is saved.
    Preview {
        /// The study folder (default: `forms/` here, else the installed study).
        #[arg(long, value_name = "DIR")]
        forms: Option<PathBuf>,
        /// A form id of the study, e.g. `baseline`.
        form: String,
        /// Open on this item's screen.
        #[arg(long)]
        at: Option<String>,
        /// Window size in pixels.
        #[arg(long, default_value = "1280x800", value_parser = parse_size)]
        size: [f32; 2],
        /// The text size the patient chose.
        #[arg(long, value_enum, default_value_t = TextArg::Normal)]
        text: TextArg,
        /// The language shown.
        #[arg(long, value_enum, default_value_t = LangArg::Nb)]
        lang: LangArg,
        /// Open in the high-contrast look (white on black).
        #[arg(long)]
        high_contrast: bool,
    },
    /// Write DIR/codes.lock.json: every variable's type and option codes.
    ///
    /// Refuses when the forms remove a locked variable, change its type or
    /// take away one of its codes. New variables and codes are added.
    Lock {
        /// The study folder.
        #[arg(value_name = "DIR", default_value = "forms")]
        dir: PathBuf,
        /// Compare the forms with the lock without writing it.
        #[arg(long)]
        check: bool,
    },
    /// Write the codebook: every variable with its texts, type, range,
    /// codes and skip condition, and the missing-data codes.
    Codebook {
        /// The study folder.
        #[arg(value_name = "DIR", default_value = "forms")]
        dir: PathBuf,
        /// Markdown for reading, CSV for tools.
        #[arg(long, value_enum)]
        format: CodebookFormat,
        /// Write to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Check that every text of the study's patient forms can be heard in
    /// every language: a recording of the study (DIR/audio), a kept
    /// synthetic clip, or espeak-ng. Lists what has no sound and exits
    /// non-zero when anything has none.
    Audio {
        /// The study folder.
        #[arg(value_name = "DIR", default_value = "forms")]
        dir: PathBuf,
        /// Make (with espeak-ng) and keep every clip that has no recording.
        #[arg(long)]
        render: bool,
        /// The folder of kept clips (default: the app's, in the user's cache).
        #[arg(long, value_name = "DIR")]
        cache: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum CodebookFormat {
    /// Markdown.
    Md,
    /// Comma-separated values, one row per variable.
    Csv,
}

/// `1280x800` → `[1280.0, 800.0]`.
pub fn parse_size(s: &str) -> Result<[f32; 2], String> {
    let (w, h) = s
        .split_once('x')
        .ok_or("expected WIDTHxHEIGHT, e.g. 1280x800")?;
    let n = |v: &str| {
        v.parse::<f32>()
            .map_err(|_| format!("'{v}' is not a number"))
    };
    Ok([n(w)?, n(h)?])
}

impl From<LangArg> for kohort_form::Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::Nb => kohort_form::Lang::Nb,
            LangArg::Nn => kohort_form::Lang::Nn,
            LangArg::En => kohort_form::Lang::En,
        }
    }
}
