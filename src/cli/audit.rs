//! `kohort audit verify`: checks the audit hash chain. Needs no passphrase:
//! the chain holds ids and actions only, in clear.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use kohort_tablet::store::Store;

pub fn verify(db: &Path) -> Result<ExitCode> {
    let store = Store::open(db)?;
    match store.verify_audit()? {
        Ok(n) => {
            println!("ok: {n} audit entries, chain intact");
            Ok(ExitCode::SUCCESS)
        }
        Err(broken) => {
            println!("BROKEN: {broken}");
            Ok(ExitCode::FAILURE)
        }
    }
}
