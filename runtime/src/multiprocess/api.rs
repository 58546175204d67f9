//! The public face of multiprocess mode: starting it, and its errors.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::store::ProcessFile;

/// The environment variable [`start_from_env`] reads: the directory of the files.
pub const DIR_ENV: &str = "PROMENADE_MULTIPROC_DIR";

/// What went wrong in multiprocess mode.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The directory does not exist.
    MissingDirectory(PathBuf),
    /// The path is not a directory.
    NotADirectory(PathBuf),
    /// A file operation failed.
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What promenade was doing.
        what: &'static str,
        /// The system's error.
        source: std::io::Error,
    },
    /// This process' file could not grow (a full disk, a quota): new series go to their
    /// family's overflow series; the series already in the file keep recording.
    Grow {
        /// The file.
        path: PathBuf,
        /// The system's error (`ENOSPC` for a full disk).
        source: std::io::Error,
    },
    /// Multiprocess mode was already started in this process (in `dir`).
    AlreadyStarted(PathBuf),
    /// [`DIR_ENV`] is set but empty or not valid UTF-8.
    BadEnv(String),
    /// A family or series could not be written as a record.
    Record {
        /// The family.
        family: String,
        /// Why.
        why: &'static str,
    },
    /// Live processes still write to the directory, so it cannot be wiped.
    LiveProcesses {
        /// The directory.
        dir: PathBuf,
        /// Their pids.
        pids: Vec<u32>,
    },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::MissingDirectory(d) => write!(
                f,
                "the multiprocess directory {} does not exist: create it (or call \
                 `multiprocess::prepare_directory`) before starting the processes",
                d.display()
            ),
            Error::NotADirectory(d) => {
                write!(
                    f,
                    "the multiprocess directory {} is not a directory",
                    d.display()
                )
            }
            Error::Io { path, what, source } => {
                write!(f, "cannot {what} ({}): {source}", path.display())
            }
            Error::Grow { path, source } => write!(
                f,
                "cannot grow the multiprocess file {}: {source}; new series go to their \
                 family's overflow series",
                path.display()
            ),
            Error::AlreadyStarted(d) => write!(
                f,
                "multiprocess mode is already started in this process (directory {})",
                d.display()
            ),
            Error::BadEnv(v) => write!(
                f,
                "{DIR_ENV} is set to {v:?}, which is not a directory name"
            ),
            Error::Record { family, why } => {
                write!(f, "cannot store {family} in the multiprocess file: {why}")
            }
            Error::LiveProcesses { dir, pids } => write!(
                f,
                "{} is still in use by live processes (pids {pids:?}): stop them before \
                 preparing the directory for a new deployment",
                dir.display()
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } | Error::Grow { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Multiprocess mode, started in this process.
#[derive(Debug)]
pub struct Multiprocess {
    dir: PathBuf,
    pid: u32,
    file: ProcessFile,
}

impl std::fmt::Debug for ProcessFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessFile")
            .field("path", &self.path())
            .finish()
    }
}

impl Multiprocess {
    /// The directory of the files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// This process' id, as its file records it.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// This process' file.
    pub fn file_path(&self) -> &Path {
        self.file.path()
    }

    pub(crate) fn file(&self) -> &ProcessFile {
        &self.file
    }
}

static ACTIVE: OnceLock<Multiprocess> = OnceLock::new();

/// Multiprocess mode, if this process started it.
pub fn active() -> Option<&'static Multiprocess> {
    ACTIVE.get()
}

/// Starts multiprocess mode in a directory.
#[derive(Debug, Clone)]
pub struct Builder {
    dir: PathBuf,
}

impl Builder {
    /// Multiprocess mode over the files of `dir`, which must exist and be writable.
    pub fn new(dir: impl Into<PathBuf>) -> Builder {
        Builder { dir: dir.into() }
    }

    /// Creates this process' file in the directory, binds everything already in the
    /// default registry to it, and makes the default registry serve the aggregate of
    /// every file in the directory. Call it first thing in `main`, in every process.
    ///
    /// # Errors
    /// The directory is missing, not a directory or not writable; multiprocess mode was
    /// already started in this process.
    pub fn start(self) -> Result<&'static Multiprocess, Error> {
        let dir = self.dir;
        match std::fs::metadata(&dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::MissingDirectory(dir))
            }
            Err(source) => {
                return Err(Error::Io {
                    path: dir,
                    what: "read the multiprocess directory",
                    source,
                })
            }
            Ok(m) if !m.is_dir() => return Err(Error::NotADirectory(dir)),
            Ok(_) => {}
        }
        if let Some(active) = ACTIVE.get() {
            return Err(Error::AlreadyStarted(active.dir.clone()));
        }
        let pid = std::process::id();
        let start_nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let file = ProcessFile::create(&dir, pid, start_nanos)?;
        let mut fresh = false;
        let active = ACTIVE.get_or_init(|| {
            fresh = true;
            Multiprocess { dir, pid, file }
        });
        if !fresh {
            return Err(Error::AlreadyStarted(active.dir.clone()));
        }
        crate::registry::enter_multiprocess(active);
        Ok(active)
    }
}

/// [`Builder::start`] in the directory named by [`DIR_ENV`] (`PROMENADE_MULTIPROC_DIR`);
/// `Ok(None)` when it is not set, so the program runs as a single process.
pub fn start_from_env() -> Result<Option<&'static Multiprocess>, Error> {
    match std::env::var_os(DIR_ENV) {
        None => Ok(None),
        Some(v) if v.is_empty() => Err(Error::BadEnv(String::new())),
        Some(v) => Builder::new(v).start().map(Some),
    }
}
