//! What `#[in_progress]` records: +1 while a call runs, back to zero after every exit path
//! (return, `?`, panic, a future dropped mid-way), exact under concurrency and recursion.

mod support;

use std::future::Future;
use std::sync::{Barrier, Mutex};
use std::task::{Context, Poll};

use promenade::{default_registry, in_progress, Gauge, IntGauge, Metrics};
use support::{function_sample, noop_waker, YieldOnce};

const MODULE: &str = "in_progress";

fn in_flight(function: &str) -> Option<f64> {
    function_sample("function_in_progress", MODULE, function, &[])
}

#[in_progress]
#[allow(dead_code)]
fn never_called() {}

#[test]
fn every_function_is_exposed_at_zero_before_its_first_call() {
    assert_eq!(in_flight("never_called"), Some(0.0));
}

#[in_progress]
fn early_return(x: u32, seen: &mut Vec<Option<f64>>) -> u32 {
    seen.push(in_flight("early_return"));
    if x > 10 {
        return 1;
    }
    x * 2
}

#[test]
fn early_return_and_normal_return_leave_it_at_zero() {
    let mut seen = Vec::new();
    assert_eq!(early_return(1, &mut seen), 2);
    assert_eq!(in_flight("early_return"), Some(0.0));
    assert_eq!(early_return(11, &mut seen), 1);
    assert_eq!(in_flight("early_return"), Some(0.0));
    assert_eq!(seen, [Some(1.0), Some(1.0)], "in flight while running");
}

#[in_progress]
fn question_mark(s: &str) -> Result<i32, std::num::ParseIntError> {
    let v: i32 = s.parse()?;
    Ok(v + 1)
}

#[test]
fn question_mark_leaves_it_at_zero() {
    assert!(question_mark("x").is_err());
    assert_eq!(in_flight("question_mark"), Some(0.0));
    assert_eq!(question_mark("1"), Ok(2));
    assert_eq!(in_flight("question_mark"), Some(0.0));
}

#[in_progress]
fn panics() {
    assert_eq!(in_flight("panics"), Some(1.0));
    panic!("boom");
}

#[test]
fn a_panic_leaves_it_at_zero() {
    assert!(std::panic::catch_unwind(panics).is_err());
    assert_eq!(in_flight("panics"), Some(0.0));
}

#[in_progress]
async fn waits() -> u8 {
    YieldOnce(false).await;
    YieldOnce(false).await;
    5
}

#[test]
fn a_future_dropped_mid_way_leaves_it_at_zero() {
    let mut cx = Context::from_waker(noop_waker());
    let mut a = Box::pin(waits());
    let mut b = Box::pin(waits());
    assert_eq!(in_flight("waits"), Some(0.0), "not in flight until polled");
    assert!(a.as_mut().poll(&mut cx).is_pending());
    assert!(b.as_mut().poll(&mut cx).is_pending());
    assert_eq!(in_flight("waits"), Some(2.0));
    drop(a); // cancelled
    assert_eq!(in_flight("waits"), Some(1.0));
    let out = loop {
        if let Poll::Ready(v) = b.as_mut().poll(&mut cx) {
            break v;
        }
    };
    assert_eq!(out, 5);
    assert_eq!(in_flight("waits"), Some(0.0));
}

#[in_progress]
fn held(barrier: &Barrier) {
    barrier.wait(); // every thread is inside
    barrier.wait(); // the main thread has looked
}

#[test]
fn concurrent_calls_are_counted_exactly() {
    const THREADS: usize = 6;
    let barrier = Barrier::new(THREADS + 1);
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| held(&barrier));
        }
        barrier.wait();
        assert_eq!(in_flight("held"), Some(THREADS as f64));
        barrier.wait();
    });
    assert_eq!(in_flight("held"), Some(0.0));
}

static DEPTHS: Mutex<Vec<f64>> = Mutex::new(Vec::new());

#[in_progress]
fn recurse(n: u32) {
    DEPTHS
        .lock()
        .unwrap()
        .push(in_flight("recurse").unwrap_or(-1.0));
    if n > 0 {
        recurse(n - 1);
    }
}

#[test]
fn recursion_counts_every_frame() {
    recurse(3);
    assert_eq!(*DEPTHS.lock().unwrap(), [1.0, 2.0, 3.0, 4.0]);
    assert_eq!(in_flight("recurse"), Some(0.0));
}

#[derive(Metrics)]
struct Workers {
    /// Workers busy.
    busy: Gauge,
}

static UPLOADS: IntGauge = IntGauge::new();

/// Backups running.
#[in_progress(name = "in_progress_backups")]
fn backup() -> Option<f64> {
    default_registry().get_sample_value("in_progress_backups", &[])
}

#[in_progress(metric = Workers::global().busy)]
fn work() -> f64 {
    Workers::global().busy.get()
}

#[in_progress(metric = UPLOADS)]
fn upload() -> i64 {
    UPLOADS.get()
}

#[test]
fn named_and_metric_forms() {
    let r = default_registry();
    assert_eq!(r.get_sample_value("in_progress_backups", &[]), Some(0.0));
    assert_eq!(backup(), Some(1.0));
    assert_eq!(r.get_sample_value("in_progress_backups", &[]), Some(0.0));
    assert_eq!(work(), 1.0);
    assert_eq!(Workers::global().busy.get(), 0.0);
    assert_eq!(upload(), 1);
    assert_eq!(UPLOADS.get(), 0);
}
