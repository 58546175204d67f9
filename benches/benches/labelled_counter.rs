//! Counter increment on a 2-label family (`method` × `status`, 3 × 6 = 18 series), label
//! pairs cycled from the same pre-generated 1024 pairs for every library:
//! - promenade: `family.labels(pair).inc()` (a dense array; the lookup is index arithmetic);
//! - `prometheus`: `vec.with_label_values(&[method, status]).inc()` each time, no cached
//!   handle;
//! - `prometheus-client`: `family.get_or_create(&pair).inc()`;
//! - the floor: `atomics[method * 6 + status].fetch_add(1, Relaxed)` on an array of 18.

mod common;

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use criterion::{criterion_group, criterion_main, Criterion};

use common::{Cycle, Request};

fn labelled_counter_inc(c: &mut Criterion) {
    let mut group = c.benchmark_group("labelled_counter_inc");

    let indices = common::request_indices();
    let floor: Box<[AtomicU64; 18]> = Default::default();
    group.bench_function("floor_fetch_add", |b| {
        let mut pairs = Cycle::new(&indices);
        b.iter(|| {
            let i = pairs.next_item();
            black_box(&*floor)[usize::from(i)].fetch_add(1, Relaxed);
        })
    });

    let requests = common::requests();
    // The floor and promenade touch the same series in the same order.
    for (r, i) in requests.iter().zip(indices.iter()) {
        assert_eq!(promenade::LabelSet::index(r), usize::from(*i));
    }
    let family: promenade::Family<Request, promenade::Counter> = promenade::Family::new();
    group.bench_function("promenade", |b| {
        let mut pairs = Cycle::new(&requests);
        b.iter(|| black_box(&family).labels(pairs.next_item()).inc())
    });

    let strs = common::request_strs();
    let vec = prometheus::IntCounterVec::new(
        prometheus::Opts::new("requests", "Requests."),
        &["method", "status"],
    )
    .unwrap();
    group.bench_function("prometheus", |b| {
        let mut pairs = Cycle::new(&strs);
        b.iter(|| black_box(&vec).with_label_values(&pairs.next_item()).inc())
    });

    let family: prometheus_client::metrics::family::Family<
        Request,
        prometheus_client::metrics::counter::Counter,
    > = Default::default();
    group.bench_function("prometheus_client", |b| {
        let mut pairs = Cycle::new(&requests);
        b.iter(|| {
            black_box(&family).get_or_create(&pairs.next_item()).inc();
        })
    });

    group.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = labelled_counter_inc
}
criterion_main!(benches);
