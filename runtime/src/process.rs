//! The process collector (Linux, feature `process`): CPU time, memory, file descriptors,
//! start time and threads of a process, read from `/proc` at every scrape — the Python
//! client's `ProcessCollector(namespace, pid)`, plus `process_virtual_memory_max_bytes` and
//! `process_threads`.
//!
//! | metric | type | from |
//! |---|---|---|
//! | `process_cpu_seconds_total` | counter | `/proc/<pid>/stat` utime + stime, in clock ticks |
//! | `process_resident_memory_bytes` | gauge | `/proc/<pid>/stat` rss, in pages |
//! | `process_virtual_memory_bytes` | gauge | `/proc/<pid>/stat` vsize |
//! | `process_virtual_memory_max_bytes` | gauge | `/proc/<pid>/limits` "Max address space" (soft) |
//! | `process_open_fds` | gauge | the entries of `/proc/<pid>/fd` |
//! | `process_max_fds` | gauge | `/proc/<pid>/limits` "Max open files" (soft) |
//! | `process_start_time_seconds` | gauge | `/proc/stat` btime + `/proc/<pid>/stat` starttime |
//! | `process_threads` | gauge | `/proc/<pid>/stat` num_threads |
//!
//! An `unlimited` limit (`process_virtual_memory_max_bytes` is usually one) is exposed as
//! client_golang exposes it: its procfs reads `unlimited` as `u64::MAX` and the collector
//! sends that as a float, `1.8446744073709552e+19` in Go's spelling,
//! `1.8446744073709552e19` in ours — the same `f64`, so Prometheus stores the same value
//! from both. (The integer `18446744073709551615` would read back as that float too, but
//! would not survive an encode → parse → encode round trip.) [`ProcessStats`] keeps the
//! exact `u64::MAX`.
//!
//! Clock ticks and the page size come from the kernel's
//! auxiliary vector (`/proc/self/auxv`, `AT_CLKTCK` and `AT_PAGESZ`), so no libc is
//! needed; should it be unreadable, the Linux defaults are used (`USER_HZ` is 100 on every
//! Linux architecture, pages are 4096 bytes on most). Every file is read once per scrape.
//!
//! # When the process cannot be read
//! If the collector cannot tell which process to read (a [pid function](ProcessCollector::pid_fn)
//! or a [pid file](ProcessCollector::pid_file) failed) or the process does not exist (its
//! `/proc/<pid>/stat` cannot be read), the scrape still succeeds without the process
//! families, and the failure is counted: [`Collector::try_collect`] returns a
//! [`ProcessError`] saying which pid or file and why, which the registry counts in
//! `promenade_collector_failures_total{collector="promenade::process::ProcessCollector"}`
//! and keeps for [`Registry::last_failure`]. A single value that cannot be read while the
//! process exists (another user's fds, a kernel that formats a file differently) is only
//! left out of that scrape. The collector never panics.
//!
//! With the feature on (it is a default feature), a collector for the current process is
//! in the [default registry](crate::default_registry) from the start; [`unregister_default`]
//! takes it out. On other systems than Linux this module does not exist and nothing is
//! registered.
//!
//! ```
//! use promenade::process::ProcessCollector;
//! use promenade::Registry;
//!
//! let registry = Registry::new();
//! registry.register(ProcessCollector::new().namespace("myapp")?)?;
//! let text = promenade::encoding::text::encode_to_string(&registry);
//! assert!(text.contains("# TYPE myapp_process_cpu_seconds_total counter\n"));
//! assert!(text.contains("\nmyapp_process_threads "));
//! # Ok::<(), promenade::Error>(())
//! ```

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::metrics::MetricType;
use crate::registry::{
    AutoRegistration, CollectError, Collector, Descriptor, Number, Point, Registration, Registry,
    Sink,
};
use crate::Error;

/// `USER_HZ`, the unit of the times in `/proc/<pid>/stat`, when the auxiliary vector
/// cannot be read. It is 100 on every Linux architecture.
const DEFAULT_CLOCK_TICKS: u64 = 100;
/// The page size when the auxiliary vector cannot be read.
const DEFAULT_PAGE_SIZE: u64 = 4096;
/// `AT_PAGESZ` and `AT_CLKTCK` in `<linux/auxvec.h>`.
const AT_PAGESZ: usize = 6;
const AT_CLKTCK: usize = 17;

/// The eight families, in exposition order: suffix, help, type, unit.
const FAMILIES: [(&str, &str, MetricType, &str); 8] = [
    (
        "process_cpu_seconds_total",
        "Total user and system CPU time spent in seconds.",
        MetricType::Counter,
        "seconds",
    ),
    (
        "process_resident_memory_bytes",
        "Resident memory size in bytes.",
        MetricType::Gauge,
        "bytes",
    ),
    (
        "process_virtual_memory_bytes",
        "Virtual memory size in bytes.",
        MetricType::Gauge,
        "bytes",
    ),
    (
        "process_virtual_memory_max_bytes",
        "Maximum amount of virtual memory available in bytes.",
        MetricType::Gauge,
        "bytes",
    ),
    (
        "process_open_fds",
        "Number of open file descriptors.",
        MetricType::Gauge,
        "",
    ),
    (
        "process_max_fds",
        "Maximum number of open file descriptors.",
        MetricType::Gauge,
        "",
    ),
    (
        "process_start_time_seconds",
        "Start time of the process since unix epoch in seconds.",
        MetricType::Gauge,
        "seconds",
    ),
    (
        "process_threads",
        "Number of OS threads in the process.",
        MetricType::Gauge,
        "",
    ),
];

/// One reading of a process's `/proc` files; a value is `None` when it could not be read.
///
/// ```
/// let stats = promenade::process::ProcessCollector::new().read();
/// assert!(stats.threads.unwrap() >= 1);
/// assert!(stats.start_time_seconds.unwrap() > 1e9);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ProcessStats {
    /// User plus system CPU time, in seconds.
    pub cpu_seconds: Option<f64>,
    /// Resident set size, in bytes.
    pub resident_memory_bytes: Option<u64>,
    /// Virtual memory size, in bytes.
    pub virtual_memory_bytes: Option<u64>,
    /// The soft limit on the address space, in bytes (`u64::MAX` when unlimited).
    pub virtual_memory_max_bytes: Option<u64>,
    /// Open file descriptors.
    pub open_fds: Option<u64>,
    /// The soft limit on open file descriptors (`u64::MAX` when unlimited).
    pub max_fds: Option<u64>,
    /// When the process started, in seconds since the Unix epoch.
    pub start_time_seconds: Option<f64>,
    /// Threads of the process.
    pub threads: Option<u64>,
}

/// Collects the [process metrics](self) of one process at every scrape (the Python
/// client's `ProcessCollector(namespace, pid, proc)`).
///
/// ```
/// use promenade::process::ProcessCollector;
///
/// // The current process, without a namespace: `process_cpu_seconds_total`, …
/// let own = ProcessCollector::new();
/// // Another process, by pid, as `worker_process_…` (here: our own pid again).
/// let other = ProcessCollector::for_pid(std::process::id()).namespace("worker")?;
/// assert_eq!(other.read().start_time_seconds, own.read().start_time_seconds);
/// // A daemon followed through its pid file, read again at every scrape.
/// let daemon = ProcessCollector::new().pid_file("/var/run/daemon.pid");
/// # drop(daemon);
/// # Ok::<(), promenade::Error>(())
/// ```
#[derive(Clone)]
pub struct ProcessCollector {
    pid: Pid,
    proc_root: PathBuf,
    descriptors: Vec<Descriptor>,
}

/// Which process a collector reads.
#[derive(Clone)]
enum Pid {
    /// `/proc/self`.
    Current,
    Fixed(u32),
    /// Asked at every scrape.
    Dynamic(Arc<dyn Fn() -> io::Result<u32> + Send + Sync>),
}

impl fmt::Debug for ProcessCollector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pid: &dyn fmt::Debug = match &self.pid {
            Pid::Current => &"self",
            Pid::Fixed(pid) => pid,
            Pid::Dynamic(_) => &"<pid function>",
        };
        f.debug_struct("ProcessCollector")
            .field("pid", pid)
            .field("proc_root", &self.proc_root)
            .field("prefix", &self.descriptors.first().map(|d| &d.name))
            .finish()
    }
}

impl Default for ProcessCollector {
    fn default() -> Self {
        Self::new()
    }
}

impl ProcessCollector {
    /// A collector for the current process, without a namespace.
    ///
    /// ```
    /// let stats = promenade::process::ProcessCollector::new().read();
    /// assert!(stats.open_fds.unwrap() >= 1);
    /// ```
    pub fn new() -> Self {
        ProcessCollector {
            pid: Pid::Current,
            proc_root: PathBuf::from("/proc"),
            descriptors: descriptors(""),
        }
    }

    /// A collector for the process `pid`. Reading another user's process needs the
    /// permission to read its `/proc` files; what cannot be read is left out.
    ///
    /// ```
    /// let stats = promenade::process::ProcessCollector::for_pid(1).read();
    /// // pid 1 always exists on Linux, even if its fds may not be readable to us
    /// assert!(stats.start_time_seconds.is_some());
    /// ```
    pub fn for_pid(pid: u32) -> Self {
        ProcessCollector {
            pid: Pid::Fixed(pid),
            ..Self::new()
        }
    }

    /// Reads the process whose pid `pid` returns, calling it at every scrape (the Python
    /// client's `ProcessCollector(pid=lambda: …)`), so the collector follows a process that
    /// restarts under another pid. When `pid` fails, or returns the pid of no process, the
    /// scrape goes on without the process families and the failure is counted (see [When
    /// the process cannot be read](self#when-the-process-cannot-be-read)).
    ///
    /// ```
    /// use promenade::process::ProcessCollector;
    /// use std::io;
    ///
    /// let collector = ProcessCollector::new().pid_fn(|| -> io::Result<u32> {
    ///     // e.g. ask a supervisor; here: our own pid
    ///     Ok(std::process::id())
    /// });
    /// assert!(collector.try_read()?.threads.is_some());
    /// let broken = ProcessCollector::new().pid_fn(|| Err(io::Error::other("supervisor is down")));
    /// assert_eq!(
    ///     broken.try_read().unwrap_err().to_string(),
    ///     "cannot tell which process to collect: supervisor is down"
    /// );
    /// # Ok::<(), promenade::process::ProcessError>(())
    /// ```
    pub fn pid_fn<F>(mut self, pid: F) -> Self
    where
        F: Fn() -> io::Result<u32> + Send + Sync + 'static,
    {
        self.pid = Pid::Dynamic(Arc::new(pid));
        self
    }

    /// Reads the process whose pid is in the file at `path`, read again at every scrape
    /// ([`read_pid_file`]): a daemon followed through its pid file, as in the Python
    /// client's `ProcessCollector(pid=lambda: open('/var/run/daemon.pid').read())` or
    /// client_golang's `NewPidFileFn`.
    ///
    /// ```
    /// use promenade::process::ProcessCollector;
    ///
    /// let collector = ProcessCollector::new()
    ///     .pid_file("/nonexistent/daemon.pid")
    ///     .namespace("daemon")?;
    /// let err = collector.try_read().unwrap_err();
    /// assert!(err
    ///     .to_string()
    ///     .starts_with("cannot tell which process to collect: cannot read pid file \"/nonexistent/daemon.pid\": "));
    /// # Ok::<(), promenade::Error>(())
    /// ```
    pub fn pid_file(self, path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        self.pid_fn(move || read_pid_file(&path))
    }

    /// Prefixes every name with `namespace_` (`myapp_process_cpu_seconds_total`). An empty
    /// namespace means no prefix. Fails when the result is not a valid metric name.
    ///
    /// ```
    /// use promenade::process::ProcessCollector;
    /// assert!(ProcessCollector::new().namespace("my_app").is_ok());
    /// assert!(ProcessCollector::new().namespace("my-app").is_err());
    /// ```
    pub fn namespace(mut self, namespace: &str) -> Result<Self, Error> {
        let prefix = if namespace.is_empty() {
            String::new()
        } else {
            format!("{namespace}_")
        };
        for (name, ..) in FAMILIES {
            crate::validate::metric_name(&format!("{prefix}{name}"))?;
        }
        self.descriptors = descriptors(&prefix);
        Ok(self)
    }

    /// Reads another `/proc` tree: the one of a container's host mounted elsewhere, or a
    /// fixture in tests (the Python client's `proc` argument). Clock ticks and page size are
    /// read from its `self/auxv` when present.
    ///
    /// ```
    /// let stats = promenade::process::ProcessCollector::new()
    ///     .proc_root("/nonexistent")
    ///     .read();
    /// assert_eq!(stats, promenade::process::ProcessStats::default());
    /// ```
    pub fn proc_root(mut self, root: impl Into<PathBuf>) -> Self {
        self.proc_root = root.into();
        self
    }

    /// Reads the process's files now; what cannot be read is `None` (everything, when
    /// the process cannot be found: [`try_read`](Self::try_read) says why).
    ///
    /// ```
    /// let stats = promenade::process::ProcessCollector::new().read();
    /// assert!(stats.resident_memory_bytes.unwrap() > 0);
    /// assert!(stats.max_fds.unwrap() >= stats.open_fds.unwrap());
    /// ```
    pub fn read(&self) -> ProcessStats {
        self.try_read().unwrap_or_default()
    }

    /// Reads the process's files now, or says why the process cannot be read: its pid
    /// could not be found out, or `/proc/<pid>/stat` cannot be read (no such process).
    /// A single other value that cannot be read is `None`.
    ///
    /// ```
    /// use promenade::process::{ProcessCollector, ProcessError};
    ///
    /// let err = ProcessCollector::for_pid(u32::MAX).try_read().unwrap_err();
    /// assert!(matches!(err, ProcessError::NoProcess { pid: u32::MAX, .. }));
    /// assert!(err.to_string().starts_with("no process with pid 4294967295 (cannot read /proc/4294967295/stat: "));
    /// ```
    pub fn try_read(&self) -> Result<ProcessStats, ProcessError> {
        let (dir, pid) = match &self.pid {
            Pid::Current => (self.proc_root.join("self"), std::process::id()),
            Pid::Fixed(pid) => (self.proc_root.join(pid.to_string()), *pid),
            Pid::Dynamic(f) => {
                let pid = f().map_err(ProcessError::Pid)?;
                (self.proc_root.join(pid.to_string()), pid)
            }
        };
        // Bytes first: a file that is not UTF-8 is unparsable, not missing.
        let read = |name: &str| {
            std::fs::read(dir.join(name)).map(|b| String::from_utf8(b).unwrap_or_default())
        };
        let stat_path = dir.join("stat");
        let stat = match read("stat") {
            Ok(stat) => Stat::parse(&stat),
            Err(source) => {
                return Err(ProcessError::NoProcess {
                    pid,
                    path: stat_path,
                    source,
                })
            }
        };
        let system = system_constants(&self.proc_root);
        let limits = read("limits").ok();
        let limit = |name| limits.as_deref().and_then(|l| soft_limit(l, name));
        let btime = std::fs::read_to_string(self.proc_root.join("stat"))
            .ok()
            .and_then(|s| boot_time(&s));
        let ticks = system.clock_ticks as f64;
        Ok(ProcessStats {
            cpu_seconds: stat.and_then(|s| Some(s.utime.checked_add(s.stime)? as f64 / ticks)),
            resident_memory_bytes: stat.and_then(|s| s.rss.checked_mul(system.page_size)),
            virtual_memory_bytes: stat.map(|s| s.vsize),
            virtual_memory_max_bytes: limit("Max address space"),
            open_fds: std::fs::read_dir(dir.join("fd"))
                .ok()
                .map(|entries| entries.count() as u64),
            max_fds: limit("Max open files"),
            start_time_seconds: stat
                .zip(btime)
                .map(|(s, btime)| btime as f64 + s.starttime as f64 / ticks),
            threads: stat.map(|s| s.num_threads),
        })
    }
}

/// Reads a pid file: a decimal process id, surrounding whitespace (the usual final
/// newline) ignored. What [`ProcessCollector::pid_file`] calls at every scrape; for a pid
/// function of your own that falls back to something else.
///
/// The error says which file and why: `cannot read pid file "/run/x.pid": No such file
/// or directory (os error 2)` (the kind of the underlying error is kept), or `pid file
/// "/run/x.pid" holds "abc", not a process id` (`InvalidData`).
///
/// ```
/// let path = std::env::temp_dir().join(format!("promenade-doc-{}.pid", std::process::id()));
/// std::fs::write(&path, "4242\n")?;
/// assert_eq!(promenade::process::read_pid_file(&path)?, 4242);
/// std::fs::write(&path, "none")?;
/// let err = promenade::process::read_pid_file(&path).unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
/// assert!(err.to_string().ends_with(" holds \"none\", not a process id"));
/// std::fs::remove_file(&path)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn read_pid_file(path: impl AsRef<Path>) -> io::Result<u32> {
    let path = path.as_ref();
    let contents = std::fs::read(path)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot read pid file {path:?}: {e}")))?;
    let text = String::from_utf8_lossy(&contents);
    text.trim().parse().map_err(|_| {
        // Enough of the file to recognise it, not a whole stray log.
        let shown: String = text.chars().take(40).collect();
        let more = if text.chars().count() > 40 { "…" } else { "" };
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("pid file {path:?} holds {shown:?}{more}, not a process id"),
        )
    })
}

/// Why a [`ProcessCollector`] could not read its process: what its
/// [`try_collect`](Collector::try_collect) returns, counted by the registry in
/// `promenade_collector_failures_total`.
#[derive(Debug)]
#[non_exhaustive]
pub enum ProcessError {
    /// The [pid function](ProcessCollector::pid_fn) failed: for a
    /// [pid file](ProcessCollector::pid_file), the file could not be read or does not hold
    /// a pid ([`read_pid_file`] words it).
    Pid(io::Error),
    /// The process's `stat` file cannot be read: no process has this pid (any more), or
    /// `/proc` is not mounted.
    NoProcess {
        /// The pid read (for the current process, [`std::process::id`]).
        pid: u32,
        /// The file that could not be read.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

impl fmt::Display for ProcessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProcessError::Pid(e) => write!(f, "cannot tell which process to collect: {e}"),
            ProcessError::NoProcess { pid, path, source }
                if source.kind() == io::ErrorKind::NotFound =>
            {
                write!(
                    f,
                    "no process with pid {pid} (cannot read {}: {source})",
                    path.display()
                )
            }
            ProcessError::NoProcess { pid, path, source } => write!(
                f,
                "cannot read process {pid}: cannot read {}: {source}",
                path.display()
            ),
        }
    }
}

impl std::error::Error for ProcessError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ProcessError::Pid(e) | ProcessError::NoProcess { source: e, .. } => Some(e),
        }
    }
}

fn descriptors(prefix: &str) -> Vec<Descriptor> {
    FAMILIES
        .iter()
        .map(|&(name, help, metric_type, unit)| {
            let d = Descriptor::new(
                format!("{prefix}{name}"),
                help,
                metric_type,
                "the process collector (promenade::process)",
            );
            // Every name ends with its unit, so this cannot fail; stay unit-less if it did.
            if unit.is_empty() {
                d
            } else {
                d.clone().with_unit(unit).unwrap_or(d)
            }
        })
        .collect()
}

impl Collector for ProcessCollector {
    /// It reads `/proc` of its own process, which does not block.
    fn may_block(&self) -> bool {
        false
    }
    fn describe(&self) -> Vec<Descriptor> {
        self.descriptors.clone()
    }

    fn collect(&self, sink: &mut dyn Sink) {
        // The registry calls `try_collect`; the error is for it to count.
        let _ = self.try_collect(sink);
    }

    fn try_collect(&self, sink: &mut dyn Sink) -> Result<(), CollectError> {
        let s = self.try_read()?;
        // An unlimited limit is `u64::MAX`: sent as the float it becomes anyway, as
        // client_golang does (see the module docs).
        let limit = |v: u64| {
            Point::Gauge(if v == u64::MAX {
                Number::Float(u64::MAX as f64)
            } else {
                Number::Int(v)
            })
        };
        let values = [
            s.cpu_seconds.map(|v| Point::Counter {
                value: Number::Float(v),
                created: None,
            }),
            s.resident_memory_bytes
                .map(|v| Point::Gauge(Number::Int(v))),
            s.virtual_memory_bytes.map(|v| Point::Gauge(Number::Int(v))),
            s.virtual_memory_max_bytes.map(limit),
            s.open_fds.map(|v| Point::Gauge(Number::Int(v))),
            s.max_fds.map(limit),
            s.start_time_seconds.map(|v| Point::Gauge(Number::Float(v))),
            s.threads.map(|v| Point::Gauge(Number::Int(v))),
        ];
        for (descriptor, value) in self.descriptors.iter().zip(values) {
            if let Some(point) = value {
                sink.family(descriptor);
                sink.point(&(), point);
            }
        }
        Ok(())
    }
}

/// The fields of `/proc/<pid>/stat` this collector uses.
#[derive(Debug, Clone, Copy)]
struct Stat {
    utime: u64,
    stime: u64,
    num_threads: u64,
    starttime: u64,
    vsize: u64,
    rss: u64,
}

impl Stat {
    /// `pid (comm) state ppid …`: `comm` may hold spaces and parentheses, so fields are
    /// counted from the last `)`.
    fn parse(stat: &str) -> Option<Stat> {
        let rest = &stat[stat.rfind(')')? + 1..];
        let fields: Vec<&str> = rest.split_whitespace().collect();
        // Field n of proc(5) (counted from 1, `state` being 3) is `fields[n - 3]`.
        let field = |n: usize| fields.get(n - 3)?.parse::<u64>().ok();
        Some(Stat {
            utime: field(14)?,
            stime: field(15)?,
            num_threads: field(20)?,
            starttime: field(22)?,
            vsize: field(23)?,
            rss: field(24)?,
        })
    }
}

/// The soft limit named `name` in `/proc/<pid>/limits` (`u64::MAX` for `unlimited`).
fn soft_limit(limits: &str, name: &str) -> Option<u64> {
    let line = limits.lines().find(|l| l.starts_with(name))?;
    match line[name.len()..].split_whitespace().next()? {
        "unlimited" => Some(u64::MAX),
        n => n.parse().ok(),
    }
}

/// `btime` of `/proc/stat`: the boot time in seconds since the epoch.
fn boot_time(stat: &str) -> Option<u64> {
    stat.lines()
        .find_map(|l| l.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()
}

#[derive(Debug, Clone, Copy)]
struct SystemConstants {
    clock_ticks: u64,
    page_size: u64,
}

/// Clock ticks and page size from `<root>/self/auxv`, read once per root (they are
/// constants of the running kernel).
fn system_constants(root: &Path) -> SystemConstants {
    static REAL: OnceLock<SystemConstants> = OnceLock::new();
    let read = || {
        let auxv = std::fs::read(root.join("self/auxv")).unwrap_or_default();
        SystemConstants {
            clock_ticks: auxv_value(&auxv, AT_CLKTCK)
                .filter(|&t| t > 0)
                .unwrap_or(DEFAULT_CLOCK_TICKS),
            page_size: auxv_value(&auxv, AT_PAGESZ)
                .filter(|&p| p > 0)
                .unwrap_or(DEFAULT_PAGE_SIZE),
        }
    };
    if root == Path::new("/proc") {
        *REAL.get_or_init(read)
    } else {
        read()
    }
}

/// The value of entry `key` in an auxiliary vector: pairs of native-endian words, ended by
/// `AT_NULL`.
fn auxv_value(auxv: &[u8], key: usize) -> Option<u64> {
    const WORD: usize = size_of::<usize>();
    let word =
        |chunk: &[u8]| -> Option<usize> { Some(usize::from_ne_bytes(chunk.try_into().ok()?)) };
    for pair in auxv.chunks_exact(2 * WORD) {
        let (k, v) = (word(&pair[..WORD])?, word(&pair[WORD..])?);
        if k == 0 {
            return None;
        }
        if k == key {
            return u64::try_from(v).ok();
        }
    }
    None
}

/// The registration of the current process's collector in the default registry.
static DEFAULT_REGISTRATION: Mutex<Option<Registration>> = Mutex::new(None);

inventory::submit! {
    AutoRegistration { register: register_default }
}

fn register_default(registry: &Registry) -> Result<(), Error> {
    let registration = registry.register(ProcessCollector::new())?;
    *DEFAULT_REGISTRATION
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = Some(registration);
    Ok(())
}

/// Takes the current process's collector out of the [default
/// registry](crate::default_registry) (to register one with a namespace instead, say).
/// `false` when it was not there (already removed, or left out because another collector
/// had taken its names).
///
/// ```
/// use promenade::default_registry;
/// let has_cpu = || default_registry().get_sample_value("process_cpu_seconds_total", &[]).is_some();
/// assert!(has_cpu());
/// assert!(promenade::process::unregister_default());
/// assert!(!has_cpu());
/// assert!(!promenade::process::unregister_default());
/// ```
pub fn unregister_default() -> bool {
    // Build the default registry first: that registers the collector (and takes the lock
    // above), so it must not run while we hold it.
    let registry = crate::default_registry();
    let registration = DEFAULT_REGISTRATION
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take();
    registration.is_some_and(|r| registry.unregister(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_are_counted_from_the_last_parenthesis() {
        let line = "4242 (a (weird) comm) S 1 2 3 4 5 6 7 8 9 10 250 150 11 12 13 14 7 0 1234 5000 300 18446744073709551615 1 2\n";
        let s = Stat::parse(line).unwrap();
        assert_eq!(
            (s.utime, s.stime, s.num_threads, s.starttime, s.vsize, s.rss),
            (250, 150, 7, 1234, 5000, 300)
        );
        assert!(Stat::parse("4242 (x) S 1 2").is_none());
        assert!(Stat::parse("no parenthesis").is_none());
        assert!(Stat::parse("").is_none());
    }

    #[test]
    fn limits_and_btime() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units     \nMax open files            1024                 1048576              files     \nMax address space         unlimited            unlimited            bytes     \n";
        assert_eq!(soft_limit(limits, "Max open files"), Some(1024));
        assert_eq!(soft_limit(limits, "Max address space"), Some(u64::MAX));
        assert_eq!(soft_limit(limits, "Max locked memory"), None);
        assert_eq!(
            boot_time("cpu  1 2\nbtime 1700000000\n"),
            Some(1_700_000_000)
        );
        assert_eq!(boot_time("btime x\n"), None);
    }

    #[test]
    fn auxiliary_vector() {
        let mut v = Vec::new();
        for (k, val) in [
            (AT_PAGESZ, 16384usize),
            (AT_CLKTCK, 1000),
            (0, 0),
            (AT_CLKTCK, 5),
        ] {
            v.extend_from_slice(&k.to_ne_bytes());
            v.extend_from_slice(&val.to_ne_bytes());
        }
        assert_eq!(auxv_value(&v, AT_PAGESZ), Some(16384));
        assert_eq!(auxv_value(&v, AT_CLKTCK), Some(1000));
        assert_eq!(auxv_value(&v, 99), None);
        assert_eq!(auxv_value(&v[..7], AT_PAGESZ), None);
        // this machine's own vector has both
        let own = std::fs::read("/proc/self/auxv").unwrap();
        assert!(auxv_value(&own, AT_PAGESZ).is_some_and(|p| p >= 4096));
        assert!(auxv_value(&own, AT_CLKTCK).is_some_and(|t| t > 0));
    }
}
