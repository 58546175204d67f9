//! What `#[timed]` records, on every exit path, read back from the default registry.

mod support;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};

use promenade::{default_registry, timed};
use support::{function_sample, help, noop_waker, YieldOnce};

const MODULE: &str = "timed";

fn count(function: &str) -> Option<f64> {
    function_sample("function_duration_seconds_count", MODULE, function, &[])
}

#[timed]
#[allow(dead_code)]
fn declared_but_never_called() {}

#[test]
fn every_timed_function_is_exposed_at_zero_before_its_first_call() {
    assert_eq!(count("declared_but_never_called"), Some(0.0));
    let inf = function_sample(
        "function_duration_seconds_bucket",
        MODULE,
        "declared_but_never_called",
        &[("le", "+Inf")],
    );
    assert_eq!(inf, Some(0.0));
}

#[timed]
fn early_return(x: u32) -> u32 {
    if x > 10 {
        return 1;
    }
    x * 2
}

#[test]
fn early_returns_are_timed() {
    assert_eq!(early_return(1), 2);
    assert_eq!(early_return(11), 1);
    assert_eq!(count("early_return"), Some(2.0));
}

#[timed]
fn question_mark(s: &str) -> Result<i32, std::num::ParseIntError> {
    let v: i32 = s.parse()?;
    Ok(v + 1)
}

#[test]
fn question_mark_exits_are_timed() {
    assert!(question_mark("x").is_err());
    assert_eq!(question_mark("41"), Ok(42));
    assert_eq!(count("question_mark"), Some(2.0));
}

#[timed]
fn panics() {
    panic!("boom");
}

#[test]
fn panicking_calls_are_timed() {
    let r = std::panic::catch_unwind(panics);
    assert!(r.is_err());
    assert_eq!(count("panics"), Some(1.0));
}

#[timed]
async fn waits_twice(flag: &std::sync::atomic::AtomicBool) -> u8 {
    YieldOnce(false).await;
    YieldOnce(false).await;
    flag.store(true, std::sync::atomic::Ordering::SeqCst);
    7
}

#[test]
fn async_functions_are_timed_across_awaits_and_when_cancelled() {
    let flag = std::sync::atomic::AtomicBool::new(false);
    let mut cx = Context::from_waker(noop_waker());

    // Not timed until first polled.
    let fut = waits_twice(&flag);
    assert_eq!(count("waits_twice"), Some(0.0));

    // Polled to completion: one observation, after every await.
    let mut fut = pin!(fut);
    let out = loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            break v;
        }
        assert_eq!(count("waits_twice"), Some(0.0), "still running");
    };
    assert_eq!(out, 7);
    assert_eq!(count("waits_twice"), Some(1.0));

    // Cancelled: polled once, then dropped mid-way. Still observed.
    {
        let mut fut = Box::pin(waits_twice(&flag));
        assert!(fut.as_mut().poll(&mut cx).is_pending());
    }
    assert_eq!(count("waits_twice"), Some(2.0));
}

struct Service {
    calls: u32,
}

impl Service {
    #[timed]
    fn handle(&mut self) -> u32 {
        self.calls += 1;
        self.calls
    }

    #[timed]
    #[allow(clippy::multiple_bound_locations)] // the where clause must survive the macro
    fn generic<T: Clone + std::fmt::Debug>(&self, t: &T) -> T
    where
        T: PartialEq,
    {
        t.clone()
    }

    #[timed]
    fn consume(self) -> u32 {
        self.calls
    }
}

#[test]
fn methods_and_generic_functions_are_timed() {
    let mut s = Service { calls: 0 };
    s.handle();
    s.handle();
    assert_eq!(s.generic(&5u8), 5);
    assert_eq!(s.generic(&"x"), "x");
    assert_eq!(s.consume(), 2);
    assert_eq!(count("handle"), Some(2.0));
    assert_eq!(
        count("generic"),
        Some(2.0),
        "monomorphisations share the series"
    );
    assert_eq!(count("consume"), Some(1.0));
}

/// Time to run the backup.
///
/// Only the first paragraph (the summary) becomes HELP; this one, the `# Errors`
/// section and the example below do not.
///
/// # Errors
/// ```ignore
/// backup();
/// ```
#[timed(name = "backup_duration_seconds", buckets = [0.5, 1, 5])]
fn backup() {}

#[timed(name = "restore_seconds", help = "Time to restore.")]
fn restore() {}

#[test]
fn named_form_gets_its_own_histogram_with_its_buckets_and_help() {
    let r = default_registry();
    assert_eq!(
        r.get_sample_value("backup_duration_seconds_count", &[]),
        Some(0.0)
    );
    backup();
    backup();
    restore();
    assert_eq!(
        r.get_sample_value("backup_duration_seconds_count", &[]),
        Some(2.0)
    );
    assert_eq!(
        r.get_sample_value("backup_duration_seconds_bucket", &[("le", "0.5")]),
        Some(2.0)
    );
    assert_eq!(
        r.get_sample_value("backup_duration_seconds_bucket", &[("le", "1.0")]),
        Some(2.0)
    );
    assert_eq!(
        r.get_sample_value("backup_duration_seconds_bucket", &[("le", "5.0")]),
        Some(2.0)
    );
    assert_eq!(r.get_sample_value("restore_seconds_count", &[]), Some(1.0));
    assert_eq!(
        count("backup"),
        None,
        "the named form does not use the shared family"
    );

    let families = r.gather();
    assert_eq!(
        help(&families, "backup_duration_seconds").as_deref(),
        Some("Time to run the backup.")
    );
    assert_eq!(
        help(&families, "restore_seconds").as_deref(),
        Some("Time to restore.")
    );
}

#[test]
fn recorded_durations_are_plausible() {
    #[timed]
    fn sleeps() {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    sleeps();
    // `module_path!()` names the module, not the enclosing function.
    let sum = function_sample("function_duration_seconds_sum", MODULE, "sleeps", &[])
        .expect("series exists");
    assert!((0.02..5.0).contains(&sum), "{sum}");
}

// ---- `outcome`, `metric = ...`, concurrency and recursion ----

fn by_outcome(function: &str, outcome: &str) -> Option<f64> {
    function_sample(
        "function_outcome_duration_seconds_count",
        MODULE,
        function,
        &[("outcome", outcome)],
    )
}

#[timed(outcome)]
fn classify(s: &str) -> Result<u32, std::num::ParseIntError> {
    if s.is_empty() {
        return Ok(0); // early return
    }
    let n: u32 = s.parse()?; // `?`
    if n == 13 {
        panic!("unlucky");
    }
    Ok(n)
}

#[test]
fn outcome_labels_each_exit_of_a_sync_function() {
    assert_eq!(
        by_outcome("classify", "ok"),
        Some(0.0),
        "at zero before the first call"
    );
    assert_eq!(
        by_outcome("classify", "cancelled"),
        None,
        "a sync fn cannot be cancelled"
    );
    assert_eq!(classify(""), Ok(0));
    assert_eq!(classify("5"), Ok(5));
    assert!(classify("x").is_err());
    assert!(std::panic::catch_unwind(|| classify("13")).is_err());
    assert_eq!(by_outcome("classify", "ok"), Some(2.0));
    assert_eq!(by_outcome("classify", "error"), Some(1.0));
    assert_eq!(by_outcome("classify", "panicked"), Some(1.0));
    assert_eq!(by_outcome("classify", "cancelled"), None);
    assert_eq!(count("classify"), None, "outcome uses its own family");
}

#[timed(outcome)]
async fn download(fail: bool) -> Result<u8, String> {
    YieldOnce(false).await;
    if fail {
        Err("refused".to_owned())
    } else {
        Ok(1)
    }
}

#[test]
fn outcome_labels_a_cancelled_future() {
    let mut cx = Context::from_waker(noop_waker());
    assert_eq!(by_outcome("download", "cancelled"), Some(0.0));
    let run = |fail| {
        let mut fut = Box::pin(download(fail));
        loop {
            if let Poll::Ready(v) = fut.as_mut().poll(&mut Context::from_waker(noop_waker())) {
                return v;
            }
        }
    };
    assert_eq!(run(false), Ok(1));
    assert!(run(true).is_err());
    let mut fut = Box::pin(download(false));
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    drop(fut);
    assert_eq!(by_outcome("download", "ok"), Some(1.0));
    assert_eq!(by_outcome("download", "error"), Some(1.0));
    assert_eq!(by_outcome("download", "cancelled"), Some(1.0));
    assert_eq!(by_outcome("download", "panicked"), Some(0.0));
}

#[derive(promenade::Metrics)]
struct Jobs {
    /// Time to run a job.
    #[metric(buckets = [0.5, 1.0])]
    job_seconds: promenade::Histogram,
    /// Time to run a job, by outcome.
    job_outcome_seconds: promenade::Family<promenade::Outcome, promenade::Histogram>,
}

static SWEEP_SECONDS: std::sync::LazyLock<promenade::Histogram> =
    std::sync::LazyLock::new(|| promenade::Histogram::new(promenade::Buckets::default()));

#[timed(metric = Jobs::global().job_seconds)]
fn job() {}

#[timed(outcome, metric = Jobs::global().job_outcome_seconds)]
fn job_with_outcome(fail: bool) -> Result<(), ()> {
    if fail {
        Err(())
    } else {
        Ok(())
    }
}

#[timed(metric = *SWEEP_SECONDS)]
fn sweep() {}

/// Time to compact, by outcome.
#[timed(outcome, name = "timed_compact_seconds", buckets = [0.1])]
fn compact(fail: bool) -> Result<(), ()> {
    if fail {
        Err(())
    } else {
        Ok(())
    }
}

#[test]
fn metric_and_named_forms_with_and_without_outcome() {
    let r = default_registry();
    job();
    job();
    sweep();
    let _ = job_with_outcome(false);
    let _ = job_with_outcome(true);
    let _ = job_with_outcome(true);
    assert_eq!(r.get_sample_value("compact", &[]), None);
    assert_eq!(
        r.get_sample_value("timed_compact_seconds_count", &[("outcome", "ok")]),
        Some(0.0),
        "every outcome of a named family exists at zero"
    );
    let _ = compact(true);
    assert_eq!(Jobs::global().job_seconds.snapshot().count(), 2);
    assert_eq!(SWEEP_SECONDS.snapshot().count(), 1);
    let outcome = |o| r.get_sample_value("job_outcome_seconds_count", &[("outcome", o)]);
    assert_eq!(outcome("ok"), Some(1.0));
    assert_eq!(outcome("error"), Some(2.0));
    assert_eq!(outcome("panicked"), Some(0.0));
    assert_eq!(
        r.get_sample_value("timed_compact_seconds_count", &[("outcome", "error")]),
        Some(1.0)
    );
    assert_eq!(
        r.get_sample_value(
            "timed_compact_seconds_bucket",
            &[("outcome", "error"), ("le", "0.1")]
        ),
        Some(1.0)
    );
}

#[timed]
fn from_threads() {}

#[timed(outcome)]
fn from_threads_outcome(i: usize) -> Result<(), ()> {
    if i % 2 == 0 {
        Ok(())
    } else {
        Err(())
    }
}

#[test]
fn concurrent_calls_are_all_timed() {
    const THREADS: usize = 8;
    const CALLS: usize = 5_000;
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for i in 0..CALLS {
                    from_threads();
                    let _ = from_threads_outcome(i);
                }
            });
        }
    });
    let total = (THREADS * CALLS) as f64;
    assert_eq!(count("from_threads"), Some(total));
    assert_eq!(by_outcome("from_threads_outcome", "ok"), Some(total / 2.0));
    assert_eq!(
        by_outcome("from_threads_outcome", "error"),
        Some(total / 2.0)
    );
}

#[timed]
fn fib(n: u32) -> u64 {
    if n < 2 {
        n as u64
    } else {
        fib(n - 1) + fib(n - 2)
    }
}

#[test]
fn each_recursive_call_is_timed() {
    assert_eq!(fib(6), 8);
    assert_eq!(count("fib"), Some(25.0), "fib(6) makes 25 calls");
}

// ---- `metric = ...` of a summary or a gauge (the Python client's `@metric.time()`) ----

#[derive(promenade::Metrics)]
struct Reports {
    /// Time to write a report.
    report_seconds: promenade::Summary,
    /// How long the last report took.
    last_report_seconds: promenade::Gauge,
    /// Time to write a report, by format.
    report_format_seconds: promenade::Family<ReportFormat, promenade::Summary>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, promenade::LabelSet)]
struct ReportFormat {
    format: Format,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, promenade::LabelValue)]
enum Format {
    Pdf,
    Csv,
}

static ARCHIVE_SECONDS: std::sync::LazyLock<promenade::Summary> =
    std::sync::LazyLock::new(promenade::Summary::new);

#[timed(metric = Reports::global().report_seconds)]
fn report(fail: bool) -> Result<(), ()> {
    std::thread::sleep(std::time::Duration::from_millis(20));
    if fail {
        return Err(());
    }
    Ok(())
}

#[timed(metric = Reports::global().last_report_seconds)]
fn last_report() {
    std::thread::sleep(std::time::Duration::from_millis(20));
}

#[timed(metric = Reports::global().report_format_seconds.labels(ReportFormat { format }))]
fn report_as(format: Format) {}

#[timed(metric = *ARCHIVE_SECONDS)]
async fn archive() {
    YieldOnce(false).await;
}

#[test]
fn a_summary_is_timed_like_a_histogram() {
    report(false).unwrap();
    report(true).unwrap_err();
    let reports = Reports::global();
    assert_eq!(reports.report_seconds.count(), 2, "the early return too");
    assert!(reports.report_seconds.sum() >= 0.04);
    assert_eq!(
        default_registry().get_sample_value("report_seconds_count", &[]),
        Some(2.0)
    );
    assert_eq!(count("report"), None, "not the shared family");

    report_as(Format::Csv);
    let by_format = |format| {
        reports
            .report_format_seconds
            .labels(ReportFormat { format })
    };
    assert_eq!(by_format(Format::Csv).count(), 1);
    assert_eq!(by_format(Format::Pdf).count(), 0);

    support::block_on(archive());
    let mut cancelled = Box::pin(archive());
    assert!(support::poll_once(cancelled.as_mut()));
    drop(cancelled);
    assert_eq!(ARCHIVE_SECONDS.count(), 2, "a cancelled future is timed");
}

#[test]
fn a_gauge_is_set_to_the_last_calls_duration() {
    let gauge = &Reports::global().last_report_seconds;
    gauge.set(100.0);
    last_report();
    let secs = gauge.get();
    assert!((0.02..5.0).contains(&secs), "{secs}");
}
