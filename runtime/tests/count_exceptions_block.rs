//! `count_exceptions` as a block (the Python client's `with c.count_exceptions():`):
//! the closure form counts an `Err` and a panic, the `_if` form only the chosen errors,
//! the guard counts every exit that did not call `success()`, the future form counts an
//! `Err` or a panic while polled but not a cancellation; a family's series does each in
//! one line.

mod support;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::LazyLock;

use promenade::{Counter, ExceptionGuard, Family, LabelSet, LabelValue, Series};
use support::{block_on, poll_once, YieldOnce};

#[derive(Debug, PartialEq)]
enum FetchError {
    Timeout,
    NotFound,
}

fn fetch(outcome: Option<FetchError>) -> Result<u8, FetchError> {
    match outcome {
        None => Ok(1),
        Some(e) => Err(e),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, LabelValue)]
enum Backend {
    Primary,
    Replica,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, LabelSet)]
struct ByBackend {
    backend: Backend,
}

const PRIMARY: ByBackend = ByBackend {
    backend: Backend::Primary,
};
const REPLICA: ByBackend = ByBackend {
    backend: Backend::Replica,
};

#[test]
fn the_closure_form_counts_errors_and_panics_and_returns_the_value() {
    let c = Counter::new();
    assert_eq!(c.count_exceptions(|| fetch(None)), Ok(1));
    assert_eq!(c.get(), 0, "a success is not counted");
    assert_eq!(
        c.count_exceptions(|| fetch(Some(FetchError::NotFound))),
        Err(FetchError::NotFound)
    );
    assert_eq!(c.get(), 1);
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        c.count_exceptions(|| -> Result<(), ()> { panic!("the payload") })
    }));
    let payload = panicked.expect_err("the panic goes on unwinding");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"the payload"));
    assert_eq!(c.get(), 2, "the panic was counted");
}

#[test]
fn the_if_form_counts_only_the_chosen_errors() {
    let timeouts = Counter::new();
    let is_timeout = |e: &FetchError| *e == FetchError::Timeout;
    let _ = timeouts.count_exceptions_if(is_timeout, || fetch(Some(FetchError::Timeout)));
    let _ = timeouts.count_exceptions_if(is_timeout, || fetch(Some(FetchError::NotFound)));
    let _ = timeouts.count_exceptions_if(is_timeout, || fetch(None));
    assert_eq!(timeouts.get(), 1);
    // A pattern reads as well: the predicate's type comes from the annotation.
    let _ = timeouts.count_exceptions_if(
        |e: &FetchError| matches!(e, FetchError::Timeout),
        || fetch(Some(FetchError::Timeout)),
    );
    assert_eq!(timeouts.get(), 2);
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        timeouts.count_exceptions_if(is_timeout, || -> Result<(), FetchError> { panic!() })
    }));
    assert!(panicked.is_err());
    assert_eq!(timeouts.get(), 2, "a panic is not one of the chosen errors");
}

fn guarded(c: &Counter, step: u8) -> Result<u8, FetchError> {
    let guard = c.exception_guard();
    if step == 0 {
        guard.success();
        return Ok(0); // an early success, marked as one
    }
    let v = fetch(if step == 1 {
        Some(FetchError::Timeout)
    } else {
        None
    })?;
    if step == 3 {
        panic!("after the fetch");
    }
    guard.success();
    Ok(v)
}

#[test]
fn the_guard_counts_every_exit_that_did_not_succeed() {
    let c = Counter::new();
    assert_eq!(guarded(&c, 0), Ok(0));
    assert_eq!(guarded(&c, 2), Ok(1));
    assert_eq!(c.get(), 0, "successes are not counted");
    assert_eq!(guarded(&c, 1), Err(FetchError::Timeout));
    assert_eq!(c.get(), 1, "the `?` exit");
    assert!(catch_unwind(AssertUnwindSafe(|| guarded(&c, 3))).is_err());
    assert_eq!(c.get(), 2, "the panic");
    drop(c.exception_guard());
    assert_eq!(c.get(), 3, "a guard dropped without `success()` counts");
    let by_hand: ExceptionGuard<&Counter> = ExceptionGuard::new(&c);
    by_hand.success();
    assert_eq!(c.get(), 3);
}

#[test]
fn the_future_form_counts_errors_and_panics_but_not_cancellation() {
    let c = Counter::new();
    assert_eq!(
        block_on(c.count_exceptions_future(async { fetch(None) })),
        Ok(1)
    );
    assert_eq!(c.get(), 0);
    let failing = async {
        YieldOnce(false).await;
        fetch(Some(FetchError::NotFound))
    };
    assert!(block_on(c.count_exceptions_future(failing)).is_err());
    assert_eq!(c.get(), 1);
    let panicking = async {
        YieldOnce(false).await;
        if c.get() < 100 {
            panic!("in the second poll");
        }
        Ok::<(), ()>(())
    };
    assert!(catch_unwind(AssertUnwindSafe(|| block_on(
        c.count_exceptions_future(panicking)
    )))
    .is_err());
    assert_eq!(c.get(), 2, "the panic in a poll");
    let mut cancelled = Box::pin(c.count_exceptions_future(async {
        YieldOnce(false).await;
        fetch(Some(FetchError::Timeout))
    }));
    assert!(poll_once(cancelled.as_mut()));
    drop(cancelled);
    assert_eq!(
        c.get(),
        2,
        "a cancelled future neither failed nor succeeded"
    );
}

static FETCH_ERRORS: LazyLock<Family<ByBackend, Counter>> = LazyLock::new(Family::new);
static SPAWNED_ERRORS: LazyLock<Family<ByBackend, Counter>> = LazyLock::new(Family::new);

#[test]
fn a_series_counts_in_one_line_into_its_own_series() {
    let _ = FETCH_ERRORS
        .labels(PRIMARY)
        .count_exceptions(|| fetch(Some(FetchError::Timeout)));
    fn with_guard(fail: bool) -> Result<u8, FetchError> {
        let guard = FETCH_ERRORS.labels(REPLICA).exception_guard();
        let v = fetch(fail.then_some(FetchError::NotFound))?;
        guard.success();
        Ok(v)
    }
    assert!(with_guard(true).is_err());
    assert!(with_guard(false).is_ok());
    assert_eq!(FETCH_ERRORS.labels(PRIMARY).get(), 1);
    assert_eq!(FETCH_ERRORS.labels(REPLICA).get(), 1);

    let local: Family<ByBackend, Counter> = Family::new();
    let guard: ExceptionGuard<Series<'_, Counter>> = local.labels(PRIMARY).exception_guard();
    drop(guard);
    assert_eq!(
        (local.labels(PRIMARY).get(), local.labels(REPLICA).get()),
        (1, 0)
    );
}

#[test]
fn a_series_future_owns_its_series_and_can_be_spawned() {
    fn spawnable<T: Send + 'static>(t: T) -> T {
        t
    }
    let fut = spawnable(
        SPAWNED_ERRORS
            .labels(REPLICA)
            .count_exceptions_future(async { fetch(Some(FetchError::Timeout)) }),
    );
    assert!(block_on(fut).is_err());
    assert_eq!(SPAWNED_ERRORS.labels(REPLICA).get(), 1);
    assert_eq!(SPAWNED_ERRORS.labels(PRIMARY).get(), 0);
}
