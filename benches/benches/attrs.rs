//! What the function attributes cost on an empty function: the bare function, `#[timed]`
//! beside the guard one would write by hand (`HistogramTimer` on a histogram resolved
//! once), each other attribute, and `#[instrumented]` beside the sum of its parts written
//! by hand (counter increment + in-progress guard + timer).
//!
//! Targets: `timed` ≤ `hand_written_timer` + 10 %; `instrumented` ≤ `sum_of_parts` plus
//! what it adds on purpose (classifying the returned value, labelling the duration by
//! outcome, arming the panic counter).

mod common;

use std::hint::black_box;
use std::sync::LazyLock;

use criterion::{criterion_group, criterion_main, Criterion};
use promenade::{
    counted, counted_exceptions, in_progress, instrumented, timed, Buckets, Counter, Histogram,
    HistogramTimer, IntGauge,
};

// Every function takes and returns a value through `black_box` and is never inlined, so
// each iteration is one real call whatever the attribute adds.

#[inline(never)]
fn bare(x: u64) -> u64 {
    black_box(x)
}

#[timed]
#[inline(never)]
fn timed(x: u64) -> u64 {
    black_box(x)
}

// The hand-written equivalent of `#[timed]`: a histogram resolved once, a guard that
// observes in `Drop`.
static HAND_HISTOGRAM: LazyLock<Histogram> = LazyLock::new(|| Histogram::new(Buckets::default()));

#[inline(never)]
fn hand_written_timer(x: u64) -> u64 {
    let _timer = HistogramTimer::new(&*HAND_HISTOGRAM);
    black_box(x)
}

#[timed(outcome)]
#[inline(never)]
fn timed_outcome(x: u64) -> Result<u64, ()> {
    Ok(black_box(x))
}

#[counted]
#[inline(never)]
fn counted(x: u64) -> u64 {
    black_box(x)
}

#[in_progress]
#[inline(never)]
fn in_progress(x: u64) -> u64 {
    black_box(x)
}

#[counted_exceptions]
#[inline(never)]
fn counted_exceptions(x: u64) -> Result<u64, ()> {
    Ok(black_box(x))
}

#[instrumented]
#[inline(never)]
fn instrumented(x: u64) -> Result<u64, ()> {
    Ok(black_box(x))
}

// The sum of `#[instrumented]`'s parts, by hand.
static PART_CALLS: Counter = Counter::new();
static PART_IN_FLIGHT: IntGauge = IntGauge::new();
static PART_HISTOGRAM: LazyLock<Histogram> = LazyLock::new(|| Histogram::new(Buckets::default()));

#[inline(never)]
fn sum_of_parts(x: u64) -> Result<u64, ()> {
    PART_CALLS.inc();
    let _in_flight = PART_IN_FLIGHT.track_in_progress();
    let _timer = HistogramTimer::new(&*PART_HISTOGRAM);
    Ok(black_box(x))
}

fn function_attrs(c: &mut Criterion) {
    let mut group = c.benchmark_group("function_attrs");
    group.bench_function("bare", |b| b.iter(|| bare(black_box(1))));
    group.bench_function("timed", |b| b.iter(|| timed(black_box(1))));
    group.bench_function("hand_written_timer", |b| {
        b.iter(|| hand_written_timer(black_box(1)))
    });
    group.bench_function("timed_outcome", |b| b.iter(|| timed_outcome(black_box(1))));
    group.bench_function("counted", |b| b.iter(|| counted(black_box(1))));
    group.bench_function("in_progress", |b| b.iter(|| in_progress(black_box(1))));
    group.bench_function("counted_exceptions", |b| {
        b.iter(|| counted_exceptions(black_box(1)))
    });
    group.bench_function("instrumented", |b| b.iter(|| instrumented(black_box(1))));
    group.bench_function("sum_of_parts", |b| b.iter(|| sum_of_parts(black_box(1))));
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = function_attrs
}
criterion_main!(benches);
