//! What `#[counted_exceptions]` records: `Err` returns by kind (the error's `LabelValue`,
//! or `error`), panics as `kind="panic"` (and the panic goes on), nothing for successes or
//! cancelled futures; `only` restricts; exact under concurrency and recursion. An error
//! value spelled `panic` or `error` gets a series of its own (`panic_`), in the shared
//! family and in a `Family<ErrorKindLabels<E>, Counter>`; errors past the kind limit are
//! each counted as an overflow.

mod support;

use std::sync::LazyLock;

use promenade::{
    counted_exceptions, default_registry, Counter, ErrorKindLabels, Family, LabelValue, Registry,
};
use support::{block_on, function_sample, function_samples, poll_once, YieldOnce};

const MODULE: &str = "counted_exceptions";

fn errors(function: &str, kind: &str) -> Option<f64> {
    function_sample("function_errors_total", MODULE, function, &[("kind", kind)])
}

/// Every series of `function` in the family, as `(kind, value)`, sorted.
fn all_errors(function: &str) -> Vec<(String, f64)> {
    let mut out: Vec<(String, f64)> =
        function_samples(MODULE, function, |family| family == "function_errors")
            .into_iter()
            .map(|s| {
                let kind = s
                    .labels
                    .iter()
                    .find(|(k, _)| k == "kind")
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                (kind, s.value)
            })
            .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum BackupError {
    DiskFull,
    #[label(rename = "timed-out")]
    Timeout,
    Denied,
}

#[counted_exceptions]
#[allow(dead_code)]
fn never_called() -> Result<(), BackupError> {
    Ok(())
}

#[test]
fn the_panic_series_exists_at_zero_before_the_first_call() {
    assert_eq!(all_errors("never_called"), [("panic".to_owned(), 0.0)]);
}

#[counted_exceptions]
fn backup(fail: Option<BackupError>) -> Result<u32, BackupError> {
    if let Some(e) = fail {
        return Err(e); // early return
    }
    Ok(1)
}

#[test]
fn errors_whose_type_is_a_label_value_are_counted_by_kind() {
    assert_eq!(backup(None), Ok(1));
    let _ = backup(Some(BackupError::DiskFull));
    let _ = backup(Some(BackupError::DiskFull));
    let _ = backup(Some(BackupError::Timeout));
    assert_eq!(
        all_errors("backup"),
        [
            ("disk_full".to_owned(), 2.0),
            ("panic".to_owned(), 0.0),
            ("timed-out".to_owned(), 1.0),
        ]
    );
}

#[counted_exceptions]
fn parse(s: &str) -> Result<i32, std::num::ParseIntError> {
    let v: i32 = s.parse()?; // `?` exit
    Ok(v)
}

#[counted_exceptions]
fn read(path: &str) -> std::io::Result<String> {
    std::fs::read_to_string(path)
}

#[test]
fn other_errors_are_counted_as_error() {
    assert_eq!(parse("1"), Ok(1));
    assert!(parse("x").is_err());
    assert!(parse("y").is_err());
    assert!(read("/definitely/not/here").is_err());
    assert_eq!(
        all_errors("parse"),
        [("error".to_owned(), 2.0), ("panic".to_owned(), 0.0)]
    );
    assert_eq!(errors("read", "error"), Some(1.0));
}

#[counted_exceptions]
fn panics(message: &'static str) -> Result<(), BackupError> {
    panic!("{message}");
}

#[test]
fn a_panic_is_counted_and_resumed_with_its_payload() {
    let payload = std::panic::catch_unwind(|| panics("kept")).unwrap_err();
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("kept")
    );
    assert_eq!(errors("panics", "panic"), Some(1.0));
}

#[counted_exceptions(only = [DiskFull, BackupError::Denied])]
fn only_some(fail: BackupError, explode: bool) -> Result<(), BackupError> {
    if explode {
        panic!("not counted with `only`");
    }
    Err(fail)
}

#[test]
fn only_counts_the_listed_variants_and_no_panics() {
    let _ = only_some(BackupError::DiskFull, false);
    let _ = only_some(BackupError::Timeout, false);
    let _ = only_some(BackupError::Denied, false);
    let _ = only_some(BackupError::Denied, false);
    assert!(std::panic::catch_unwind(|| only_some(BackupError::Denied, true)).is_err());
    assert_eq!(
        all_errors("only_some"),
        [("denied".to_owned(), 2.0), ("disk_full".to_owned(), 1.0)]
    );
}

#[counted_exceptions]
async fn fetch(fail: bool) -> Result<u8, BackupError> {
    YieldOnce(false).await;
    if fail {
        Err(BackupError::Denied)
    } else {
        Ok(1)
    }
}

#[test]
fn async_errors_count_and_a_cancelled_future_does_not() {
    assert_eq!(block_on(fetch(false)), Ok(1));
    assert_eq!(block_on(fetch(true)), Err(BackupError::Denied));
    let mut fut = Box::pin(fetch(true));
    assert!(poll_once(fut.as_mut()));
    drop(fut); // cancelled mid-way: not a failure
    assert_eq!(
        all_errors("fetch"),
        [("denied".to_owned(), 1.0), ("panic".to_owned(), 0.0)]
    );
}

#[counted_exceptions]
fn from_threads(i: usize) -> Result<(), BackupError> {
    match i % 3 {
        0 => Ok(()),
        1 => Err(BackupError::DiskFull),
        _ => Err(BackupError::Timeout),
    }
}

#[test]
fn concurrent_errors_are_all_counted() {
    const THREADS: usize = 8;
    const CALLS: usize = 3_000;
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for i in 0..CALLS {
                    let _ = from_threads(i);
                }
            });
        }
    });
    let per_kind = (THREADS * CALLS / 3) as f64;
    assert_eq!(
        all_errors("from_threads"),
        [
            ("disk_full".to_owned(), per_kind),
            ("panic".to_owned(), 0.0),
            ("timed-out".to_owned(), per_kind),
        ]
    );
}

#[counted_exceptions]
fn countdown(n: u32) -> Result<u32, BackupError> {
    if n == 0 {
        return Err(BackupError::Timeout);
    }
    countdown(n - 1).or(Ok(n)) // each frame above the bottom recovers
}

#[test]
fn recursion_counts_each_failing_frame() {
    assert_eq!(countdown(4), Ok(1));
    assert_eq!(errors("countdown", "timed-out"), Some(1.0));
}

#[counted_exceptions]
fn countdown_failing(n: u32) -> Result<u32, BackupError> {
    if n == 0 {
        return Err(BackupError::Timeout);
    }
    countdown_failing(n - 1)?; // the error travels up: every frame fails
    Ok(n)
}

#[test]
fn recursion_counts_every_frame_an_error_passes_through() {
    assert_eq!(countdown_failing(4), Err(BackupError::Timeout));
    assert_eq!(errors("countdown_failing", "timed-out"), Some(5.0));
}

#[counted_exceptions]
fn generic<E: LabelValue>(e: E) -> Result<(), E> {
    Err(e)
}

#[test]
fn a_generic_error_bound_by_label_value_is_labelled() {
    let _ = generic(BackupError::Denied);
    let _ = generic(true);
    assert_eq!(
        all_errors("generic"),
        [
            ("denied".to_owned(), 1.0),
            ("panic".to_owned(), 0.0),
            ("true".to_owned(), 1.0),
        ]
    );
}

static FAILURES: Counter = Counter::new();

/// Restores that failed.
#[counted_exceptions(name = "counted_exceptions_restore_failures")]
fn restore(fail: Option<BackupError>) -> Result<(), BackupError> {
    fail.map_or(Ok(()), Err)
}

#[counted_exceptions(metric = FAILURES)]
fn sync_files(fail: bool) -> Result<(), String> {
    if fail {
        Err("nope".to_owned())
    } else {
        Ok(())
    }
}

#[test]
fn named_and_metric_forms() {
    let r = default_registry();
    let _ = restore(None);
    let _ = restore(Some(BackupError::DiskFull));
    let _ = restore(Some(BackupError::Timeout));
    let _ = restore(Some(BackupError::Timeout));
    assert_eq!(
        r.get_sample_value(
            "counted_exceptions_restore_failures_total",
            &[("kind", "timed-out")]
        ),
        Some(2.0)
    );
    assert_eq!(
        r.get_sample_value(
            "counted_exceptions_restore_failures_total",
            &[("kind", "disk_full")]
        ),
        Some(1.0)
    );
    assert_eq!(errors("restore", "panic"), None, "not in the shared family");

    let _ = sync_files(false);
    let _ = sync_files(true);
    assert!(std::panic::catch_unwind(|| -> Result<(), String> {
        #[counted_exceptions(metric = FAILURES)]
        fn explode() -> Result<(), String> {
            panic!("boom")
        }
        explode()
    })
    .is_err());
    assert_eq!(FAILURES.get(), 2, "one error, one panic");
}

// ---- error values spelled like promenade's own kinds -------------------------------------

/// An error type with values spelled like the kinds promenade writes itself.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Clash {
    Panic,
    Error,
    #[label(rename = "panic_")]
    PanicMarked,
    #[label(rename = "error__")]
    ErrorMarked,
    Other,
}

const CLASHES: [Clash; 5] = [
    Clash::Panic,
    Clash::Error,
    Clash::PanicMarked,
    Clash::ErrorMarked,
    Clash::Other,
];

#[counted_exceptions]
fn clash(fail: Option<Clash>) -> Result<(), Clash> {
    match fail {
        Some(e) => Err(e),
        None => panic!("a real panic"),
    }
}

#[test]
fn an_error_value_spelled_panic_is_not_counted_as_a_panic() {
    for e in CLASHES {
        assert_eq!(clash(Some(e)), Err(e));
    }
    let _ = clash(Some(Clash::Panic));
    assert!(std::panic::catch_unwind(|| clash(None)).is_err());
    assert_eq!(
        all_errors("clash"),
        [
            ("error_".to_owned(), 1.0),
            ("error___".to_owned(), 1.0),
            ("other".to_owned(), 1.0),
            ("panic".to_owned(), 1.0),
            ("panic_".to_owned(), 2.0),
            ("panic__".to_owned(), 1.0),
        ]
    );
}

static CLASH_ERRORS: LazyLock<Family<ErrorKindLabels<Clash>, Counter>> = LazyLock::new(Family::new);

#[counted_exceptions(metric = *CLASH_ERRORS)]
fn work2(fail: Option<Clash>) -> Result<(), Clash> {
    match fail {
        Some(e) => Err(e),
        None => panic!("a real panic"),
    }
}

#[test]
fn an_error_kind_family_writes_each_series_once() {
    let registry = Registry::new();
    registry
        .register_metric("work2_errors", "Failed work, by kind.", &*CLASH_ERRORS)
        .unwrap();
    for e in CLASHES {
        assert_eq!(work2(Some(e)), Err(e));
    }
    let _ = work2(Some(Clash::Panic));
    assert!(std::panic::catch_unwind(|| work2(None)).is_err());
    // Apart in the family, and apart in the exposition.
    assert_eq!(CLASH_ERRORS.labels(ErrorKindLabels::Panic).get(), 1);
    assert_eq!(
        CLASH_ERRORS
            .labels(ErrorKindLabels::Kind(Clash::Panic))
            .get(),
        2
    );
    let mut text = String::new();
    promenade::encoding::text::encode(&registry, &mut text);
    assert_eq!(
        text,
        "\
# HELP work2_errors_total Failed work, by kind.
# TYPE work2_errors_total counter
work2_errors_total{kind=\"panic\"} 1
work2_errors_total{kind=\"error\"} 0
work2_errors_total{kind=\"panic_\"} 2
work2_errors_total{kind=\"error_\"} 1
work2_errors_total{kind=\"panic__\"} 1
work2_errors_total{kind=\"error___\"} 1
work2_errors_total{kind=\"other\"} 1
"
    );
    let families = promenade::parse::text(&text).unwrap();
    assert_eq!(families[0].samples.len(), 7);
}

// ---- kinds past the limit -----------------------------------------------------------------

/// 1,010 error kinds: more than the 1,000 a function's own error counter keeps apart.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
#[label(range = 0..=1009)]
struct ManyKinds(u16);

/// Failures of a function with too many kinds.
#[counted_exceptions(name = "counted_exceptions_many_kinds_failures")]
fn many_kinds(kind: u16) -> Result<(), ManyKinds> {
    Err(ManyKinds(kind))
}

#[test]
fn each_error_past_the_kind_limit_is_counted_as_an_overflow() {
    for kind in 0..=1009 {
        let _ = many_kinds(kind);
    }
    for kind in 1000..=1009 {
        let _ = many_kinds(kind); // cached as the overflow series before the fix
    }
    let r = default_registry();
    let name = "counted_exceptions_many_kinds_failures_total";
    assert_eq!(r.get_sample_value(name, &[("kind", "999")]), Some(1.0));
    assert_eq!(r.get_sample_value(name, &[("kind", "1000")]), None);
    assert_eq!(
        r.get_sample_value(name, &[("kind", "__overflow__")]),
        Some(20.0)
    );
    assert_eq!(
        r.get_sample_value(
            "promenade_family_overflow_total",
            &[("family", "counted_exceptions_many_kinds_failures")]
        ),
        Some(20.0)
    );
}
