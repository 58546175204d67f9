//! The directory: its lock (a scrape holds it shared, a compaction exclusive) and
//! preparing it for a fresh deployment.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use super::map::{self, Lock};
use super::read::{self, ARCHIVE_NAME, LOCK_NAME};
use super::Error;

/// `<dir>/.promenade.lock`, open; the `flock` taken on it is released when it drops.
pub(crate) struct LockFile {
    file: File,
    path: PathBuf,
}

impl LockFile {
    /// Opens (creating it if needed) the directory's lock file.
    pub(crate) fn open(dir: &Path) -> Result<LockFile, Error> {
        let path = dir.join(LOCK_NAME);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|source| match source.kind() {
                std::io::ErrorKind::NotFound => Error::MissingDirectory(dir.to_owned()),
                _ => Error::Io {
                    path: path.clone(),
                    what: "open the multiprocess directory's lock file",
                    source,
                },
            })?;
        Ok(LockFile { file, path })
    }

    fn io(&self, source: std::io::Error) -> Error {
        Error::Io {
            path: self.path.clone(),
            what: "lock the multiprocess directory",
            source,
        }
    }

    /// Waits for the lock, shared (a scrape).
    pub(crate) fn shared(&self) -> Result<(), Error> {
        map::lock(&self.file, Lock::Shared).map_err(|e| self.io(e))
    }

    /// Waits for the lock, exclusive (a compaction).
    pub(crate) fn exclusive(&self) -> Result<(), Error> {
        map::lock(&self.file, Lock::Exclusive).map_err(|e| self.io(e))
    }

    /// Takes the lock exclusive if nobody holds it: `false` if someone does.
    pub(crate) fn try_exclusive(&self) -> Result<bool, Error> {
        map::try_lock(&self.file, Lock::Exclusive).map_err(|e| self.io(e))
    }
}

/// Whether `name` is a file promenade keeps in a multiprocess directory.
fn is_ours(name: &str) -> bool {
    read::is_process_file(name)
        || name == ARCHIVE_NAME
        || name == LOCK_NAME
        || name.starts_with(&format!("{ARCHIVE_NAME}.tmp-"))
        || (name.starts_with(".promenade-") && name.ends_with(".mp.tmp"))
}

/// Prepares `dir` for a fresh deployment (the Python client asks users to wipe
/// `PROMETHEUS_MULTIPROC_DIR` by hand): creates it if missing, and removes every file
/// promenade keeps in it — the files of earlier processes, the archive, leftover temporary files —
/// leaving other files alone. Call it once, before starting the processes (a supervisor
/// before it starts its workers).
///
/// # Errors
/// [`Error::LiveProcesses`] if a live process still holds its file (it would go on
/// writing to a file nobody reads); an I/O error creating the directory or removing a file.
pub fn prepare_directory(dir: impl AsRef<Path>) -> Result<(), Error> {
    let dir = dir.as_ref();
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_owned(),
        what: "create the multiprocess directory",
        source,
    })?;
    let lock = LockFile::open(dir)?;
    lock.exclusive()?;
    let io = |path: &Path, what, source| Error::Io {
        path: path.to_owned(),
        what,
        source,
    };
    let mut live = Vec::new();
    for path in
        read::process_files(dir).map_err(|e| io(dir, "list the multiprocess directory", e))?
    {
        let Ok(file) = File::open(&path) else {
            continue;
        };
        if read::held_by_live_process(&file).map_err(|e| io(&path, "check the lock of", e))? {
            live.push(pid_of(&path).unwrap_or(0));
        }
    }
    if !live.is_empty() {
        live.sort_unstable();
        return Err(Error::LiveProcesses {
            dir: dir.to_owned(),
            pids: live,
        });
    }
    let entries =
        std::fs::read_dir(dir).map_err(|e| io(dir, "list the multiprocess directory", e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io(dir, "list the multiprocess directory", e))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        // The lock file last: it is held (exclusive) until the wipe is done.
        if is_ours(name) && name != LOCK_NAME {
            remove(&entry.path())?;
        }
    }
    Ok(())
}

/// Removes a file; one already gone is fine.
pub(crate) fn remove(path: &Path) -> Result<(), Error> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::Io {
            path: path.to_owned(),
            what: "remove",
            source: e,
        }),
        _ => Ok(()),
    }
}

/// The pid in a process file's name (`promenade-<pid>-<start>.mp`).
pub(crate) fn pid_of(path: &Path) -> Option<u32> {
    let name = path.file_name()?.to_str()?;
    name.strip_prefix("promenade-")?
        .split('-')
        .next()?
        .parse()
        .ok()
}
