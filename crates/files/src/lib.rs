//! Files the way Kohort needs them: written whole or not at all (a unique
//! temporary name beside the target, synced, renamed, the folder synced,
//! no failure ignored), and small files (keys, tokens, receipts,
//! passphrases) read with a cap, refusing what is not a regular file.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

pub mod volumes;

/// A file written and synced under a temporary name beside its target,
/// not yet in place. Dropped without [`Staged::commit`], it is removed.
#[derive(Debug)]
pub struct Staged {
    tmp: NamedTempFile,
    dest: PathBuf,
}

/// Failed to put a staged file in place; the temporary file was kept.
#[derive(Debug, thiserror::Error)]
#[error("cannot move {kept} to {dest}: {source}")]
pub struct CommitError {
    pub kept: PathBuf,
    pub dest: PathBuf,
    #[source]
    pub source: io::Error,
}

fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Writes everything `src` gives into a new temporary file beside `dest`
/// (hidden, named after it), calling `on_bytes` after each block, and
/// syncs it.
pub fn stage_from(
    dest: &Path,
    src: &mut dyn Read,
    on_bytes: &mut dyn FnMut(u64),
) -> io::Result<Staged> {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(folder_of(dest))?;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let k = src.read(&mut buf)?;
        if k == 0 {
            break;
        }
        tmp.write_all(&buf[..k])?;
        on_bytes(k as u64);
    }
    tmp.as_file().sync_all()?;
    Ok(Staged {
        tmp,
        dest: dest.to_owned(),
    })
}

/// [`stage_from`] for bytes in memory.
pub fn stage(dest: &Path, bytes: &[u8]) -> io::Result<Staged> {
    stage_from(dest, &mut &bytes[..], &mut |_| {})
}

impl Staged {
    /// Where the bytes wait.
    pub fn temp_path(&self) -> &Path {
        self.tmp.path()
    }

    /// Renames the file into place (replacing what is there) and syncs the
    /// folder so the rename survives a power cut.
    pub fn commit(self) -> Result<(), CommitError> {
        let dest = self.dest;
        match self.tmp.persist(&dest) {
            Ok(_) => sync_dir(folder_of(&dest)).map_err(|source| CommitError {
                kept: dest.clone(),
                dest,
                source,
            }),
            Err(e) => {
                let source = e.error;
                let kept = match e.file.keep() {
                    Ok((_, path)) => path,
                    Err(k) => k.file.path().to_owned(),
                };
                Err(CommitError { kept, dest, source })
            }
        }
    }
}

/// Writes `bytes` to `dest` whole or not at all.
pub fn write_atomic(dest: &Path, bytes: &[u8]) -> io::Result<()> {
    stage(dest, bytes)?.commit().map_err(|e| e.source)
}

/// Creates a new file only its owner can read (a private key), refusing
/// to overwrite one.
pub fn write_new_private(dest: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(dest)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    sync_dir(folder_of(dest))
}

/// Syncs a folder's entries (a new or renamed file in it) to the disk.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    // Windows cannot open a folder for syncing; there the file syncs are
    // all there is.
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Why a small file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{0} is not a regular file (a folder, a device or a pipe): give a file")]
    NotAFile(PathBuf),
    #[error("{path} is larger than {limit} bytes: it is not the file asked for")]
    TooLarge { path: PathBuf, limit: u64 },
    #[error("{0} is not text (UTF-8)")]
    NotText(PathBuf),
}

/// Reads at most `limit` bytes of a regular file; anything larger, and
/// anything that is not a regular file (`/dev/zero`, a FIFO), is refused
/// before it is read.
pub fn read_small(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_owned(),
        source,
    };
    let f = File::open(path).map_err(io)?;
    let meta = f.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile(path.to_owned()));
    }
    let mut bytes = Vec::new();
    f.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            path: path.to_owned(),
            limit,
        });
    }
    Ok(bytes)
}

/// [`read_small`] as text.
pub fn read_small_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    String::from_utf8(read_small(path, limit)?).map_err(|_| ReadError::NotText(path.to_owned()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn staged_files_appear_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("batch.kohort");
        let staged = stage(&dest, b"sealed").unwrap();
        assert!(!dest.exists());
        let tmp = staged.temp_path().to_owned();
        assert!(
            tmp.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".batch.kohort.")
        );
        staged.commit().unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"sealed");
        assert!(!tmp.exists());

        drop(stage(&dest, b"other").unwrap());
        assert_eq!(std::fs::read(&dest).unwrap(), b"sealed");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn small_reads_refuse_devices_folders_and_big_files() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("token");
        write_atomic(&f, b"secret\n").unwrap();
        assert_eq!(read_small_text(&f, 7).unwrap(), "secret\n");
        assert!(matches!(read_small(&f, 6), Err(ReadError::TooLarge { .. })));
        assert!(matches!(
            read_small(dir.path(), 6),
            Err(ReadError::NotAFile(_))
        ));
        #[cfg(unix)]
        assert!(matches!(
            read_small(Path::new("/dev/zero"), 1 << 20),
            Err(ReadError::NotAFile(_))
        ));
        write_atomic(&f, &[0xff, 0xfe]).unwrap();
        assert!(matches!(
            read_small_text(&f, 10),
            Err(ReadError::NotText(_))
        ));
    }
}
