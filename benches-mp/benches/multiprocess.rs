//! Multiprocess mode, measured in one run:
//! - `mp_counter_inc`, `mp_labelled_counter_inc`, `mp_histogram_observe`: the bodies of the
//!   single-process benches (`benches/benches/`: the same inputs, cycled the same way) on
//!   a metric that records in its own atomics (`in_process`: not registered in the default
//!   registry, so never bound) and on one registered in the default registry after
//!   `multiprocess::Builder::start`, so its cells live in this process' mapped file
//!   (`multiprocess`; checked through the aggregate before it is measured);
//! - `mp_scrape`: the text exposition of the aggregate of P live worker processes × S
//!   series each (P ∈ {1, 2, 4, 8}, S ∈ {100, 1000}), and of 8 live processes beside the
//!   archive of 1,000 dead ones (compacted), as any process' `/metrics` serves it.
//!
//! The workers are this binary, re-executed with `PROMENADE_BENCH_MP_WORKER=<series>`: each
//! starts multiprocess mode in the directory it is given, increments each of its series
//! once, says "ready", and waits for its stdin to close (the bench holds it open, and kills
//! and reaps every worker it started, by its own handle, when it is done with it).

#[path = "../../benches/benches/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use criterion::{criterion_group, Criterion};
use promenade::{multiprocess, Buckets, Counter, Family, Histogram, LabelSet, Registry};

use common::{Cycle, Request};

/// Set in a worker: how many series it records.
const WORKER_ENV: &str = "PROMENADE_BENCH_MP_WORKER";
/// Set in a worker that exits once it recorded (a process that has come and gone).
const EXIT_ENV: &str = "PROMENADE_BENCH_MP_EXIT";

/// A worker's series: `{id="00042"}`.
#[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Series {
    #[label(limit = 10000)]
    id: String,
}

fn main() {
    if let Ok(series) = std::env::var(WORKER_ENV) {
        worker(series.parse().expect("a number of series"));
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

/// A worker process: `series` counter series in the default registry, each incremented once.
fn worker(series: usize) {
    multiprocess::start_from_env()
        .expect("multiprocess mode")
        .expect("a multiprocess directory");
    let family: Arc<Family<Series, Counter>> = Arc::new(Family::with_limit(10000));
    promenade::default_registry()
        .register_metric("bench_mp_series", "One series per id.", family.clone())
        .expect("registered");
    for i in 0..series {
        family
            .labels(Series {
                id: format!("{i:05}"),
            })
            .inc();
    }
    println!("ready");
    if std::env::var_os(EXIT_ENV).is_none() {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
    }
}

/// Worker processes, killed and reaped when dropped.
struct Workers(Vec<Child>);

impl Drop for Workers {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Starts `n` workers of `series` series each in `dir`, and waits until each recorded.
fn workers(dir: &Path, n: usize, series: usize, exit: bool) -> Workers {
    let exe = std::env::current_exe().expect("this bench's path");
    let mut children = Workers(Vec::with_capacity(n));
    for _ in 0..n {
        let mut cmd = Command::new(&exe);
        cmd.env(multiprocess::DIR_ENV, dir)
            .env(WORKER_ENV, series.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        if exit {
            cmd.env(EXIT_ENV, "1");
        }
        children.0.push(cmd.spawn().expect("a worker"));
    }
    for child in &mut children.0 {
        let out = child.stdout.take().expect("its stdout");
        let ready = BufReader::new(out)
            .lines()
            .map_while(Result::ok)
            .any(|l| l == "ready");
        assert!(ready, "a worker failed before it was ready");
    }
    if exit {
        for child in &mut children.0 {
            assert!(child.wait().expect("a worker's exit").success());
        }
    }
    children
}

/// A fresh, prepared directory under the system's temporary directory.
fn directory(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("promenade-bench-mp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    multiprocess::prepare_directory(&dir).expect("a multiprocess directory");
    dir
}

/// The aggregate of `dir` as text, as a scrape of any of its processes serves it.
fn aggregate_text(dir: &Path) -> String {
    let registry = Registry::new();
    registry
        .register(multiprocess::collector(dir))
        .expect("registered");
    let mut text = String::new();
    promenade::encoding::text::encode(&registry, &mut text);
    text
}

/// Panics unless the aggregate of `dir` has the sample line `line`: the metric is bound.
fn assert_in_file(dir: &Path, line: &str) {
    let text = aggregate_text(dir);
    assert!(
        text.lines().any(|l| l == line),
        "`{line}` is not in the aggregate, so the metric is not bound:\n{text}"
    );
}

fn recording(c: &mut Criterion) {
    let dir = directory("recording");
    multiprocess::Builder::new(&dir)
        .start()
        .expect("multiprocess mode");
    let registry = promenade::default_registry();

    let mut group = c.benchmark_group("mp_counter_inc");
    let own = Box::new(Counter::new());
    let bound = Arc::new(Counter::new());
    registry
        .register_metric("bench_mp_counter", "Bound.", bound.clone())
        .expect("registered");
    bound.inc();
    assert_in_file(&dir, "bench_mp_counter_total 1");
    group.bench_function("in_process", |b| b.iter(|| black_box(&*own).inc()));
    group.bench_function("multiprocess", |b| b.iter(|| black_box(&*bound).inc()));
    group.finish();

    let mut group = c.benchmark_group("mp_labelled_counter_inc");
    let requests = common::requests();
    let own: Box<Family<Request, Counter>> = Box::new(Family::new());
    let bound: Arc<Family<Request, Counter>> = Arc::new(Family::new());
    registry
        .register_metric("bench_mp_requests", "Bound.", bound.clone())
        .expect("registered");
    bound.labels(requests[0]).inc();
    assert_in_file(
        &dir,
        &format!(
            "bench_mp_requests_total{{method=\"{}\",status=\"{}\"}} 1",
            requests[0].method.as_str(),
            requests[0].status.as_str()
        ),
    );
    group.bench_function("in_process", |b| {
        let mut pairs = Cycle::new(&requests);
        b.iter(|| black_box(&*own).labels(pairs.next_item()).inc())
    });
    group.bench_function("multiprocess", |b| {
        let mut pairs = Cycle::new(&requests);
        b.iter(|| black_box(&*bound).labels(pairs.next_item()).inc())
    });
    group.finish();

    let mut group = c.benchmark_group("mp_histogram_observe");
    let values = common::observations();
    let own = Box::new(Histogram::new(Buckets::default()));
    let bound = Arc::new(Histogram::new(Buckets::default()));
    registry
        .register_metric("bench_mp_seconds", "Bound.", bound.clone())
        .expect("registered");
    bound.observe(1.0);
    assert_in_file(&dir, "bench_mp_seconds_count 1");
    group.bench_function("in_process", |b| {
        let mut values = Cycle::new(&values);
        b.iter(|| black_box(&*own).observe(values.next_item()))
    });
    group.bench_function("multiprocess", |b| {
        let mut values = Cycle::new(&values);
        b.iter(|| black_box(&*bound).observe(values.next_item()))
    });
    group.finish();
    // The directory stays: this process' file is mapped until it exits.
}

/// Benches the scrape of `dir` as `id`, after checking it holds `series` series of value
/// `each`.
fn bench_scrape(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    id: &str,
    dir: &Path,
    series: usize,
    each: usize,
) {
    let text = aggregate_text(dir);
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("bench_mp_series_total{"))
        .collect();
    assert_eq!(lines.len(), series, "series in the aggregate of {id}");
    let suffix = format!(" {each}");
    assert!(
        lines.iter().all(|l| l.ends_with(&suffix)),
        "every series of {id} sums {each} processes: {:?}",
        lines.first()
    );
    let registry = Registry::new();
    registry
        .register(multiprocess::collector(dir))
        .expect("registered");
    let mut out = String::with_capacity(text.len());
    group.bench_function(id, |b| {
        b.iter(|| {
            out.clear();
            promenade::encoding::text::encode(&registry, &mut out);
            black_box(out.len())
        })
    });
}

fn scrape(c: &mut Criterion) {
    let mut group = c.benchmark_group("mp_scrape");
    for series in [100, 1000] {
        for processes in [1, 2, 4, 8] {
            let dir = directory(&format!("scrape-{processes}-{series}"));
            let live = workers(&dir, processes, series, false);
            bench_scrape(
                &mut group,
                &format!("{processes}_processes_{series}_series"),
                &dir,
                series,
                processes,
            );
            drop(live);
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
    // 1,000 processes that came and went (8 at a time), folded into the archive, beside 8
    // live ones.
    let dir = directory("scrape-dead");
    let mut folded = 0;
    for _ in 0..125 {
        drop(workers(&dir, 8, 1000, true));
        folded += multiprocess::compact(&dir).expect("compaction").folded;
    }
    assert_eq!(folded, 1000, "dead processes folded into the archive");
    let live = workers(&dir, 8, 1000, false);
    bench_scrape(
        &mut group,
        "8_processes_1000_series_1000_dead",
        &dir,
        1000,
        1008,
    );
    drop(live);
    let _ = std::fs::remove_dir_all(&dir);
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = recording, scrape
}
