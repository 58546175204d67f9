//! `write_textfile`: the exact file, atomic replacement under concurrent readers, and no
//! temporary file left behind on success or on error.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use promenade::textfile::write_textfile;
use promenade::{Counter, Family, Gauge, LabelSet, LabelValue, Registry};

/// A temp dir removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("promenade-textfile-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn entries(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Disk {
    Sda,
    Sdb,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Device {
    disk: Disk,
}

#[test]
fn writes_the_exact_exposition_and_nothing_else() {
    let dir = TempDir::new("exact");
    let registry = Registry::new();
    let errors = Arc::new(Family::<Device, Counter>::new());
    registry
        .register_metric("smart_errors", "SMART errors \\ seen.", errors.clone())
        .unwrap();
    let temp = Arc::new(Gauge::new());
    registry
        .register_metric("disk_temperature_celsius", "Temperature.", temp.clone())
        .unwrap();
    errors.labels(Device { disk: Disk::Sdb }).inc_by(4);
    temp.set(41.5);

    let path = dir.0.join("disks.prom");
    write_textfile(&path, &registry).unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "# HELP smart_errors_total SMART errors \\\\ seen.\n\
         # TYPE smart_errors_total counter\n\
         smart_errors_total{disk=\"sda\"} 0\n\
         smart_errors_total{disk=\"sdb\"} 4\n\
         # HELP disk_temperature_celsius Temperature.\n\
         # TYPE disk_temperature_celsius gauge\n\
         disk_temperature_celsius 41.5\n"
    );
    assert_eq!(dir.entries(), vec!["disks.prom"]);

    // Overwriting replaces the whole file.
    temp.set(-3.0);
    write_textfile(&path, &registry).unwrap();
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .ends_with("disk_temperature_celsius -3.0\n"));
    assert_eq!(dir.entries(), vec!["disks.prom"]);
}

/// A collector proxying foreign data, with a sample timestamp.
struct Stamped;

impl promenade::Collector for Stamped {
    fn describe(&self) -> Vec<promenade::registry::Descriptor> {
        vec![promenade::registry::Descriptor::new(
            "stamped",
            "Proxied with a timestamp.",
            promenade::MetricType::Gauge,
            "test",
        )]
    }
    fn collect(&self, sink: &mut dyn promenade::registry::Sink) {
        use promenade::registry::families::{GaugeFamily, Labels};
        let mut g = GaugeFamily::new("stamped", "Proxied with a timestamp.").unwrap();
        g.add_at(Labels::empty(), 1.0, 1_700_000_000.0).unwrap();
        g.collect_into(sink);
    }
}

/// Regression: a sample timestamp reached the file, and the node exporter skips a whole
/// file with one (`node_textfile_scrape_error 1`).
#[test]
fn sample_timestamps_are_left_out() {
    let dir = TempDir::new("timestamps");
    let registry = Registry::new();
    registry.register(Stamped).unwrap();
    let path = dir.0.join("stamped.prom");
    write_textfile(&path, &registry).unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "# HELP stamped Proxied with a timestamp.\n# TYPE stamped gauge\nstamped 1.0\n"
    );
    // The scrape itself keeps the timestamp (integer milliseconds).
    let mut text = String::new();
    promenade::encoding::text::encode(&registry, &mut text);
    assert!(text.ends_with("stamped 1.0 1700000000000\n"), "{text}");
}

#[test]
fn an_error_leaves_no_temporary_file_and_the_old_file_intact() {
    let dir = TempDir::new("error");
    let registry = Registry::new();
    // The target is a non-empty directory: the rename fails after the temp file was written.
    let target = dir.0.join("metrics.prom");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("keep"), "x").unwrap();
    let err = write_textfile(&target, &registry).unwrap_err();
    assert!(err.kind() != std::io::ErrorKind::NotFound, "{err:?}");
    assert_eq!(dir.entries(), vec!["metrics.prom"]);
    assert_eq!(std::fs::read_to_string(target.join("keep")).unwrap(), "x");

    // A missing directory: an error, nothing created.
    let missing = dir.0.join("nope").join("m.prom");
    assert_eq!(
        write_textfile(&missing, &registry).unwrap_err().kind(),
        std::io::ErrorKind::NotFound
    );
    // A path without a file name.
    assert_eq!(
        write_textfile(dir.0.join(".."), &registry)
            .unwrap_err()
            .kind(),
        std::io::ErrorKind::InvalidInput
    );
    assert_eq!(dir.entries(), vec!["metrics.prom"]);
}

/// Two writers replace the file with expositions of different lengths while readers read
/// it as fast as they can: every read is one complete exposition.
#[test]
fn concurrent_readers_never_see_a_partial_file() {
    let dir = TempDir::new("race");
    let path = dir.0.join("race.prom");
    let registry = Arc::new(Registry::new());
    let counters: Vec<Arc<Counter>> = (0..50)
        .map(|i| {
            let c = Arc::new(Counter::new());
            registry
                .register_metric(format!("c{i}"), "A counter.", c.clone())
                .unwrap();
            c
        })
        .collect();
    write_textfile(&path, &registry).unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let writes = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let (registry, stop, writes, path) =
                (registry.clone(), stop.clone(), writes.clone(), path.clone());
            let counters = counters.clone();
            std::thread::spawn(move || {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    // Values of varying width change the file's length on every write.
                    n += 1;
                    counters[(n as usize + w) % counters.len()].inc_by(n * 997);
                    write_textfile(&path, &registry).unwrap();
                    writes.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (stop, path) = (stop.clone(), path.clone());
            std::thread::spawn(move || {
                let mut reads = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let text = std::fs::read_to_string(&path).unwrap();
                    let samples = text.lines().filter(|l| !l.starts_with('#')).count();
                    assert!(text.ends_with('\n'), "partial file: {text:?}");
                    assert_eq!(samples, 50, "partial file: {text:?}");
                    assert_eq!(text.lines().count(), 150, "partial file: {text:?}");
                    reads += 1;
                }
                reads
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(30);
    while writes.load(Ordering::Relaxed) < 300 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(100));
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().unwrap();
    }
    let reads: u64 = readers.into_iter().map(|r| r.join().unwrap()).sum();
    assert!(writes.load(Ordering::Relaxed) >= 300);
    assert!(reads > 0);
    assert_eq!(dir.entries(), vec!["race.prom"]);
}

/// Driven by `scripts/e2e-exporters.sh` (ignored otherwise): rewrites
/// `PROMENADE_E2E_TEXTFILE` for `PROMENADE_E2E_SECONDS` seconds. Every version holds the
/// same 200 counters, all with the same value, which grows (and so does the file), so a
/// reader that saw a partial or mixed file would see fewer samples or unequal values.
#[test]
#[ignore = "run by scripts/e2e-exporters.sh against a real node exporter"]
fn e2e_textfile_writer() {
    let path = std::env::var("PROMENADE_E2E_TEXTFILE").expect("PROMENADE_E2E_TEXTFILE");
    let seconds: f64 = std::env::var("PROMENADE_E2E_SECONDS")
        .expect("PROMENADE_E2E_SECONDS")
        .parse()
        .unwrap();
    let registry = Registry::new();
    let counters: Vec<Arc<Counter>> = (0..200)
        .map(|i| {
            let c = Arc::new(Counter::new());
            registry
                .register_metric(format!("e2e_race_{i}"), "A counter.", c.clone())
                .unwrap();
            c
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let mut writes = 0u64;
    while Instant::now() < deadline {
        writes += 1;
        for c in &counters {
            c.inc_by(writes * 7919);
        }
        write_textfile(&path, &registry).unwrap();
    }
    println!("E2E_WRITES {writes}");
}
