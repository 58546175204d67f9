//! The process collector against this test process's own `/proc` (read here independently,
//! with `getconf` for clock ticks and page size), against a child process by pid, through a
//! pid file and a pid function read at every scrape (and the counted failure when the pid
//! names no process), against a fixture `/proc` tree (whole expositions), and in the
//! default registry.
#![cfg(all(feature = "process", target_os = "linux"))]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;

use promenade::process::{unregister_default, ProcessCollector, ProcessStats};
use promenade::{default_registry, Registry};

fn getconf(name: &str) -> f64 {
    let out = Command::new("getconf").arg(name).output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// Fields of `/proc/<pid>/stat`, numbered as in proc(5).
fn stat_field(pid: &str, n: usize) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after_comm = &stat[stat.rfind(')').unwrap() + 2..];
    after_comm.split(' ').nth(n - 3).unwrap().parse().unwrap()
}

fn soft_limit(pid: &str, name: &str) -> f64 {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let line = limits.lines().find(|l| l.starts_with(name)).unwrap();
    match line[name.len()..].split_whitespace().next().unwrap() {
        "unlimited" => u64::MAX as f64,
        n => n.parse().unwrap(),
    }
}

fn btime() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap();
    let line = stat.lines().find(|l| l.starts_with("btime ")).unwrap();
    line[6..].trim().parse().unwrap()
}

fn open_fds(pid: &str) -> f64 {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count() as f64
}

/// Every sample of a registry's text exposition, parsed back by `promenade::parse`.
fn scrape(registry: &Registry) -> (String, HashMap<String, f64>) {
    let text = promenade::encoding::text::encode_to_string(registry);
    let families = promenade::parse::text(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let values = families
        .into_iter()
        .flat_map(|f| f.samples)
        .map(|s| (s.name, s.value))
        .collect();
    (text, values)
}

fn within(value: f64, low: f64, high: f64, what: &str) {
    assert!(
        low <= value && value <= high,
        "{what}: {value} not in [{low}, {high}]"
    );
}

#[test]
fn the_test_process_own_values() {
    let registry = Registry::new();
    registry.register(ProcessCollector::new()).unwrap();
    let ticks = getconf("CLK_TCK");
    let page = getconf("PAGESIZE");
    let cpu = || (stat_field("self", 14) + stat_field("self", 15)) / ticks;
    let rss = || stat_field("self", 24) * page;
    let vsize = || stat_field("self", 23);
    let threads = || stat_field("self", 20);

    // Burn a little CPU so the counter is not 0.
    let mut x = 0u64;
    for i in 0..5_000_000u64 {
        x = x.wrapping_mul(31).wrapping_add(i);
    }
    assert_ne!(x, 1);

    let before = (cpu(), rss(), vsize(), threads(), open_fds("self"));
    let (text, got) = scrape(&registry);
    let after = (cpu(), rss(), vsize(), threads(), open_fds("self"));
    let v = |name: &str| {
        *got.get(name)
            .unwrap_or_else(|| panic!("no {name} in\n{text}"))
    };

    // Exact: fixed for the life of the process.
    let start = btime() + stat_field("self", 22) / ticks;
    assert_eq!(v("process_start_time_seconds"), start);
    assert_eq!(v("process_max_fds"), soft_limit("self", "Max open files"));
    assert_eq!(
        v("process_virtual_memory_max_bytes"),
        soft_limit("self", "Max address space")
    );
    // Monotonic or moving: between the readings taken around the scrape (other tests of
    // this binary run threads of their own meanwhile).
    within(v("process_cpu_seconds_total"), before.0, after.0, "cpu");
    assert!(v("process_cpu_seconds_total") > 0.0);
    let (lo, hi) = (before.1.min(after.1), before.1.max(after.1));
    within(
        v("process_resident_memory_bytes"),
        lo * 0.9,
        hi * 1.1,
        "rss",
    );
    let (lo, hi) = (before.2.min(after.2), before.2.max(after.2));
    within(
        v("process_virtual_memory_bytes"),
        lo * 0.9,
        hi * 1.1,
        "vsize",
    );
    let (lo, hi) = (before.3.min(after.3), before.3.max(after.3));
    within(v("process_threads"), lo - 8.0, hi + 8.0, "threads");
    let (lo, hi) = (before.4.min(after.4), before.4.max(after.4));
    within(v("process_open_fds"), lo - 8.0, hi + 8.0, "open fds");

    // An open file shows up.
    let files: Vec<std::fs::File> = (0..20)
        .map(|_| std::fs::File::open("/proc/self/stat").unwrap())
        .collect();
    let (_, more) = scrape(&registry);
    assert!(more["process_open_fds"] >= lo + 20.0 - 8.0, "{more:?}");
    drop(files);

    // Metadata, with OpenMetrics units.
    assert!(text.starts_with("# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total "), "{text}");
    let mut om = String::new();
    promenade::encoding::openmetrics::encode(&registry, &mut om);
    let families = promenade::parse::openmetrics(&om).unwrap_or_else(|e| panic!("{e}\n{om}"));
    let units: Vec<(&str, Option<&str>)> = families
        .iter()
        .map(|f| (f.name.as_str(), f.unit.as_deref()))
        .collect();
    assert_eq!(
        units,
        [
            ("process_cpu_seconds", Some("seconds")),
            ("process_resident_memory_bytes", Some("bytes")),
            ("process_virtual_memory_bytes", Some("bytes")),
            ("process_virtual_memory_max_bytes", Some("bytes")),
            ("process_open_fds", None),
            ("process_max_fds", None),
            ("process_start_time_seconds", Some("seconds")),
            ("process_threads", None),
        ]
    );
}

/// A child process, killed (by its own handle) when the test ends, however it ends.
struct ChildGuard(Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn another_process_by_pid_with_a_namespace() {
    let child = ChildGuard(
        Command::new("sleep")
            .arg("30")
            .stdin(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let pid = child.0.id();
    let p = pid.to_string();
    // Until `sleep` has exec'd and gone to sleep, its memory is still moving.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !std::fs::read_to_string(format!("/proc/{p}/stat"))
        .unwrap()
        .contains("(sleep) S ")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the child never slept"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let registry = Registry::new();
    registry
        .register(ProcessCollector::for_pid(pid).namespace("child").unwrap())
        .unwrap();
    let (text, got) = scrape(&registry);
    let ticks = getconf("CLK_TCK");
    assert_eq!(
        got["child_process_start_time_seconds"],
        btime() + stat_field(&p, 22) / ticks,
        "{text}"
    );
    assert_eq!(got["child_process_threads"], 1.0);
    assert_eq!(
        got["child_process_max_fds"],
        soft_limit(&p, "Max open files")
    );
    assert_eq!(got["child_process_open_fds"], open_fds(&p));
    assert_eq!(
        got["child_process_resident_memory_bytes"],
        stat_field(&p, 24) * getconf("PAGESIZE")
    );
    assert_eq!(
        got["child_process_virtual_memory_bytes"],
        stat_field(&p, 23)
    );
    // The child started after us.
    let own = ProcessCollector::new().read();
    assert!(got["child_process_start_time_seconds"] >= own.start_time_seconds.unwrap());
    assert!(!text.contains("\nprocess_"), "{text}");
}

/// A temporary directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("promenade-proc-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn write(&self, path: &str, contents: &[u8]) {
        let p = self.0.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const LIMITS: &str = "\
Limit                     Soft Limit           Hard Limit           Units     
Max cpu time              unlimited            unlimited            seconds   
Max open files            2048                 4096                 files     
Max address space         unlimited            unlimited            bytes     
";

/// `/proc/26231/stat` of a process named `vim (2)`: utime 1234, stime 566, 3 threads,
/// started 9000 ticks after boot, 56274944 bytes virtual, 1500 pages resident.
const STAT: &str = "26231 (vim (2)) R 5392 7446 5392 34835 7446 4218880 32533 309516 26 82 1234 566 41 3 20 0 3 0 9000 56274944 1500 18446744073709551615 4194304 4198644 140736914091744 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";

fn fixture(tag: &str) -> TempDir {
    let dir = TempDir::new(tag);
    dir.write("26231/stat", STAT.as_bytes());
    dir.write("26231/limits", LIMITS.as_bytes());
    for fd in ["0", "1", "2", "3", "4"] {
        dir.write(&format!("26231/fd/{fd}"), b"");
    }
    dir.write(
        "stat",
        b"cpu  1 2 3\nintr 5\nbtime 1418184099\nprocesses 26442\n",
    );
    dir
}

#[test]
fn a_fixture_tree_gives_the_whole_exposition() {
    let dir = fixture("whole");
    let registry = Registry::new();
    let collector = ProcessCollector::for_pid(26231)
        .proc_root(dir.path())
        .namespace("myapp")
        .unwrap();
    assert_eq!(
        collector.read(),
        ProcessStats {
            cpu_seconds: Some(18.0),
            resident_memory_bytes: Some(1500 * 4096),
            virtual_memory_bytes: Some(56274944),
            virtual_memory_max_bytes: Some(u64::MAX),
            open_fds: Some(5),
            max_fds: Some(2048),
            start_time_seconds: Some(1418184189.0),
            threads: Some(3),
        }
    );
    registry.register(collector).unwrap();
    assert_eq!(
        promenade::encoding::text::encode_to_string(&registry),
        "\
# HELP myapp_process_cpu_seconds_total Total user and system CPU time spent in seconds.
# TYPE myapp_process_cpu_seconds_total counter
myapp_process_cpu_seconds_total 18.0
# HELP myapp_process_resident_memory_bytes Resident memory size in bytes.
# TYPE myapp_process_resident_memory_bytes gauge
myapp_process_resident_memory_bytes 6144000
# HELP myapp_process_virtual_memory_bytes Virtual memory size in bytes.
# TYPE myapp_process_virtual_memory_bytes gauge
myapp_process_virtual_memory_bytes 56274944
# HELP myapp_process_virtual_memory_max_bytes Maximum amount of virtual memory available in bytes.
# TYPE myapp_process_virtual_memory_max_bytes gauge
myapp_process_virtual_memory_max_bytes 1.8446744073709552e19
# HELP myapp_process_open_fds Number of open file descriptors.
# TYPE myapp_process_open_fds gauge
myapp_process_open_fds 5
# HELP myapp_process_max_fds Maximum number of open file descriptors.
# TYPE myapp_process_max_fds gauge
myapp_process_max_fds 2048
# HELP myapp_process_start_time_seconds Start time of the process since unix epoch in seconds.
# TYPE myapp_process_start_time_seconds gauge
myapp_process_start_time_seconds 1418184189.0
# HELP myapp_process_threads Number of OS threads in the process.
# TYPE myapp_process_threads gauge
myapp_process_threads 3
"
    );
}

#[test]
fn clock_ticks_and_page_size_come_from_the_auxiliary_vector() {
    let dir = fixture("auxv");
    let mut auxv = Vec::new();
    // AT_PAGESZ = 16384, AT_CLKTCK = 1000, AT_NULL
    for (k, v) in [(6usize, 16384usize), (17, 1000), (0, 0)] {
        auxv.extend_from_slice(&k.to_ne_bytes());
        auxv.extend_from_slice(&v.to_ne_bytes());
    }
    dir.write("self/auxv", &auxv);
    let stats = ProcessCollector::for_pid(26231)
        .proc_root(dir.path())
        .read();
    assert_eq!(stats.cpu_seconds, Some(1.8));
    assert_eq!(stats.resident_memory_bytes, Some(1500 * 16384));
    assert_eq!(stats.start_time_seconds, Some(1418184108.0));
}

#[test]
fn unreadable_values_are_left_out() {
    let dir = fixture("partial");
    std::fs::remove_file(dir.path().join("26231/limits")).unwrap();
    dir.write("stat", b"no boot time here\n");
    let registry = Registry::new();
    registry
        .register(ProcessCollector::for_pid(26231).proc_root(dir.path()))
        .unwrap();
    let text = promenade::encoding::text::encode_to_string(&registry);
    let names: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "process_cpu_seconds_total",
            "process_resident_memory_bytes",
            "process_virtual_memory_bytes",
            "process_open_fds",
            "process_threads"
        ]
    );
    promenade::parse::text(&text).unwrap();

    // A garbled stat line and a missing process: nothing, no panic, a valid exposition.
    dir.write("26231/stat", b"26231 (x) R 1 2 3 garbage\n");
    let stats = ProcessCollector::for_pid(26231)
        .proc_root(dir.path())
        .read();
    assert_eq!(
        stats,
        ProcessStats {
            open_fds: Some(5),
            ..ProcessStats::default()
        }
    );
    for bad in [&b"\xff\xfe not utf-8"[..], b"", b")))"] {
        dir.write("26231/stat", bad);
        assert_eq!(
            ProcessCollector::for_pid(26231)
                .proc_root(dir.path())
                .read()
                .threads,
            None
        );
    }
    // A process that does not exist is a counted failure (see `a_pid_file_is_read_at_every_scrape`).
    let gone = Registry::new();
    gone.register(ProcessCollector::for_pid(u32::MAX)).unwrap();
    assert_eq!(
        promenade::encoding::text::encode_to_string(&gone),
        "# HELP promenade_collector_failures_total Scrapes at which a collector panicked or returned an error (its families were left out).\n\
         # TYPE promenade_collector_failures_total counter\n\
         promenade_collector_failures_total{collector=\"promenade::process::ProcessCollector\"} 1\n"
    );
}

/// What client_golang exposes for an unlimited address space (its procfs reads
/// `unlimited` as `u64::MAX`, sent as a float): the same `f64`, which survives
/// encode → parse → encode; the stats keep the exact integer.
#[test]
fn an_unlimited_limit_is_the_float_client_golang_exposes() {
    let dir = fixture("unlimited");
    let registry = Registry::new();
    let collector = ProcessCollector::for_pid(26231).proc_root(dir.path());
    assert_eq!(collector.read().virtual_memory_max_bytes, Some(u64::MAX));
    registry.register(collector).unwrap();
    let text = promenade::encoding::text::encode_to_string(&registry);
    assert!(
        text.contains("\nprocess_virtual_memory_max_bytes 1.8446744073709552e19\n"),
        "{text}"
    );
    // A limited one stays an integer.
    assert!(text.contains("\nprocess_max_fds 2048\n"), "{text}");
    // Go spells it `1.8446744073709552e+19`: the same value.
    assert_eq!(
        "1.8446744073709552e+19".parse::<f64>().unwrap(),
        u64::MAX as f64
    );
    assert_eq!(
        registry.get_sample_value("process_virtual_memory_max_bytes", &[]),
        Some(18446744073709551615u64 as f64)
    );
    // encode → parse → encode keeps the line (the integer `18446744073709551615` would
    // come back as this float).
    let families = promenade::parse::text(&text).unwrap();
    let again = Registry::new();
    again.register(Replay(families)).unwrap();
    let text = promenade::encoding::text::encode_to_string(&again);
    assert!(
        text.contains("\nprocess_virtual_memory_max_bytes 1.8446744073709552e19\n"),
        "{text}"
    );
}

/// Parsed families sent back to a registry.
struct Replay(Vec<promenade::parse::MetricFamily>);

impl promenade::Collector for Replay {
    fn describe(&self) -> Vec<promenade::registry::Descriptor> {
        Vec::new()
    }
    fn collect(&self, sink: &mut dyn promenade::registry::Sink) {
        let _ = self.try_collect(sink);
    }
    fn try_collect(
        &self,
        sink: &mut dyn promenade::registry::Sink,
    ) -> Result<(), promenade::registry::CollectError> {
        for family in &self.0 {
            family.collect_into(sink)?;
        }
        Ok(())
    }
}

/// A scrape's count of the process collector's failures (it is the only collector of
/// these registries), and why it last failed.
fn failures(
    got: &HashMap<String, f64>,
    registry: &Registry,
    registration: promenade::registry::Registration,
) -> (f64, Option<String>) {
    let n = got
        .get("promenade_collector_failures_total")
        .copied()
        .unwrap_or(0.0);
    (n, registry.last_failure(registration))
}

#[test]
fn a_pid_file_is_read_at_every_scrape() {
    let dir = TempDir::new("pidfile");
    let pid_file = dir.path().join("daemon.pid");
    std::fs::write(&pid_file, format!("{}\n", std::process::id())).unwrap();
    let registry = Registry::new();
    let registration = registry
        .register(
            ProcessCollector::new()
                .pid_file(&pid_file)
                .namespace("daemon")
                .unwrap(),
        )
        .unwrap();
    let start = ProcessCollector::new().read().start_time_seconds.unwrap();

    // The file names this test process.
    let (text, got) = scrape(&registry);
    assert_eq!(got["daemon_process_start_time_seconds"], start, "{text}");
    assert!(got["daemon_process_threads"] >= 1.0);
    assert_eq!(failures(&got, &registry, registration), (0.0, None));

    // It now names a pid no process has: no process families, one counted failure that
    // says which pid and why; the rest of the registry is still served.
    std::fs::write(&pid_file, u32::MAX.to_string()).unwrap();
    let (text, got) = scrape(&registry);
    assert!(!text.contains("daemon_process_"), "{text}");
    assert_eq!(
        failures(&got, &registry, registration),
        (
            1.0,
            Some(
                "the collector returned an error: no process with pid 4294967295 (cannot read /proc/4294967295/stat: No such file or directory (os error 2))"
                    .to_owned()
            )
        )
    );
    // Nothing else: the failure counter is the whole scrape.
    assert_eq!(got.len(), 1, "{text}");

    // Back to a live process: the families return; the count stays.
    std::fs::write(&pid_file, std::process::id().to_string()).unwrap();
    let (_, got) = scrape(&registry);
    assert_eq!(got["daemon_process_start_time_seconds"], start);
    assert_eq!(failures(&got, &registry, registration).0, 1.0);

    // A pid file that is not a pid, then no pid file at all.
    std::fs::write(&pid_file, "starting...\n").unwrap();
    let (text, got) = scrape(&registry);
    assert!(!text.contains("daemon_process_"), "{text}");
    assert_eq!(
        failures(&got, &registry, registration),
        (
            2.0,
            Some(format!(
                "the collector returned an error: cannot tell which process to collect: pid file {pid_file:?} holds \"starting...\\n\", not a process id"
            ))
        )
    );
    std::fs::remove_file(&pid_file).unwrap();
    let (_, got) = scrape(&registry);
    assert_eq!(
        failures(&got, &registry, registration),
        (
            3.0,
            Some(format!(
                "the collector returned an error: cannot tell which process to collect: cannot read pid file {pid_file:?}: No such file or directory (os error 2)"
            ))
        )
    );
}

#[test]
fn a_pid_function_is_called_at_every_scrape() {
    use std::sync::atomic::{AtomicU32, AtomicUsize};
    use std::sync::Arc;
    let child = ChildGuard(
        Command::new("sleep")
            .arg("30")
            .stdin(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let target = Arc::new(AtomicU32::new(std::process::id()));
    let calls = Arc::new(AtomicUsize::new(0));
    let (t, c) = (target.clone(), calls.clone());
    let collector = ProcessCollector::new().pid_fn(move || {
        c.fetch_add(1, Ordering::SeqCst);
        Ok(t.load(Ordering::SeqCst))
    });
    let registry = Registry::new();
    registry.register(collector).unwrap();
    let own = btime() + stat_field("self", 22) / getconf("CLK_TCK");
    let (_, got) = scrape(&registry);
    assert_eq!(got["process_start_time_seconds"], own);
    // The same collector follows the pid it is given next.
    target.store(child.0.id(), Ordering::SeqCst);
    let theirs = btime() + stat_field(&child.0.id().to_string(), 22) / getconf("CLK_TCK");
    let (_, got) = scrape(&registry);
    assert_eq!(got["process_start_time_seconds"], theirs);
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    // An error of the function is the failure, in its own words.
    let failing = Registry::new();
    let registration = failing
        .register(
            ProcessCollector::new()
                .pid_fn(|| Err(std::io::Error::other("the supervisor is not running"))),
        )
        .unwrap();
    assert_eq!(
        promenade::encoding::text::encode_to_string(&failing),
        "# HELP promenade_collector_failures_total Scrapes at which a collector panicked or returned an error (its families were left out).\n\
         # TYPE promenade_collector_failures_total counter\n\
         promenade_collector_failures_total{collector=\"promenade::process::ProcessCollector\"} 1\n"
    );
    assert_eq!(
        failing.last_failure(registration).as_deref(),
        Some("the collector returned an error: cannot tell which process to collect: the supervisor is not running")
    );
}

#[test]
fn namespaces_are_validated() {
    assert!(ProcessCollector::new().namespace("").is_ok());
    let err = ProcessCollector::new().namespace("my app").unwrap_err();
    assert!(
        err.to_string().contains("my app_process_cpu_seconds_total"),
        "{err}"
    );
}

#[test]
fn the_default_registry_has_it_until_it_is_unregistered() {
    let has = |name| default_registry().get_sample_value(name, &[]).is_some();
    for name in [
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "process_virtual_memory_bytes",
        "process_virtual_memory_max_bytes",
        "process_open_fds",
        "process_max_fds",
        "process_start_time_seconds",
        "process_threads",
    ] {
        assert!(has(name), "{name}");
    }
    assert!(unregister_default());
    assert!(!has("process_cpu_seconds_total"));
    assert!(!unregister_default());
    // Its names are free again: one with a namespace can take over.
    default_registry()
        .register(ProcessCollector::new())
        .unwrap();
    assert!(has("process_threads"));
}
