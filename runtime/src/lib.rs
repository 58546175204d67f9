//! # promenade
//!
//! Typed, compiler-checked Prometheus instrumentation. Declare metrics with derives and
//! attributes; the compiler checks names, labels and cardinality; the metrics register
//! themselves; one line serves them.
//!
//! ```
//! use promenade::{Counter, Family, Gauge, Histogram, LabelSet, LabelValue, Metrics, Registry};
//! use std::sync::Arc;
//!
//! #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
//! enum Method { Get, Post }
//!
//! #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
//! struct Request { method: Method, ok: bool }
//!
//! #[derive(Metrics)]
//! #[metrics(namespace = "http")]
//! struct HttpMetrics {
//!     /// Requests served.
//!     requests: Family<Request, Counter>,
//!     /// Time to serve a request.
//!     #[metric(buckets = [0.1, 1.0])]
//!     request_duration_seconds: Histogram,
//!     /// Requests in flight.
//!     in_flight: Gauge,
//! }
//!
//! // `HttpMetrics::global()` is registered in `promenade::default_registry()` by itself;
//! // here an instance goes into a registry of our own.
//! let registry = Registry::new();
//! let http = Arc::new(HttpMetrics::new());
//! registry.register(http.clone()).unwrap();
//!
//! http.requests.labels(Request { method: Method::Post, ok: true }).inc();
//! http.request_duration_seconds.observe(0.25);
//!
//! let mut text = String::new();
//! promenade::encoding::text::encode(&registry, &mut text);
//! assert_eq!(text, "\
//! ## HELP http_requests_total Requests served.
//! ## TYPE http_requests_total counter
//! http_requests_total{method=\"get\",ok=\"false\"} 0
//! http_requests_total{method=\"get\",ok=\"true\"} 0
//! http_requests_total{method=\"post\",ok=\"false\"} 0
//! http_requests_total{method=\"post\",ok=\"true\"} 1
//! ## HELP http_request_duration_seconds Time to serve a request.
//! ## TYPE http_request_duration_seconds histogram
//! http_request_duration_seconds_bucket{le=\"0.1\"} 0
//! http_request_duration_seconds_bucket{le=\"1.0\"} 1
//! http_request_duration_seconds_bucket{le=\"+Inf\"} 1
//! http_request_duration_seconds_sum 0.25
//! http_request_duration_seconds_count 1
//! ## HELP http_in_flight Requests in flight.
//! ## TYPE http_in_flight gauge
//! http_in_flight 0.0
//! ");
//! ```
//!
//! Serve it from axum with `.route("/metrics", promenade::axum::metrics())`, or from a
//! thread of its own with [`serve::serve`]. The README has a tour; `ARCHITECTURE.md` maps the code.
#![warn(missing_docs)]
// `unsafe` is forbidden everywhere but in the one module that maps shared memory for
// multiprocess mode (`multiprocess/map.rs`), which exists only with that feature.
#![cfg_attr(not(feature = "multiprocess"), forbid(unsafe_code))]

pub mod build_info;
#[doc = include_str!("../../docs/coming-from-python.md")]
#[doc(alias = "prometheus_client")]
pub mod coming_from_python {}
pub mod encoding;
mod error;
mod exporters;
mod family;
mod format;
pub mod function;
pub mod labels;
pub mod metrics;
pub mod multiprocess;
mod number;
pub mod parse;
#[cfg(all(feature = "process", target_os = "linux"))]
pub mod process;
pub mod registry;
pub mod validate;

#[doc(hidden)]
#[path = "private/mod.rs"]
pub mod __private;

pub use error::Error;
pub use family::{Family, Series, OVERFLOW_LABEL_VALUE};
pub use labels::{LabelSet, LabelValue};
pub use metrics::ExceptionGuard;
pub use metrics::Timer;
pub use metrics::{
    disable_created_metrics, enable_created_metrics, CounterWithExemplar, Enum, Exemplar,
    ExemplarLabels, GaugeHistogram, Info, Quantiles, StateSet, Summary,
};
pub use metrics::{
    Buckets, CallbackGauge, Counter, FloatCounter, Gauge, Histogram, HistogramTimer, InProgress,
    IntGauge, Metric, MetricType, DEFAULT_BUCKETS,
};
pub use registry::{default_registry, try_default_registry, Collector, Registry};

// The exporters, each reached through its module (`promenade::serve::Server`,
// `promenade::axum::HttpMetricsLayer`, …).
#[cfg(feature = "axum")]
pub use exporters::axum;
#[cfg(feature = "graphite")]
pub use exporters::graphite;
#[cfg(feature = "push")]
pub use exporters::push;
pub use exporters::serve;
#[cfg(feature = "textfile")]
pub use exporters::textfile;

/// Times every call of a function into a histogram.
///
/// Works on sync and `async` functions, methods (`&self`, `&mut self`, `self`),
/// associated functions, trait default methods, generic functions, functions returning
/// `impl Trait`, `#[async_trait]` methods (in either attribute order: the boxed future's
/// inner `async` block is timed, not its allocation), and on a whole `impl` block. The
/// function's signature, visibility, generics, attributes and doc comments are kept as
/// written; errors inside the body are reported at your code.
///
/// # Forms
/// - `#[timed]`: records into the shared histogram family
///   `function_duration_seconds{function="<name>", module="<module_path!()>"}` (default
///   buckets) in the [default registry](crate::default_registry). Every timed function's
///   series is there, at zero, from the first scrape.
/// - `#[timed(name = "...", help = "...", buckets = [...])]`: the function gets a
///   histogram of its own in the default registry. `help` defaults to the first paragraph
///   of the function's doc comment (its summary, lines joined with spaces; one of the two
///   is required), the rule of every macro (see [`Metrics`](derive@Metrics)); `buckets`
///   (the rule of [`Buckets::new`]) default to [`DEFAULT_BUCKETS`].
/// - `#[timed(metric = EXPR)]`: records into a [`Histogram`] or a [`Summary`] you already
///   have (or sets a [`Gauge`] to the last call's duration, as Python's `@gauge.time()`):
///   a static (`metric = LATENCY`), a field of a `#[derive(Metrics)]` struct
///   (`metric = HttpMetrics::global().request_duration_seconds`) or anything reachable
///   from the arguments (`metric = self.metrics.latency`). The expression is evaluated at
///   each call; the compiler checks it takes a duration and says so at the expression.
/// - `outcome` (with any of the above): the duration is labelled with how the call ended,
///   `outcome="ok|error|panicked|cancelled"` ([`Outcome`]): `error` when it returned a
///   `Result::Err`, `panicked` when it unwound, `cancelled` when an `async fn`'s future was
///   dropped before completing. The bare form records into
///   `function_outcome_duration_seconds{function, module, outcome}` — a family of its own,
///   because a family's labels are fixed and plain `#[timed]` does not look at the value;
///   its series exist at zero (`cancelled` only for `async fn`s). The named form creates a
///   histogram family labelled `outcome`; `metric = ...` needs a
///   `Family<promenade::Outcome, Histogram>`.
/// - `crate = "path"`: where the `promenade` crate is, for crates that re-export it.
/// - On an `impl` block, every method is timed with the block's arguments (`name` is
///   refused there: the methods would share one histogram's name); a method marked
///   `#[skip]` is left alone by every function attribute on the block (`#[timed(skip)]`
///   by this one only), one with its own `#[timed(...)]` uses that. `#[skip]` means
///   nothing elsewhere: outside such a block it is an unknown attribute.
///   Methods are labelled by their name, so two types' methods of the same name in one
///   module share a series.
///
/// # What is recorded
/// The duration in seconds, observed when a guard created on entry is dropped: on a
/// normal return, an early `return`, a `?`, and a panic that unwinds. In an `async fn`
/// the clock starts at the first poll and stops when the future completes **or is
/// dropped unfinished**, so a cancelled call is recorded too. With `outcome`, the body
/// runs in a closure (an `async` block for `async fn`s) so its value can be classified
/// before it is returned; `return` and `?` keep their meaning.
///
/// # Example
/// ```
/// use promenade::default_registry;
///
/// #[promenade::timed]
/// fn parse(s: &str) -> Result<u32, std::num::ParseIntError> {
///     let n = s.parse()?; // an early exit is timed too
///     Ok(n)
/// }
///
/// /// Time to run the nightly backup.
/// #[promenade::timed(name = "backup_duration_seconds", buckets = [1.0, 10.0, 60.0])]
/// async fn backup() {}
///
/// #[promenade::timed(outcome)]
/// fn checked(s: &str) -> Result<u32, std::num::ParseIntError> {
///     s.parse()
/// }
///
/// let module = module_path!();
/// let count = |function| {
///     default_registry().get_sample_value(
///         "function_duration_seconds_count",
///         &[("function", function), ("module", module)],
///     )
/// };
/// assert_eq!(count("parse"), Some(0.0)); // declared series exist before any call
/// let _ = parse("x");
/// let _ = parse("7");
/// assert_eq!(count("parse"), Some(2.0));
/// assert_eq!(default_registry().get_sample_value("backup_duration_seconds_count", &[]), Some(0.0));
///
/// let _ = checked("x");
/// let by_outcome = |outcome| {
///     default_registry().get_sample_value(
///         "function_outcome_duration_seconds_count",
///         &[("function", "checked"), ("module", module), ("outcome", outcome)],
///     )
/// };
/// assert_eq!(by_outcome("error"), Some(1.0));
/// assert_eq!(by_outcome("ok"), Some(0.0));
/// assert_eq!(by_outcome("cancelled"), None); // a sync fn cannot be cancelled
/// ```
///
/// # Restrictions
/// A `const fn` cannot be timed:
/// ```compile_fail
/// #[promenade::timed]
/// const fn answer() -> u32 { 42 }
/// ```
/// `buckets` only apply to a function's own histogram:
/// ```compile_fail
/// #[promenade::timed(buckets = [0.1, 1.0])]
/// fn work() {}
/// ```
/// `metric = ...` must be a histogram, a summary or a gauge:
/// ```compile_fail
/// static CALLS: promenade::Counter = promenade::Counter::new();
/// #[promenade::timed(metric = CALLS)]
/// fn work() {}
/// ```
pub use promenade_macros::timed;

/// Counts every call of a function.
///
/// Works on everything [`timed`] works on (sync and `async` functions, methods, generic
/// functions, `#[async_trait]` methods, whole `impl` blocks with `#[skip]` or
/// `#[counted(skip)]` per method). The counter is incremented as the call starts, before the body runs.
///
/// # Forms
/// - `#[counted]`: the shared counter family
///   `function_calls_total{function="<name>", module="<module_path!()>"}` in the
///   [default registry](crate::default_registry), each function's series at zero from the
///   first scrape.
/// - `#[counted(name = "...", help = "...")]`: a [`Counter`] of its own (exposed with
///   `_total` added once); `help` defaults to the doc comment.
/// - `#[counted(metric = EXPR)]`: a [`Counter`] or [`FloatCounter`] you already have
///   (a static, a field of a derived struct, `self.metrics.calls`), checked by the
///   compiler at the expression.
/// - `crate = "path"`: where the `promenade` crate is.
///
/// # Example
/// ```
/// use promenade::{default_registry, Counter, Metrics};
///
/// #[derive(Metrics)]
/// struct Jobs {
///     /// Jobs started.
///     started: Counter,
/// }
///
/// #[promenade::counted]
/// fn handle(n: u32) -> u32 { n + 1 }
///
/// /// Backups attempted.
/// #[promenade::counted(name = "backups_total")]
/// fn backup() {}
///
/// #[promenade::counted(metric = Jobs::global().started)]
/// fn run_job() {}
///
/// handle(1);
/// handle(2);
/// backup();
/// run_job();
/// let r = default_registry();
/// let module = module_path!();
/// assert_eq!(
///     r.get_sample_value("function_calls_total", &[("function", "handle"), ("module", module)]),
///     Some(2.0)
/// );
/// assert_eq!(r.get_sample_value("backups_total", &[]), Some(1.0));
/// assert_eq!(r.get_sample_value("started_total", &[]), Some(1.0));
/// ```
///
/// # Restrictions
/// `metric = ...` must be a counter:
/// ```compile_fail
/// static IN_FLIGHT: promenade::Gauge = promenade::Gauge::new();
/// #[promenade::counted(metric = IN_FLIGHT)]
/// fn work() {}
/// ```
/// A `const fn` cannot be counted:
/// ```compile_fail
/// #[promenade::counted]
/// const fn answer() -> u32 { 42 }
/// ```
pub use promenade_macros::counted;

/// Counts the calls of a function that fail: those returning `Err`, and those that panic.
///
/// The Python client's `count_exceptions`. A panic is counted by a guard's `Drop` while
/// unwinding and then goes on: nothing is caught, so the function's unwind safety and the
/// panic itself are unchanged. A cancelled `async fn` is not a failure.
///
/// # Labels
/// When the error type implements [`LabelValue`](trait@LabelValue) with a finite set of
/// values (an error enum with `#[derive(LabelValue)]`, say), the count is labelled with
/// the error's value: `kind="disk_full"`. Otherwise an `Err` is `kind="error"` — open
/// label values such as `String` included, so an error message never becomes a series of
/// its own. A panic is `kind="panic"`. An error value spelled `panic` or `error` gets one
/// more `_` (`kind="panic_"`; see [`ErrorKindLabels`]), so it never shares their series.
/// This is decided from the types at compile time (autoref-based dispatch, no
/// specialization); in a generic function whose error type is a parameter, the error is
/// labelled when the parameter is bound by `LabelValue`.
///
/// # Forms
/// - `#[counted_exceptions]`: the shared family
///   `function_errors_total{function, module, kind}`. Each function's `kind="panic"`
///   series exists at zero from the first scrape; the others appear with their first error.
/// - `#[counted_exceptions(name = "...", help = "...")]`: a counter family of its own,
///   labelled `kind`; `help` defaults to the doc comment.
/// - `#[counted_exceptions(metric = EXPR)]`: a [`Counter`] or [`FloatCounter`] you already
///   have (no `kind` label), or, to count by kind into a family you already have, a
///   `Family<`[`ErrorKindLabels<E>`]`, Counter>` where `E` is the function's error type:
///   `kind` is the error's value, `panic`, or `error` for an `Err` of another type. Checked
///   by the compiler at the expression.
/// - `only = [Variant, ...]`: only these errors count (and panics do not). A bare variant
///   is taken from the `E` of the function's `Result<T, E>`; otherwise write its path
///   (`only = [BackupError::Disk]`). The function must return a `Result`.
/// - `crate = "path"`: where the `promenade` crate is.
///
/// # Example
/// ```
/// use promenade::{default_registry, LabelValue};
///
/// #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
/// enum BackupError { DiskFull, Timeout }
///
/// #[promenade::counted_exceptions]
/// fn backup(fail: Option<BackupError>) -> Result<(), BackupError> {
///     match fail {
///         Some(e) => Err(e),
///         None => Ok(()),
///     }
/// }
///
/// #[promenade::counted_exceptions(only = [Timeout])]
/// fn retried(fail: BackupError) -> Result<(), BackupError> {
///     Err(fail)
/// }
///
/// #[promenade::counted_exceptions]
/// fn explodes() {
///     panic!("boom");
/// }
///
/// let errors = |function, kind| {
///     default_registry().get_sample_value(
///         "function_errors_total",
///         &[("function", function), ("module", module_path!()), ("kind", kind)],
///     )
/// };
/// assert_eq!(errors("explodes", "panic"), Some(0.0)); // exists before the first call
/// backup(None).unwrap();
/// let _ = backup(Some(BackupError::DiskFull));
/// let _ = retried(BackupError::DiskFull); // not listed in `only`
/// let _ = retried(BackupError::Timeout);
/// assert!(std::panic::catch_unwind(explodes).is_err()); // the panic goes on
/// assert_eq!(errors("backup", "disk_full"), Some(1.0));
/// assert_eq!(errors("retried", "disk_full"), None);
/// assert_eq!(errors("retried", "timeout"), Some(1.0));
/// assert_eq!(errors("explodes", "panic"), Some(1.0));
/// ```
///
/// # Restrictions
/// `only` needs a function returning `Result`:
/// ```compile_fail
/// #[promenade::counted_exceptions(only = [Timeout])]
/// fn work() {}
/// ```
/// `metric = ...` must be a counter:
/// ```compile_fail
/// static LATENCY: std::sync::LazyLock<promenade::Histogram> =
///     std::sync::LazyLock::new(|| promenade::Histogram::new(Default::default()));
/// #[promenade::counted_exceptions(metric = *LATENCY)]
/// fn work() -> Result<(), ()> { Ok(()) }
/// ```
pub use promenade_macros::counted_exceptions;

/// Tracks how many calls of a function are in flight: a gauge incremented on entry and
/// decremented on every exit.
///
/// The Python client's `track_inprogress`. The decrement happens in a guard's `Drop`, so
/// an early `return`, a `?`, a panic that unwinds and an `async fn`'s future dropped
/// before completion all bring the gauge back down. In an `async fn` the call is in
/// flight from its first poll.
///
/// # Forms
/// - `#[in_progress]`: the shared gauge family
///   `function_in_progress{function="<name>", module="<module_path!()>"}` (integers),
///   each function's series at zero from the first scrape.
/// - `#[in_progress(name = "...", help = "...")]`: an [`IntGauge`] of its own; `help`
///   defaults to the doc comment.
/// - `#[in_progress(metric = EXPR)]`: a [`Gauge`] or [`IntGauge`] you already have,
///   checked by the compiler at the expression.
/// - `crate = "path"`: where the `promenade` crate is.
///
/// # Example
/// ```
/// use promenade::default_registry;
///
/// #[promenade::in_progress]
/// fn work(check: impl Fn()) {
///     check(); // the call itself is in flight here
/// }
///
/// let in_flight = || {
///     default_registry().get_sample_value(
///         "function_in_progress",
///         &[("function", "work"), ("module", module_path!())],
///     )
/// };
/// assert_eq!(in_flight(), Some(0.0));
/// work(|| assert_eq!(in_flight(), Some(1.0)));
/// assert_eq!(in_flight(), Some(0.0));
/// ```
///
/// # Restrictions
/// A `const fn` is never in flight at run time:
/// ```compile_fail
/// #[promenade::in_progress]
/// const fn answer() -> u32 { 42 }
/// ```
/// `metric = ...` must be a gauge:
/// ```compile_fail
/// static CALLS: promenade::Counter = promenade::Counter::new();
/// #[promenade::in_progress(metric = CALLS)]
/// fn work() {}
/// ```
pub use promenade_macros::in_progress;

/// The common case in one attribute: calls, calls in flight, failures by kind and the
/// duration by outcome.
///
/// `#[instrumented]` is [`counted`], [`in_progress`], [`counted_exceptions`] and
/// [`timed`]`(outcome)` at once, with the returned value classified once for both of the
/// latter. It works on everything they work on: sync and `async` functions, methods,
/// generic functions, `impl Trait` returns, `#[async_trait]` methods (in either attribute
/// order), and `impl` blocks with `#[skip]` (or `#[instrumented(skip)]`) per method. What
/// it records, it records in guards dropped on every exit: an early `return`, a `?`, a
/// panic (counted as `kind="panic"` and `outcome="panicked"`, then resumed), and an
/// `async fn`'s future dropped unfinished (`outcome="cancelled"`, the call no longer in
/// flight).
///
/// # Forms
/// **Bare**, `#[instrumented]`: the four shared families of the
/// [default registry](crate::default_registry), labelled with the function's name and
/// module. Each function's series exist at zero from the first scrape (`cancelled` only
/// for `async fn`s; error kinds other than `panic` appear with their first error).
///
/// | family | type | labels |
/// |---|---|---|
/// | `function_calls_total` | counter | `function`, `module` |
/// | `function_in_progress` | gauge | `function`, `module` |
/// | `function_errors_total` | counter | `function`, `module`, `kind` |
/// | `function_outcome_duration_seconds` | histogram | `function`, `module`, `outcome` |
///
/// **Named**, `#[instrumented(name = "backup", help = "Nightly backups.", buckets = [...])]`:
/// the function's own four families, registered in the default registry, named after
/// `name` (a prefix: it cannot end with `_total`, `_seconds`, `_count`, `_sum`, `_bucket`,
/// `_created`, `_info` or `_`). `help` defaults to the doc comment's first paragraph (one
/// of the two is required); each family's HELP is it followed by what the family counts, in
/// parentheses. `buckets` (number literals, the rule of [`Buckets::new`]) default to
/// [`DEFAULT_BUCKETS`]. Every series but the error kinds other than `panic` exists at zero
/// from the first scrape.
///
/// | family | type | labels | HELP |
/// |---|---|---|---|
/// | `backup_calls_total` | counter | | `Nightly backups. (calls)` |
/// | `backup_in_progress` | gauge | | `Nightly backups. (calls in flight)` |
/// | `backup_errors_total` | counter | `kind` | `Nightly backups. (failed calls by kind)` |
/// | `backup_duration_seconds` | histogram | `outcome` | `Nightly backups. (duration in seconds by outcome)` |
///
/// **Into metrics you have**, `#[instrumented(metric = EXPR)]`: a [`FunctionMetrics`]
/// holding the same four metrics: a field of a `#[derive(Metrics)]` struct marked
/// `#[metric(nested, prefix = "backup")]` (exposed under the struct's prefix, as
/// `<namespace>_backup_calls_total` and so on), or a static you register yourself
/// (`metric = *BACKUP` for a `LazyLock<FunctionMetrics>` built with
/// [`FunctionMetrics::named`]`("backup", "Nightly backups.")`, exposed as the named form's
/// families are). The expression is evaluated at each call; the compiler checks that it
/// is a `FunctionMetrics` and says so at the expression. On an `impl` block, every method
/// records into the same one.
///
/// `kind` is the error's [`LabelValue`](trait@LabelValue) value when the function returns
/// `Result<T, E>` with a finite `E` (an error enum deriving it), `error` for other errors,
/// and `panic`; an `E` value spelled `panic` or `error` is counted as `panic_` or `error_`
/// (see [`ErrorKindLabels`]), so it never shares a series with those two. `outcome` is
/// `ok`, `error`, `panicked` or `cancelled` ([`Outcome`]).
/// `crate = "path"` says where the `promenade` crate is.
///
/// # Example
/// ```
/// use promenade::{default_registry, FunctionMetrics, LabelValue, Metrics};
///
/// #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
/// enum BackupError { DiskFull }
///
/// #[promenade::instrumented]
/// async fn fetch(fail: bool) -> Result<u8, String> {
///     if fail { Err("unreachable".to_owned()) } else { Ok(7) }
/// }
///
/// /// Nightly backups.
/// #[promenade::instrumented(name = "backup", buckets = [1.0, 60.0])]
/// fn backup(fail: bool) -> Result<(), BackupError> {
///     if fail { Err(BackupError::DiskFull) } else { Ok(()) }
/// }
///
/// #[derive(Metrics)]
/// #[metrics(namespace = "jobs")]
/// struct Jobs {
///     #[metric(nested, prefix = "cleanup")]
///     cleanup: FunctionMetrics,
/// }
///
/// #[promenade::instrumented(metric = Jobs::global().cleanup)]
/// fn cleanup() {}
///
/// fn block_on<F: std::future::Future>(f: F) -> F::Output {
///     struct Noop;
///     impl std::task::Wake for Noop {
///         fn wake(self: std::sync::Arc<Self>) {}
///     }
///     let waker = std::task::Waker::from(std::sync::Arc::new(Noop));
///     let mut f = std::pin::pin!(f);
///     let mut cx = std::task::Context::from_waker(&waker);
///     loop {
///         if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
///             return v;
///         }
///     }
/// }
///
/// block_on(fetch(false)).unwrap();
/// block_on(fetch(true)).unwrap_err();
/// drop(fetch(false)); // never polled: never called
///
/// let r = default_registry();
/// let m = module_path!();
/// let fetch_labels = [("function", "fetch"), ("module", m)];
/// assert_eq!(r.get_sample_value("function_calls_total", &fetch_labels), Some(2.0));
/// assert_eq!(r.get_sample_value("function_in_progress", &fetch_labels), Some(0.0));
/// assert_eq!(
///     r.get_sample_value("function_errors_total", &[("function", "fetch"), ("module", m), ("kind", "error")]),
///     Some(1.0)
/// );
/// let by_outcome = |o| r.get_sample_value(
///     "function_outcome_duration_seconds_count",
///     &[("function", "fetch"), ("module", m), ("outcome", o)],
/// );
/// assert_eq!(by_outcome("ok"), Some(1.0));
/// assert_eq!(by_outcome("error"), Some(1.0));
/// assert_eq!(by_outcome("cancelled"), Some(0.0));
///
/// backup(false).unwrap();
/// backup(true).unwrap_err();
/// assert_eq!(r.get_sample_value("backup_calls_total", &[]), Some(2.0));
/// assert_eq!(r.get_sample_value("backup_errors_total", &[("kind", "disk_full")]), Some(1.0));
/// assert_eq!(r.get_sample_value("backup_errors_total", &[("kind", "panic")]), Some(0.0));
/// assert_eq!(
///     r.get_sample_value("backup_duration_seconds_bucket", &[("outcome", "ok"), ("le", "60.0")]),
///     Some(1.0)
/// );
///
/// cleanup();
/// assert_eq!(Jobs::global().cleanup.calls().get(), 1);
/// assert_eq!(r.get_sample_value("jobs_cleanup_calls_total", &[]), Some(1.0));
/// ```
///
/// # Restrictions
/// The named form needs a help text (`help = "..."` or a doc comment):
/// ```compile_fail
/// #[promenade::instrumented(name = "work")]
/// fn work() {}
/// ```
/// `name` is a prefix, not a metric's name:
/// ```compile_fail
/// #[promenade::instrumented(name = "work_duration_seconds", help = "Work.")]
/// fn work() {}
/// ```
/// `buckets` only apply to the function's own histogram (the shared family's are fixed):
/// ```compile_fail
/// #[promenade::instrumented(buckets = [0.1, 1.0])]
/// fn work() {}
/// ```
/// `metric = ...` must be a [`FunctionMetrics`] (to record into metrics of other kinds,
/// stack the individual attributes, each with its own `metric = ...`):
/// ```compile_fail
/// static CALLS: promenade::Counter = promenade::Counter::new();
/// #[promenade::instrumented(metric = CALLS)]
/// fn work() {}
/// ```
/// `name` and `metric` do not go together:
/// ```compile_fail
/// static WORK: std::sync::LazyLock<promenade::FunctionMetrics> =
///     std::sync::LazyLock::new(promenade::FunctionMetrics::new);
/// #[promenade::instrumented(name = "work", help = "Work.", metric = *WORK)]
/// fn work() {}
/// ```
/// A `const fn` cannot be measured:
/// ```compile_fail
/// #[promenade::instrumented]
/// const fn answer() -> u32 { 42 }
/// ```
pub use promenade_macros::instrumented;

pub use function::{ErrorKindLabels, FunctionMetrics, Outcome};

/// Derives [`LabelValue`](trait@LabelValue) for a fieldless enum (each variant is one value
/// of the label) or for a newtype (a struct with one field).
///
/// # Attributes
/// - `#[label(rename = "...")]` on a variant: the value it is exposed as.
/// - `#[label(rename_all = "...")]` on the enum: how the other variants are spelled, one
///   of `"snake_case"` (the default), `"lowercase"`, `"UPPERCASE"`, `"kebab-case"`,
///   `"SCREAMING_SNAKE_CASE"`, `"SCREAMING-KEBAB-CASE"`, `"camelCase"`, `"PascalCase"`.
/// - `#[label(range = MIN..=MAX)]` (or `MIN..END`) on a newtype over a primitive integer:
///   the values the label can take (integer literals, negative ones too; the range must
///   fit the field's type).
/// - `#[label(crate = "path")]` on the type: where promenade is, for crates that re-export
///   it under another name.
///
/// # Newtypes
/// - `struct Cached(bool);`, `struct Op(Method);`: the field's values, cardinality and
///   index, unchanged (a newtype over `String` stays open).
/// - `#[label(range = 0..=9)] struct Shard(u8);`: ten values, `"0"` to `"9"`, indexed
///   `value - MIN`, so a family over it is dense. The derive adds
///   `impl TryFrom<u8> for Shard`, which refuses a value outside the range with a
///   [`labels::OutOfRange`]. The field must be private, so that code outside the module
///   can only build a `Shard` through `TryFrom`; a value built out of range inside the
///   module anyway (`Shard(200)`) is counted and written as the nearest bound, so
///   `index()` is never out of bounds.
///
/// # What it generates
/// `impl LabelValue`: `CARDINALITY` is `Some(number of variants)`, `index()` /
/// `from_index()` number the variants `0..N` in declaration order (whatever their
/// discriminants), `encode` writes the value and `as_str` lends it (a `&'static str`). No
/// inherent items are added. The trait's
/// supertraits (`Clone`, `Eq`, `Hash`, `Send`, `Sync`, `'static`) are yours to derive.
///
/// ```
/// use promenade::labels::value_string;
/// use promenade::LabelValue;
///
/// #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
/// enum StatusClass {
///     Success,
///     ClientError,
///     #[label(rename = "5xx")]
///     ServerError,
/// }
///
/// assert_eq!(StatusClass::CARDINALITY, Some(3));
/// assert_eq!(StatusClass::ClientError.index(), 1);
/// assert_eq!(StatusClass::from_index(2), Some(StatusClass::ServerError));
///
/// assert_eq!(value_string(&StatusClass::ClientError), "client_error");
/// // A derived enum's value is a borrowed `&'static str`: encoders need no buffer.
/// assert_eq!(StatusClass::ServerError.as_str(), Some("5xx"));
/// ```
///
/// A range newtype:
/// ```
/// use promenade::labels::OutOfRange;
/// use promenade::LabelValue;
///
/// #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
/// #[label(range = 1..=4)]
/// struct Shard(u8);
///
/// #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
/// struct Cached(bool);
///
/// assert_eq!(Shard::CARDINALITY, Some(4));
/// let shard = Shard::try_from(3).unwrap();
/// assert_eq!(shard.index(), 2);
/// assert_eq!(Shard::from_index(0), Shard::try_from(1).ok());
/// assert_eq!(Shard::try_from(9), Err(OutOfRange { value: 9, min: 1, max: 4 }));
/// assert_eq!(Cached::CARDINALITY, Some(2));
/// ```
///
/// # Restrictions
/// Only fieldless enums: a variant with fields has no single value.
/// ```compile_fail
/// #[derive(Clone, PartialEq, Eq, Hash, promenade::LabelValue)]
/// enum Outcome { Ok, Failed(u16) }
/// ```
/// A range must fit its field's type, and the field must be private.
/// ```compile_fail
/// #[derive(Clone, PartialEq, Eq, Hash, promenade::LabelValue)]
/// #[label(range = 0..=300)]
/// struct Shard(u8);
/// ```
/// ```compile_fail
/// #[derive(Clone, PartialEq, Eq, Hash, promenade::LabelValue)]
/// #[label(range = 0..=9)]
/// pub struct Shard(pub u8);
/// ```
/// Two variants cannot have the same value after renaming.
/// ```compile_fail
/// #[derive(Clone, PartialEq, Eq, Hash, promenade::LabelValue)]
/// enum Method { Get, #[label(rename = "get")] Head }
/// ```
/// Nor an empty value, which Prometheus reads as the label being absent.
/// ```compile_fail
/// #[derive(Clone, PartialEq, Eq, Hash, promenade::LabelValue)]
/// enum Method { Get, #[label(rename = "")] Other }
/// ```
pub use promenade_macros::LabelValue;

/// Derives [`LabelSet`](trait@LabelSet) for a struct with named fields: each field is one
/// label, and its type (a [`LabelValue`](trait@LabelValue)) gives the label's values.
///
/// # Attributes
/// - `#[label(rename = "...")]` on a field: the label name (the field's name otherwise).
/// - `#[label(rename = "url.scheme", utf8)]`: a UTF-8 label name (OpenTelemetry style),
///   checked by the UTF-8 rules (not empty, no `__` prefix, no control characters)
///   instead of `[a-zA-Z_][a-zA-Z0-9_]*`; each scrape writes it as its `escaping` asks
///   (quoted for `escaping=allow-utf-8`, `url_scheme` for every other scraper).
/// - `#[label(limit = N)]` on an open field (a `String`, an integer other than `u8`, …):
///   the most values it may take. **An open field must say this or `unbounded`**, or the
///   struct does not compile.
/// - `#[label(unbounded)]` on an open field: no limit, on purpose. **Dangerous**: every new
///   value is a new series, kept in memory and scraped forever; a family over such a set
///   must then be capped where it is built (`#[metric(limit = N)]` in a
///   `#[derive(Metrics)]` struct, [`Family::with_limit`]).
/// - `#[label(flatten)]` on a field whose type is itself a `LabelSet`: its labels join
///   this set's, in place (names end to end, cardinalities and limits multiply, the
///   nested set's index is one digit of this set's). Not in generic structs.
/// - `#[label(crate = "path")]` on the struct: where promenade is.
///
/// Label names are checked at compile time: the Prometheus grammar, no `__` prefix, no
/// duplicates (through flattened sets too). `le` and `quantile` are allowed here; a
/// histogram family whose label set has `le` (a summary's, `quantile`; a state set's, the
/// state set's own name) is refused by `#[derive(Metrics)]`.
///
/// # What it generates
/// `impl LabelSet`: `NAMES` in field order, `CARDINALITY` the product of the fields'
/// cardinalities (`None` as soon as one is open, like `String`), `MAX_SERIES` the product
/// of the fields' cardinalities or declared limits (`None` with an `unbounded` field; a
/// [`Family`] built by `#[derive(Metrics)]` keeps at most that many series, further label
/// sets share its overflow series), and a dense index: a
/// mixed-radix number over the fields' indices, the first field most significant, so a
/// [`Family`] over a finite set finds a series by arithmetic. `encode` writes every label in
/// field order. Generic structs get a `T: LabelValue` bound per field type.
///
/// ```
/// use promenade::labels::pairs;
/// use promenade::{LabelSet, LabelValue};
///
/// #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
/// enum Method { Get, Post, Put }
///
/// #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
/// struct Request {
///     method: Method,
///     #[label(rename = "is_cached")]
///     cached: bool,
/// }
///
/// assert_eq!(Request::NAMES, &["method", "is_cached"]);
/// assert_eq!(Request::CARDINALITY, Some(6));
/// let r = Request { method: Method::Post, cached: true };
/// assert_eq!(r.index(), 3); // method 1 of 3, then cached 1 of 2
/// assert_eq!(Request::from_index(3), Some(r));
///
/// let labels = pairs(&r);
/// assert_eq!(labels, [("method".into(), "post".into()), ("is_cached".into(), "true".into())]);
/// ```
///
/// # Restrictions
/// Every field type must be a `LabelValue`; the error points at the field's type.
/// ```compile_fail
/// #[derive(Clone, PartialEq, Eq, Hash)]
/// enum Method { Get }
/// #[derive(Clone, PartialEq, Eq, Hash, promenade::LabelSet)]
/// struct Request { method: Method }
/// ```
/// Label names follow the Prometheus grammar.
/// ```compile_fail
/// #[derive(Clone, PartialEq, Eq, Hash, promenade::LabelSet)]
/// struct Request { #[label(rename = "http-method")] method: bool }
/// ```
/// An open label declares a limit (or `unbounded`).
/// ```compile_fail
/// #[derive(Clone, PartialEq, Eq, Hash, promenade::LabelSet)]
/// struct Peer { host: String }
/// ```
/// ```
/// #[derive(Clone, PartialEq, Eq, Hash, promenade::LabelSet)]
/// struct Peer { #[label(limit = 100)] host: String, secure: bool }
/// #[derive(Clone, PartialEq, Eq, Hash, promenade::LabelSet)]
/// struct Call { #[label(flatten)] peer: Peer, retried: bool }
///
/// use promenade::LabelSet;
/// assert_eq!(Call::NAMES, &["host", "secure", "retried"]);
/// assert_eq!(Call::MAX_SERIES, Some(100 * 2 * 2));
/// ```
/// A flattened set cannot bring a label the struct already has.
/// ```compile_fail
/// #[derive(Clone, PartialEq, Eq, Hash, promenade::LabelSet)]
/// struct Route { cached: bool }
/// #[derive(Clone, PartialEq, Eq, Hash, promenade::LabelSet)]
/// struct Request { cached: bool, #[label(flatten)] route: Route }
/// ```
pub use promenade_macros::LabelSet;

/// Derives a struct of metrics: each named field is one metric family, named after the
/// field, described by its doc comment, registered by itself in the
/// [`default_registry`].
///
/// Fields are any metric: [`Counter`], [`FloatCounter`], [`CounterWithExemplar`],
/// [`Gauge`], [`IntGauge`], [`CallbackGauge`] (with `callback`), [`Histogram`],
/// [`Summary`], [`Info`], [`StateSet`], [`Enum`], [`GaugeHistogram`], or a
/// [`Family<L, M>`](Family) of them (all but `CallbackGauge`); or another
/// `#[derive(Metrics)]` struct, nested with `#[metric(nested)]`.
///
/// # Attributes
/// On the struct, `#[metrics(...)]`:
/// - `namespace = "..."`, `subsystem = "..."`: prefixes, joined as
///   `namespace_subsystem_name`.
/// - `const_labels(env = "prod", region = "eu")`: labels on every series of the struct
///   (nested structs included), written before the series' own labels. Names follow the
///   label grammar; `le` and `quantile` are refused, and so is a name that a field's label
///   set (or a nested struct's) already has, or that a state set field is named (its
///   states are a label named after it).
/// - `max_series = N`: a budget checked at compile time: the series all fields can expose
///   (every label set of a family — an open label set counts as its declared
///   `#[label(limit = N)]`s, or the field's `limit` — plus its overflow series; a
///   histogram counts once per bucket, `+Inf`, `_sum` and `_count`; a nested struct, all
///   of its series). Exceeding it is a compile error naming the three biggest
///   contributors and their series. A `limit` counts only when it is a literal or a named
///   constant.
/// - `self_register = false`: the struct does not join the default registry, and has no
///   `global()`: build it with `new()` and register it where it belongs (a push job's own
///   registry), so its series never leak into the default one. (The name says what is
///   turned off: the struct registering *itself*; it can still be registered by hand.)
/// - `crate = "path"`: where promenade is, for crates that re-export it.
///
/// Two self-registered structs exposing one name make [`default_registry()`] panic,
/// naming both (see [`try_default_registry`] for the `Result`). A gauge, histogram,
/// summary or state set whose name ends in `_total` (a counter's suffix to Prometheus) is a
/// compile error.
///
/// On a field, `#[metric(...)]`:
/// - `name = "..."`: the name instead of the field's (still prefixed).
/// - `help = "..."`: the HELP text instead of the doc comment. One of the two is required.
///   **Doc comment → HELP** (the one rule of every macro, the function attributes'
///   named forms included): HELP is the doc comment's first paragraph, its summary as
///   rustdoc shows it in lists — each line trimmed, the lines joined with one space. A
///   blank line ends it; what follows (details, `# Examples`) stays documentation only.
/// - `unit = "seconds"`: appended to the name as `_seconds`, unless the name already ends
///   with it (never twice); a counter's unit goes before `_total` (`cpu_total` becomes
///   `cpu_seconds_total`). Lowercase letters, digits and `_`; refused when the name ends
///   with another unit (`latency_milliseconds` with `unit = "seconds"`), and on info and
///   state set metrics. OpenMetrics exposes it as `# UNIT`.
/// - `buckets = [0.1, 0.5, 1.0]`: a histogram's bucket bounds: number literals (negative
///   ones too), finite, strictly increasing, at least one; a final `f64::INFINITY` is
///   allowed and dropped (the `+Inf` bucket is implied). The rule of [`Buckets::new`],
///   in its words, and of every function attribute's `buckets`. Default:
///   [`DEFAULT_BUCKETS`]. Also `buckets = exponential(0.01, 2, 11)` and
///   `buckets = linear(0.1, 0.1, 10)` (number literals, computed at compile time exactly
///   as [`Buckets::exponential`] and [`Buckets::linear`] compute them, with their checks
///   and their limit of [`Buckets::MAX_GENERATED`] bounds), and `buckets = LATENCY` or
///   `buckets = config::LATENCY`, the path of a `const` of type `[f64; N]` or `&[f64]`,
///   checked at compile time by the same rule.
/// - `limit = N`: the most series a family keeps; further label sets share one overflow
///   series. Without it a family keeps its label set's `MAX_SERIES` (its cardinality, or
///   its declared limits); required for a label set with an `unbounded` label.
/// - `callback = path::to_fn`: required on a [`CallbackGauge`] field, and only there:
///   `new()` builds the gauge from this `fn() -> f64`, which is called at every scrape
///   (keep it quick). Not with `buckets` or `limit`.
/// - `nested`: the field is a `#[derive(Metrics)]` struct. Its families are exposed
///   through this struct, under this struct's prefix followed by its own
///   (`namespace_subsystem_` + the nested struct's `namespace_subsystem_` + name), with
///   this struct's constant labels. A struct nested anywhere is no longer registered by
///   itself (its `global()` still exists, but the parent's instance is what is scraped),
///   so nothing is exposed twice.
/// - `prefix = "..."`: with `nested`, one more segment before the nested names (to nest
///   the same struct twice: `primary`, `replica`).
/// - `utf8`: the name is a UTF-8 name (`#[metric(name = "http.server.duration", utf8)]`,
///   OpenTelemetry style), checked at compile time against the UTF-8 rules (not empty,
///   no `__` prefix, no control characters) instead of the legacy grammar
///   `[a-zA-Z_:][a-zA-Z0-9_:]*`. Each scrape writes it as its `escaping` asks: quoted
///   for a Prometheus 3 that sends `escaping=allow-utf-8`, verbatim in protobuf, with
///   `_` for every other scraper (see [`encoding::Escaping`]). Without `utf8`, a name
///   outside the legacy grammar is an error that suggests it.
/// - `labels = T`: only on a field whose type is written `Family<L, M>`, where it must
///   name that family's label set (`T` is `L`, checked at compile time). A derive cannot
///   change a field's type, so to write `#[metric(labels = Request)] requests: Counter`,
///   put [`#[promenade::families]`](families) above `#[derive(Metrics)]`: it makes that
///   field a `Family<Request, Counter>` first. On a field that is not a family (the
///   attribute missing, or written below the derive), on a `nested` field and with
///   `callback`, `labels` is refused, saying which.
///
/// A counter named `x` or `x_total` is exposed as `x_total`, never `x_total_total`.
///
/// # What it generates
/// - `fn new() -> Self` (with the struct's visibility) building every field at zero, and
///   `impl Default` calling it;
/// - `fn global() -> &'static Self`: the process-wide instance, built on first use;
/// - `impl Collector`: one descriptor per field, then its series;
/// - a registration of `global()` in the [`default_registry`], so every finite series is
///   scraped — at zero — from the first scrape, without calling anything.
///
/// ```
/// use promenade::{Counter, Family, Gauge, Histogram, LabelSet, LabelValue, Metrics, Registry};
///
/// #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
/// enum Method { Get, Post }
///
/// #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
/// struct Request { method: Method }
///
/// #[derive(Metrics)]
/// #[metrics(namespace = "http")]
/// struct HttpMetrics {
///     /// Requests served.
///     requests: Family<Request, Counter>,
///     /// Time to serve a request.
///     #[metric(buckets = [0.1, 1.0])]
///     duration_seconds: Histogram,
///     /// Requests in flight.
///     in_flight: Gauge,
/// }
///
/// let registry = Registry::new();
/// let metrics = std::sync::Arc::new(HttpMetrics::new());
/// registry.register(metrics.clone()).unwrap();
/// metrics.requests.labels(Request { method: Method::Post }).inc();
/// metrics.duration_seconds.observe(0.25);
///
/// let mut text = String::new();
/// promenade::encoding::text::encode(&registry, &mut text);
/// assert_eq!(text, "\
/// ## HELP http_requests_total Requests served.
/// ## TYPE http_requests_total counter
/// http_requests_total{method=\"get\"} 0
/// http_requests_total{method=\"post\"} 1
/// ## HELP http_duration_seconds Time to serve a request.
/// ## TYPE http_duration_seconds histogram
/// http_duration_seconds_bucket{le=\"0.1\"} 0
/// http_duration_seconds_bucket{le=\"1.0\"} 1
/// http_duration_seconds_bucket{le=\"+Inf\"} 1
/// http_duration_seconds_sum 0.25
/// http_duration_seconds_count 1
/// ## HELP http_in_flight Requests in flight.
/// ## TYPE http_in_flight gauge
/// http_in_flight 0.0
/// ");
///
/// // `global()` is what the default registry exposes, from the start.
/// HttpMetrics::global().in_flight.inc();
/// assert_eq!(
///     promenade::default_registry().get_sample_value("http_in_flight", &[]),
///     Some(1.0)
/// );
/// ```
///
/// # Restrictions
/// Every metric needs a help text.
/// ```compile_fail
/// #[derive(promenade::Metrics)]
/// struct M { jobs: promenade::Counter }
/// ```
/// Buckets are strictly increasing, and only for histograms.
/// ```compile_fail
/// #[derive(promenade::Metrics)]
/// struct M { /// Latency.
///     #[metric(buckets = [1.0, 0.5])] latency: promenade::Histogram }
/// ```
/// ```compile_fail
/// #[derive(promenade::Metrics)]
/// struct M { /// Jobs.
///     #[metric(buckets = [1.0])] jobs: promenade::Counter }
/// ```
/// A family over a label set with an `unbounded` label needs `limit = N`.
/// ```compile_fail
/// #[derive(Clone, PartialEq, Eq, Hash, promenade::LabelSet)]
/// struct Peer { #[label(unbounded)] host: String }
/// #[derive(promenade::Metrics)]
/// struct M { /// Errors.
///     errors: promenade::Family<Peer, promenade::Counter> }
/// ```
/// A histogram's label set cannot have `le`.
/// ```compile_fail
/// #[derive(Clone, PartialEq, Eq, Hash, promenade::LabelSet)]
/// struct Bad { le: bool }
/// #[derive(promenade::Metrics)]
/// struct M { /// Latency.
///     latency: promenade::Family<Bad, promenade::Histogram> }
/// ```
/// Two fields cannot expose the same sample name (`jobs` as a counter is `jobs_total`).
/// ```compile_fail
/// #[derive(promenade::Metrics)]
/// struct M { /// Jobs.
///     jobs: promenade::Counter, /// Also jobs.
///     jobs_total: promenade::Gauge }
/// ```
/// A [`CallbackGauge`] reads its value from a function, which `callback` names.
/// ```compile_fail
/// #[derive(promenade::Metrics)]
/// struct M { /// Jobs waiting.
///     depth: promenade::CallbackGauge }
/// ```
/// ```
/// fn queue_depth() -> f64 { 3.0 }
///
/// #[derive(promenade::Metrics)]
/// struct M { /// Jobs waiting.
///     #[metric(callback = queue_depth)] depth: promenade::CallbackGauge }
///
/// assert_eq!(M::new().depth.get(), 3.0);
/// ```
/// Generic structs and enums are refused.
/// ```compile_fail
/// #[derive(promenade::Metrics)]
/// struct M<C> { /// Jobs.
///     jobs: C }
/// ```
/// A unit must agree with a unit the name already ends with.
/// ```compile_fail
/// #[derive(promenade::Metrics)]
/// struct M { /// Latency.
///     #[metric(unit = "seconds")] latency_milliseconds: promenade::Histogram }
/// ```
/// A constant label cannot repeat a family's label.
/// ```compile_fail
/// #[derive(Clone, PartialEq, Eq, Hash, promenade::LabelSet)]
/// struct Job { env: bool }
/// #[derive(promenade::Metrics)]
/// #[metrics(const_labels(env = "prod"))]
/// struct M { /// Jobs.
///     jobs: promenade::Family<Job, promenade::Counter> }
/// ```
/// Over budget: the error names `requests` first, with 301 series (2 x 3 x 50 label sets
/// and the overflow series).
/// ```compile_fail
/// #[derive(Clone, PartialEq, Eq, Hash, promenade::LabelSet)]
/// struct Call { a: bool, b: Option3, #[label(limit = 50)] peer: String }
/// #[derive(Clone, PartialEq, Eq, Hash, promenade::LabelValue)]
/// enum Option3 { X, Y, Z }
/// #[derive(promenade::Metrics)]
/// #[metrics(max_series = 100)]
/// struct M { /// Calls.
///     requests: promenade::Family<Call, promenade::Counter> }
/// ```
///
/// # Composition
/// ```
/// use promenade::{Counter, Gauge, Histogram, Metrics, Registry};
///
/// #[derive(Metrics)]
/// #[metrics(subsystem = "db")]
/// struct DbMetrics {
///     /// Query time.
///     #[metric(unit = "seconds", buckets = [0.1])]
///     query: Histogram,
/// }
///
/// #[derive(Metrics)]
/// #[metrics(namespace = "app", const_labels(env = "prod"), max_series = 100)]
/// struct AppMetrics {
///     /// CPU used.
///     #[metric(unit = "seconds")]
///     cpu_total: Counter,
///     #[metric(nested)]
///     db: DbMetrics,
/// }
///
/// let registry = Registry::new();
/// let app = std::sync::Arc::new(AppMetrics::new());
/// registry.register(app.clone()).unwrap();
/// app.db.query.observe(0.05);
/// let mut text = String::new();
/// promenade::encoding::text::encode(&registry, &mut text);
/// assert_eq!(text, "\
/// ## HELP app_cpu_seconds_total CPU used.
/// ## TYPE app_cpu_seconds_total counter
/// app_cpu_seconds_total{env=\"prod\"} 0
/// ## HELP app_db_query_seconds Query time.
/// ## TYPE app_db_query_seconds histogram
/// app_db_query_seconds_bucket{env=\"prod\",le=\"0.1\"} 1
/// app_db_query_seconds_bucket{env=\"prod\",le=\"+Inf\"} 1
/// app_db_query_seconds_sum{env=\"prod\"} 0.05
/// app_db_query_seconds_count{env=\"prod\"} 1
/// ");
/// ```
pub use promenade_macros::Metrics;

/// Makes each field marked `#[metric(labels = T)]` of a `#[derive(Metrics)]` struct a
/// family: `field: M` becomes `field: Family<T, M>`, before the derive sees it.
///
/// A derive cannot change the type of a field, so the label set of a family is the `L` of
/// its `Family<L, M>` type. This attribute lets the label set sit beside the field's other
/// settings instead: written above `#[derive(Metrics)]`, it rewrites the type of every
/// field whose `#[metric(...)]` has `labels = T` (any `#[metric(...)]` of the field; the
/// other keys stay) and changes nothing else: the attributes (`labels = T` included,
/// which the derive then checks against the family), the other fields, the order, and
/// the spans of your tokens, so errors about a field still point at it. Everything
/// `#[derive(Metrics)]` does with a family works the same: names, HELP from doc comments,
/// `buckets`, `limit`, units, the `max_series` budget. A struct without any `labels = `
/// field is left as it is.
///
/// The path to `Family` is `::promenade::Family`, or `<path>::Family` with
/// `#[metrics(crate = "path")]` on the struct. The attribute takes no arguments.
///
/// # What it generates
/// Only the struct, with the marked fields' types rewritten:
/// `#[metric(labels = Request)] requests: Counter` becomes
/// `#[metric(labels = Request)] requests: ::promenade::Family<Request, Counter>`. The
/// field is used like any family: `metrics.requests.labels(Request { .. }).inc()`.
///
/// ```
/// use promenade::{Counter, Gauge, Histogram, LabelSet, LabelValue, Metrics, Registry};
///
/// #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
/// enum Method { Get, Post }
///
/// #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
/// struct Request { method: Method }
///
/// #[promenade::families]
/// #[derive(Metrics)]
/// #[metrics(namespace = "http", max_series = 20)]
/// struct HttpMetrics {
///     /// Requests served.
///     #[metric(labels = Request)]
///     requests: Counter, // a `Family<Request, Counter>`
///     /// Time to serve a request.
///     #[metric(labels = Request, buckets = [0.1, 1.0])]
///     duration_seconds: Histogram, // a `Family<Request, Histogram>`
///     /// Requests in flight.
///     in_flight: Gauge, // as written
/// }
///
/// let registry = Registry::new();
/// let metrics = std::sync::Arc::new(HttpMetrics::new());
/// registry.register(metrics.clone()).unwrap();
/// let post = Request { method: Method::Post };
/// metrics.requests.labels(post).inc();
/// metrics.duration_seconds.labels(post).observe(0.25);
///
/// let mut text = String::new();
/// promenade::encoding::text::encode(&registry, &mut text);
/// assert_eq!(text, "\
/// ## HELP http_requests_total Requests served.
/// ## TYPE http_requests_total counter
/// http_requests_total{method=\"get\"} 0
/// http_requests_total{method=\"post\"} 1
/// ## HELP http_duration_seconds Time to serve a request.
/// ## TYPE http_duration_seconds histogram
/// http_duration_seconds_bucket{method=\"get\",le=\"0.1\"} 0
/// http_duration_seconds_bucket{method=\"get\",le=\"1.0\"} 0
/// http_duration_seconds_bucket{method=\"get\",le=\"+Inf\"} 0
/// http_duration_seconds_sum{method=\"get\"} 0.0
/// http_duration_seconds_count{method=\"get\"} 0
/// http_duration_seconds_bucket{method=\"post\",le=\"0.1\"} 0
/// http_duration_seconds_bucket{method=\"post\",le=\"1.0\"} 1
/// http_duration_seconds_bucket{method=\"post\",le=\"+Inf\"} 1
/// http_duration_seconds_sum{method=\"post\"} 0.25
/// http_duration_seconds_count{method=\"post\"} 1
/// ## HELP http_in_flight Requests in flight.
/// ## TYPE http_in_flight gauge
/// http_in_flight 0.0
/// ");
/// ```
///
/// # Restrictions
/// The attribute goes above the derive: an attribute below a derive runs after it, so the
/// derive would see a `Counter` with `labels`. That order is reported.
/// ```compile_fail
/// #[derive(Clone, PartialEq, Eq, Hash, promenade::LabelSet)]
/// struct Request { cached: bool }
/// #[derive(promenade::Metrics)]
/// #[promenade::families]
/// struct M { /// Requests.
///     #[metric(labels = Request)] requests: promenade::Counter }
/// ```
/// A field already written `Family<L, M>` needs no `labels` from the attribute (without
/// the attribute, `labels = L` may repeat the family's label set, and is checked).
/// ```compile_fail
/// #[derive(Clone, PartialEq, Eq, Hash, promenade::LabelSet)]
/// struct Request { cached: bool }
/// #[promenade::families]
/// #[derive(promenade::Metrics)]
/// struct M { /// Requests.
///     #[metric(labels = Request)] requests: promenade::Family<Request, promenade::Counter> }
/// ```
/// Whether a field is a family is read from how its type is written (the attribute runs
/// before types exist): a type alias of a `Family` is not one, to the attribute and to
/// `labels`. Structs with named fields only; `labels` at most once per field; not on a
/// `nested` or `callback` field.
pub use promenade_macros::families;

/// The README's tour, compiled and run as a doctest so it cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeTour;
