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
//! An `unlimited` limit is exposed as `18446744073709551615` (`u64::MAX`, what the Go
//! client's procfs reports too). Clock ticks and the page size come from the kernel's
//! auxiliary vector (`/proc/self/auxv`, `AT_CLKTCK` and `AT_PAGESZ`), so no libc is
//! needed; should it be unreadable, the Linux defaults are used (`USER_HZ` is 100 on every
//! Linux architecture, pages are 4096 bytes on most). Every file is read once per scrape;
//! a value that cannot be read (no such process, no permission, a kernel that formats a
//! file differently) is left out of that scrape — the collector never panics and never
//! fails the scrape.
//!
//! With the feature on, a collector for the current process is in the
//! [default registry](crate::default_registry) from the start; [`unregister_default`]
//! takes it out.
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

use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use crate::metrics::MetricType;
use crate::registry::{
    AutoRegistration, Collector, Descriptor, Number, Point, Registration, Registry, Sink,
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

/// Collects the [process metrics](self) of one process at every scrape.
///
/// ```
/// use promenade::process::ProcessCollector;
///
/// // The current process, without a namespace: `process_cpu_seconds_total`, …
/// let own = ProcessCollector::new();
/// // Another process, by pid, as `worker_process_…` (here: our own pid again).
/// let other = ProcessCollector::for_pid(std::process::id()).namespace("worker")?;
/// assert_eq!(other.read().start_time_seconds, own.read().start_time_seconds);
/// # Ok::<(), promenade::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ProcessCollector {
    /// `None` reads `/proc/self`.
    pid: Option<u32>,
    proc_root: PathBuf,
    descriptors: Vec<Descriptor>,
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
            pid: None,
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
            pid: Some(pid),
            ..Self::new()
        }
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

    /// Reads the process's files now.
    ///
    /// ```
    /// let stats = promenade::process::ProcessCollector::new().read();
    /// assert!(stats.resident_memory_bytes.unwrap() > 0);
    /// assert!(stats.max_fds.unwrap() >= stats.open_fds.unwrap());
    /// ```
    pub fn read(&self) -> ProcessStats {
        let dir = match self.pid {
            Some(pid) => self.proc_root.join(pid.to_string()),
            None => self.proc_root.join("self"),
        };
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).ok();
        let system = system_constants(&self.proc_root);
        let stat = read("stat").and_then(|s| Stat::parse(&s));
        let limits = read("limits");
        let limit = |name| limits.as_deref().and_then(|l| soft_limit(l, name));
        let btime = std::fs::read_to_string(self.proc_root.join("stat"))
            .ok()
            .and_then(|s| boot_time(&s));
        let ticks = system.clock_ticks as f64;
        ProcessStats {
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
    fn describe(&self) -> Vec<Descriptor> {
        self.descriptors.clone()
    }

    fn collect(&self, sink: &mut dyn Sink) {
        let s = self.read();
        let values = [
            s.cpu_seconds.map(|v| Point::Counter {
                value: Number::Float(v),
                created: None,
            }),
            s.resident_memory_bytes
                .map(|v| Point::Gauge(Number::Int(v))),
            s.virtual_memory_bytes.map(|v| Point::Gauge(Number::Int(v))),
            s.virtual_memory_max_bytes
                .map(|v| Point::Gauge(Number::Int(v))),
            s.open_fds.map(|v| Point::Gauge(Number::Int(v))),
            s.max_fds.map(|v| Point::Gauge(Number::Int(v))),
            s.start_time_seconds.map(|v| Point::Gauge(Number::Float(v))),
            s.threads.map(|v| Point::Gauge(Number::Int(v))),
        ];
        for (descriptor, value) in self.descriptors.iter().zip(values) {
            if let Some(point) = value {
                sink.family(descriptor);
                sink.point(&(), point);
            }
        }
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
fn system_constants(root: &std::path::Path) -> SystemConstants {
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
    if root == std::path::Path::new("/proc") {
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
