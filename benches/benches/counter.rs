//! Unlabelled counter increment: promenade, `prometheus`, `prometheus-client`, and a bare
//! `AtomicU64::fetch_add(1, Relaxed)` (the floor), in one group.

mod common;

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use criterion::{criterion_group, criterion_main, Criterion};

fn counter_inc(c: &mut Criterion) {
    let mut group = c.benchmark_group("counter_inc");

    // `black_box(&metric)` hides where the metric lives, so the increment cannot be hoisted
    // or folded; the increment itself is what is measured. Every metric sits on the heap
    // (the peers' are behind an `Arc`), so none shares a cache line with the stack.
    let floor = Box::new(AtomicU64::new(0));
    group.bench_function("floor_fetch_add", |b| {
        b.iter(|| {
            black_box(&*floor).fetch_add(1, Relaxed);
        })
    });

    let counter = Box::new(promenade::Counter::new());
    group.bench_function("promenade", |b| b.iter(|| black_box(&*counter).inc()));

    let counter = prometheus::IntCounter::new("requests", "Requests.").unwrap();
    group.bench_function("prometheus", |b| b.iter(|| black_box(&counter).inc()));

    let counter: prometheus_client::metrics::counter::Counter = Default::default();
    group.bench_function("prometheus_client", |b| {
        b.iter(|| {
            black_box(&counter).inc();
        })
    });

    group.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = counter_inc
}
criterion_main!(benches);
