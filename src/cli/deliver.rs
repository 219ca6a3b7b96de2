//! `kohort deliver`, `upload`, `receipt`, `purge` and `batches`: the data
//! manager's commands. Each delivery runs through the same worker as the
//! app's data-manager screen; this thread records what it reports.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use zeroize::Zeroizing;

use kohort_tablet::store::Store;
use kohort_tablet::sync::{self, Event, Status, Target, Transfer, Tsd};

use super::export::unlock;

/// The outbox: `--outbox`, else `outbox/` beside the database.
fn outbox(db: &Path, given: Option<&Path>) -> PathBuf {
    given.map_or_else(|| sync::outbox(db), Path::to_owned)
}

/// Runs a delivery to the end, recording each delivered file.
fn deliver(store: &mut Store, outbox: &Path, target: Target) -> Result<ExitCode> {
    let plan = sync::plan(store, outbox)?;
    if plan.files.is_empty() {
        println!(
            "nothing to deliver: every sealed batch is confirmed (seal new ones with `kohort export`)"
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!("delivering {} batch file(s)", plan.files.len());
    let mut transfer = Transfer::spawn(plan, target);
    let mut failed = None;
    let mut shown = 0u64;
    while let Some(event) = transfer.wait() {
        transfer.record(store, &event)?;
        match event {
            Event::Progress { done, total, .. } => {
                // A line per tenth, not per block.
                let tenth = (done * 10).checked_div(total).unwrap_or(10);
                if tenth > shown {
                    shown = tenth;
                    print!("\r{:>3}%", tenth * 10);
                    let _ = std::io::stdout().flush();
                }
            }
            Event::Retrying {
                file,
                attempt,
                wait,
                reason,
            } => println!("\n{file}: {reason}; try {} in {wait:?}", attempt + 1),
            Event::Delivered(d) => println!(
                "\ndelivered batch {} ({}, {} bytes) via {}",
                d.seq,
                d.name,
                d.bytes,
                d.via.describe()
            ),
            Event::Finished(why) => failed = why,
        }
    }
    match failed {
        None => {
            println!("done; the batches stay until a receipt confirms them (`kohort receipt`)");
            Ok(ExitCode::SUCCESS)
        }
        Some(why) => bail!("not everything was delivered: {why}"),
    }
}

pub fn folder(
    db: &Path,
    to: &Path,
    given_outbox: Option<&Path>,
    pass_file: Option<&Path>,
) -> Result<ExitCode> {
    let mut store = unlock(db, pass_file)?;
    deliver(
        &mut store,
        &outbox(db, given_outbox),
        Target::Folder(to.to_owned()),
    )
}

pub struct UploadArgs<'a> {
    pub url: &'a str,
    pub project: &'a str,
    pub group: Option<&'a str>,
    pub token_file: &'a Path,
    pub outbox: Option<&'a Path>,
}

pub fn upload(db: &Path, a: &UploadArgs<'_>, pass_file: Option<&Path>) -> Result<ExitCode> {
    let token = Zeroizing::new(
        std::fs::read_to_string(a.token_file)
            .with_context(|| format!("cannot read the token file {}", a.token_file.display()))?,
    );
    let tsd = Tsd::new(a.url, a.project, a.group, &token)?;
    let mut store = unlock(db, pass_file)?;
    deliver(&mut store, &outbox(db, a.outbox), Target::Tsd(tsd))
}

pub fn receipt(db: &Path, file: &Path, pass_file: Option<&Path>) -> Result<ExitCode> {
    let text = sync::read_receipt(file)?;
    let mut store = unlock(db, pass_file)?;
    let done = sync::apply_receipt(&mut store, &text)?;
    let list = |v: &[u64]| {
        if v.is_empty() {
            "none".to_owned()
        } else {
            v.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
        }
    };
    println!(
        "receipt verified: confirmed batch(es) {}; already confirmed: {}",
        list(&done.newly),
        list(&done.already)
    );
    Ok(ExitCode::SUCCESS)
}

pub fn purge(
    db: &Path,
    dry_run: bool,
    given_outbox: Option<&Path>,
    pass_file: Option<&Path>,
) -> Result<ExitCode> {
    let mut store = unlock(db, pass_file)?;
    let now = chrono::Utc::now();
    let days = store.retention_days()?;
    if dry_run {
        println!(
            "{} session(s) confirmed at least {days} day(s) ago would have their answers purged",
            store.purge_eligible(now)?
        );
        return Ok(ExitCode::SUCCESS);
    }
    let r = sync::purge(&mut store, &outbox(db, given_outbox), now)?;
    println!(
        "purged the answers of {} session(s) ({} answer rows) confirmed at least {days} day(s) ago; \
         batches now purged: {}; outbox files removed: {}",
        r.purged.sessions,
        r.purged.answers,
        if r.purged.batches.is_empty() {
            "none".to_owned()
        } else {
            r.purged
                .batches
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        },
        r.files_removed
    );
    for left in &r.files_left {
        eprintln!("warning: could not remove {left}");
    }
    if !r.purged.checkpointed {
        eprintln!(
            "warning: the database is open elsewhere, so the write-ahead log was not emptied; \
             close the app and run `kohort purge` again"
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn batches(
    db: &Path,
    given_outbox: Option<&Path>,
    pass_file: Option<&Path>,
) -> Result<ExitCode> {
    let store = unlock(db, pass_file)?;
    let outbox = outbox(db, given_outbox);
    let s = Status::load(&store, &outbox, chrono::Utc::now())?;
    println!(
        "research key: {}",
        s.research_key.as_deref().unwrap_or("none set")
    );
    println!("outbox: {}", s.outbox.display());
    println!("completed sessions not yet in a batch: {}", s.unbatched);
    for b in &s.batches {
        let how = s
            .delivery_of(b.seq)
            .map(|d| format!("  last delivered {} via {}", d.at, d.via.describe()))
            .unwrap_or_default();
        println!(
            "batch {:>4}  {:<9}  {} session(s)  sealed {}{how}",
            b.seq,
            b.state.as_str(),
            b.records,
            b.created_at
        );
    }
    println!(
        "retention: {} day(s); {} session(s) can be purged now",
        s.retention_days, s.purge_eligible
    );
    Ok(ExitCode::SUCCESS)
}

pub fn set_retention(db: &Path, days: u32, pass_file: Option<&Path>) -> Result<ExitCode> {
    let mut store = unlock(db, pass_file)?;
    store.set_retention_days(days)?;
    println!("confirmed answers are now kept {days} day(s) before a purge may remove them");
    Ok(ExitCode::SUCCESS)
}
