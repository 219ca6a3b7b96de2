//! `kohort audit verify`: checks every page of the database and the audit
//! chain (hashes and keyed links). The database is encrypted whole, so it
//! needs the staff passphrase.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use super::passphrase::unlock_read_only;

pub fn verify(db: &Path, pass_file: Option<&Path>) -> Result<ExitCode> {
    let store = unlock_read_only(db, pass_file)?;
    match store.verify_audit()? {
        Ok(n) => {
            println!("ok: every page authentic; {n} audit entries, chain intact");
            Ok(ExitCode::SUCCESS)
        }
        Err(broken) => {
            println!("BROKEN: {broken}");
            Ok(ExitCode::FAILURE)
        }
    }
}
