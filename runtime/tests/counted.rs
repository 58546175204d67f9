//! What `#[counted]` records, read back from the default registry: one count per call,
//! whatever the exit path, from several threads, through recursion, in its three forms.

mod support;

use std::future::Future;
use std::task::Context;

use promenade::{counted, default_registry, Counter, FloatCounter, Metrics};
use support::{block_on, function_sample, help, noop_waker, YieldOnce};

const MODULE: &str = "counted";

fn calls(function: &str) -> Option<f64> {
    function_sample("function_calls_total", MODULE, function, &[])
}

#[counted]
#[allow(dead_code)]
fn never_called() {}

#[test]
fn every_counted_function_is_exposed_at_zero_before_its_first_call() {
    assert_eq!(calls("never_called"), Some(0.0));
}

#[counted]
fn early_return(x: u32) -> u32 {
    if x > 10 {
        return 1;
    }
    x * 2
}

#[counted]
fn question_mark(s: &str) -> Result<i32, std::num::ParseIntError> {
    let v: i32 = s.parse()?;
    Ok(v + 1)
}

#[counted]
fn panics() {
    panic!("boom");
}

#[test]
fn every_exit_path_is_one_call() {
    assert_eq!(early_return(1), 2);
    assert_eq!(early_return(11), 1);
    assert!(question_mark("x").is_err());
    assert_eq!(question_mark("41"), Ok(42));
    assert!(std::panic::catch_unwind(panics).is_err());
    assert_eq!(calls("early_return"), Some(2.0));
    assert_eq!(calls("question_mark"), Some(2.0));
    assert_eq!(calls("panics"), Some(1.0));
}

#[counted]
async fn waits() -> u8 {
    YieldOnce(false).await;
    3
}

#[test]
fn an_async_call_counts_at_its_first_poll_even_if_dropped_mid_way() {
    let fut = waits();
    assert_eq!(calls("waits"), Some(0.0), "not called until polled");
    drop(fut);
    assert_eq!(calls("waits"), Some(0.0), "never polled, never called");

    let mut fut = Box::pin(waits());
    let mut cx = Context::from_waker(noop_waker());
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    assert_eq!(calls("waits"), Some(1.0));
    drop(fut); // cancelled mid-way: it was still a call

    assert_eq!(block_on(waits()), 3);
    assert_eq!(calls("waits"), Some(2.0));
}

#[counted]
fn from_threads() {}

#[test]
fn concurrent_calls_are_all_counted() {
    const THREADS: usize = 8;
    const CALLS: usize = 10_000;
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..CALLS {
                    from_threads();
                }
            });
        }
    });
    assert_eq!(calls("from_threads"), Some((THREADS * CALLS) as f64));
}

#[counted]
fn factorial(n: u64) -> u64 {
    if n <= 1 {
        1
    } else {
        n * factorial(n - 1)
    }
}

#[test]
fn each_recursive_call_counts() {
    assert_eq!(factorial(5), 120);
    assert_eq!(calls("factorial"), Some(5.0));
}

#[derive(Metrics)]
struct JobMetrics {
    /// Jobs started.
    started: Counter,
    /// Work done, in units.
    work: FloatCounter,
}

static SHUTDOWNS: Counter = Counter::new();

/// Backups attempted.
#[counted(name = "counted_backups_total")]
fn backup() {}

#[counted(name = "counted_restores", help = "Restores attempted.")]
fn restore() {}

#[counted(metric = JobMetrics::global().started)]
fn start_job() {}

#[counted(metric = JobMetrics::global().work)]
fn do_work() {}

#[counted(metric = SHUTDOWNS)]
fn shutdown() {}

struct Service {
    calls: Counter,
}

impl Service {
    #[counted(metric = self.calls)]
    fn handle(&mut self) -> usize {
        7
    }
}

#[test]
fn named_and_metric_forms() {
    let r = default_registry();
    assert_eq!(r.get_sample_value("counted_backups_total", &[]), Some(0.0));
    backup();
    backup();
    restore();
    start_job();
    do_work();
    do_work();
    shutdown();
    let mut service = Service {
        calls: Counter::new(),
    };
    service.handle();
    service.handle();
    assert_eq!(r.get_sample_value("counted_backups_total", &[]), Some(2.0));
    assert_eq!(r.get_sample_value("counted_restores_total", &[]), Some(1.0));
    assert_eq!(r.get_sample_value("started_total", &[]), Some(1.0));
    assert_eq!(r.get_sample_value("work_total", &[]), Some(2.0));
    assert_eq!(SHUTDOWNS.get(), 1);
    assert_eq!(service.calls.get(), 2);
    assert_eq!(
        calls("backup"),
        None,
        "the named form does not use the shared family"
    );

    let families = r.gather();
    assert_eq!(
        help(&families, "counted_backups").as_deref(),
        Some("Backups attempted.")
    );
    assert_eq!(
        help(&families, "counted_restores").as_deref(),
        Some("Restores attempted.")
    );
}
