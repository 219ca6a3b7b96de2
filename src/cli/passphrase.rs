//! Where a CLI command gets the staff passphrase: `--passphrase-file`,
//! then `KOHORT_PASSPHRASE`, then a prompt on the terminal. Never a plain
//! argument, which other users could read from the process list.

use std::path::Path;

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use zeroize::Zeroizing;

use kohort::core::Credential;
use kohort_tablet::store::Store;

pub const ENV: &str = "KOHORT_PASSPHRASE";

/// A passphrase file holds a line, not a disk: anything larger is refused.
const MAX_FILE: u64 = 4 << 10;

pub fn read(file: Option<&Path>, prompt: &str) -> Result<Zeroizing<String>> {
    if let Some(file) = file {
        let text = Zeroizing::new(
            kohort_files::read_small_text(file, MAX_FILE)
                .with_context(|| format!("cannot use the passphrase file {}", file.display()))?,
        );
        // Only the line ending is stripped; inner spaces belong to the passphrase.
        return Ok(Zeroizing::new(
            text.trim_end_matches(['\r', '\n']).to_owned(),
        ));
    }
    match std::env::var(ENV) {
        Ok(p) => return Ok(Zeroizing::new(p)),
        Err(std::env::VarError::NotUnicode(_)) => {
            bail!("{ENV} is not valid text (UTF-8): set it again, or use --passphrase-file")
        }
        Err(std::env::VarError::NotPresent) => {}
    }
    let p = Zeroizing::new(
        rpassword::prompt_password(prompt)
            .context("cannot read the passphrase from the terminal")?,
    );
    if p.is_empty() {
        bail!("no passphrase given");
    }
    Ok(p)
}

/// Opens a tablet database with the staff passphrase (from the file, the
/// environment or a prompt). A wrong one is not waited out: a script gets
/// the error and stops.
pub fn unlock(db: &Path, file: Option<&Path>) -> Result<Store> {
    let pass = read(file, "Staff passphrase: ")?;
    Ok(kohort::core::unlock(db, Credential::Passphrase(pass))?)
}

/// Opens a tablet database for reading only (commands that only look):
/// nothing is written to it, so it also opens on read-only media.
pub fn unlock_read_only(db: &Path, file: Option<&Path>) -> Result<Store> {
    let pass = read(file, "Staff passphrase: ")?;
    let locked = Store::open(db).map_err(kohort::core::CoreError::from)?;
    locked
        .unlock_read_only(&pass)
        .map_err(|refused| kohort::core::CoreError::from(refused.error).into())
}

/// `kohort device change-passphrase`: opens with the current passphrase
/// (or the recovery key) and wraps the data key under a new one.
pub fn change(
    db: &Path,
    pass_file: Option<&Path>,
    recovery_file: Option<&Path>,
    new_file: Option<&Path>,
) -> Result<ExitCode> {
    let with = match recovery_file {
        Some(f) => {
            let text =
                Zeroizing::new(kohort_files::read_small_text(f, MAX_FILE).with_context(|| {
                    format!("cannot use the recovery key file {}", f.display())
                })?);
            Credential::Recovery(Zeroizing::new(key_line(&text).to_owned()))
        }
        None => Credential::Passphrase(read(pass_file, "Current staff passphrase: ")?),
    };
    let new = match new_file {
        Some(_) => read(new_file, "")?,
        None => {
            let a = Zeroizing::new(
                rpassword::prompt_password("New staff passphrase: ")
                    .context("cannot read the passphrase from the terminal")?,
            );
            let b = Zeroizing::new(
                rpassword::prompt_password("New staff passphrase again: ")
                    .context("cannot read the passphrase from the terminal")?,
            );
            if a != b {
                bail!("the two new passphrases differ: nothing was changed");
            }
            a
        }
    };
    let mut store = kohort::core::unlock(db, with)?;
    store
        .change_passphrase(&new)
        .map_err(kohort::core::CoreError::from)?;
    println!("staff passphrase changed; the recovery key is unchanged");
    Ok(ExitCode::SUCCESS)
}

/// The key in a recovery key file: the file the app saves to a stick has a
/// line of text around it, so the line of dash-separated groups is taken
/// (or the whole text, for a file holding only the key).
fn key_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| {
            l.len() >= 50
                && l.contains('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .unwrap_or(text)
}
