//! `#[instrumented]`'s named form (`name = "...", help = "..."`: the function's own four
//! families in the default registry) and its `metric = EXPR` form (a `FunctionMetrics`,
//! nested in a `#[derive(Metrics)]` struct or a static): what each records on every exit
//! path, under concurrency and recursion, and on every shape of function the bare form
//! takes; a standalone `FunctionMetrics::named` (two in one registry, a name that is not a
//! prefix, kinds past the limit). Exposition is asserted as whole text (without the `_sum`
//! lines, which hold measured durations).

mod support;

use std::sync::LazyLock;

use async_trait::async_trait;
use promenade::{
    default_registry, instrumented, Buckets, FunctionMetrics, LabelValue, Metrics, Outcome,
    Registry,
};
use support::{block_on, poll_once, YieldOnce};

/// The default registry's text exposition of the families whose names start with
/// `prefix`, `_sum` lines left out. The error kinds are an open label set, kept in a map:
/// their series are sorted here.
fn exposition(prefix: &str) -> String {
    let mut text = String::new();
    promenade::encoding::text::encode(default_registry(), &mut text);
    let mut lines: Vec<&str> = text
        .lines()
        .filter(|line| {
            let name = line
                .strip_prefix("# HELP ")
                .or_else(|| line.strip_prefix("# TYPE "))
                .unwrap_or(line);
            name.starts_with(prefix)
                && !name
                    .split(['{', ' '])
                    .next()
                    .is_some_and(|n| n.ends_with("_sum"))
        })
        .collect();
    let errors: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with(prefix) && lines[i].contains("_errors_total{"))
        .collect();
    if let (Some(&first), Some(&last)) = (errors.first(), errors.last()) {
        lines[first..=last].sort_unstable();
    }
    lines.iter().map(|line| format!("{line}\n")).collect()
}

/// What a `FunctionMetrics` holds, as `family{label} value` lines: counts only.
fn recorded(m: &FunctionMetrics, kinds: &[&str]) -> Vec<String> {
    let mut lines = vec![
        format!("calls {}", m.calls().get()),
        format!("in_progress {}", m.in_progress().get()),
    ];
    for kind in kinds {
        lines.push(format!("errors{{kind={kind}}} {}", m.errors(kind)));
    }
    for outcome in Outcome::ALL {
        lines.push(format!(
            "duration_count{{outcome={}}} {}",
            outcome.as_str(),
            m.duration().labels(outcome).snapshot().count()
        ));
    }
    lines
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum FetchError {
    NotFound,
    Timeout,
}

// ---- named -------------------------------------------------------------------------------

#[instrumented(name = "idle", help = "Never called.", buckets = [0.5])]
#[allow(dead_code)]
fn idle() -> Result<(), FetchError> {
    Ok(())
}

#[test]
fn named_form_exposes_four_families_at_zero() {
    assert_eq!(
        exposition("idle_"),
        "\
# HELP idle_calls_total Never called. (calls)
# TYPE idle_calls_total counter
idle_calls_total 0
# HELP idle_in_progress Never called. (calls in flight)
# TYPE idle_in_progress gauge
idle_in_progress 0
# HELP idle_errors_total Never called. (failed calls by kind)
# TYPE idle_errors_total counter
idle_errors_total{kind=\"panic\"} 0
# HELP idle_duration_seconds Never called. (duration in seconds by outcome)
# TYPE idle_duration_seconds histogram
idle_duration_seconds_bucket{outcome=\"ok\",le=\"0.5\"} 0
idle_duration_seconds_bucket{outcome=\"ok\",le=\"+Inf\"} 0
idle_duration_seconds_count{outcome=\"ok\"} 0
idle_duration_seconds_bucket{outcome=\"error\",le=\"0.5\"} 0
idle_duration_seconds_bucket{outcome=\"error\",le=\"+Inf\"} 0
idle_duration_seconds_count{outcome=\"error\"} 0
idle_duration_seconds_bucket{outcome=\"panicked\",le=\"0.5\"} 0
idle_duration_seconds_bucket{outcome=\"panicked\",le=\"+Inf\"} 0
idle_duration_seconds_count{outcome=\"panicked\"} 0
idle_duration_seconds_bucket{outcome=\"cancelled\",le=\"0.5\"} 0
idle_duration_seconds_bucket{outcome=\"cancelled\",le=\"+Inf\"} 0
idle_duration_seconds_count{outcome=\"cancelled\"} 0
"
    );
}

/// Looks keys up.
#[instrumented(name = "lookup", buckets = [60.0])]
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
fn named_form_records_every_exit_path_of_a_sync_function() {
    assert_eq!(lookup("4"), Ok(4));
    assert_eq!(lookup(""), Err(FetchError::NotFound));
    assert_eq!(lookup("x"), Err(FetchError::Timeout));
    assert_eq!(lookup("y"), Err(FetchError::Timeout));
    assert!(std::panic::catch_unwind(|| lookup("0")).is_err());
    // `help` came from the doc comment.
    assert_eq!(
        exposition("lookup_"),
        "\
# HELP lookup_calls_total Looks keys up. (calls)
# TYPE lookup_calls_total counter
lookup_calls_total 5
# HELP lookup_in_progress Looks keys up. (calls in flight)
# TYPE lookup_in_progress gauge
lookup_in_progress 0
# HELP lookup_errors_total Looks keys up. (failed calls by kind)
# TYPE lookup_errors_total counter
lookup_errors_total{kind=\"not_found\"} 1
lookup_errors_total{kind=\"panic\"} 1
lookup_errors_total{kind=\"timeout\"} 2
# HELP lookup_duration_seconds Looks keys up. (duration in seconds by outcome)
# TYPE lookup_duration_seconds histogram
lookup_duration_seconds_bucket{outcome=\"ok\",le=\"60.0\"} 1
lookup_duration_seconds_bucket{outcome=\"ok\",le=\"+Inf\"} 1
lookup_duration_seconds_count{outcome=\"ok\"} 1
lookup_duration_seconds_bucket{outcome=\"error\",le=\"60.0\"} 3
lookup_duration_seconds_bucket{outcome=\"error\",le=\"+Inf\"} 3
lookup_duration_seconds_count{outcome=\"error\"} 3
lookup_duration_seconds_bucket{outcome=\"panicked\",le=\"60.0\"} 1
lookup_duration_seconds_bucket{outcome=\"panicked\",le=\"+Inf\"} 1
lookup_duration_seconds_count{outcome=\"panicked\"} 1
lookup_duration_seconds_bucket{outcome=\"cancelled\",le=\"60.0\"} 0
lookup_duration_seconds_bucket{outcome=\"cancelled\",le=\"+Inf\"} 0
lookup_duration_seconds_count{outcome=\"cancelled\"} 0
"
    );
}

#[instrumented(name = "fetch", help = "Fetches.", buckets = [60.0])]
async fn fetch(key: u32) -> Result<u32, FetchError> {
    YieldOnce(false).await;
    match key {
        0 => Err(FetchError::NotFound),
        1 => panic!("one"),
        n => Ok(n),
    }
}

#[test]
fn named_form_records_every_exit_path_of_an_async_function() {
    assert_eq!(block_on(fetch(2)), Ok(2));
    assert_eq!(block_on(fetch(0)), Err(FetchError::NotFound));
    assert!(std::panic::catch_unwind(|| block_on(fetch(1))).is_err());

    // Polled once, then dropped: cancelled, in flight until the drop.
    let mut fut = Box::pin(fetch(3));
    assert!(poll_once(fut.as_mut()));
    assert_eq!(
        default_registry().get_sample_value("fetch_in_progress", &[]),
        Some(1.0)
    );
    drop(fut);

    assert_eq!(
        exposition("fetch_"),
        "\
# HELP fetch_calls_total Fetches. (calls)
# TYPE fetch_calls_total counter
fetch_calls_total 4
# HELP fetch_in_progress Fetches. (calls in flight)
# TYPE fetch_in_progress gauge
fetch_in_progress 0
# HELP fetch_errors_total Fetches. (failed calls by kind)
# TYPE fetch_errors_total counter
fetch_errors_total{kind=\"not_found\"} 1
fetch_errors_total{kind=\"panic\"} 1
# HELP fetch_duration_seconds Fetches. (duration in seconds by outcome)
# TYPE fetch_duration_seconds histogram
fetch_duration_seconds_bucket{outcome=\"ok\",le=\"60.0\"} 1
fetch_duration_seconds_bucket{outcome=\"ok\",le=\"+Inf\"} 1
fetch_duration_seconds_count{outcome=\"ok\"} 1
fetch_duration_seconds_bucket{outcome=\"error\",le=\"60.0\"} 1
fetch_duration_seconds_bucket{outcome=\"error\",le=\"+Inf\"} 1
fetch_duration_seconds_count{outcome=\"error\"} 1
fetch_duration_seconds_bucket{outcome=\"panicked\",le=\"60.0\"} 1
fetch_duration_seconds_bucket{outcome=\"panicked\",le=\"+Inf\"} 1
fetch_duration_seconds_count{outcome=\"panicked\"} 1
fetch_duration_seconds_bucket{outcome=\"cancelled\",le=\"60.0\"} 1
fetch_duration_seconds_bucket{outcome=\"cancelled\",le=\"+Inf\"} 1
fetch_duration_seconds_count{outcome=\"cancelled\"} 1
"
    );
}

#[instrumented(name = "threaded", help = "From threads.")]
fn threaded(i: usize) -> Result<(), String> {
    if i % 4 == 0 {
        Err(format!("failure {i}"))
    } else {
        Ok(())
    }
}

#[test]
fn named_form_counts_concurrent_calls_exactly() {
    const THREADS: usize = 8;
    const CALLS: usize = 2_000;
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for i in 0..CALLS {
                    let _ = threaded(i);
                }
            });
        }
    });
    let total = (THREADS * CALLS) as f64;
    let errors = total / 4.0;
    let r = default_registry();
    let count =
        |outcome| r.get_sample_value("threaded_duration_seconds_count", &[("outcome", outcome)]);
    assert_eq!(r.get_sample_value("threaded_calls_total", &[]), Some(total));
    assert_eq!(r.get_sample_value("threaded_in_progress", &[]), Some(0.0));
    // `String` is an open label value: counted as `error`, not one series per message.
    assert_eq!(
        r.get_sample_value("threaded_errors_total", &[("kind", "error")]),
        Some(errors)
    );
    assert_eq!(count("error"), Some(errors));
    assert_eq!(count("ok"), Some(total - errors));
    assert_eq!(count("panicked"), Some(0.0));
}

#[instrumented(name = "descend", help = "Recursion.")]
fn descend(n: u32) -> Result<u32, FetchError> {
    if n == 0 {
        return Err(FetchError::Timeout);
    }
    Ok(descend(n - 1)? + 1) // the error travels up: every frame fails
}

#[test]
fn named_form_records_an_error_in_every_frame_of_a_recursion() {
    assert_eq!(descend(3), Err(FetchError::Timeout));
    let r = default_registry();
    assert_eq!(r.get_sample_value("descend_calls_total", &[]), Some(4.0));
    assert_eq!(
        r.get_sample_value("descend_errors_total", &[("kind", "timeout")]),
        Some(4.0)
    );
    assert_eq!(
        r.get_sample_value("descend_duration_seconds_count", &[("outcome", "error")]),
        Some(4.0)
    );
    assert_eq!(r.get_sample_value("descend_in_progress", &[]), Some(0.0));
}

// ---- metric = EXPR ---------------------------------------------------------------------------

#[derive(Metrics)]
#[metrics(namespace = "forms")]
struct Forms {
    #[metric(nested, prefix = "lookup")]
    lookup: FunctionMetrics,
    #[metric(nested, prefix = "fetch")]
    fetch: FunctionMetrics,
    #[metric(nested, prefix = "descend")]
    descend: FunctionMetrics,
    #[metric(nested, prefix = "shapes")]
    shapes: FunctionMetrics,
}

static THREADED: LazyLock<FunctionMetrics> = LazyLock::new(FunctionMetrics::new);

const KINDS: &[&str] = &["panic", "error", "not_found", "timeout"];

#[instrumented(metric = Forms::global().lookup)]
fn lookup_into(key: &str) -> Result<u32, FetchError> {
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
fn metric_form_records_every_exit_path_of_a_sync_function() {
    assert_eq!(lookup_into("4"), Ok(4));
    assert_eq!(lookup_into(""), Err(FetchError::NotFound));
    assert_eq!(lookup_into("x"), Err(FetchError::Timeout));
    assert_eq!(lookup_into("y"), Err(FetchError::Timeout));
    assert!(std::panic::catch_unwind(|| lookup_into("0")).is_err());
    assert_eq!(
        recorded(&Forms::global().lookup, KINDS),
        [
            "calls 5",
            "in_progress 0",
            "errors{kind=panic} 1",
            "errors{kind=error} 0",
            "errors{kind=not_found} 1",
            "errors{kind=timeout} 2",
            "duration_count{outcome=ok} 1",
            "duration_count{outcome=error} 3",
            "duration_count{outcome=panicked} 1",
            "duration_count{outcome=cancelled} 0",
        ]
    );
    // Exposed through the struct, under its names (default buckets left out here).
    let text: String = exposition("forms_lookup_")
        .lines()
        .filter(|l| !l.contains("_bucket"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        text,
        "\
# HELP forms_lookup_calls_total Calls of the function.
# TYPE forms_lookup_calls_total counter
forms_lookup_calls_total 5
# HELP forms_lookup_in_progress Calls of the function in flight.
# TYPE forms_lookup_in_progress gauge
forms_lookup_in_progress 0
# HELP forms_lookup_errors_total Failed calls of the function by kind: the error's label value (or \"error\") for an Err return, \"panic\" for a panic.
# TYPE forms_lookup_errors_total counter
forms_lookup_errors_total{kind=\"not_found\"} 1
forms_lookup_errors_total{kind=\"panic\"} 1
forms_lookup_errors_total{kind=\"timeout\"} 2
# HELP forms_lookup_duration_seconds Duration of the function's calls in seconds, by outcome: ok, error (returned Err), panicked, cancelled (a future dropped unfinished).
# TYPE forms_lookup_duration_seconds histogram
forms_lookup_duration_seconds_count{outcome=\"ok\"} 1
forms_lookup_duration_seconds_count{outcome=\"error\"} 3
forms_lookup_duration_seconds_count{outcome=\"panicked\"} 1
forms_lookup_duration_seconds_count{outcome=\"cancelled\"} 0
"
    );
}

#[instrumented(metric = Forms::global().fetch)]
async fn fetch_into(key: u32) -> Result<u32, FetchError> {
    YieldOnce(false).await;
    match key {
        0 => Err(FetchError::NotFound),
        1 => panic!("one"),
        n => Ok(n),
    }
}

#[test]
fn metric_form_records_every_exit_path_of_an_async_function() {
    let m = &Forms::global().fetch;
    assert_eq!(block_on(fetch_into(2)), Ok(2));
    assert_eq!(block_on(fetch_into(0)), Err(FetchError::NotFound));
    assert!(std::panic::catch_unwind(|| block_on(fetch_into(1))).is_err());

    let mut fut = Box::pin(fetch_into(3));
    assert_eq!(m.in_progress().get(), 0); // not polled yet: not called
    assert!(poll_once(fut.as_mut()));
    assert_eq!(m.in_progress().get(), 1);
    drop(fut);

    assert_eq!(
        recorded(m, KINDS),
        [
            "calls 4",
            "in_progress 0",
            "errors{kind=panic} 1",
            "errors{kind=error} 0",
            "errors{kind=not_found} 1",
            "errors{kind=timeout} 0",
            "duration_count{outcome=ok} 1",
            "duration_count{outcome=error} 1",
            "duration_count{outcome=panicked} 1",
            "duration_count{outcome=cancelled} 1",
        ]
    );
}

#[instrumented(metric = *THREADED)]
fn threaded_into(i: usize) -> Result<(), String> {
    if i % 4 == 0 {
        Err(format!("failure {i}"))
    } else {
        Ok(())
    }
}

#[test]
fn metric_form_counts_concurrent_calls_exactly() {
    const THREADS: usize = 8;
    const CALLS: usize = 2_000;
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for i in 0..CALLS {
                    let _ = threaded_into(i);
                }
            });
        }
    });
    let total = THREADS * CALLS;
    let errors = total / 4;
    assert_eq!(
        recorded(&THREADED, &["panic", "error", "failure 0"]),
        [
            format!("calls {total}"),
            "in_progress 0".to_owned(),
            "errors{kind=panic} 0".to_owned(),
            format!("errors{{kind=error}} {errors}"),
            "errors{kind=failure 0} 0".to_owned(),
            format!("duration_count{{outcome=ok}} {}", total - errors),
            format!("duration_count{{outcome=error}} {errors}"),
            "duration_count{outcome=panicked} 0".to_owned(),
            "duration_count{outcome=cancelled} 0".to_owned(),
        ]
    );
}

#[instrumented(metric = Forms::global().descend)]
fn descend_into(n: u32) -> Result<u32, FetchError> {
    if n == 0 {
        return Err(FetchError::Timeout);
    }
    Ok(descend_into(n - 1)? + 1)
}

#[test]
fn metric_form_records_an_error_in_every_frame_of_a_recursion() {
    assert_eq!(descend_into(3), Err(FetchError::Timeout));
    assert_eq!(
        recorded(&Forms::global().descend, KINDS),
        [
            "calls 4",
            "in_progress 0",
            "errors{kind=panic} 0",
            "errors{kind=error} 0",
            "errors{kind=not_found} 0",
            "errors{kind=timeout} 4",
            "duration_count{outcome=ok} 0",
            "duration_count{outcome=error} 4",
            "duration_count{outcome=panicked} 0",
            "duration_count{outcome=cancelled} 0",
        ]
    );
}

// ---- shapes ------------------------------------------------------------------------------

struct Bag {
    items: Vec<u32>,
}

// Every method of the block into one group; `#[skip]` leaves one alone.
#[instrumented(metric = Forms::global().shapes)]
impl Bag {
    fn push(&mut self, item: u32) -> &mut Self {
        self.items.push(item);
        self
    }

    fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.items.iter().copied()
    }

    fn largest<T: Ord + Copy>(values: &[T]) -> Result<T, FetchError> {
        values.iter().max().copied().ok_or(FetchError::NotFound)
    }

    async fn total(&self) -> u32 {
        YieldOnce(false).await;
        self.items.iter().sum()
    }

    fn into_items(self) -> Vec<u32> {
        self.items
    }

    #[skip]
    fn len(&self) -> usize {
        self.items.len()
    }
}

#[test]
fn metric_form_on_an_impl_block_records_every_method_but_the_skipped() {
    let mut bag = Bag { items: Vec::new() };
    bag.push(1).push(2);
    assert_eq!(bag.iter().collect::<Vec<_>>(), [1, 2]);
    assert_eq!(Bag::largest::<u32>(&[]), Err(FetchError::NotFound));
    assert_eq!(Bag::largest(&["a", "b"]), Ok("b"));
    assert_eq!(block_on(bag.total()), 3);
    assert_eq!(bag.len(), 2);
    assert_eq!(bag.into_items(), [1, 2]);
    assert_eq!(
        recorded(&Forms::global().shapes, KINDS),
        [
            "calls 7",
            "in_progress 0",
            "errors{kind=panic} 0",
            "errors{kind=error} 0",
            "errors{kind=not_found} 1",
            "errors{kind=timeout} 0",
            "duration_count{outcome=ok} 6",
            "duration_count{outcome=error} 1",
            "duration_count{outcome=panicked} 0",
            "duration_count{outcome=cancelled} 0",
        ]
    );
}

struct Named;

impl Named {
    #[instrumented(name = "named_method", help = "A method.")]
    fn get(&self, key: u32) -> Result<u32, FetchError> {
        if key == 0 {
            Err(FetchError::Timeout)
        } else {
            Ok(key)
        }
    }

    #[instrumented(name = "named_generic", help = "A generic function.")]
    fn first<T: Clone>(values: &[T]) -> Option<T> {
        values.first().cloned()
    }

    #[instrumented(name = "named_impl_trait", help = "An impl Trait return.")]
    fn evens(&self, n: u32) -> impl Iterator<Item = u32> {
        (0..n).filter(|i| i % 2 == 0)
    }
}

#[test]
fn named_form_on_methods_generics_and_impl_trait() {
    assert_eq!(Named.get(0), Err(FetchError::Timeout));
    assert_eq!(Named.get(2), Ok(2));
    assert_eq!(Named::first(&[3, 4]), Some(3));
    assert_eq!(Named::first::<u8>(&[]), None);
    assert_eq!(Named.evens(5).collect::<Vec<_>>(), [0, 2, 4]);
    let r = default_registry();
    let calls = |name: &str| r.get_sample_value(&format!("{name}_calls_total"), &[]);
    assert_eq!(calls("named_method"), Some(2.0));
    assert_eq!(calls("named_generic"), Some(2.0));
    assert_eq!(calls("named_impl_trait"), Some(1.0));
    assert_eq!(
        r.get_sample_value("named_method_errors_total", &[("kind", "timeout")]),
        Some(1.0)
    );
}

#[async_trait]
trait Store {
    async fn get(&self, key: u32) -> Result<u32, FetchError>;
    async fn put(&self, key: u32) -> Result<(), FetchError>;
}

static STORE: LazyLock<FunctionMetrics> = LazyLock::new(FunctionMetrics::new);

struct Memory;

// `#[async_trait]` first, then ours (named); ours first, then `#[async_trait]` (metric).
#[async_trait]
impl Store for Memory {
    #[instrumented(name = "store_get", help = "Gets.")]
    async fn get(&self, key: u32) -> Result<u32, FetchError> {
        YieldOnce(false).await;
        if key == 0 {
            return Err(FetchError::NotFound);
        }
        Ok(key)
    }

    async fn put(&self, key: u32) -> Result<(), FetchError> {
        put_inner(key).await
    }
}

struct Disk;

#[instrumented(metric = *STORE)]
#[async_trait]
impl Store for Disk {
    async fn get(&self, key: u32) -> Result<u32, FetchError> {
        YieldOnce(false).await;
        Ok(key)
    }

    async fn put(&self, key: u32) -> Result<(), FetchError> {
        YieldOnce(false).await;
        if key == 0 {
            Err(FetchError::Timeout)
        } else {
            Ok(())
        }
    }
}

async fn put_inner(_key: u32) -> Result<(), FetchError> {
    Ok(())
}

#[test]
fn both_forms_on_async_trait_methods_in_either_order() {
    // Creating the boxed future calls nothing; polling it once is one call in flight.
    let mut fut = Memory.get(1);
    assert_eq!(
        default_registry().get_sample_value("store_get_calls_total", &[]),
        Some(0.0)
    );
    assert!(poll_once(fut.as_mut()));
    assert_eq!(
        default_registry().get_sample_value("store_get_in_progress", &[]),
        Some(1.0)
    );
    drop(fut);
    assert_eq!(block_on(Memory.get(0)), Err(FetchError::NotFound));
    block_on(Memory.put(1)).unwrap();
    let r = default_registry();
    assert_eq!(r.get_sample_value("store_get_calls_total", &[]), Some(2.0));
    assert_eq!(r.get_sample_value("store_get_in_progress", &[]), Some(0.0));
    assert_eq!(
        r.get_sample_value(
            "store_get_duration_seconds_count",
            &[("outcome", "cancelled")]
        ),
        Some(1.0)
    );
    assert_eq!(
        r.get_sample_value("store_get_errors_total", &[("kind", "not_found")]),
        Some(1.0)
    );

    let mut fut = Disk.put(0);
    assert!(poll_once(fut.as_mut()));
    assert_eq!(STORE.in_progress().get(), 1);
    drop(fut);
    assert_eq!(block_on(Disk.put(0)), Err(FetchError::Timeout));
    assert_eq!(block_on(Disk.get(5)), Ok(5));
    assert_eq!(
        recorded(&STORE, KINDS),
        [
            "calls 3",
            "in_progress 0",
            "errors{kind=panic} 0",
            "errors{kind=error} 0",
            "errors{kind=not_found} 0",
            "errors{kind=timeout} 1",
            "duration_count{outcome=ok} 1",
            "duration_count{outcome=error} 1",
            "duration_count{outcome=panicked} 0",
            "duration_count{outcome=cancelled} 1",
        ]
    );
}

#[test]
fn named_form_in_openmetrics_has_created_times_and_no_collector_failure() {
    let mut text = String::new();
    promenade::encoding::openmetrics::encode(default_registry(), &mut text);
    assert!(
        !text.contains("promenade_collector_failures_total{"),
        "{text}"
    );
    let idle: String = text
        .lines()
        .filter(|l| {
            l.starts_with("idle_") || l.starts_with("# HELP idle_") || l.starts_with("# TYPE idle_")
        })
        .filter(|l| !l.contains("_bucket"))
        .map(|l| match l.split_once("_created") {
            // The creation times are when the test ran: only their presence is checked.
            Some((name, rest)) => format!(
                "{name}_created{} <time>\n",
                rest.split(' ').next().unwrap_or("")
            ),
            None => format!("{l}\n"),
        })
        .collect();
    assert_eq!(
        idle,
        "\
# TYPE idle_calls counter
# HELP idle_calls Never called. (calls)
idle_calls_total 0
idle_calls_created <time>
# TYPE idle_in_progress gauge
# HELP idle_in_progress Never called. (calls in flight)
idle_in_progress 0
# TYPE idle_errors counter
# HELP idle_errors Never called. (failed calls by kind)
idle_errors_total{kind=\"panic\"} 0
idle_errors_created{kind=\"panic\"} <time>
# TYPE idle_duration_seconds histogram
# HELP idle_duration_seconds Never called. (duration in seconds by outcome)
idle_duration_seconds_sum{outcome=\"ok\"} 0.0
idle_duration_seconds_count{outcome=\"ok\"} 0
idle_duration_seconds_created{outcome=\"ok\"} <time>
idle_duration_seconds_sum{outcome=\"error\"} 0.0
idle_duration_seconds_count{outcome=\"error\"} 0
idle_duration_seconds_created{outcome=\"error\"} <time>
idle_duration_seconds_sum{outcome=\"panicked\"} 0.0
idle_duration_seconds_count{outcome=\"panicked\"} 0
idle_duration_seconds_created{outcome=\"panicked\"} <time>
idle_duration_seconds_sum{outcome=\"cancelled\"} 0.0
idle_duration_seconds_count{outcome=\"cancelled\"} 0
idle_duration_seconds_created{outcome=\"cancelled\"} <time>
"
    );
}

// ---- a standalone FunctionMetrics, named ------------------------------------------------

/// The text exposition of `registry`, `_sum` lines left out, each run of error-kind
/// series (an open label set, kept in a map) sorted.
fn registry_text(registry: &Registry) -> String {
    let mut text = String::new();
    promenade::encoding::text::encode(registry, &mut text);
    let mut lines: Vec<&str> = text
        .lines()
        .filter(|l| {
            !l.split(['{', ' '])
                .next()
                .is_some_and(|n| n.ends_with("_sum"))
        })
        .collect();
    let is_kind = |l: &str| !l.starts_with('#') && l.contains("_errors_total{");
    let mut i = 0;
    while i < lines.len() {
        let run = lines[i..].iter().take_while(|l| is_kind(l)).count();
        lines[i..i + run].sort_unstable();
        i += run.max(1);
    }
    lines.iter().map(|line| format!("{line}\n")).collect()
}

/// An error type with values spelled like the kinds promenade writes itself.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Clash {
    Panic,
    Error,
    Other,
}

fn one_minute() -> Buckets {
    Buckets::new([60.0]).unwrap()
}

static BACKUP: LazyLock<FunctionMetrics> = LazyLock::new(|| {
    FunctionMetrics::named_with_buckets("backup", "Nightly backups.", one_minute()).unwrap()
});
static RESTORE: LazyLock<FunctionMetrics> = LazyLock::new(|| {
    FunctionMetrics::named_with_buckets("restore", "Restores.", one_minute()).unwrap()
});

#[instrumented(metric = *BACKUP)]
fn backup_into(fail: Option<Clash>) -> Result<(), Clash> {
    match fail {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

#[instrumented(metric = *RESTORE)]
fn restore_into(explode: bool) -> Result<(), String> {
    if explode {
        panic!("a real panic");
    }
    Err("no backup".to_owned())
}

#[test]
fn two_named_function_metrics_share_one_registry() {
    let registry = Registry::new();
    registry.register(&*BACKUP).unwrap();
    registry.register(&*RESTORE).unwrap();
    assert_eq!(backup_into(None), Ok(()));
    assert_eq!(backup_into(Some(Clash::Panic)), Err(Clash::Panic));
    assert_eq!(backup_into(Some(Clash::Error)), Err(Clash::Error));
    assert_eq!(backup_into(Some(Clash::Other)), Err(Clash::Other));
    assert!(restore_into(false).is_err());
    assert!(std::panic::catch_unwind(|| restore_into(true)).is_err());
    // `Err(Clash::Panic)` is an error, not a panic.
    assert_eq!(BACKUP.errors("panic"), 0);
    assert_eq!(BACKUP.errors("panic_"), 1);
    let text = registry_text(&registry);
    assert_eq!(
        text,
        "\
# HELP backup_calls_total Nightly backups. (calls)
# TYPE backup_calls_total counter
backup_calls_total 4
# HELP backup_in_progress Nightly backups. (calls in flight)
# TYPE backup_in_progress gauge
backup_in_progress 0
# HELP backup_errors_total Nightly backups. (failed calls by kind)
# TYPE backup_errors_total counter
backup_errors_total{kind=\"error_\"} 1
backup_errors_total{kind=\"other\"} 1
backup_errors_total{kind=\"panic\"} 0
backup_errors_total{kind=\"panic_\"} 1
# HELP backup_duration_seconds Nightly backups. (duration in seconds by outcome)
# TYPE backup_duration_seconds histogram
backup_duration_seconds_bucket{outcome=\"ok\",le=\"60.0\"} 1
backup_duration_seconds_bucket{outcome=\"ok\",le=\"+Inf\"} 1
backup_duration_seconds_count{outcome=\"ok\"} 1
backup_duration_seconds_bucket{outcome=\"error\",le=\"60.0\"} 3
backup_duration_seconds_bucket{outcome=\"error\",le=\"+Inf\"} 3
backup_duration_seconds_count{outcome=\"error\"} 3
backup_duration_seconds_bucket{outcome=\"panicked\",le=\"60.0\"} 0
backup_duration_seconds_bucket{outcome=\"panicked\",le=\"+Inf\"} 0
backup_duration_seconds_count{outcome=\"panicked\"} 0
backup_duration_seconds_bucket{outcome=\"cancelled\",le=\"60.0\"} 0
backup_duration_seconds_bucket{outcome=\"cancelled\",le=\"+Inf\"} 0
backup_duration_seconds_count{outcome=\"cancelled\"} 0
# HELP restore_calls_total Restores. (calls)
# TYPE restore_calls_total counter
restore_calls_total 2
# HELP restore_in_progress Restores. (calls in flight)
# TYPE restore_in_progress gauge
restore_in_progress 0
# HELP restore_errors_total Restores. (failed calls by kind)
# TYPE restore_errors_total counter
restore_errors_total{kind=\"error\"} 1
restore_errors_total{kind=\"panic\"} 1
# HELP restore_duration_seconds Restores. (duration in seconds by outcome)
# TYPE restore_duration_seconds histogram
restore_duration_seconds_bucket{outcome=\"ok\",le=\"60.0\"} 0
restore_duration_seconds_bucket{outcome=\"ok\",le=\"+Inf\"} 0
restore_duration_seconds_count{outcome=\"ok\"} 0
restore_duration_seconds_bucket{outcome=\"error\",le=\"60.0\"} 1
restore_duration_seconds_bucket{outcome=\"error\",le=\"+Inf\"} 1
restore_duration_seconds_count{outcome=\"error\"} 1
restore_duration_seconds_bucket{outcome=\"panicked\",le=\"60.0\"} 1
restore_duration_seconds_bucket{outcome=\"panicked\",le=\"+Inf\"} 1
restore_duration_seconds_count{outcome=\"panicked\"} 1
restore_duration_seconds_bucket{outcome=\"cancelled\",le=\"60.0\"} 0
restore_duration_seconds_bucket{outcome=\"cancelled\",le=\"+Inf\"} 0
restore_duration_seconds_count{outcome=\"cancelled\"} 0
"
    );
    // The whole exposition (`_sum` lines included) is valid: every series once.
    let mut whole = String::new();
    promenade::encoding::text::encode(&registry, &mut whole);
    promenade::parse::text(&whole).unwrap();
}

#[test]
fn two_function_metrics_with_one_name_clash_where_they_are_named() {
    let registry = Registry::new();
    let (first, first_line) = (FunctionMetrics::named("twice", "Once."), line!());
    let (second, second_line) = (FunctionMetrics::named("twice", "Twice."), line!());
    registry.register(first.unwrap()).unwrap();
    let e = registry.register(second.unwrap()).unwrap_err();
    let at = |line| {
        format!(
            "`twice_*` (a promenade::FunctionMetrics named at {}:{line})",
            file!()
        )
    };
    assert_eq!(
        e,
        promenade::Error::DuplicateMetric {
            sample: "twice_calls_total".to_owned(),
            existing: at(first_line),
            new: at(second_line),
        }
    );
    // Unnamed, two clash on the bare names: what `named` is for.
    registry.register(FunctionMetrics::new()).unwrap();
    assert!(registry.register(FunctionMetrics::new()).is_err());
}

#[test]
fn a_function_metrics_name_must_be_a_prefix() {
    let refused = |name: &str| {
        FunctionMetrics::named(name, "Backups.")
            .map(drop)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        refused(""),
        "invalid metric name \"\": a metric name cannot be empty"
    );
    assert_eq!(
        refused("2fast"),
        "invalid metric name \"2fast\": a metric name must start with a letter, `_` or `:`"
    );
    assert_eq!(
        refused("backup_duration_seconds"),
        "invalid metric name \"backup_duration_seconds\": FunctionMetrics::named prefixes its \
         four metrics (`backup_duration_seconds_calls_total`, \
         `backup_duration_seconds_in_progress`, `backup_duration_seconds_errors_total`, \
         `backup_duration_seconds_duration_seconds`), so the name cannot end with \
         `_seconds`; give a prefix such as \"backup\""
    );
    assert_eq!(
        refused("jobs_"),
        "invalid metric name \"jobs_\": FunctionMetrics::named prefixes its four metrics \
         (`jobs__calls_total`, `jobs__in_progress`, `jobs__errors_total`, \
         `jobs__duration_seconds`), so the name cannot end with `_`; give a prefix such as \
         \"jobs\""
    );
    assert_eq!(
        refused("_total"),
        "invalid metric name \"_total\": FunctionMetrics::named prefixes its four metrics \
         (`_total_calls_total`, `_total_in_progress`, `_total_errors_total`, \
         `_total_duration_seconds`), so the name cannot end with `_total`; give a prefix \
         such as \"backup\""
    );
}

/// 120 error kinds: more than the 100 a `FunctionMetrics` keeps apart.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
#[label(range = 0..=119)]
struct ManyKinds(u8);

static MANY: LazyLock<FunctionMetrics> =
    LazyLock::new(|| FunctionMetrics::named("many_kinds", "Many kinds.").unwrap());

#[instrumented(metric = *MANY)]
fn many_kinds_into(kind: u8) -> Result<(), ManyKinds> {
    Err(ManyKinds(kind))
}

#[test]
fn each_error_past_the_kind_limit_is_counted_as_an_overflow() {
    let registry = Registry::new();
    registry.register(&*MANY).unwrap();
    for kind in 0..=119 {
        let _ = many_kinds_into(kind);
    }
    for kind in 100..=119 {
        let _ = many_kinds_into(kind); // cached as the overflow series before the fix
    }
    // `panic` and kinds 0 to 98 have series: kinds 99 to 119 overflow, then 100 to 119.
    assert_eq!(MANY.errors("98"), 1);
    assert_eq!(MANY.errors("99"), 0);
    assert_eq!(MANY.errors("__overflow__"), 0, "not a kind of its own");
    let value = |name, labels: &[(&str, &str)]| registry.get_sample_value(name, labels);
    assert_eq!(
        value("many_kinds_errors_total", &[("kind", "__overflow__")]),
        Some(41.0)
    );
    assert_eq!(
        value(
            "promenade_family_overflow_total",
            &[("family", "many_kinds_errors")]
        ),
        Some(41.0)
    );
}
