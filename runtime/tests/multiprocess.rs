//! Multiprocess mode across real processes: this test binary re-executes itself as the
//! workers (`worker` below, which does nothing unless `PROMENADE_TEST_WORKER` is set), so
//! every worker is a separate process with its own mapped file, and the parent reads the
//! directory as any process' `/metrics` would.
#![cfg(feature = "multiprocess")]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use promenade::metrics::ExemplarLabels;
use promenade::multiprocess;
use promenade::parse::{parse, Format};
use promenade::{
    Counter, CounterWithExemplar, Enum, Family, Gauge, Histogram, Info, LabelSet, LabelValue,
    Metrics, Registry,
};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Route {
    Home,
    Items,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
struct RouteLabels {
    route: Route,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
struct UserLabels {
    #[label(limit = 100)]
    user: String,
}

/// What every worker records, self-registered as in a single-process program.
#[derive(Metrics)]
#[metrics(namespace = "mp")]
struct WorkerMetrics {
    /// Work items done.
    items: Counter,
    /// Requests by route.
    requests: Family<RouteLabels, Counter>,
    /// Requests by user (an open label set).
    #[metric(limit = 100)]
    users: Family<UserLabels, Counter>,
    /// How long each item took.
    #[metric(buckets = [0.25, 0.5, 1.0])]
    item_seconds: Histogram,
    /// Live workers.
    #[metric(multiprocess = "livesum")]
    workers: Gauge,
    /// The largest batch any worker has seen.
    #[metric(multiprocess = "max")]
    batch_max: Gauge,
    /// The worker's role.
    role: Info,
    /// The worker's phase.
    phase: Enum<Phase>,
    /// Traced items, with the latest trace as exemplar.
    traced: CounterWithExemplar,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Phase {
    Starting,
    Serving,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
struct FillLabels {
    #[label(limit = 100000)]
    id: String,
}

/// What the disk-full worker records: many series with long label values.
#[derive(Metrics)]
#[metrics(namespace = "fill")]
struct FillMetrics {
    /// Series, until the file cannot grow.
    #[metric(limit = 100000)]
    series: Family<FillLabels, Counter>,
}

/// The disk-full worker: `PROMENADE_TEST_FILL=<n>` series of ~1 KB of labels each, under
/// a file size limit the parent sets; the first series once more at the end.
#[test]
fn fill_worker() {
    let Ok(n) = std::env::var("PROMENADE_TEST_FILL") else {
        return;
    };
    let n: usize = n.parse().unwrap();
    multiprocess::start_from_env().unwrap().unwrap();
    let m = FillMetrics::global();
    let id = |i: usize| FillLabels {
        id: format!("{i:06}-{}", "x".repeat(1000)),
    };
    for i in 0..n {
        m.series.labels(id(i)).inc();
    }
    m.series.labels(id(0)).inc();
    println!("ready");
}

/// The worker's body: `PROMENADE_TEST_WORKER=<n>` items, then "ready" on stdout, then
/// (with `PROMENADE_TEST_HOLD`) waiting for the parent to kill it.
#[test]
fn worker() {
    let Ok(n) = std::env::var("PROMENADE_TEST_WORKER") else {
        return;
    };
    let n: u64 = n.parse().unwrap();
    multiprocess::start_from_env().unwrap().unwrap();
    let m = WorkerMetrics::global();
    m.workers.inc();
    let index: u64 = std::env::var("PROMENADE_TEST_INDEX")
        .unwrap()
        .parse()
        .unwrap();
    m.batch_max.set(index as f64);
    // A gauge registered by hand, its mode chosen at run time.
    let hand = std::sync::Arc::new(Gauge::new());
    promenade::default_registry()
        .register(
            promenade::registry::Named::new("mp_hand_sum", "Summed over processes.", hand.clone())
                .unwrap()
                .with_multiprocess_mode(multiprocess::GaugeMode::Sum),
        )
        .unwrap();
    hand.set((index + 1) as f64);
    for i in 0..n {
        m.items.inc();
        m.requests
            .labels(RouteLabels {
                route: if i % 2 == 0 {
                    Route::Home
                } else {
                    Route::Items
                },
            })
            .inc();
        m.item_seconds.observe((i % 4) as f64 * 0.25);
    }
    m.users
        .labels(UserLabels {
            user: format!("u{index}"),
        })
        .inc_by(index + 1);
    // A series removed before the parent looks is not in the aggregate.
    let gone = UserLabels {
        user: format!("gone{index}"),
    };
    m.users.labels(gone.clone()).inc();
    m.users.remove(&gone);
    m.role
        .set([("role", if index == 0 { "leader" } else { "follower" })])
        .unwrap();
    m.phase.set(Phase::Serving);
    let trace = ExemplarLabels::new([("trace_id", format!("t{index}").as_str())]).unwrap();
    m.traced.inc_with_exemplar(1, &trace);
    println!("ready");
    if std::env::var_os("PROMENADE_TEST_HOLD").is_some() {
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}

struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(dir: &Path, index: u64, n: u64, hold: bool) -> Worker {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["worker", "--exact", "--nocapture", "--test-threads=1"])
        .env(multiprocess::DIR_ENV, dir)
        .env("PROMENADE_TEST_WORKER", n.to_string())
        .env("PROMENADE_TEST_INDEX", index.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if hold {
        cmd.env("PROMENADE_TEST_HOLD", "1");
    }
    Worker(cmd.spawn().unwrap())
}

fn wait_ready(w: &mut Worker) {
    let out = w.0.stdout.take().unwrap();
    let ready = BufReader::new(out)
        .lines()
        .map_while(Result::ok)
        .any(|l| l.contains("ready"));
    assert!(ready, "the worker never said ready");
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("promenade-mp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    multiprocess::prepare_directory(&d).unwrap();
    d
}

/// The aggregate, as a scrape of any process shows it, parsed.
fn scrape(dir: &Path) -> Vec<promenade::registry::MetricFamily> {
    let registry = Registry::new();
    registry.register(multiprocess::collector(dir)).unwrap();
    let mut text = String::new();
    promenade::encoding::text::encode(&registry, &mut text);
    parse(&text, Format::Text).unwrap()
}

fn value(
    families: &[promenade::registry::MetricFamily],
    sample: &str,
    labels: &[(&str, &str)],
) -> Option<f64> {
    families
        .iter()
        .flat_map(|f| f.samples.iter())
        .find_map(|s| {
            let matches = s.name == sample
                && labels.len() == s.labels.len()
                && labels
                    .iter()
                    .all(|(k, v)| s.labels.iter().any(|(a, b)| a == k && b == v));
            matches.then_some(s.value)
        })
}

#[test]
fn exact_totals_over_four_processes_and_inf_equals_count_in_every_scrape() {
    const N: u64 = 1_000_000;
    let dir = temp_dir("totals");
    let mut workers: Vec<Worker> = (0..4).map(|i| spawn(&dir, i, N, false)).collect();
    // Scrape while they write: every aggregated histogram is consistent.
    let mut scrapes = 0;
    while workers
        .iter_mut()
        .any(|w| w.0.try_wait().unwrap().is_none())
    {
        let f = scrape(&dir);
        if let (Some(inf), Some(count)) = (
            value(&f, "mp_item_seconds_bucket", &[("le", "+Inf")]),
            value(&f, "mp_item_seconds_count", &[]),
        ) {
            assert_eq!(inf, count, "+Inf and _count of one aggregated scrape");
            scrapes += 1;
        }
    }
    for w in &mut workers {
        assert!(w.0.wait().unwrap().success());
    }
    assert!(
        scrapes > 0,
        "no scrape saw the histogram while the workers wrote"
    );
    let f = scrape(&dir);
    let total = 4 * N;
    assert_eq!(value(&f, "mp_items_total", &[]), Some(total as f64));
    assert_eq!(
        value(&f, "mp_requests_total", &[("route", "home")]),
        Some((total / 2) as f64)
    );
    assert_eq!(
        value(&f, "mp_requests_total", &[("route", "items")]),
        Some((total / 2) as f64)
    );
    assert_eq!(value(&f, "mp_item_seconds_count", &[]), Some(total as f64));
    assert_eq!(
        value(&f, "mp_item_seconds_bucket", &[("le", "0.25")]),
        Some((total / 2) as f64)
    );
    assert_eq!(
        value(&f, "mp_item_seconds_sum", &[]),
        Some(total as f64 / 4.0 * 1.5)
    );
    for i in 0..4u64 {
        let user = format!("u{i}");
        assert_eq!(
            value(&f, "mp_users_total", &[("user", &user)]),
            Some((i + 1) as f64)
        );
    }
    // The workers exited: a `livesum` gauge has no live process to sum (no series), a
    // `max` gauge keeps the largest value any of them had.
    assert_eq!(value(&f, "mp_workers", &[]), None);
    assert_eq!(value(&f, "mp_batch_max", &[]), Some(3.0));
    assert_eq!(
        value(&f, "mp_hand_sum", &[]),
        Some(10.0),
        "a `sum` gauge chosen at run time: 1 + 2 + 3 + 4"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_killed_worker_loses_nothing_and_leaves_the_live_gauges() {
    let dir = temp_dir("sigkill");
    let mut a = spawn(&dir, 0, 1000, true);
    let mut b = spawn(&dir, 1, 500, true);
    wait_ready(&mut a);
    wait_ready(&mut b);
    let f = scrape(&dir);
    assert_eq!(value(&f, "mp_items_total", &[]), Some(1500.0));
    assert_eq!(value(&f, "mp_workers", &[]), Some(2.0));
    // Info: every distinct label set of a live process; an enum: the newest process'.
    assert_eq!(value(&f, "mp_role_info", &[("role", "leader")]), Some(1.0));
    assert_eq!(
        value(&f, "mp_role_info", &[("role", "follower")]),
        Some(1.0)
    );
    assert_eq!(value(&f, "mp_phase", &[("mp_phase", "serving")]), Some(1.0));
    assert_eq!(
        value(&f, "mp_phase", &[("mp_phase", "starting")]),
        Some(0.0)
    );
    assert_eq!(value(&f, "mp_traced_total", &[]), Some(2.0));
    // The exemplar: the latest of either worker, as OpenMetrics shows it.
    let om = {
        let registry = Registry::new();
        registry.register(multiprocess::collector(&dir)).unwrap();
        let mut text = String::new();
        promenade::encoding::openmetrics::encode(&registry, &mut text);
        text
    };
    let line = om
        .lines()
        .find(|l| l.starts_with("mp_traced_total"))
        .unwrap_or_else(|| panic!("no mp_traced_total in {om}"));
    assert!(
        line.contains("# {trace_id=\"t0\"} 1") || line.contains("# {trace_id=\"t1\"} 1"),
        "{line}"
    );
    // SIGKILL: no exit handler runs.
    a.0.kill().unwrap();
    a.0.wait().unwrap();
    let f = scrape(&dir);
    assert_eq!(
        value(&f, "mp_items_total", &[]),
        Some(1500.0),
        "what the killed worker recorded stays"
    );
    assert_eq!(
        value(&f, "mp_workers", &[]),
        Some(1.0),
        "a livesum gauge drops the killed worker"
    );
    // Compaction folds the dead file; the totals do not move.
    multiprocess::compact(&dir).unwrap();
    let f = scrape(&dir);
    assert_eq!(value(&f, "mp_items_total", &[]), Some(1500.0));
    assert_eq!(value(&f, "mp_workers", &[]), Some(1.0));
    drop(b);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn removed_series_leave_the_aggregate() {
    let dir = temp_dir("remove");
    let mut w = spawn(&dir, 0, 10, false);
    assert!(w.0.wait().unwrap().success());
    let f = scrape(&dir);
    assert_eq!(value(&f, "mp_users_total", &[("user", "u0")]), Some(1.0));
    assert_eq!(value(&f, "mp_users_total", &[("user", "gone0")]), None);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A full disk, as a file size limit (`prlimit --fsize`; `SIGXFSZ` ignored, so growing
/// the file is an `EFBIG` error, as `ENOSPC` would be): the series that found no room
/// record in the family's overflow series, nothing faults, and the series already in the
/// file keep recording.
#[test]
fn a_full_disk_sends_new_series_to_the_overflow_series() {
    const N: usize = 4000;
    let dir = temp_dir("full");
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; exec prlimit --fsize=2097152 -- \"$0\" fill_worker --exact --nocapture --test-threads=1")
        .arg(&exe)
        .env(multiprocess::DIR_ENV, &dir)
        .env("PROMENADE_TEST_FILL", N.to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the worker failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("ready"));
    let f = scrape(&dir);
    let names: Vec<&str> = f.iter().map(|f| f.name.as_str()).collect();
    let family = f
        .iter()
        .find(|f| f.name == "fill_series_total")
        .unwrap_or_else(|| panic!("the family is not in the aggregate: {names:?}"));
    let stored = family
        .samples
        .iter()
        .filter(|s| s.name == "fill_series_total")
        .count();
    assert!(stored > 100 && stored < N, "{stored} series in the file");
    let total: f64 = family
        .samples
        .iter()
        .filter(|s| s.name == "fill_series_total")
        .map(|s| s.value)
        .sum();
    assert_eq!(
        total,
        (N + 1) as f64,
        "every increment is somewhere: in its series or the overflow series"
    );
    let overflow = family
        .samples
        .iter()
        .find(|s| {
            s.labels
                .iter()
                .any(|(_, v)| v == promenade::OVERFLOW_LABEL_VALUE)
        })
        .expect("the overflow series is in the file");
    // `stored` counts the overflow series too: the others hold one increment each (the
    // first two), the overflow series the rest.
    assert_eq!(overflow.value, (N + 1 - stored) as f64);
    assert!(
        value(&f, "promenade_multiprocess_unstored_series_total", &[]).is_some_and(|n| n > 0.0),
        "the series that found no room are counted"
    );
    let first = family
        .samples
        .iter()
        .find(|s| s.labels.iter().any(|(_, v)| v.starts_with("000000-")))
        .unwrap();
    assert_eq!(
        first.value, 2.0,
        "a series already in the file keeps recording"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Files that are not what they should be: skipped, counted by reason, and the rest of
/// the scrape is served. A file the archive lists as folded (a compaction that stopped
/// before removing it) is not counted twice.
#[test]
fn bad_files_are_skipped_and_folded_files_never_count_twice() {
    let dir = temp_dir("bad");
    let mut w = spawn(&dir, 0, 10, false);
    assert!(w.0.wait().unwrap().success());
    // The worker's file, kept for the crash window below.
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let name = p.file_name().unwrap().to_str().unwrap();
            name.starts_with("promenade-")
                && name.ends_with(".mp")
                && name != "promenade-archive.mp"
        })
        .unwrap();
    let bytes = std::fs::read(&file).unwrap();
    // A foreign file, one of another format version, and a truncated one.
    std::fs::write(dir.join("promenade-1-a.mp"), vec![7u8; 4096]).unwrap();
    let mut other = b"PROMNDMP".to_vec();
    other.extend(9u32.to_le_bytes());
    other.resize(64, 0);
    std::fs::write(dir.join("promenade-2-b.mp"), &other).unwrap();
    let mut truncated = b"PROMNDMP".to_vec();
    truncated.extend(1u32.to_le_bytes());
    truncated.extend(64u32.to_le_bytes());
    truncated.resize(32, 0);
    truncated.extend(1_000_000u64.to_le_bytes());
    truncated.resize(64, 0);
    std::fs::write(dir.join("promenade-3-c.mp"), &truncated).unwrap();
    let f = scrape(&dir);
    assert_eq!(
        value(&f, "mp_items_total", &[]),
        Some(10.0),
        "the rest is served"
    );
    for reason in ["foreign", "version", "truncated"] {
        assert_eq!(
            value(
                &f,
                "promenade_multiprocess_skipped_files_total",
                &[("reason", reason)]
            ),
            Some(1.0),
            "{reason}"
        );
    }
    for name in ["promenade-1-a.mp", "promenade-2-b.mp", "promenade-3-c.mp"] {
        std::fs::remove_file(dir.join(name)).unwrap();
    }
    // The scrape saw a dead process' file and compacted: folded into the archive, removed.
    assert!(!file.exists());
    // The crash window: the folded file back, as if the compaction stopped before
    // removing it.
    std::fs::write(&file, bytes).unwrap();
    let f = scrape(&dir);
    assert_eq!(
        value(&f, "mp_items_total", &[]),
        Some(10.0),
        "a folded file is not counted again"
    );
    multiprocess::compact(&dir).unwrap();
    assert!(!file.exists(), "the next compaction removes it");
    assert_eq!(value(&scrape(&dir), "mp_items_total", &[]), Some(10.0));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two compactions and a scrape racing while workers come and go: the totals of every
/// scrape only grow, never pass what was recorded, and end exact; every dead file is
/// folded exactly once (a file counted twice would push a scrape over the total, a file
/// lost would leave it short at the end).
#[test]
fn compactions_racing_each_other_and_a_scrape_never_count_twice_nor_lose() {
    use std::sync::atomic::{AtomicBool, Ordering};
    const WORKERS: u64 = 12;
    const N: u64 = 1000;
    let dir = temp_dir("race");
    let done = AtomicBool::new(false);
    let (folded, scrapes) = std::thread::scope(|s| {
        let compactors: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let mut folded = 0;
                    while !done.load(Ordering::SeqCst) {
                        folded += multiprocess::compact(&dir).unwrap().folded;
                        std::thread::sleep(std::time::Duration::from_micros(200));
                    }
                    folded
                })
            })
            .collect();
        let scraper = s.spawn(|| {
            let (mut last, mut scrapes) = (0.0, 0u64);
            while !done.load(Ordering::SeqCst) {
                let f = scrape(&dir);
                let items = value(&f, "mp_items_total", &[]).unwrap_or(0.0);
                assert!(items >= last, "the total went back from {last} to {items}");
                assert!(
                    items <= (WORKERS * N) as f64,
                    "{items} is more than was recorded: a file counted twice"
                );
                if let (Some(inf), Some(count)) = (
                    value(&f, "mp_item_seconds_bucket", &[("le", "+Inf")]),
                    value(&f, "mp_item_seconds_count", &[]),
                ) {
                    assert_eq!(inf, count, "+Inf and _count of one aggregated scrape");
                }
                last = items;
                scrapes += 1;
            }
            scrapes
        });
        for i in 0..WORKERS {
            let mut w = spawn(&dir, i, N, false);
            assert!(w.0.wait().unwrap().success());
        }
        // Let the racers see the last file too before they stop.
        std::thread::sleep(std::time::Duration::from_millis(50));
        done.store(true, Ordering::SeqCst);
        let folded: usize = compactors.into_iter().map(|c| c.join().unwrap()).sum();
        (folded, scraper.join().unwrap())
    });
    eprintln!("race: {scrapes} scrapes, {folded} folded by the compactors");
    assert!(scrapes > 10, "only {scrapes} scrapes raced the compactions");
    assert!(
        folded > 0 && folded <= WORKERS as usize,
        "{folded} files folded by the two compactions"
    );
    // Whatever the racers left (a scrape compacts too), one more compaction folds.
    multiprocess::compact(&dir).unwrap();
    let left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.starts_with("promenade-") && n.ends_with(".mp") && n != "promenade-archive.mp"
        })
        .collect();
    assert!(
        left.is_empty(),
        "process files left after compaction: {left:?}"
    );
    let f = scrape(&dir);
    assert_eq!(value(&f, "mp_items_total", &[]), Some((WORKERS * N) as f64));
    assert_eq!(
        value(&f, "mp_item_seconds_count", &[]),
        Some((WORKERS * N) as f64)
    );
    for i in 0..WORKERS {
        assert_eq!(
            value(&f, "mp_users_total", &[("user", &format!("u{i}"))]),
            Some((i + 1) as f64),
            "worker {i}'s series, once"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
