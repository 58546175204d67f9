//! Compaction: the files of dead processes folded into the archive, so totals never go
//! back when a process dies and a scrape reads the live processes' files and one archive,
//! however many processes ever ran.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use super::aggregate::{Acc, Merged, PID_LABEL};
use super::dir::{self, LockFile};
use super::format::{self, FamilyRecord, Header, CHUNK, FLAG_ARCHIVE, HEADER_BYTES};
use super::read::{self, FileView, ARCHIVE_NAME};
use super::Error;

/// What a compaction did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CompactReport {
    /// Files of dead processes folded into the archive (and removed).
    pub folded: usize,
    /// Files of dead processes left as they were because they could not be read (a
    /// scrape skips and counts them).
    pub unreadable: usize,
}

/// Folds the file of every dead process of `dir` into the archive, then removes those
/// files. Safe beside scrapes and other compactions (in this process or another): it
/// waits for the directory's lock, exclusive, and the archive lists the files it folded,
/// so a crash between writing the archive and removing them never counts them twice.
/// Every scrape runs one when it counted a dead process' file and no other compaction is
/// running, so calling it is only needed to compact at a moment of your choosing.
pub fn compact(dir: impl AsRef<Path>) -> Result<CompactReport, Error> {
    let dir = dir.as_ref();
    let lock = LockFile::open(dir)?;
    lock.exclusive()?;
    fold(dir, None)
}

/// [`compact`] unless another compaction holds the lock: then `Ok(None)` at once.
pub(crate) fn try_compact(dir: &Path) -> Result<Option<CompactReport>, Error> {
    let lock = LockFile::open(dir)?;
    if !lock.try_exclusive()? {
        return Ok(None);
    }
    fold(dir, None).map(Some)
}

/// The Python client's `mark_process_dead(pid)`: folds the files of the process `pid`
/// (which has exited) into the archive now, so its `live…` gauges are gone and its totals
/// kept. promenade sees dead processes without being told (their file's lock is
/// released when they die, `SIGKILL` included), so this is only needed to fold one
/// process' file at once.
///
/// # Errors
/// [`Error::LiveProcesses`] if a live process still holds a file of that pid.
pub fn mark_process_dead(dir: impl AsRef<Path>, pid: u32) -> Result<CompactReport, Error> {
    let dir = dir.as_ref();
    let lock = LockFile::open(dir)?;
    lock.exclusive()?;
    fold(dir, Some(pid))
}

/// Folds (under the exclusive lock) the dead process files — of `only` if given.
fn fold(dir: &Path, only: Option<u32>) -> Result<CompactReport, Error> {
    let io = |path: &Path, what, source| Error::Io {
        path: path.to_owned(),
        what,
        source,
    };
    let archive_path = dir.join(ARCHIVE_NAME);
    let archive = match read::read_file(&archive_path) {
        Ok(v) if v.is_archive() => Some(v),
        Ok(_) => {
            return Err(corrupt_archive(
                &archive_path,
                "its header does not say it is one",
            ))
        }
        Err(_) if !archive_path.exists() => None,
        Err(e) => return Err(corrupt_archive(&archive_path, &e.to_string())),
    };
    let already: BTreeSet<String> = archive
        .as_ref()
        .map(|a| a.records.folded.iter().cloned().collect())
        .unwrap_or_default();
    let mut report = CompactReport::default();
    let mut dead: Vec<FileView> = Vec::new();
    let mut leftovers = Vec::new();
    for path in
        read::process_files(dir).map_err(|e| io(dir, "list the multiprocess directory", e))?
    {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_owned();
        if already.contains(&name) {
            leftovers.push(path); // folded before; a compaction stopped before removing it
            continue;
        }
        if only.is_some_and(|pid| dir::pid_of(&path) != Some(pid)) {
            continue;
        }
        match read::read_file(&path) {
            Ok(v) if v.alive => {
                if let Some(pid) = only {
                    return Err(Error::LiveProcesses {
                        dir: dir.to_owned(),
                        pids: vec![pid],
                    });
                }
            }
            Ok(v) if !v.is_archive() => dead.push(v),
            Ok(_) | Err(_) => report.unreadable += 1,
        }
    }
    if dead.is_empty() {
        for path in &leftovers {
            dir::remove(path)?;
        }
        return Ok(report);
    }
    let mut merged = Merged::default();
    let mut unstored = 0;
    for v in archive.iter().chain(&dead) {
        // A file that does not hold together is left for the scrapes to skip and count.
        if merged.add_file(v).is_ok() {
            unstored += v.header.unstored;
        } else if !v.is_archive() {
            report.unreadable += 1;
        }
    }
    let folded_now: Vec<String> = dead.iter().map(|v| v.name.clone()).collect();
    // The list keeps the names whose files still exist (they are removed below; a crash
    // before that must not count them twice), and drops the others.
    let mut folded: Vec<String> = already
        .iter()
        .filter(|n| dir.join(n).exists())
        .cloned()
        .chain(folded_now.iter().cloned())
        .collect();
    folded.sort();
    folded.dedup();
    let bytes = archive_bytes(&merged, &folded, unstored)
        .map_err(|why| corrupt_archive(&archive_path, why))?;
    let tmp = dir.join(format!("{ARCHIVE_NAME}.tmp-{}", std::process::id()));
    {
        let mut f =
            std::fs::File::create(&tmp).map_err(|e| io(&tmp, "create the new archive", e))?;
        f.write_all(&bytes)
            .map_err(|e| io(&tmp, "write the new archive", e))?;
        f.sync_all()
            .map_err(|e| io(&tmp, "sync the new archive", e))?;
    }
    std::fs::rename(&tmp, &archive_path)
        .map_err(|e| io(&archive_path, "replace the archive", e))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    report.folded = folded_now.len();
    for name in folded_now {
        dir::remove(&dir.join(name))?;
    }
    for path in &leftovers {
        dir::remove(path)?;
    }
    Ok(report)
}

fn corrupt_archive(path: &Path, why: &str) -> Error {
    Error::Io {
        path: path.to_owned(),
        what: "read the archive",
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, why.to_owned()),
    }
}

/// Appends records, never across a chunk boundary (as a process' file: the reader checks).
struct ArchiveBytes {
    b: Vec<u8>,
}

impl ArchiveBytes {
    /// Appends a record; where it starts.
    fn push(&mut self, record: &[u8]) -> Result<u64, &'static str> {
        if record.len() > CHUNK - HEADER_BYTES {
            return Err("a record larger than a chunk of the file (1 MiB)");
        }
        let at = self.b.len();
        if at % CHUNK + record.len() > CHUNK {
            let rest = CHUNK - at % CHUNK;
            self.b.extend(format::encode_pad(rest));
        }
        let at = self.b.len() as u64;
        self.b.extend_from_slice(record);
        Ok(at)
    }
}

/// The new archive: one family record per family, one series per merged series with its
/// numbers as cells, its exemplars, and the names folded.
fn archive_bytes(
    merged: &Merged,
    folded: &[String],
    unstored: u64,
) -> Result<Vec<u8>, &'static str> {
    let mut out = ArchiveBytes {
        b: vec![0; HEADER_BYTES],
    };
    for (id, family) in merged.families.values().enumerate() {
        let id = u32::try_from(id).map_err(|_| "too many families")?;
        let mut record = family.record.clone();
        record.id = id;
        if family.keeps_pid() {
            record.label_names.push(PID_LABEL.to_owned());
        }
        out.push(&format::encode_family(&record)?)?;
        for (key, acc) in &family.series {
            let Some(cells) = cells(&family.record, acc) else {
                continue;
            };
            let mut strings = key.labels.clone();
            if family.keeps_pid() {
                strings.push(key.pid.unwrap_or(0).to_string());
            }
            match acc {
                Acc::States { names, .. } => strings.extend(names.iter().cloned()),
                _ => strings.extend(key.extra.iter().cloned()),
            }
            let at = out.push(&format::encode_series(id, false, &strings, &cells)?)?;
            if let Some(slots) = family
                .exemplars
                .get(key)
                .filter(|s| s.iter().any(Option::is_some))
            {
                out.push(&format::encode_exemplars(at, slots)?)?;
            }
        }
    }
    out.push(&format::encode_folded(folded)?)?;
    let mut b = out.b;
    let header = Header {
        pid: 0,
        flags: FLAG_ARCHIVE,
        start_nanos: 0,
        used: b.len() as u64,
        unstored,
    };
    b[..HEADER_BYTES].copy_from_slice(&header.encode());
    Ok(b)
}

/// A merged series' numbers as the cells of its record.
fn cells(record: &FamilyRecord, acc: &Acc) -> Option<Vec<u64>> {
    let kind = record.value_kind;
    Some(match acc {
        Acc::Value(v) => vec![v.to_cell(kind)],
        Acc::Gauge { value, time } => vec![value.to_cell(kind), *time],
        Acc::Buckets { counts, sum } => {
            let mut c = counts.clone();
            c.push(sum.to_bits());
            c
        }
        Acc::Summary { count, sum } => vec![*count, sum.to_bits()],
        Acc::Info => vec![1],
        Acc::States { cells, .. } => cells.clone(),
    })
}
