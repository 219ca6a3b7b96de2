//! Where a CLI command gets the staff passphrase: `--passphrase-file`,
//! then `KOHORT_PASSPHRASE`, then a prompt on the terminal. Never a plain
//! argument, which other users could read from the process list.

use std::path::Path;

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
