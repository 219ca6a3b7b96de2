//! `kohort manpage --out DIR` (hidden): the man pages, generated from the
//! command-line definition with clap_mangen. `kohort.1` gets the sections
//! clap does not know of (environment, files); every subcommand gets its own
//! page, `kohort-forms-check.1` and so on. The Debian package ships the copy
//! in `packaging/debian/man/`, which a test keeps up to date.

use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap_mangen::Man;

/// Roff of the sections that only the main page has.
const MAIN_EXTRA: &str = r#".SH ENVIRONMENT
.TP
\fBKOHORT_PASSPHRASE\fR
The staff passphrase for the commands that unlock a tablet database
(\fBexport\fR, \fBdevice set\-research\-key\fR, \fBdemo\fR) when no
\fB\-\-passphrase\-file\fR is given. Without either, they ask on the terminal.
The passphrase is never taken as a plain argument, which other users could
read from the process list.
.SH FILES
.TP
\fI~/.local/share/kohort/kohort.db\fR
The tablet database when \fB\-\-db\fR is not given (the platform's data
directory: \fI%APPDATA%\\kohort\fR on Windows). Answers, free text and
participant labels in it are sealed with the tablet's data key.
.TP
\fI/usr/share/kohort/forms/\fR
The study the Debian package installs; used when \fB\-\-forms\fR is not given
and there is no \fIforms/\fR folder in the working directory.
.TP
\fI/usr/bin/kohort\-kiosk\fR, \fI/etc/default/kohort\-kiosk\fR
Runs the app full screen in the \fBcage\fR(1) Wayland compositor, for a tablet
that boots straight into Kohort; see \fI/usr/share/doc/kohort/README.packaging.md\fR.
.SH SEE ALSO
\fBcage\fR(1)
"#;

pub fn write(cmd: clap::Command, out: &Path) -> Result<ExitCode> {
    fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    let mut written = Vec::new();
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        pages(sub, out, &mut written)?;
    }
    let path = out.join("kohort.1");
    let man = Man::new(cmd).source(source());
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    man.render_subcommands_section(&mut page)?;
    page.write_all(MAIN_EXTRA.as_bytes())?;
    man.render_version_section(&mut page)?;
    kohort_files::write_atomic(&path, &page)
        .with_context(|| format!("cannot write {}", path.display()))?;
    written.push(path);
    for p in &written {
        println!("wrote {}", p.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// The footer of every page: `kohort 0.1.0`.
fn source() -> String {
    format!("kohort {}", env!("CARGO_PKG_VERSION"))
}

/// One page for `cmd` and one for each of its visible subcommands.
fn pages(cmd: &clap::Command, out: &Path, written: &mut Vec<std::path::PathBuf>) -> Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        pages(sub, out, written)?;
    }
    let path = Man::new(cmd.clone())
        .source(source())
        .generate_to(out)
        .with_context(|| format!("cannot write a man page into {}", out.display()))?;
    written.push(path);
    Ok(())
}
