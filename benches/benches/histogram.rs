//! Histogram observe with promenade's default buckets (0.005 … 10 s, then +Inf) given to
//! every library, values cycled from the same pre-generated 1024 observations (log-uniform,
//! 1 ms … 20 s). The floor is a bare `fetch_add`, as in the other groups: it shows what one
//! atomic costs here, not what a histogram could cost.

mod common;

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use criterion::{criterion_group, criterion_main, Criterion};

use common::Cycle;

fn histogram_observe(c: &mut Criterion) {
    let mut group = c.benchmark_group("histogram_observe");
    let values = common::observations();

    let floor = Box::new(AtomicU64::new(0));
    group.bench_function("floor_fetch_add", |b| {
        b.iter(|| {
            black_box(&*floor).fetch_add(1, Relaxed);
        })
    });

    let histogram = promenade::Histogram::new(promenade::Buckets::default());
    group.bench_function("promenade", |b| {
        let mut values = Cycle::new(&values);
        b.iter(|| black_box(&histogram).observe(values.next_item()))
    });

    // Every library gets promenade's default bounds (the Python client's 14, 0.005 … 10);
    // `prometheus`' own default has 11, which would make its bucket search shorter.
    let histogram = prometheus::Histogram::with_opts(
        prometheus::HistogramOpts::new("latency", "Latency.")
            .buckets(promenade::DEFAULT_BUCKETS.to_vec()),
    )
    .unwrap();
    group.bench_function("prometheus", |b| {
        let mut values = Cycle::new(&values);
        b.iter(|| black_box(&histogram).observe(values.next_item()))
    });

    let histogram = prometheus_client::metrics::histogram::Histogram::new(
        promenade::DEFAULT_BUCKETS.iter().copied(),
    );
    group.bench_function("prometheus_client", |b| {
        let mut values = Cycle::new(&values);
        b.iter(|| black_box(&histogram).observe(values.next_item()))
    });

    group.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = histogram_observe
}
criterion_main!(benches);
