//! This process' own file: created and locked at start, grown by chunks, records appended
//! under a mutex (the cold path: a family's first registration, a series' first use) and
//! published by a release store of the header's `used`.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use super::format::{self, FamilyRecord, Header, CHUNK, HEADER_BYTES, USED_WORD};
use super::map;
use super::Error;

/// The cells of one series in this process' file, and its state word.
#[derive(Clone, Copy, Debug)]
#[doc(hidden)]
pub struct SeriesCells {
    pub(crate) cells: &'static [AtomicU64],
    state: &'static AtomicU64,
    /// Where the record starts in the file (what an exemplars record names it by).
    pub(crate) offset: u64,
}

impl SeriesCells {
    /// Marks the series removed: readers leave it out from now on.
    pub(crate) fn mark_removed(&self) {
        self.state
            .fetch_or(format::SERIES_REMOVED, Ordering::Release);
    }

    /// Marks the series live again (an overflow series, reserved hidden, first used).
    pub(crate) fn mark_live(&self) {
        if self.state.load(Ordering::Relaxed) & format::SERIES_REMOVED != 0 {
            self.state
                .fetch_and(!format::SERIES_REMOVED, Ordering::Release);
        }
    }
}

/// The file a process writes.
pub(crate) struct ProcessFile {
    path: PathBuf,
    /// Holds the exclusive `flock` that tells readers this process is alive.
    _file_lock: File,
    inner: Mutex<Inner>,
}

struct Inner {
    file: File,
    chunks: Vec<&'static [AtomicU64]>,
    /// End of the published records, in bytes.
    used: usize,
    families: HashMap<String, u32>,
    next_family: u32,
}

/// A file's name: `promenade-<pid>-<start>.mp`, unique even when a pid is reused.
pub(crate) fn file_name(pid: u32, start_nanos: u64) -> String {
    format!("promenade-{pid}-{start_nanos:x}.mp")
}

impl ProcessFile {
    /// Creates this process' file in `dir` and takes its lock.
    pub(crate) fn create(dir: &Path, pid: u32, start_nanos: u64) -> Result<ProcessFile, Error> {
        let path = dir.join(file_name(pid, start_nanos));
        // Made under a name readers do not list, locked, given its header, and only then
        // renamed: a reader never sees a process file without its header or its lock.
        let tmp = dir.join(format!(".{}.tmp", file_name(pid, start_nanos)));
        let io = |e| Error::Io {
            path: path.clone(),
            what: "create this process' file",
            source: e,
        };
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(io)?;
        if !map::try_lock(&file, map::Lock::Exclusive).map_err(io)? {
            return Err(io(std::io::Error::other("another process holds its lock")));
        }
        map::reserve(&file, 0, CHUNK as u64).map_err(io)?;
        let words = map::map_words_forever(&file, 0, CHUNK).map_err(io)?;
        let header = Header {
            pid,
            flags: 0,
            start_nanos,
            used: HEADER_BYTES as u64,
            unstored: 0,
        };
        format::store_bytes(words, &header.encode());
        std::fs::rename(&tmp, &path).map_err(io)?;
        let lock = file.try_clone().map_err(io)?;
        Ok(ProcessFile {
            path,
            _file_lock: lock,
            inner: Mutex::new(Inner {
                file,
                chunks: vec![words],
                used: HEADER_BYTES,
                families: HashMap::new(),
                next_family: 0,
            }),
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Counts a series that found no room, in the header, for the aggregate's
    /// `promenade_multiprocess_unstored_series_total`.
    pub(crate) fn note_unstored(&self) {
        self.lock().chunks[0][format::UNSTORED_WORD].fetch_add(1, Ordering::Relaxed);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The id of the family record for `record.name`, written on first use. A family is
    /// written once per process; `record.id` is ignored.
    pub(crate) fn family(&self, record: &FamilyRecord) -> Result<u32, Error> {
        let mut inner = self.lock();
        if let Some(id) = inner.families.get(&record.name) {
            return Ok(*id);
        }
        let id = inner.next_family;
        let bytes = format::encode_family(&FamilyRecord {
            id,
            ..record.clone()
        })
        .map_err(|why| Error::Record {
            family: record.name.clone(),
            why,
        })?;
        inner.append(&self.path, &bytes)?;
        inner.next_family += 1;
        inner.families.insert(record.name.clone(), id);
        Ok(id)
    }

    /// A new series record of `family` with `initial` in its cells.
    pub(crate) fn series<S: AsRef<str>>(
        &self,
        family: u32,
        strings: &[S],
        initial: &[u64],
    ) -> Result<SeriesCells, Error> {
        let bytes = format::encode_series(family, false, strings, initial).map_err(|why| {
            Error::Record {
                family: format!("family #{family}"),
                why,
            }
        })?;
        let mut inner = self.lock();
        let (words, offset) = inner.append(&self.path, &bytes)?;
        Ok(SeriesCells {
            cells: &words[words.len() - initial.len()..],
            state: &words[1],
            offset,
        })
    }

    /// `n` empty exemplar slots for the series whose record is at `series`.
    pub(crate) fn exemplar_slots(
        &self,
        series: u64,
        n: usize,
    ) -> Result<&'static [AtomicU64], Error> {
        let bytes =
            format::encode_exemplars(series, &vec![None; n]).map_err(|why| Error::Record {
                family: format!("the series at {series}"),
                why,
            })?;
        let mut inner = self.lock();
        let (words, _) = inner.append(&self.path, &bytes)?;
        Ok(&words[3..])
    }
}

impl Inner {
    /// Appends one record and publishes it; the record's words and where it starts.
    fn append(&mut self, path: &Path, bytes: &[u8]) -> Result<(&'static [AtomicU64], u64), Error> {
        debug_assert!(bytes.len() % 8 == 0);
        if bytes.len() > CHUNK - HEADER_BYTES {
            return Err(Error::Record {
                family: String::new(),
                why: "a record larger than a chunk of the file (1 MiB)",
            });
        }
        let mut at = self.used;
        if at % CHUNK + bytes.len() > CHUNK {
            // Fill the rest of this chunk with padding, start the record in the next one.
            let rest = CHUNK - at % CHUNK;
            self.grow_to(path, at + rest + bytes.len())?;
            let pad = format::encode_pad(rest);
            format::store_bytes(self.words(at, rest), &pad);
            at += rest;
        } else {
            self.grow_to(path, at + bytes.len())?;
        }
        let words = self.words(at, bytes.len());
        format::store_bytes(words, bytes);
        self.used = at + bytes.len();
        self.chunks[0][USED_WORD].store(self.used as u64, Ordering::Release);
        Ok((words, at as u64))
    }

    /// Makes sure the file is mapped up to `end` bytes, reserving space for new chunks.
    fn grow_to(&mut self, path: &Path, end: usize) -> Result<(), Error> {
        while self.chunks.len() * CHUNK < end {
            let offset = (self.chunks.len() * CHUNK) as u64;
            let full = |e: std::io::Error| Error::Grow {
                path: path.to_owned(),
                source: e,
            };
            map::reserve(&self.file, offset, CHUNK as u64).map_err(full)?;
            let words = map::map_words_forever(&self.file, offset, CHUNK).map_err(full)?;
            self.chunks.push(words);
        }
        Ok(())
    }

    /// The words of `len` bytes at byte offset `at` (inside one chunk).
    fn words(&self, at: usize, len: usize) -> &'static [AtomicU64] {
        let chunk = self.chunks[at / CHUNK];
        let from = (at % CHUNK) / 8;
        &chunk[from..from + len / 8]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::multiprocess::format::ValueKind;
    use crate::multiprocess::{read, GaugeMode};
    use crate::MetricType;

    fn temp_dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("promenade-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn family(name: &str) -> FamilyRecord {
        FamilyRecord {
            id: 0,
            metric_type: MetricType::Counter,
            mode: GaugeMode::All,
            value_kind: ValueKind::Int,
            name: name.into(),
            help: "Help.".into(),
            unit: String::new(),
            label_names: vec!["route".into()],
            bounds: vec![],
        }
    }

    #[test]
    fn what_a_process_writes_a_reader_sees_live() {
        let dir = temp_dir("live");
        let f = ProcessFile::create(&dir, 4242, 99).unwrap();
        let a = f.family(&family("a")).unwrap();
        assert_eq!(
            f.family(&family("a")).unwrap(),
            a,
            "a family is written once"
        );
        let b = f.family(&family("b")).unwrap();
        let s1 = f.series(a, &["/x"], &[5]).unwrap();
        let s2 = f.series(b, &["/y"], &[0]).unwrap();
        s1.cells[0].fetch_add(2, Ordering::Relaxed);
        s2.cells[0].store(9, Ordering::Relaxed);
        s2.mark_removed();
        let view = read::read_file(f.path()).unwrap();
        assert!(view.alive, "this process holds the file's lock");
        assert_eq!((view.header.pid, view.header.start_nanos), (4242, 99));
        assert_eq!(view.records.families.len(), 2);
        let s = &view.records.series;
        assert_eq!((s[0].family, s[0].removed, s[0].cells[0]), (a, false, 7));
        assert_eq!((s[1].family, s[1].removed, s[1].cells[0]), (b, true, 9));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_file_grows_by_chunks_and_records_never_cross_them() {
        let dir = temp_dir("grow");
        let f = ProcessFile::create(&dir, 1, 1).unwrap();
        let fam = f.family(&family("big")).unwrap();
        let value = "v".repeat(1000);
        let mut cells = Vec::new();
        for i in 0..3000u64 {
            let s = f.series(fam, &[format!("{value}{i}")], &[i]).unwrap();
            cells.push(s);
        }
        for (i, s) in cells.iter().enumerate() {
            s.cells[0].fetch_add(1, Ordering::Relaxed);
            assert_eq!(s.cells[0].load(Ordering::Relaxed), i as u64 + 1);
        }
        let len = std::fs::metadata(f.path()).unwrap().len();
        assert!(len > 2 * CHUNK as u64 && len % CHUNK as u64 == 0, "{len}");
        let view = read::read_file(f.path()).unwrap();
        assert_eq!(view.records.series.len(), 3000);
        for (i, s) in view.records.series.iter().enumerate() {
            assert_eq!(s.cells, vec![i as u64 + 1]);
            assert_eq!(s.strings, vec![format!("{value}{i}")]);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
