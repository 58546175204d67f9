//! The function attributes on `#[async_trait]` methods, in either order: the attribute
//! finds the boxed future (`Box::pin(async move { … })`) and instruments the inner async
//! block, so the future is measured from its first poll to its end or its drop, not the
//! moment it was allocated.

mod support;

use async_trait::async_trait;
use promenade::LabelValue;
use promenade::{counted, counted_exceptions, in_progress, instrumented, timed};
use support::{block_on, function_sample, poll_once, YieldOnce};

const MODULE: &str = "attr_async_trait";

fn value(name: &str, function: &str, extra: &[(&str, &str)]) -> Option<f64> {
    function_sample(name, MODULE, function, extra)
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum StoreError {
    Missing,
}

#[async_trait]
trait Store {
    async fn get(&self, key: u32) -> Result<u32, StoreError>;
    async fn put(&mut self, key: u32);
}

struct Memory {
    puts: u32,
}

// `#[async_trait]` runs first: ours sees the boxed future.
#[async_trait]
impl Store for Memory {
    #[instrumented]
    async fn get(&self, key: u32) -> Result<u32, StoreError> {
        YieldOnce(false).await;
        if key == 0 {
            return Err(StoreError::Missing);
        }
        Ok(key + self.puts)
    }

    #[timed]
    #[counted]
    #[in_progress]
    async fn put(&mut self, _key: u32) {
        YieldOnce(false).await;
        self.puts += 1;
    }
}

#[test]
fn async_trait_first_then_ours_measures_the_inner_future() {
    let mut store = Memory { puts: 0 };

    // Creating the boxed future runs nothing: no call yet.
    let fut = store.get(1);
    assert_eq!(value("function_calls_total", "get", &[]), Some(0.0));
    drop(fut);
    assert_eq!(
        value(
            "function_outcome_duration_seconds_count",
            "get",
            &[("outcome", "cancelled")]
        ),
        Some(0.0),
        "a future never polled was never called, so it was not cancelled either"
    );

    assert_eq!(block_on(store.get(1)), Ok(1));
    assert_eq!(block_on(store.get(0)), Err(StoreError::Missing));
    let mut fut = store.get(2);
    assert!(poll_once(fut.as_mut()));
    assert_eq!(value("function_in_progress", "get", &[]), Some(1.0));
    drop(fut);

    assert_eq!(value("function_calls_total", "get", &[]), Some(3.0));
    assert_eq!(value("function_in_progress", "get", &[]), Some(0.0));
    assert_eq!(
        value("function_errors_total", "get", &[("kind", "missing")]),
        Some(1.0)
    );
    for (outcome, n) in [
        ("ok", 1.0),
        ("error", 1.0),
        ("cancelled", 1.0),
        ("panicked", 0.0),
    ] {
        assert_eq!(
            value(
                "function_outcome_duration_seconds_count",
                "get",
                &[("outcome", outcome)]
            ),
            Some(n),
            "{outcome}"
        );
    }

    block_on(store.put(1));
    let mut fut = store.put(2);
    assert!(poll_once(fut.as_mut()));
    assert_eq!(value("function_in_progress", "put", &[]), Some(1.0));
    drop(fut);
    assert_eq!(store.puts, 1);
    assert_eq!(value("function_calls_total", "put", &[]), Some(2.0));
    assert_eq!(value("function_in_progress", "put", &[]), Some(0.0));
    assert_eq!(
        value("function_duration_seconds_count", "put", &[]),
        Some(2.0)
    );
}

#[async_trait]
trait Cache {
    async fn load(&self, key: u32) -> Result<u32, StoreError>;
    async fn clear(&self);
}

struct Lru;

// Ours runs first, on the impl block's `async fn`s; `#[async_trait]` then boxes them.
#[timed(outcome)]
#[async_trait]
impl Cache for Lru {
    async fn load(&self, key: u32) -> Result<u32, StoreError> {
        YieldOnce(false).await;
        key.checked_sub(1).ok_or(StoreError::Missing)
    }

    #[timed(skip)]
    async fn clear(&self) {}
}

struct Disk;

// `#[async_trait]` first, then ours on the impl block: every boxed body is found.
#[async_trait]
#[counted_exceptions]
impl Cache for Disk {
    async fn load(&self, key: u32) -> Result<u32, StoreError> {
        YieldOnce(false).await;
        if key == 7 {
            panic!("disk on fire");
        }
        key.checked_sub(1).ok_or(StoreError::Missing)
    }

    async fn clear(&self) {}
}

#[test]
fn ours_first_on_the_impl_block_then_async_trait() {
    assert_eq!(block_on(Lru.load(2)), Ok(1));
    assert_eq!(block_on(Lru.load(0)), Err(StoreError::Missing));
    let mut fut = Lru.load(5);
    assert!(poll_once(fut.as_mut()));
    drop(fut);
    block_on(Lru.clear());
    for (outcome, n) in [("ok", 1.0), ("error", 1.0), ("cancelled", 1.0)] {
        assert_eq!(
            value(
                "function_outcome_duration_seconds_count",
                "load",
                &[("outcome", outcome)]
            ),
            Some(n),
            "{outcome}"
        );
    }
    assert_eq!(
        value(
            "function_outcome_duration_seconds_count",
            "clear",
            &[("outcome", "ok")]
        ),
        None,
        "skipped"
    );
}

#[test]
fn async_trait_first_then_ours_on_the_impl_block() {
    assert_eq!(block_on(Disk.load(0)), Err(StoreError::Missing));
    assert!(std::panic::catch_unwind(|| block_on(Disk.load(7))).is_err());
    block_on(Disk.clear());
    // `load` is also the name of `Lru::load` in this module: their series are shared by
    // name, which is why this test reads `function_errors_total` only (Lru does not count
    // errors).
    assert_eq!(
        value("function_errors_total", "load", &[("kind", "missing")]),
        Some(1.0)
    );
    assert_eq!(
        value("function_errors_total", "load", &[("kind", "panic")]),
        Some(1.0)
    );
    assert_eq!(
        value("function_errors_total", "clear", &[("kind", "panic")]),
        Some(0.0)
    );
}
