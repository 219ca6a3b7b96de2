//! Removable volumes (USB sticks) where a person can be offered a folder
//! instead of typing a path: on Linux what is mounted under `/media`,
//! `/run/media` or `/mnt`; on Windows the drive roots other than the
//! system's. Labels come from the mount point's name, never a login name.

use std::path::{Path, PathBuf};

/// A mounted volume a person can pick.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Volume {
    pub path: PathBuf,
    /// What to call it: its label (the mount point's last part).
    pub label: String,
    /// Files at its top and in its `kohort/` folder, newest first (where
    /// receipts and token files are looked for).
    pub files: Vec<PathBuf>,
}

/// At most this many files are listed per volume.
const MAX_FILES: usize = 50;

impl Volume {
    fn at(path: PathBuf, label: String) -> Self {
        let mut files = files_on(&path, "");
        files.truncate(MAX_FILES);
        Volume { path, label, files }
    }
}

/// The removable volumes mounted now.
pub fn removable() -> Vec<Volume> {
    #[cfg(target_os = "linux")]
    {
        std::fs::read_to_string("/proc/self/mounts")
            .map(|m| {
                from_mounts(&m)
                    .into_iter()
                    .map(|v| Volume::at(v.path, v.label))
                    .collect()
            })
            .unwrap_or_default()
    }
    #[cfg(windows)]
    {
        ('D'..='Z')
            .map(|c| PathBuf::from(format!("{c}:\\")))
            .filter(|p| p.is_dir())
            .map(|path| Volume::at(path.clone(), path.display().to_string()))
            .collect()
    }
    #[cfg(not(any(target_os = "linux", windows)))]
    {
        Vec::new()
    }
}

/// The volumes in a `/proc/self/mounts` text: block devices mounted under
/// the places desktops and people mount sticks.
pub fn from_mounts(mounts: &str) -> Vec<Volume> {
    mounts
        .lines()
        .filter_map(|line| {
            let mut f = line.split_whitespace();
            let (device, point) = (f.next()?, f.next()?);
            let point = unescape(point);
            let removable_place = ["/media/", "/run/media/", "/mnt/"]
                .iter()
                .any(|p| point.starts_with(p));
            (device.starts_with("/dev/") && removable_place).then(|| Volume {
                label: label_of(Path::new(&point)),
                path: PathBuf::from(point),
                files: Vec::new(),
            })
        })
        .collect()
}

/// A volume's name as a person knows it: the mount point's last part
/// (`/media/kari/KOHORT-USB` → `KOHORT-USB`), which never holds the login.
pub fn label_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// A path as it may be recorded (audit log, delivery records): the login
/// name in `/media/<login>/`, `/run/media/<login>/` and `/home/<login>/` is
/// left out. The volume label (the folder the stick is mounted as) stays.
pub fn public_path(path: &Path) -> String {
    let text = path.display().to_string();
    for prefix in ["/run/media/", "/media/", "/home/"] {
        if let Some(rest) = text.strip_prefix(prefix)
            && let Some((_login, after)) = rest.split_once('/')
        {
            return format!("{prefix}\u{2026}/{after}");
        }
    }
    text
}

/// `/proc/mounts` writes spaces and tabs in paths as octal escapes.
fn unescape(s: &str) -> String {
    s.replace("\\040", " ")
        .replace("\\011", "\t")
        .replace("\\134", "\\")
}

/// Files directly in `dir` (and its `kohort/` folder) whose name ends with
/// `suffix`, newest first: receipts and tokens on a stick.
pub fn files_on(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut out: Vec<(std::time::SystemTime, PathBuf)> = [dir.to_owned(), dir.join("kohort")]
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(suffix))
        .filter_map(|e| {
            let meta = e.metadata().ok().filter(std::fs::Metadata::is_file)?;
            Some((meta.modified().ok()?, e.path()))
        })
        .collect();
    out.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    out.into_iter().map(|(_, p)| p).collect()
}

#[cfg(test)]
mod tests {

    #[test]
    fn recorded_paths_leave_the_login_name_out() {
        assert_eq!(
            public_path(Path::new("/media/kari/KOHORT-USB/batches")),
            "/media/\u{2026}/KOHORT-USB/batches"
        );
        assert_eq!(
            public_path(Path::new("/run/media/per/STICK")),
            "/run/media/\u{2026}/STICK"
        );
        assert_eq!(public_path(Path::new("/mnt/usb")), "/mnt/usb");
    }

    use super::*;

    #[test]
    fn sticks_are_found_by_where_they_are_mounted_and_named_by_label() {
        let mounts = "/dev/vda / ext4 rw 0 0\n\
            proc /proc proc rw 0 0\n\
            /dev/sdb1 /media/kari/KOHORT\\040USB vfat rw 0 0\n\
            /dev/sdc1 /mnt/usb exfat rw 0 0\n\
            tmpfs /media/ramdisk tmpfs rw 0 0\n";
        let v = from_mounts(mounts);
        assert_eq!(
            v,
            [
                Volume {
                    path: PathBuf::from("/media/kari/KOHORT USB"),
                    label: "KOHORT USB".into(),
                    files: Vec::new(),
                },
                Volume {
                    path: PathBuf::from("/mnt/usb"),
                    label: "usb".into(),
                    files: Vec::new(),
                },
            ]
        );
    }
}
