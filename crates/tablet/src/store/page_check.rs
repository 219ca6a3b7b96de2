//! The check of every page after an unlock, on a thread of its own. It
//! reads and authenticates the whole file (about 285 ms for a clinic's
//! 115 MB, growing with it), where the first screen needs only a few
//! pages. SQLCipher authenticates every page it reads, so nothing unchecked
//! is ever used; the full check finds a change on a page not read yet, and
//! the app locks when it does (docs/security.md, "Threats").

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags};
use zeroize::Zeroizing;

use super::open::{check_pages, key_and_authenticate};
use super::{Result, Store};

/// When an unlock checks every page of the database.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Pages {
    /// Before the store opens (the command line, tests).
    #[default]
    Now,
    /// Once the first pages have authenticated, on a thread beside the
    /// app, which asks [`Store::pages_checked`]. A file that needs
    /// migrating is still checked first.
    Later,
}

/// A check under way on its own connection. A store locked while it runs
/// waits for it (a few hundred milliseconds at most), so its copy of the
/// key and its connection go with the store's.
pub(super) struct Running(Option<JoinHandle<Result<()>>>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(h) = self.0.take() {
            let _ = h.join();
        }
    }
}

/// Starts the check of the database at `path` with the data key `data`;
/// `None` if no thread could be started.
pub(super) fn start(path: &Path, data: &[u8; 32]) -> Option<Running> {
    let path: PathBuf = path.to_owned();
    let data = Zeroizing::new(*data);
    std::thread::Builder::new()
        .name("page check".into())
        .spawn(move || {
            let flags = OpenFlags::default().difference(OpenFlags::SQLITE_OPEN_CREATE);
            let conn = Connection::open_with_flags(&path, flags)?;
            key_and_authenticate(&conn, &data)?;
            check_pages(&conn)
        })
        .ok()
        .map(|h| Running(Some(h)))
}

impl Store {
    /// Whether every page has authenticated: `None` while the check that
    /// followed the unlock runs, `Ok` once it passed (or when the unlock
    /// checked them itself), an error when a page did not: the store
    /// should then be locked and the error shown.
    pub fn pages_checked(&mut self) -> Option<Result<()>> {
        let Some(mut running) = self.page_check.take() else {
            return Some(Ok(()));
        };
        let handle = running.0.take()?;
        if !handle.is_finished() {
            running.0 = Some(handle);
            self.page_check = Some(running);
            return None;
        }
        match handle.join() {
            Ok(Ok(())) => Some(Ok(())),
            // A page read while a checkpoint wrote it, or a thread that
            // failed: checked again here, where nothing writes beside it.
            _ => Some(check_pages(&self.conn)),
        }
    }
}
