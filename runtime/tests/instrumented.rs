//! What `#[instrumented]` records into the four shared families, on every exit path, under
//! concurrency and recursion, asserted as whole sets of samples; an error value spelled
//! `panic` or `error` keeps a `kind` of its own.

mod support;

use promenade::{instrumented, LabelValue};
use support::{block_on, function_samples, poll_once, YieldOnce};

const MODULE: &str = "instrumented";

/// Every sample of `function` across the four families, as `name{extra labels} value`
/// lines (the `function` and `module` labels left out), sorted; histogram buckets are
/// left out, `_count` stands for them.
fn recorded(function: &str) -> Vec<String> {
    let mut lines: Vec<String> =
        function_samples(MODULE, function, |family| family.starts_with("function_"))
            .into_iter()
            .filter(|s| !s.name.ends_with("_bucket") && !s.name.ends_with("_sum"))
            .filter(|s| !s.name.starts_with("function_duration_seconds"))
            .map(|s| {
                let extra: Vec<String> = s
                    .labels
                    .iter()
                    .filter(|(k, _)| k != "function" && k != "module")
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                format!("{}{{{}}} {}", s.name, extra.join(","), s.value)
            })
            .collect();
    lines.sort();
    lines
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum FetchError {
    NotFound,
    Timeout,
}

#[instrumented]
#[allow(dead_code)]
fn never_called() -> Result<(), FetchError> {
    Ok(())
}

#[test]
fn declared_series_exist_at_zero() {
    assert_eq!(
        recorded("never_called"),
        [
            "function_calls_total{} 0",
            "function_errors_total{kind=panic} 0",
            "function_in_progress{} 0",
            "function_outcome_duration_seconds_count{outcome=error} 0",
            "function_outcome_duration_seconds_count{outcome=ok} 0",
            "function_outcome_duration_seconds_count{outcome=panicked} 0",
        ]
    );
}

#[instrumented]
fn lookup(key: &str) -> Result<u32, FetchError> {
    if key.is_empty() {
        return Err(FetchError::NotFound); // early return
    }
    let n: u32 = key.parse().map_err(|_| FetchError::Timeout)?; // `?`
    if n == 0 {
        panic!("zero");
    }
    Ok(n)
}

#[test]
fn every_exit_path_of_a_sync_function() {
    assert_eq!(lookup("4"), Ok(4));
    assert_eq!(lookup(""), Err(FetchError::NotFound));
    assert_eq!(lookup("x"), Err(FetchError::Timeout));
    assert_eq!(lookup("y"), Err(FetchError::Timeout));
    assert!(std::panic::catch_unwind(|| lookup("0")).is_err());
    assert_eq!(
        recorded("lookup"),
        [
            "function_calls_total{} 5",
            "function_errors_total{kind=not_found} 1",
            "function_errors_total{kind=panic} 1",
            "function_errors_total{kind=timeout} 2",
            "function_in_progress{} 0",
            "function_outcome_duration_seconds_count{outcome=error} 3",
            "function_outcome_duration_seconds_count{outcome=ok} 1",
            "function_outcome_duration_seconds_count{outcome=panicked} 1",
        ]
    );
}

/// An error type with values spelled like the kinds promenade writes itself.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Clash {
    Panic,
    Error,
}

#[instrumented]
fn clash(fail: Option<Clash>) -> Result<(), Clash> {
    match fail {
        Some(e) => Err(e),
        None => panic!("a real panic"),
    }
}

#[test]
fn an_error_value_spelled_panic_is_an_error_not_a_panic() {
    assert_eq!(clash(Some(Clash::Panic)), Err(Clash::Panic));
    assert_eq!(clash(Some(Clash::Panic)), Err(Clash::Panic));
    assert_eq!(clash(Some(Clash::Error)), Err(Clash::Error));
    assert!(std::panic::catch_unwind(|| clash(None)).is_err());
    // The kinds agree with the outcomes: three errors, one panic.
    assert_eq!(
        recorded("clash"),
        [
            "function_calls_total{} 4",
            "function_errors_total{kind=error_} 1",
            "function_errors_total{kind=panic_} 2",
            "function_errors_total{kind=panic} 1",
            "function_in_progress{} 0",
            "function_outcome_duration_seconds_count{outcome=error} 3",
            "function_outcome_duration_seconds_count{outcome=ok} 0",
            "function_outcome_duration_seconds_count{outcome=panicked} 1",
        ]
    );
}

#[instrumented]
async fn fetch(key: u32) -> Result<u32, FetchError> {
    YieldOnce(false).await;
    match key {
        0 => Err(FetchError::NotFound),
        1 => panic!("one"),
        n => Ok(n),
    }
}

#[test]
fn every_exit_path_of_an_async_function() {
    assert_eq!(block_on(fetch(2)), Ok(2));
    assert_eq!(block_on(fetch(0)), Err(FetchError::NotFound));
    assert!(std::panic::catch_unwind(|| block_on(fetch(1))).is_err());

    // Polled once, then dropped: cancelled, in flight until the drop.
    let mut fut = Box::pin(fetch(3));
    assert!(poll_once(fut.as_mut()));
    assert!(recorded("fetch").contains(&"function_in_progress{} 1".to_owned()));
    drop(fut);

    assert_eq!(
        recorded("fetch"),
        [
            "function_calls_total{} 4",
            "function_errors_total{kind=not_found} 1",
            "function_errors_total{kind=panic} 1",
            "function_in_progress{} 0",
            "function_outcome_duration_seconds_count{outcome=cancelled} 1",
            "function_outcome_duration_seconds_count{outcome=error} 1",
            "function_outcome_duration_seconds_count{outcome=ok} 1",
            "function_outcome_duration_seconds_count{outcome=panicked} 1",
        ]
    );
}

#[instrumented]
fn from_threads(i: usize) -> Result<(), String> {
    if i % 4 == 0 {
        Err(format!("failure {i}"))
    } else {
        Ok(())
    }
}

#[test]
fn concurrent_calls_are_recorded_exactly() {
    const THREADS: usize = 8;
    const CALLS: usize = 2_000;
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for i in 0..CALLS {
                    let _ = from_threads(i);
                }
            });
        }
    });
    let total = THREADS * CALLS;
    let errors = total / 4;
    assert_eq!(
        recorded("from_threads"),
        [
            format!("function_calls_total{{}} {total}"),
            // `String` is an open label value: counted as `error`, not one series per message.
            format!("function_errors_total{{kind=error}} {errors}"),
            "function_errors_total{kind=panic} 0".to_owned(),
            "function_in_progress{} 0".to_owned(),
            format!("function_outcome_duration_seconds_count{{outcome=error}} {errors}"),
            format!(
                "function_outcome_duration_seconds_count{{outcome=ok}} {}",
                total - errors
            ),
            "function_outcome_duration_seconds_count{outcome=panicked} 0".to_owned(),
        ]
    );
}

#[instrumented]
fn depth(n: u32) -> Result<u32, FetchError> {
    if n == 0 {
        return Err(FetchError::Timeout);
    }
    Ok(depth(n - 1).unwrap_or(0) + 1)
}

#[instrumented]
fn depth_failing(n: u32) -> Result<u32, FetchError> {
    if n == 0 {
        return Err(FetchError::Timeout);
    }
    Ok(depth_failing(n - 1)? + 1) // the error travels up: every frame fails
}

#[test]
fn recursion_records_an_error_in_every_frame_it_passes_through() {
    assert_eq!(depth_failing(3), Err(FetchError::Timeout));
    assert_eq!(
        recorded("depth_failing"),
        [
            "function_calls_total{} 4",
            "function_errors_total{kind=panic} 0",
            "function_errors_total{kind=timeout} 4",
            "function_in_progress{} 0",
            "function_outcome_duration_seconds_count{outcome=error} 4",
            "function_outcome_duration_seconds_count{outcome=ok} 0",
            "function_outcome_duration_seconds_count{outcome=panicked} 0",
        ]
    );
}

#[test]
fn recursion_records_every_frame() {
    assert_eq!(depth(3), Ok(3));
    assert_eq!(
        recorded("depth"),
        [
            "function_calls_total{} 4",
            "function_errors_total{kind=panic} 0",
            "function_errors_total{kind=timeout} 1",
            "function_in_progress{} 0",
            "function_outcome_duration_seconds_count{outcome=error} 1",
            "function_outcome_duration_seconds_count{outcome=ok} 3",
            "function_outcome_duration_seconds_count{outcome=panicked} 0",
        ]
    );
}
