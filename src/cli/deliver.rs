//! `kohort deliver`, `upload`, `receipt`, `purge` and `batches`: the data
//! manager's commands, through the same app-core functions as the app's
//! data-manager page; this thread waits for the worker and prints.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};

use kohort::core::delivery::{self, Delivery, Route, UploadRequest, outbox};
use kohort_tablet::store::Store;
use kohort_tablet::sync::{Event, Target};

use super::passphrase::unlock;

/// Runs a delivery to the end, recording each delivered file.
fn deliver(
    store: &mut Store,
    outbox: &Path,
    route: Route,
    target: impl FnOnce() -> kohort::core::Result<Target>,
) -> Result<ExitCode> {
    let Some(mut d) = Delivery::begin(store, outbox, route, target)? else {
        println!(
            "nothing to deliver: every sealed batch is confirmed (seal new ones with `kohort export`)"
        );
        return Ok(ExitCode::SUCCESS);
    };
    let mut shown = 0u64;
    // A progress line is open (no newline yet) after "\r 70%".
    let mut open_line = false;
    while d.is_running() {
        for event in d.pump(store, true) {
            match event {
                Event::Progress { done, total, .. } => {
                    // A line per tenth, not per block.
                    let tenth = (done * 10).checked_div(total).unwrap_or(10);
                    if tenth > shown {
                        shown = tenth;
                        print!("\r{:>3}%", tenth * 10);
                        let _ = std::io::stdout().flush();
                        open_line = true;
                    }
                    continue;
                }
                // Anything else starts on a line of its own.
                _ if open_line => {
                    println!();
                    open_line = false;
                }
                _ => {}
            }
            match event {
                Event::Retrying {
                    file,
                    attempt,
                    wait,
                    reason,
                } => println!("{file}: {reason}; try {} in {wait:?}", attempt + 1),
                Event::Delivered(d) if !d.checked => println!(
                    "uploaded batch {} ({}, {} bytes) via {}: the server took it, but its \
                     check cannot see the file; the research store's receipt will confirm it",
                    d.seq,
                    d.name,
                    d.bytes,
                    d.via.describe()
                ),
                Event::Delivered(d) => println!(
                    "delivered batch {} ({}, {} bytes) via {}",
                    d.seq,
                    d.name,
                    d.bytes,
                    d.via.describe()
                ),
                Event::Skipped { seq, name, reason } => {
                    println!("SKIPPED batch {seq} ({name}): {reason}")
                }
                _ => {}
            }
        }
    }
    match &d.progress.failed {
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
    same_disk: bool,
    given_outbox: Option<&Path>,
    pass_file: Option<&Path>,
) -> Result<ExitCode> {
    let mut store = unlock(db, pass_file)?;
    deliver(&mut store, &outbox(db, given_outbox), Route::Folder, || {
        Ok(if same_disk {
            Target::LocalFolder(to.to_owned())
        } else {
            Target::Folder(to.to_owned())
        })
    })
}

pub fn upload(
    db: &Path,
    request: &UploadRequest,
    given_outbox: Option<&Path>,
    pass_file: Option<&Path>,
) -> Result<ExitCode> {
    let mut store = unlock(db, pass_file)?;
    deliver(&mut store, &outbox(db, given_outbox), Route::Tsd, || {
        request.target()
    })
}

fn list(v: &[u64]) -> String {
    if v.is_empty() {
        "none".to_owned()
    } else {
        v.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
    }
}

pub fn receipt(db: &Path, file: &Path, pass_file: Option<&Path>) -> Result<ExitCode> {
    let mut store = unlock(db, pass_file)?;
    let done = delivery::apply_receipt(&mut store, file)?;
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
    let r = delivery::purge(&mut store, &outbox(db, given_outbox), now)?;
    println!(
        "purged the answers of {} session(s) ({} answer rows) confirmed at least {days} day(s) ago; \
         batches now purged: {}; outbox files removed: {}",
        r.purged.sessions,
        r.purged.answers,
        list(&r.purged.batches),
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
    let store = super::passphrase::unlock_read_only(db, pass_file)?;
    let s = delivery::status(&store, &outbox(db, given_outbox), chrono::Utc::now())?;
    println!(
        "research key: {}",
        s.research_key.as_deref().unwrap_or("none set")
    );
    println!("outbox: {}", s.outbox.display());
    println!("completed sessions not yet in a batch: {}", s.unbatched);
    for b in &s.batches {
        let how = s
            .delivery_of(b.seq)
            .map(|d| {
                let unchecked = if d.checked {
                    ""
                } else {
                    " (not seen by the server's check)"
                };
                format!(
                    "  last delivered {} via {}{unchecked}",
                    d.at,
                    d.via.describe()
                )
            })
            .unwrap_or_default();
        let gone = if s.missing.contains(&b.seq) {
            "  FILE MISSING from the outbox"
        } else {
            ""
        };
        println!(
            "batch {:>4}  {:<9}  {} session(s)  sealed {}{how}{gone}",
            b.seq,
            b.state.as_str(),
            b.records,
            b.created_at
        );
    }
    if !s.missing.is_empty() {
        println!(
            "{} batch file(s) are missing from the outbox and cannot be delivered: {}; \
             see docs/guide-delivery.md, \"A batch file is missing\"",
            s.missing.len(),
            list(&s.missing)
        );
    }
    println!(
        "retention: {} day(s); {} session(s) can be purged now",
        s.retention_days, s.purge_eligible
    );
    Ok(ExitCode::SUCCESS)
}

/// The upload's arguments as the command line gives them.
pub fn upload_request(
    url: String,
    project: String,
    group: Option<String>,
    token_file: PathBuf,
) -> UploadRequest {
    UploadRequest {
        url,
        project,
        group,
        token_file,
    }
}
