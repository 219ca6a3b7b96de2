//! The subcommands of `kohort`, one file per group; `args` holds what
//! clap reads. Each command calls the app core or the crates below it; the
//! tablet's data-manager commands share their functions with the app.

pub mod app;
pub mod args;
pub mod audio;
pub mod audit;
pub mod deliver;
pub mod demo;
pub mod export;
pub mod forms;
pub mod manpage;
pub mod passphrase;
pub mod research;
pub mod schedule;

use std::process::ExitCode;

use anyhow::Result;
use clap::CommandFactory;

use args::{AuditCommand, Cli, CodebookFormat, Command, FormsCommand, TextArg};
use kohort::ui::theme::TextSize;

/// Runs what the command line asked for.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        None => app::run(cli.db, cli.forms, cli.kiosk),
        Some(Command::Forms(FormsCommand::Check { paths, lang })) => {
            Ok(forms::check(&paths, lang.map(Into::into)))
        }
        Some(Command::Forms(FormsCommand::Outline { file })) => forms::outline(&file),
        Some(Command::Forms(FormsCommand::Preview {
            forms,
            form,
            at,
            size,
            text,
            lang,
            high_contrast,
        })) => app::study_dir(forms).and_then(|d| {
            let text = match text {
                TextArg::Normal => TextSize::Normal,
                TextArg::Large => TextSize::Large,
                TextArg::Larger => TextSize::Larger,
            };
            let look = (text, lang.into(), high_contrast);
            forms::preview(&d, &form, at.as_deref(), size, look)
        }),
        Some(Command::Forms(FormsCommand::Lock { dir, check })) => forms::lock(&dir, check),
        Some(Command::Forms(FormsCommand::Audio { dir, render, cache })) => {
            audio::audio(&dir, render, cache)
        }
        Some(Command::Forms(FormsCommand::Codebook { dir, format, out })) => {
            let format = match format {
                CodebookFormat::Md => kohort_form::codebook::Format::Markdown,
                CodebookFormat::Csv => kohort_form::codebook::Format::Csv,
            };
            forms::codebook(&dir, format, out.as_deref())
        }
        Some(Command::Audit(AuditCommand::Verify {
            db,
            passphrase_file,
        })) => audit::verify(&db, passphrase_file.as_deref()),
        Some(Command::Manpage { out }) => manpage::write(Cli::command(), &out),
        Some(Command::Export {
            db,
            to,
            reseal,
            passphrase_file,
        }) => export::export(&db, to.as_deref(), reseal, passphrase_file.as_deref()),
        Some(Command::Deliver {
            db,
            to,
            same_disk,
            outbox,
            passphrase_file,
        }) => deliver::folder(
            &db,
            &to,
            same_disk,
            outbox.as_deref(),
            passphrase_file.as_deref(),
        ),
        Some(Command::Upload {
            db,
            url,
            project,
            token_file,
            group,
            outbox,
            passphrase_file,
        }) => deliver::upload(
            &db,
            &deliver::upload_request(url, project, group, token_file),
            outbox.as_deref(),
            passphrase_file.as_deref(),
        ),
        Some(Command::Receipt {
            file,
            db,
            passphrase_file,
        }) => deliver::receipt(&db, &file, passphrase_file.as_deref()),
        Some(Command::Purge {
            db,
            dry_run,
            outbox,
            passphrase_file,
        }) => deliver::purge(&db, dry_run, outbox.as_deref(), passphrase_file.as_deref()),
        Some(Command::Batches {
            db,
            outbox,
            passphrase_file,
        }) => deliver::batches(&db, outbox.as_deref(), passphrase_file.as_deref()),
        Some(Command::Device(cmd)) => export::device(cmd),
        Some(Command::Store(cmd)) => research::run(cmd),
        Some(Command::Demo {
            db,
            participants,
            seed,
            forms,
            passphrase_file,
        }) => app::study_dir(forms)
            .and_then(|d| demo::run(&db, &d, participants, seed, passphrase_file.as_deref())),
        Some(Command::Schedule {
            anchor,
            end,
            today,
            forms,
            lang,
        }) => app::study_dir(forms).and_then(|forms| {
            schedule::run(
                &forms,
                kohort_form::schedule::EpisodeDates { anchor, end },
                today.unwrap_or_else(|| chrono::Local::now().date_naive()),
                lang.into(),
            )
        }),
    }
}
