//! Reading a directory's files: each mapped read-only, decoded into records with the
//! values as they are at that moment, and whether the process that owns it is alive.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::format::{self, DecodeError, Decoded, Header, FLAG_ARCHIVE};
use super::map::{self, ReadMap};

/// The name every process file has: `promenade-<pid>-<start>.mp`.
pub(crate) fn is_process_file(name: &str) -> bool {
    name.starts_with("promenade-") && name.ends_with(".mp") && name != ARCHIVE_NAME
}

/// The archive of the values of dead processes.
pub(crate) const ARCHIVE_NAME: &str = "promenade-archive.mp";
/// The lock a scrape holds shared and a compaction exclusive.
pub(crate) const LOCK_NAME: &str = ".promenade.lock";

/// One file, read.
#[derive(Clone, Debug)]
pub(crate) struct FileView {
    /// The file's name in its directory.
    pub(crate) name: String,
    pub(crate) header: Header,
    /// Whether a live process holds the file's lock (never for the archive).
    pub(crate) alive: bool,
    pub(crate) records: Decoded,
}

impl FileView {
    pub(crate) fn is_archive(&self) -> bool {
        self.header.flags & FLAG_ARCHIVE != 0
    }
}

/// Why a file was left out.
#[derive(Debug)]
pub(crate) enum ReadError {
    Io(std::io::Error),
    Decode(DecodeError),
}

impl ReadError {
    /// The `reason` label of the skipped-files self-metric.
    pub(crate) fn reason(&self) -> &'static str {
        match self {
            ReadError::Io(_) => "io",
            ReadError::Decode(d) => d.reason(),
        }
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "cannot be read: {e}"),
            ReadError::Decode(d) => d.fmt(f),
        }
    }
}

/// Whether a live process holds `file`'s lock. Our own file counts as alive: the lock is
/// held by another descriptor of this process.
pub(crate) fn held_by_live_process(file: &File) -> std::io::Result<bool> {
    if map::try_lock(file, map::Lock::Shared)? {
        map::unlock(file)?;
        Ok(false)
    } else {
        Ok(true)
    }
}

/// Reads one file.
pub(crate) fn read_file(path: &Path) -> Result<FileView, ReadError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file = File::open(path).map_err(ReadError::Io)?;
    // The owner may grow the file between its length being read and its header: then the
    // header counts records beyond what was mapped, and the second look maps them too.
    let mut attempt = 0;
    loop {
        attempt += 1;
        let len = file.metadata().map_err(ReadError::Io)?.len();
        let len = usize::try_from(len)
            .map_err(|_| ReadError::Decode(DecodeError::Corrupt("too large to map")))?;
        // Only whole words are mapped; a file whose length is not one is truncated or foreign.
        let map = ReadMap::new(&file, len - len % 8).map_err(ReadError::Io)?;
        let words = map.words();
        let header = format::decode_header(words).map_err(ReadError::Decode)?;
        let records = match format::decode_records(words, header.used) {
            Err(DecodeError::Truncated) if attempt == 1 => continue,
            r => r.map_err(ReadError::Decode)?,
        };
        let alive = header.flags & FLAG_ARCHIVE == 0
            && held_by_live_process(&file).map_err(ReadError::Io)?;
        return Ok(FileView {
            name,
            header,
            alive,
            records,
        });
    }
}

/// The process files of `dir` (not the archive), by name, sorted.
pub(crate) fn process_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if let Some(name) = entry.file_name().to_str() {
            if is_process_file(name) {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    Ok(out)
}
