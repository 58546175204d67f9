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
//! thread of its own with [`serve`]. The README has a tour; `ARCHITECTURE.md` maps the code.
#![warn(missing_docs)]

pub mod encoding;
mod error;
pub mod exporters;
mod family;
pub mod labels;
pub mod metrics;
mod number;
pub mod registry;
pub mod validate;

#[doc(hidden)]
#[path = "private/mod.rs"]
pub mod __private;

pub use error::Error;
pub use family::{Family, Series, OVERFLOW_LABEL_VALUE};
pub use labels::{LabelSet, LabelValue};
pub use metrics::{
    Buckets, CallbackGauge, Counter, FloatCounter, Gauge, Histogram, HistogramTimer, InProgress,
    IntGauge, Metric, MetricType, DEFAULT_BUCKETS,
};
pub use metrics::{
    disable_created_metrics, enable_created_metrics, CounterWithExemplar, Enum, Exemplar,
    ExemplarLabels, GaugeHistogram, Info, Quantiles, StateSet, Summary,
};
pub use registry::{default_registry, Collector, Registry};

#[cfg(feature = "axum")]
pub use exporters::axum;
pub use exporters::serve::{serve, serve_registry, ServerHandle};

/// Times every call of a function into a histogram.
///
/// Works on sync and `async` functions, methods (`&self`, `&mut self`, `self`),
/// associated functions, trait default methods, generic functions and functions returning
/// `impl Trait`. The function's signature, visibility, generics, attributes and doc
/// comments are kept as written; errors inside the body are reported at your code.
///
/// # Forms
/// - `#[timed]`: records into the shared histogram family
///   `function_duration_seconds{function="<name>", module="<module_path!()>"}` (default
///   buckets) in the [default registry](crate::default_registry). Every timed function's
///   series is there, at zero, from the first scrape.
/// - `#[timed(name = "...", help = "...", buckets = [...])]`: the function gets a
///   histogram of its own in the default registry. `help` defaults to the function's doc
///   comment (one of the two is required); `buckets` default to [`DEFAULT_BUCKETS`].
/// - `crate = "path"`: where the `promenade` crate is, for crates that re-export it.
///
/// # What is recorded
/// The duration in seconds, observed when a guard created on entry is dropped: on a
/// normal return, an early `return`, a `?`, and a panic that unwinds. In an `async fn`
/// the clock starts at the first poll and stops when the future completes **or is
/// dropped unfinished**, so a cancelled call is recorded too.
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
/// let count = |function| {
///     let module = module_path!();
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
pub use promenade_macros::timed;

/// Derives [`LabelValue`](trait@LabelValue) for a fieldless enum: each variant is one value
/// of the label.
///
/// # Attributes
/// - `#[label(rename = "...")]` on a variant: the value it is exposed as.
/// - `#[label(rename_all = "...")]` on the enum: how the other variants are spelled, one
///   of `"snake_case"` (the default), `"lowercase"`, `"UPPERCASE"`, `"kebab-case"`,
///   `"SCREAMING_SNAKE_CASE"`, `"SCREAMING-KEBAB-CASE"`, `"camelCase"`, `"PascalCase"`.
/// - `#[label(crate = "path")]` on the enum: where promenade is, for crates that re-export
///   it under another name.
///
/// # What it generates
/// `impl LabelValue`: `CARDINALITY` is `Some(number of variants)`, `index()` /
/// `from_index()` number the variants `0..N` in declaration order (whatever their
/// discriminants), and `encode` writes the value. No inherent items are added. The trait's
/// supertraits (`Clone`, `Eq`, `Hash`, `Send`, `Sync`, `'static`) are yours to derive.
///
/// ```
/// use promenade::labels::LabelWriter;
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
/// let mut out = String::new();
/// let mut w = LabelWriter::new(&mut out);
/// w.label("a", &StatusClass::ClientError);
/// w.label("b", &StatusClass::ServerError);
/// assert_eq!(out, r#"a="client_error",b="5xx""#);
/// ```
///
/// # Restrictions
/// Only fieldless enums: a variant with fields has no single value.
/// ```compile_fail
/// #[derive(Clone, PartialEq, Eq, Hash, promenade::LabelValue)]
/// enum Outcome { Ok, Failed(u16) }
/// ```
/// Two variants cannot have the same value after renaming.
/// ```compile_fail
/// #[derive(Clone, PartialEq, Eq, Hash, promenade::LabelValue)]
/// enum Method { Get, #[label(rename = "get")] Head }
/// ```
pub use promenade_macros::LabelValue;

/// Derives [`LabelSet`](trait@LabelSet) for a struct with named fields: each field is one
/// label, and its type (a [`LabelValue`](trait@LabelValue)) gives the label's values.
///
/// # Attributes
/// - `#[label(rename = "...")]` on a field: the label name (the field's name otherwise).
/// - `#[label(crate = "path")]` on the struct: where promenade is.
///
/// Label names are checked at compile time: the Prometheus grammar, no `__` prefix, no
/// duplicates. `le` and `quantile` are allowed here; a histogram family whose label set has
/// `le` is refused by `#[derive(Metrics)]`.
///
/// # What it generates
/// `impl LabelSet`: `NAMES` in field order, `CARDINALITY` the product of the fields'
/// cardinalities (`None` as soon as one is open, like `String`), and a dense index: a
/// mixed-radix number over the fields' indices, the first field most significant, so a
/// [`Family`] over a finite set finds a series by arithmetic. `encode` writes every label in
/// field order. Generic structs get a `T: LabelValue` bound per field type.
///
/// ```
/// use promenade::labels::LabelWriter;
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
/// let mut out = String::new();
/// r.encode(&mut LabelWriter::new(&mut out));
/// assert_eq!(out, r#"method="post",is_cached="true""#);
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
pub use promenade_macros::LabelSet;

/// Derives a struct of metrics: each named field is one metric family, named after the
/// field, described by its doc comment, registered by itself in the
/// [`default_registry`].
///
/// Fields are [`Counter`], [`FloatCounter`], [`Gauge`], [`IntGauge`], [`Histogram`], or a
/// [`Family<L, M>`](Family) of them.
///
/// # Attributes
/// On the struct, `#[metrics(...)]`:
/// - `namespace = "..."`, `subsystem = "..."`: prefixes, joined as
///   `namespace_subsystem_name`.
/// - `max_series = N`: a budget checked at compile time: the series all fields can expose
///   (every label set of a family, capped by its `limit`, plus its overflow series; a
///   histogram counts once per bucket, `+Inf`, `_sum` and `_count`). `limit`s must then be
///   constants.
/// - `crate = "path"`: where promenade is, for crates that re-export it.
///
/// On a field, `#[metric(...)]`:
/// - `name = "..."`: the name instead of the field's (still prefixed).
/// - `help = "..."`: the HELP text instead of the doc comment. One of the two is required.
///   Doc comment lines are trimmed and joined with spaces; a blank line starts a new
///   paragraph (a newline in HELP).
/// - `buckets = [0.1, 0.5, 1.0]`: a histogram's bucket bounds: number literals, finite,
///   strictly increasing; a final `f64::INFINITY` is allowed and dropped. Default:
///   [`DEFAULT_BUCKETS`].
/// - `limit = N`: the most series a family keeps; further label sets share one overflow
///   series. Required for a family whose label set is open (a `String` label, say).
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
/// A family over an open label set needs `limit = N`.
/// ```compile_fail
/// #[derive(Clone, PartialEq, Eq, Hash, promenade::LabelSet)]
/// struct Peer { host: String }
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
/// Generic structs and enums are refused.
/// ```compile_fail
/// #[derive(promenade::Metrics)]
/// struct M<C> { /// Jobs.
///     jobs: C }
/// ```
pub use promenade_macros::Metrics;

/// The README's tour, compiled and run as a doctest so it cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeTour;
