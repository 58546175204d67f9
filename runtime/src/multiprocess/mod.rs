//! Multiprocess mode: one truthful view of a program that runs as many processes
//! (feature `multiprocess`, 64-bit Linux).
//!
//! Servers that run N worker processes on one port, job runners that start a process per
//! task, extension modules loaded into pre-forking servers: each process records into its
//! own metrics, and a scrape — answered by any of them — must show the whole program. In
//! multiprocess mode every value of the [default registry](crate::default_registry) lives
//! in a memory-mapped file of its process, in one directory shared by all of them, and the
//! default registry serves the aggregate of every file in it.
//!
//! ```no_run
//! # fn main() -> Result<(), promenade::multiprocess::Error> {
//! // First thing in `main`, in every process: reads `PROMENADE_MULTIPROC_DIR`.
//! promenade::multiprocess::start_from_env()?;
//! // … the same statics, derives and attributes as in a single process …
//! # Ok(()) }
//! ```
//!
//! Or explicitly, `multiprocess::Builder::new("/run/myapp/metrics").start()?`. A supervisor
//! prepares the directory for a fresh deployment with [`prepare_directory`] (which refuses
//! while live processes still write to it), then starts its workers.
//!
//! # What is the same, and what changes
//! Nothing in the declarations: the mode is chosen at start, not per metric. Recording is
//! still one atomic operation, now on the shared mapping: no lock, no system call, no hash
//! for a dense family; an open label set takes a record in the file once (under a
//! process-local lock: each process writes only its own file), then records lock-free.
//! Metrics are *bound* to the file when they are registered in the default registry
//! (what was recorded before moves in); a family keeps its record and binds each later
//! series when it creates it. Registries of your own stay in-process.
//!
//! # Aggregation
//! | type | the aggregate |
//! |---|---|
//! | counter, histogram (buckets, sum, count), summary (count, sum) | summed over every file, the archive of dead processes included; a summary's quantiles are per process and left out; `_created` is left out; the exemplar of a counter or bucket is the most recent one of any process |
//! | gauge | by its [`GaugeMode`] |
//! | info | every distinct label set any live process exposes |
//! | state set, enum | the states of the process that wrote last |
//!
//! # Dead processes
//! A live process holds an exclusive `flock` on its file; the kernel drops it when the
//! process exits or is killed, so a reader knows who is alive without trusting pids. The
//! `live…` gauge modes leave dead processes out at once. [`compact`] (which every scrape
//! runs when it finds dead files and no other compaction is running) folds the files of
//! dead processes into one archive file: counters and histograms never go backwards when
//! a process exits or is killed, and the cost of a scrape depends on the live processes,
//! not on how many have ever run. Compaction and scrapes exclude each other through a lock
//! file, and the archive lists the files it folded, so a crash between writing the archive
//! and removing the files never counts them twice. [`mark_process_dead`] is Python's
//! `mark_process_dead`: it folds one pid's files at once.
//!
//! # Crash safety and bad files
//! A worker killed with `SIGKILL` loses nothing it recorded: the values are in the mapped
//! file. A truncated, foreign or corrupt file is skipped and reported once on stderr, and
//! counted in `promenade_multiprocess_skipped_files_total{reason}`; the rest of the
//! scrape is served. Files grow by 1 MiB chunks whose space is reserved first
//! (`posix_fallocate`), so a full disk is an error when a file grows, never a fault inside
//! a write; a series that finds no room records into its family's overflow series.
//!
//! # File format, version 1
//! Little-endian; every record starts on an 8-byte boundary and never crosses a multiple
//! of 1 MiB (a padding record fills the end of a chunk). The 64-byte header:
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 8 | magic `PROMNDMP` |
//! | 8 | 4 | version, `1` |
//! | 12 | 4 | header size, `64` |
//! | 16 | 4 | pid (`0` for the archive) |
//! | 20 | 4 | flags (bit 0: archive) |
//! | 24 | 8 | start time, Unix nanoseconds |
//! | 32 | 8 | end of the published records (bytes from the start of the file) |
//! | 40 | 8 | series the process could not store (its file could not grow) |
//! | 48 | 16 | zero |
//!
//! Each record starts with `kind: u16`, `0: u16`, `len: u32` (the whole record, a multiple
//! of 8). Strings are a `u16` byte length and UTF-8.
//! - kind 0, padding.
//! - kind 1, family: `id: u32`, `type: u8` (counter 0, gauge 1, histogram 2, unknown 3,
//!   summary 4, info 5, state set 6, gauge histogram 7), `gauge mode: u8` (the order of
//!   [`GaugeMode`]), `value kind: u8` (0 `u64`, 1 `f64` bits, 2 `i64`), `0: u8`,
//!   `label names: u16`, `bounds: u16`, `0: u32`; the name, help, unit and label names;
//!   padding to 8; the bucket bounds as `f64`.
//! - kind 2, series: `family id: u32`, `state: u32` (bit 0: removed), `cells: u32`,
//!   `strings: u16`, `0: u16`; the label values in the family's order (then an info
//!   metric's name/value pairs, a state set's state names); padding to 8; the cells, one
//!   `u64` each: a counter's value; a gauge's value and the Unix nanoseconds of its last
//!   write (kept by the `mostrecent` modes); a histogram's count per bucket (not
//!   cumulative, `+Inf` last) and its sum; a summary's count and sum; one 0/1 per state.
//! - kind 3, folded (the archive only): `count: u32`, `0: u32`, the names of the files
//!   folded into it.
//! - kind 4, exemplars: `series: u64` (the offset of its series record in the same
//!   file), `slots: u32`, `0: u32`; then per slot (one per bucket, `+Inf` last; one for a
//!   counter) 70 words: a sequence number (odd while being written, 0 while empty), the
//!   value and the Unix time in seconds as `f64`, the byte length of the labels, and 528
//!   bytes of labels (`u16` count, then name and value strings). Written at a series'
//!   first exemplar; the aggregate shows the most recent exemplar over every process.
//!
//! A process publishes a record by storing the new end of its records (release) after
//! writing it; readers load it (acquire) and read no further. A file of another version
//! is skipped with an error that names both versions.

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
#[cfg(feature = "multiprocess")]
compile_error!("promenade's `multiprocess` feature supports 64-bit Linux only");

#[cfg(feature = "multiprocess")]
pub(crate) mod bind;
#[cfg(feature = "multiprocess")]
pub(crate) mod format;
#[cfg(feature = "multiprocess")]
mod map;
#[cfg(feature = "multiprocess")]
mod read;
#[cfg(feature = "multiprocess")]
pub(crate) mod store;
#[cfg(feature = "multiprocess")]
#[doc(hidden)]
pub use bind::{Binder, FamilyBinding};
#[cfg(feature = "multiprocess")]
#[doc(hidden)]
pub use store::SeriesCells;

#[cfg(feature = "multiprocess")]
pub(crate) use map::{CellPtr, CellsPtr};
#[cfg(not(feature = "multiprocess"))]
mod off;
#[cfg(not(feature = "multiprocess"))]
pub(crate) use off::{CellPtr, CellsPtr};

/// How the gauges of many processes become one value (the Python client's
/// `multiprocess_mode`). Chosen per gauge: `#[metric(multiprocess = "livesum")]` in
/// `#[derive(Metrics)]`; at run time [`Named::with_multiprocess_mode`](crate::registry::Named::with_multiprocess_mode)
/// for a metric registered by hand, or [`Descriptor::with_multiprocess_mode`](crate::registry::Descriptor::with_multiprocess_mode)
/// in a collector.
/// The `live…` modes leave out processes that are no longer running; the others keep the
/// last value of a dead process (folded into the archive by [`compact`]).
///
/// Without the `multiprocess` feature the mode is kept and has no effect, so a library
/// can declare it whether or not the program runs as many processes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum GaugeMode {
    /// One series per process, with a `pid` label (the Python client's default).
    #[default]
    All,
    /// As `All`, live processes only.
    LiveAll,
    /// The sum over processes.
    Sum,
    /// The sum over live processes: in-flight requests, open connections.
    LiveSum,
    /// The largest value.
    Max,
    /// The largest value of a live process.
    LiveMax,
    /// The smallest value.
    Min,
    /// The smallest value of a live process.
    LiveMin,
    /// The value written last, by any process.
    MostRecent,
    /// The value written last by a live process.
    LiveMostRecent,
}

impl GaugeMode {
    /// Every mode, in the order of their codes in the file format.
    pub const ALL: [GaugeMode; 10] = [
        GaugeMode::All,
        GaugeMode::LiveAll,
        GaugeMode::Sum,
        GaugeMode::LiveSum,
        GaugeMode::Max,
        GaugeMode::LiveMax,
        GaugeMode::Min,
        GaugeMode::LiveMin,
        GaugeMode::MostRecent,
        GaugeMode::LiveMostRecent,
    ];

    /// The name the Python client and `#[metric(multiprocess = "…")]` use: `all`,
    /// `liveall`, `sum`, `livesum`, `max`, `livemax`, `min`, `livemin`, `mostrecent`,
    /// `livemostrecent`.
    pub const fn as_str(self) -> &'static str {
        match self {
            GaugeMode::All => "all",
            GaugeMode::LiveAll => "liveall",
            GaugeMode::Sum => "sum",
            GaugeMode::LiveSum => "livesum",
            GaugeMode::Max => "max",
            GaugeMode::LiveMax => "livemax",
            GaugeMode::Min => "min",
            GaugeMode::LiveMin => "livemin",
            GaugeMode::MostRecent => "mostrecent",
            GaugeMode::LiveMostRecent => "livemostrecent",
        }
    }

    /// The mode named `name` (as [`as_str`](Self::as_str) spells it).
    pub fn from_name(name: &str) -> Option<GaugeMode> {
        GaugeMode::ALL.into_iter().find(|m| m.as_str() == name)
    }

    /// Whether dead processes are left out.
    pub const fn live_only(self) -> bool {
        matches!(
            self,
            GaugeMode::LiveAll
                | GaugeMode::LiveSum
                | GaugeMode::LiveMax
                | GaugeMode::LiveMin
                | GaugeMode::LiveMostRecent
        )
    }

    /// Whether each write also records its time (the `mostrecent` modes).
    pub const fn keeps_write_time(self) -> bool {
        matches!(self, GaugeMode::MostRecent | GaugeMode::LiveMostRecent)
    }

    #[cfg_attr(not(feature = "multiprocess"), allow(dead_code))]
    pub(crate) fn code(self) -> u8 {
        GaugeMode::ALL.iter().position(|m| *m == self).unwrap_or(0) as u8
    }

    #[cfg_attr(not(feature = "multiprocess"), allow(dead_code))]
    pub(crate) fn from_code(code: u8) -> Option<GaugeMode> {
        GaugeMode::ALL.get(usize::from(code)).copied()
    }
}

impl std::fmt::Display for GaugeMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "multiprocess")]
mod aggregate;
#[cfg(feature = "multiprocess")]
mod api;
#[cfg(feature = "multiprocess")]
mod compact;
#[cfg(feature = "multiprocess")]
mod dir;
#[cfg(feature = "multiprocess")]
pub use aggregate::{collector, MultiprocessCollector};
#[cfg(feature = "multiprocess")]
pub use api::*;
#[cfg(feature = "multiprocess")]
pub use compact::{compact, mark_process_dead, CompactReport};
#[cfg(feature = "multiprocess")]
pub use dir::prepare_directory;

#[cfg(test)]
mod mode_tests {
    use super::GaugeMode;

    #[test]
    fn the_modes_are_the_rules_list_in_order() {
        let names: Vec<&str> = GaugeMode::ALL.iter().map(|m| m.as_str()).collect();
        assert_eq!(names, promenade_rules::multiprocess::GAUGE_MODES);
        for (i, m) in GaugeMode::ALL.iter().enumerate() {
            assert_eq!(GaugeMode::from_code(m.code()), Some(*m));
            assert_eq!(usize::from(m.code()), i);
            assert_eq!(GaugeMode::from_name(m.as_str()), Some(*m));
        }
        assert_eq!(GaugeMode::default(), GaugeMode::All);
        assert!(GaugeMode::LiveSum.live_only() && !GaugeMode::Sum.live_only());
        assert!(GaugeMode::MostRecent.keeps_write_time());
    }
}
