//! Support for the function attributes: `#[timed]`, `#[counted]`, `#[counted_exceptions]`,
//! `#[in_progress]` and `#[instrumented]`.
//!
//! Every annotated function owns one `static` call site per attribute. A site resolves its
//! series once (a `OnceLock`), so a call costs one atomic load plus the metric's own
//! operation. Sites of the bare forms are submitted through `inventory`, so the default
//! registry creates their series (at zero) before the first scrape.
//!
//! What a site records into is described by a trait per kind of metric
//! ([`CallCounter`], [`InFlightGauge`], [`DurationHistogram`], [`OutcomeHistograms`],
//! [`ErrorCounter`]); `metric = PATH` is checked against the same traits, spanned at the
//! path, so the wrong kind of metric is a compile error that says which kind is needed.

use std::any::{Any, TypeId};
use std::borrow::Cow;
use std::sync::{Arc, LazyLock, OnceLock};
use std::time::Instant;

use super::derive::{Global, MetricGroup};
use crate::family::{Family, Series};
use crate::labels::{LabelSet, LabelValue, LabelValueWriter, LabelWriter};
use crate::metrics::{
    Buckets, Counter, FloatCounter, Gauge, Histogram, HistogramTimer, InProgress, IntGauge,
    MetricType, UpDown,
};
use crate::registry::{AutoRegistration, CollectMetric, Collector, Descriptor, Registry, Sink};
use crate::Error;

// ---------------------------------------------------------------------------------------
// The shared families
// ---------------------------------------------------------------------------------------

/// `function_duration_seconds{function, module}`: bare `#[timed]`.
pub const FUNCTION_DURATION_NAME: &str = "function_duration_seconds";
/// `function_outcome_duration_seconds{function, module, outcome}`: bare `#[timed(outcome)]`
/// and `#[instrumented]`. A family of its own because a family's label set is fixed and
/// plain `#[timed]` does not know how a call ended.
pub const FUNCTION_OUTCOME_DURATION_NAME: &str = "function_outcome_duration_seconds";
/// `function_calls_total{function, module}`: bare `#[counted]` and `#[instrumented]`.
pub const FUNCTION_CALLS_NAME: &str = "function_calls_total";
/// `function_errors_total{function, module, kind}`: bare `#[counted_exceptions]` and
/// `#[instrumented]`.
pub const FUNCTION_ERRORS_NAME: &str = "function_errors_total";
/// `function_in_progress{function, module}`: bare `#[in_progress]` and `#[instrumented]`.
pub const FUNCTION_IN_PROGRESS_NAME: &str = "function_in_progress";

/// How many functions a shared family accepts; functions are written by hand, so this is
/// only a guard against generated code gone wild.
const FUNCTION_LIMIT: usize = 10_000;
/// Error kinds are finite per function, but a family holds every function's.
const ERROR_SERIES_LIMIT: usize = 50_000;
/// The most kinds a function's own error counter keeps.
const OWN_KIND_LIMIT: usize = 1_000;

/// The labels of the shared families: the function's name and its module path.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct FunctionLabels {
    /// The function's name.
    pub function: &'static str,
    /// `module_path!()` where the function is defined.
    pub module: &'static str,
}

impl FunctionLabels {
    /// The labels of `function` in `module`.
    pub const fn new(function: &'static str, module: &'static str) -> Self {
        FunctionLabels { function, module }
    }
}

impl LabelSet for FunctionLabels {
    const NAMES: &'static [&'static str] = &["function", "module"];
    const CARDINALITY: Option<usize> = None;
    fn index(&self) -> usize {
        0
    }
    fn from_index(_: usize) -> Option<Self> {
        None
    }
    fn encode(&self, out: &mut LabelWriter<'_>) {
        out.label("function", &self.function);
        out.label("module", &self.module);
    }
}

/// How a call ended, as `#[timed(outcome)]` and `#[instrumented]` label its duration.
///
/// It is a [`LabelValue`] (`ok`, `error`, `panicked`, `cancelled`) and also a [`LabelSet`]
/// of one label named `outcome`, so a `Family<Outcome, Histogram>` (a field of a
/// `#[derive(Metrics)]` struct, say) can take a function's durations with
/// `#[timed(outcome, metric = ...)]`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, crate::LabelValue)]
#[label(crate = "crate")]
pub enum Outcome {
    /// The function returned, and not a `Result::Err`.
    Ok,
    /// The function returned a `Result::Err`.
    Error,
    /// The function panicked (the duration is recorded while unwinding).
    Panicked,
    /// An `async fn`'s future was dropped before it completed.
    Cancelled,
}

impl Outcome {
    /// Every outcome, in index order.
    pub const ALL: [Outcome; 4] = [
        Outcome::Ok,
        Outcome::Error,
        Outcome::Panicked,
        Outcome::Cancelled,
    ];

    /// The label value: `ok`, `error`, `panicked` or `cancelled`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Error => "error",
            Outcome::Panicked => "panicked",
            Outcome::Cancelled => "cancelled",
        }
    }
}

impl LabelSet for Outcome {
    const NAMES: &'static [&'static str] = &["outcome"];
    const CARDINALITY: Option<usize> = Some(4);
    fn index(&self) -> usize {
        *self as usize
    }
    fn from_index(index: usize) -> Option<Self> {
        Outcome::ALL.get(index).copied()
    }
    fn encode(&self, out: &mut LabelWriter<'_>) {
        out.label("outcome", self);
    }
}

/// The labels of `function_outcome_duration_seconds`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct OutcomeLabels {
    function: FunctionLabels,
    outcome: Outcome,
}

impl LabelSet for OutcomeLabels {
    const NAMES: &'static [&'static str] = &["function", "module", "outcome"];
    const CARDINALITY: Option<usize> = None;
    fn index(&self) -> usize {
        0
    }
    fn from_index(_: usize) -> Option<Self> {
        None
    }
    fn encode(&self, out: &mut LabelWriter<'_>) {
        self.function.encode(out);
        out.label("outcome", &self.outcome);
    }
}

/// The labels of `function_errors_total`.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct ErrorLabels {
    function: FunctionLabels,
    kind: Cow<'static, str>,
}

impl LabelSet for ErrorLabels {
    const NAMES: &'static [&'static str] = &["function", "module", "kind"];
    const CARDINALITY: Option<usize> = None;
    fn index(&self) -> usize {
        0
    }
    fn from_index(_: usize) -> Option<Self> {
        None
    }
    fn encode(&self, out: &mut LabelWriter<'_>) {
        self.function.encode(out);
        out.label("kind", &self.kind);
    }
}

/// The label of a function's own error counter (`#[counted_exceptions(name = "...")]`).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct KindLabel {
    kind: Cow<'static, str>,
}

impl LabelSet for KindLabel {
    const NAMES: &'static [&'static str] = &["kind"];
    const CARDINALITY: Option<usize> = None;
    fn index(&self) -> usize {
        0
    }
    fn from_index(_: usize) -> Option<Self> {
        None
    }
    fn encode(&self, out: &mut LabelWriter<'_>) {
        out.label("kind", &self.kind);
    }
}

/// `function_duration_seconds{function, module}`, in the default registry.
pub static FUNCTION_DURATION: LazyLock<Family<FunctionLabels, Histogram>> =
    LazyLock::new(|| Family::with_limit(FUNCTION_LIMIT));
/// `function_outcome_duration_seconds{function, module, outcome}`.
pub static FUNCTION_OUTCOME_DURATION: LazyLock<Family<OutcomeLabels, Histogram>> =
    LazyLock::new(|| Family::with_limit(FUNCTION_LIMIT * Outcome::ALL.len()));
/// `function_calls_total{function, module}`.
pub static FUNCTION_CALLS: LazyLock<Family<FunctionLabels, Counter>> =
    LazyLock::new(|| Family::with_limit(FUNCTION_LIMIT));
/// `function_errors_total{function, module, kind}`.
pub static FUNCTION_ERRORS: LazyLock<Family<ErrorLabels, Counter>> =
    LazyLock::new(|| Family::with_limit(ERROR_SERIES_LIMIT));
/// `function_in_progress{function, module}`.
pub static FUNCTION_IN_PROGRESS: LazyLock<Family<FunctionLabels, IntGauge>> =
    LazyLock::new(|| Family::with_limit(FUNCTION_LIMIT));

/// Which shared family a call site records into.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SharedFamily {
    /// `function_duration_seconds`.
    Duration,
    /// `function_outcome_duration_seconds`.
    OutcomeDuration,
    /// `function_calls_total`.
    Calls,
    /// `function_errors_total`.
    Errors,
    /// `function_in_progress`.
    InProgress,
}

impl SharedFamily {
    const ALL: [SharedFamily; 5] = [
        SharedFamily::Duration,
        SharedFamily::OutcomeDuration,
        SharedFamily::Calls,
        SharedFamily::Errors,
        SharedFamily::InProgress,
    ];

    fn descriptor(self) -> Descriptor {
        let (name, help, metric_type) = match self {
            SharedFamily::Duration => (
                FUNCTION_DURATION_NAME,
                "Time spent in functions annotated with #[timed], in seconds.",
                MetricType::Histogram,
            ),
            SharedFamily::OutcomeDuration => (
                FUNCTION_OUTCOME_DURATION_NAME,
                "Time spent in functions annotated with #[timed(outcome)] or #[instrumented], in seconds, by how the call ended: ok, error (returned Err), panicked, cancelled (a future dropped unfinished).",
                MetricType::Histogram,
            ),
            SharedFamily::Calls => (
                FUNCTION_CALLS_NAME,
                "Calls of functions annotated with #[counted] or #[instrumented].",
                MetricType::Counter,
            ),
            SharedFamily::Errors => (
                FUNCTION_ERRORS_NAME,
                "Failed calls of functions annotated with #[counted_exceptions] or #[instrumented]: kind is the error's label value (or \"error\") for an Err return, \"panic\" for a panic.",
                MetricType::Counter,
            ),
            SharedFamily::InProgress => (
                FUNCTION_IN_PROGRESS_NAME,
                "Calls in flight of functions annotated with #[in_progress] or #[instrumented].",
                MetricType::Gauge,
            ),
        };
        Descriptor::new(
            name,
            help,
            metric_type,
            "a shared family of the function attributes",
        )
    }

    fn collect_points(self, sink: &mut dyn Sink) {
        match self {
            SharedFamily::Duration => FUNCTION_DURATION.collect_points(&(), sink),
            SharedFamily::OutcomeDuration => FUNCTION_OUTCOME_DURATION.collect_points(&(), sink),
            SharedFamily::Calls => FUNCTION_CALLS.collect_points(&(), sink),
            SharedFamily::Errors => FUNCTION_ERRORS.collect_points(&(), sink),
            SharedFamily::InProgress => FUNCTION_IN_PROGRESS.collect_points(&(), sink),
        }
    }

    fn overflow_count(self) -> Option<u64> {
        match self {
            SharedFamily::Duration => CollectMetric::overflow_count(&*FUNCTION_DURATION),
            SharedFamily::OutcomeDuration => {
                CollectMetric::overflow_count(&*FUNCTION_OUTCOME_DURATION)
            }
            SharedFamily::Calls => CollectMetric::overflow_count(&*FUNCTION_CALLS),
            SharedFamily::Errors => CollectMetric::overflow_count(&*FUNCTION_ERRORS),
            SharedFamily::InProgress => CollectMetric::overflow_count(&*FUNCTION_IN_PROGRESS),
        }
    }
}

/// A call site of a bare attribute, as submitted to `inventory`.
pub trait SharedSite: Sync {
    /// The family the site records into.
    fn family(&self) -> SharedFamily;
    /// Creates the site's series (at zero), so they are scraped before the first call.
    fn precreate(&self);
}

/// A reference to a site, as submitted to `inventory`.
pub struct SiteRef(pub &'static dyn SharedSite);

inventory::collect!(SiteRef);

inventory::submit! {
    AutoRegistration { register: register_shared_families }
}

/// Registers each shared family that at least one function uses, with every known site's
/// series at zero. Each family is registered on its own, so a clash of one with a user's
/// metric leaves the others in.
fn register_shared_families(registry: &Registry) -> Result<(), Error> {
    let mut first_error = None;
    for family in SharedFamily::ALL {
        let mut used = false;
        for site in inventory::iter::<SiteRef> {
            if site.0.family() == family {
                site.0.precreate();
                used = true;
            }
        }
        if used {
            if let Err(e) = registry.register(SharedCollector(family)) {
                first_error.get_or_insert(e);
            }
        }
    }
    first_error.map_or(Ok(()), Err)
}

struct SharedCollector(SharedFamily);

impl Collector for SharedCollector {
    fn describe(&self) -> Vec<Descriptor> {
        vec![self.0.descriptor()]
    }
    fn collect(&self, sink: &mut dyn Sink) {
        sink.family(&self.0.descriptor());
        self.0.collect_points(sink);
    }
    fn overflows(&self, report: &mut dyn FnMut(&str, u64)) {
        if let Some(n) = self.0.overflow_count() {
            report(&self.0.descriptor().name, n);
        }
    }
}

// ---------------------------------------------------------------------------------------
// The kinds of metric an attribute records into
// ---------------------------------------------------------------------------------------

/// What `#[counted]` records into: a counter.
#[diagnostic::on_unimplemented(
    message = "`#[counted(metric = ...)]` needs a counter, and `{Self}` is not one",
    label = "not a `Counter` or `FloatCounter`",
    note = "give the path of a `Counter` or `FloatCounter` (a static, or a field such as `MyMetrics::global().calls`)"
)]
pub trait CallCounter {
    /// Counts one call.
    fn count_call(&self);
}

/// What `#[in_progress]` records into: a gauge that goes up on entry and down on exit.
#[diagnostic::on_unimplemented(
    message = "`#[in_progress(metric = ...)]` needs a gauge, and `{Self}` is not one",
    label = "not a `Gauge` or `IntGauge`",
    note = "give the path of a `Gauge` or `IntGauge` (a static, or a field such as `MyMetrics::global().in_flight`)"
)]
pub trait InFlightGauge {
    /// The gauge's type.
    type Gauge: UpDown + Sync;
    /// The gauge.
    fn gauge(&self) -> &Self::Gauge;
}

/// What `#[timed]` records into: a histogram of seconds.
#[diagnostic::on_unimplemented(
    message = "`#[timed(metric = ...)]` needs a histogram, and `{Self}` is not one",
    label = "not a `Histogram`",
    note = "give the path of a `Histogram` (a static, or a field such as `MyMetrics::global().duration_seconds`); with `outcome`, a `Family<promenade::Outcome, Histogram>`"
)]
pub trait DurationHistogram {
    /// The histogram.
    fn histogram(&self) -> &Histogram;
}

/// What `#[timed(outcome)]` records into: one histogram per [`Outcome`].
#[diagnostic::on_unimplemented(
    message = "`#[timed(outcome, metric = ...)]` needs a histogram family labelled by outcome, and `{Self}` is not one",
    label = "not a `Family<promenade::Outcome, Histogram>`",
    note = "declare the field as `Family<promenade::Outcome, Histogram>`, or drop `outcome` to time into a plain `Histogram`"
)]
pub trait OutcomeHistograms {
    /// Observes `seconds` for a call that ended with `outcome`.
    fn observe_outcome(&self, outcome: Outcome, seconds: f64);
}

/// What `#[counted_exceptions]` records into: a counter, labelled by kind where it can be.
#[diagnostic::on_unimplemented(
    message = "`#[counted_exceptions(metric = ...)]` needs a counter, and `{Self}` is not one",
    label = "not a `Counter`, `FloatCounter` or `Family<promenade::ErrorKindLabels<E>, Counter>`",
    note = "give the path of a `Counter` or `FloatCounter` (a static, or a field such as `MyMetrics::global().errors`); to count by kind, a `Family<promenade::ErrorKindLabels<E>, Counter>` where `E` is the error type"
)]
pub trait ErrorCounter {
    /// Counts one failed call.
    fn count_error(&self, kind: &ErrorKind<'_>);
}

impl CallCounter for Counter {
    #[inline]
    fn count_call(&self) {
        self.inc();
    }
}
impl CallCounter for FloatCounter {
    #[inline]
    fn count_call(&self) {
        self.inc();
    }
}
impl InFlightGauge for Gauge {
    type Gauge = Gauge;
    #[inline]
    fn gauge(&self) -> &Gauge {
        self
    }
}
impl InFlightGauge for IntGauge {
    type Gauge = IntGauge;
    #[inline]
    fn gauge(&self) -> &IntGauge {
        self
    }
}
impl DurationHistogram for Histogram {
    #[inline]
    fn histogram(&self) -> &Histogram {
        self
    }
}
impl OutcomeHistograms for Family<Outcome, Histogram> {
    #[inline]
    fn observe_outcome(&self, outcome: Outcome, seconds: f64) {
        self.labels(outcome).observe(seconds);
    }
}
impl ErrorCounter for Counter {
    #[inline]
    fn count_error(&self, _: &ErrorKind<'_>) {
        self.inc();
    }
}
impl ErrorCounter for FloatCounter {
    #[inline]
    fn count_error(&self, _: &ErrorKind<'_>) {
        self.inc();
    }
}
impl<E: LabelValue> ErrorCounter for Family<ErrorKindLabels<E>, Counter> {
    fn count_error(&self, kind: &ErrorKind<'_>) {
        let labels = match kind {
            ErrorKind::Panic => ErrorKindLabels::Panic,
            ErrorKind::Error => ErrorKindLabels::Error,
            // An error of another type than `E` (a generic function's) is an `error`.
            ErrorKind::Labelled(value) => match value.as_any().downcast_ref::<E>() {
                Some(e) => ErrorKindLabels::Kind(e.clone()),
                None => ErrorKindLabels::Error,
            },
        };
        self.labels(labels).inc();
    }
}

/// The label set of an error counter that `#[counted_exceptions(metric = ...)]` records
/// into by kind: `Family<ErrorKindLabels<E>, Counter>`, where `E` is the function's error
/// type (a [`LabelValue`], such as an enum deriving it). One label, `kind`: the error's
/// value, `panic` for a call that panicked, or `error` for an `Err` of another type.
///
/// With a finite `E` the family is finite too (`E`'s values plus two), so it needs no limit
/// in a `#[derive(Metrics)]` struct, and `E`'s values can be declared at zero up front.
///
/// An `E` value whose label is `panic` or `error` is written with one more `_`
/// (`kind="panic_"`), and so is one spelled like them followed by underscores
/// (`panic_` becomes `panic__`): every series keeps a label of its own, and `kind="panic"`
/// is always a panic. To choose the spelling yourself, rename the variant
/// (`#[label(rename = "...")]`).
///
/// ```
/// use promenade::{counted_exceptions, ErrorKindLabels, Counter, Family, LabelValue};
///
/// #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
/// #[label(rename_all = "snake_case")]
/// enum StoreError {
///     NotFound,
///     Timeout,
/// }
///
/// static ERRORS: std::sync::LazyLock<Family<ErrorKindLabels<StoreError>, Counter>> =
///     std::sync::LazyLock::new(Family::new);
///
/// #[counted_exceptions(metric = *ERRORS)]
/// fn get(key: &str) -> Result<u32, StoreError> {
///     match key {
///         "slow" => Err(StoreError::Timeout),
///         "one" => Ok(1),
///         _ => Err(StoreError::NotFound),
///     }
/// }
///
/// let _ = get("one");
/// let _ = get("two");
/// let _ = get("three");
/// let _ = get("slow");
/// assert_eq!(ERRORS.labels(ErrorKindLabels::Kind(StoreError::NotFound)).get(), 2);
/// assert_eq!(ERRORS.labels(ErrorKindLabels::Kind(StoreError::Timeout)).get(), 1);
/// assert_eq!(ERRORS.labels(ErrorKindLabels::Panic).get(), 0);
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum ErrorKindLabels<E> {
    /// `kind="panic"`: the call panicked.
    Panic,
    /// `kind="error"`: the call returned an `Err` that is not an `E`.
    Error,
    /// The error's own value.
    Kind(E),
}

// Not offered as a candidate when some other type is not a label set.
#[diagnostic::do_not_recommend]
impl<E: LabelValue> LabelSet for ErrorKindLabels<E> {
    const NAMES: &'static [&'static str] = &["kind"];
    const CARDINALITY: Option<usize> = match E::CARDINALITY {
        Some(n) => n.checked_add(2),
        None => None,
    };
    fn index(&self) -> usize {
        match self {
            ErrorKindLabels::Panic => 0,
            ErrorKindLabels::Error => 1,
            ErrorKindLabels::Kind(e) => 2 + e.index(),
        }
    }
    fn from_index(index: usize) -> Option<Self> {
        match index {
            0 => Some(ErrorKindLabels::Panic),
            1 => Some(ErrorKindLabels::Error),
            n => E::from_index(n - 2).map(ErrorKindLabels::Kind),
        }
    }
    fn encode(&self, out: &mut LabelWriter<'_>) {
        match self {
            ErrorKindLabels::Panic => out.label("kind", &PANIC_KIND),
            ErrorKindLabels::Error => out.label("kind", &ERROR_KIND),
            ErrorKindLabels::Kind(e) => out.label_with("kind", |w| write_error_kind(e, w)),
        }
    }
}

/// Each kind of metric also works through a reference, an `Arc` and a family's series.
macro_rules! forward {
    ($($tr:ident { $($body:tt)* })*) => {$(
        #[diagnostic::do_not_recommend]
        impl<T: $tr + ?Sized> $tr for &T { $($body)* }
        #[diagnostic::do_not_recommend]
        impl<T: $tr + ?Sized> $tr for Arc<T> { $($body)* }
        #[diagnostic::do_not_recommend]
        impl<T: $tr> $tr for Series<'_, T> { $($body)* }
    )*};
}
forward! {
    CallCounter {
        #[inline]
        fn count_call(&self) { (**self).count_call() }
    }
    InFlightGauge {
        type Gauge = T::Gauge;
        #[inline]
        fn gauge(&self) -> &T::Gauge { (**self).gauge() }
    }
    DurationHistogram {
        #[inline]
        fn histogram(&self) -> &Histogram { (**self).histogram() }
    }
    OutcomeHistograms {
        #[inline]
        fn observe_outcome(&self, outcome: Outcome, seconds: f64) {
            (**self).observe_outcome(outcome, seconds)
        }
    }
    ErrorCounter {
        #[inline]
        fn count_error(&self, kind: &ErrorKind<'_>) { (**self).count_error(kind) }
    }
}

// The probes generated code calls for `metric = PATH`, spanned at the path: an unsatisfied
// bound is reported there, with the trait's `on_unimplemented` message.

/// Counts one call into `metric`.
#[inline]
pub fn count_call<C: CallCounter + ?Sized>(metric: &C) {
    metric.count_call();
}

/// Enters `metric`: +1 now, −1 when the guard is dropped. The guard holds a trait object,
/// so a wrong kind of metric is one error (here), not a second one in the guard's type.
#[inline]
pub fn enter<G: InFlightGauge + ?Sized>(metric: &G) -> InProgress<&(dyn UpDown + Sync)> {
    InProgress::new(metric.gauge())
}

/// Starts timing a call into `metric`.
#[inline]
pub fn start_timer<H: DurationHistogram + ?Sized>(metric: &H) -> HistogramTimer<&Histogram> {
    HistogramTimer::new(metric.histogram())
}

/// Starts timing a call into `metric`, labelled with how it ends. The timer holds a trait
/// object, so a wrong kind of metric is one error (here), not a second one at `finish`.
#[inline]
pub fn start_outcome_timer<H: OutcomeHistograms + Sync>(
    metric: &H,
    is_async: bool,
) -> OutcomeTimer<'_> {
    OutcomeTimer {
        metric,
        start: Instant::now(),
        is_async,
        done: false,
    }
}

/// Arms a panic counter on `metric` (a trait object, as for [`start_outcome_timer`]).
#[inline]
pub fn watch_errors<E: ErrorCounter + Sync>(metric: &E, counts_panics: bool) -> ErrorGuard<'_> {
    ErrorGuard {
        metric,
        armed: counts_panics,
    }
}

/// Runs a sync body moved into a closure, so its value can be seen before it is returned.
/// The `FnOnce` bound makes the closure `FnOnce`, so a body may return a borrow of what it
/// captured mutably (`&mut self.field`).
#[inline(always)]
pub fn call_once<R>(body: impl FnOnce() -> R) -> R {
    body()
}

// ---------------------------------------------------------------------------------------
// What a call returned
// ---------------------------------------------------------------------------------------

/// How a call failed, for the error counters.
pub enum ErrorKind<'a> {
    /// It panicked.
    Panic,
    /// It returned an `Err` whose type is not a [`LabelValue`].
    Error,
    /// It returned an `Err` whose value labels the count.
    Labelled(&'a dyn DynLabelValue),
}

/// An error value that is a [`LabelValue`], seen through a trait object.
pub trait DynLabelValue {
    /// The concrete type, to tell apart the value types a generic function may return.
    fn value_type(&self) -> TypeId;
    /// The type's cardinality.
    fn cardinality(&self) -> Option<usize>;
    /// The dense index of the value (finite types).
    fn value_index(&self) -> usize;
    /// The label value, unescaped.
    fn value_string(&self) -> String;
    /// The value itself, to recover its type (an [`ErrorKindLabels<E>`] family).
    fn as_any(&self) -> &dyn Any;
}

impl<V: LabelValue> DynLabelValue for V {
    fn value_type(&self) -> TypeId {
        TypeId::of::<V>()
    }
    fn cardinality(&self) -> Option<usize> {
        V::CARDINALITY
    }
    fn value_index(&self) -> usize {
        self.index()
    }
    fn value_string(&self) -> String {
        crate::labels::value_string(self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// What a call returned, classified.
pub enum Returned<'a> {
    /// Not an error.
    Ok,
    /// A `Result::Err`.
    Err(ErrorKind<'a>),
}

impl Returned<'_> {
    /// The outcome label of this return.
    #[inline]
    pub fn outcome(&self) -> Outcome {
        match self {
            Returned::Ok => Outcome::Ok,
            Returned::Err(_) => Outcome::Error,
        }
    }

    /// This return, or `Ok` when `counts` is false (`only = [...]` did not list the error).
    #[inline]
    pub fn only_if(self, counts: bool) -> Self {
        if counts {
            self
        } else {
            Returned::Ok
        }
    }
}

/// The returned value, for autoref-based dispatch in generated code:
/// `(&&&Probe(&value)).promenade_classify()` picks the most specific of
/// [`ClassifyLabelled`] (a `Result` whose error is a [`LabelValue`]), [`ClassifyResult`]
/// (any `Result`) and [`ClassifyOther`] (anything else), without specialization.
pub struct Probe<'a, T: ?Sized>(pub &'a T);

/// A `Result` whose error is a [`LabelValue`]: labelled by the error's value.
pub trait ClassifyLabelled<'a> {
    /// Classifies the returned value.
    fn promenade_classify(&self) -> Returned<'a>;
}

/// Any other `Result`: labelled `error`.
pub trait ClassifyResult<'a> {
    /// Classifies the returned value.
    fn promenade_classify(&self) -> Returned<'a>;
}

/// Anything else: never an error.
pub trait ClassifyOther<'a> {
    /// Classifies the returned value.
    fn promenade_classify(&self) -> Returned<'a>;
}

impl<'a, T, E: LabelValue> ClassifyLabelled<'a> for &&Probe<'a, Result<T, E>> {
    #[inline]
    fn promenade_classify(&self) -> Returned<'a> {
        match self.0 {
            Ok(_) => Returned::Ok,
            Err(e) => Returned::Err(ErrorKind::Labelled(e)),
        }
    }
}

impl<'a, T, E> ClassifyResult<'a> for &Probe<'a, Result<T, E>> {
    #[inline]
    fn promenade_classify(&self) -> Returned<'a> {
        match self.0 {
            Ok(_) => Returned::Ok,
            Err(_) => Returned::Err(ErrorKind::Error),
        }
    }
}

impl<'a, T: ?Sized> ClassifyOther<'a> for Probe<'a, T> {
    #[inline]
    fn promenade_classify(&self) -> Returned<'a> {
        Returned::Ok
    }
}

// ---------------------------------------------------------------------------------------
// Guards
// ---------------------------------------------------------------------------------------

/// Times a call and labels the duration with how it ended. [`finish`](Self::finish) on a
/// return; in `Drop` without `finish`, the call panicked or (async) was cancelled.
#[must_use = "the duration is observed when the timer finishes or is dropped"]
pub struct OutcomeTimer<'a> {
    metric: &'a (dyn OutcomeHistograms + Sync + 'a),
    start: Instant,
    is_async: bool,
    done: bool,
}

impl OutcomeTimer<'_> {
    /// The call returned `returned`.
    #[inline]
    pub fn finish(mut self, returned: &Returned<'_>) {
        self.done = true;
        self.metric
            .observe_outcome(returned.outcome(), self.start.elapsed().as_secs_f64());
    }
}

impl Drop for OutcomeTimer<'_> {
    #[inline]
    fn drop(&mut self) {
        if self.done {
            return;
        }
        // A sync call only leaves without returning by unwinding. A future dropped
        // unfinished was cancelled, unless it is being dropped by a panic in its poll.
        let outcome = if self.is_async && !std::thread::panicking() {
            Outcome::Cancelled
        } else {
            Outcome::Panicked
        };
        self.metric
            .observe_outcome(outcome, self.start.elapsed().as_secs_f64());
    }
}

/// Counts a failed call: an error when [`finish`](Self::finish) is given one, a panic when
/// dropped during unwinding without `finish`. Nothing is caught: the panic goes on.
#[must_use = "panics are counted when the guard is dropped"]
pub struct ErrorGuard<'a> {
    metric: &'a (dyn ErrorCounter + Sync + 'a),
    armed: bool,
}

impl ErrorGuard<'_> {
    /// The call returned `returned`.
    #[inline]
    pub fn finish(mut self, returned: &Returned<'_>) {
        self.armed = false;
        if let Returned::Err(kind) = returned {
            self.metric.count_error(kind);
        }
    }
}

impl Drop for ErrorGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        // Without `finish`: a panic, or a cancelled future (not an error).
        if self.armed && std::thread::panicking() {
            self.metric.count_error(&ErrorKind::Panic);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Call sites of the bare forms
// ---------------------------------------------------------------------------------------

/// The call site of one bare `#[timed]` function.
pub struct TimedSite {
    labels: FunctionLabels,
    series: OnceLock<Series<'static, Histogram>>,
}

impl TimedSite {
    /// A site for `function` in `module`.
    pub const fn new(function: &'static str, module: &'static str) -> Self {
        TimedSite {
            labels: FunctionLabels::new(function, module),
            series: OnceLock::new(),
        }
    }

    /// Starts timing one call.
    #[inline]
    pub fn start(&self) -> HistogramTimer<&Histogram> {
        HistogramTimer::new(self.histogram())
    }
}

#[diagnostic::do_not_recommend]
impl DurationHistogram for TimedSite {
    #[inline]
    fn histogram(&self) -> &Histogram {
        self.series
            .get_or_init(|| FUNCTION_DURATION.labels(self.labels))
    }
}

impl SharedSite for TimedSite {
    fn family(&self) -> SharedFamily {
        SharedFamily::Duration
    }
    fn precreate(&self) {
        self.histogram();
    }
}

/// The call site of one bare `#[timed(outcome)]` (or `#[instrumented]`) function.
pub struct OutcomeSite {
    labels: FunctionLabels,
    is_async: bool,
    // One cell per outcome, resolved at its first use, so a sync function never creates
    // a `cancelled` series.
    series: [OnceLock<Series<'static, Histogram>>; 4],
}

impl OutcomeSite {
    /// A site for `function` in `module`; an `async` one can be cancelled.
    pub const fn new(function: &'static str, module: &'static str, is_async: bool) -> Self {
        OutcomeSite {
            labels: FunctionLabels::new(function, module),
            is_async,
            series: [
                OnceLock::new(),
                OnceLock::new(),
                OnceLock::new(),
                OnceLock::new(),
            ],
        }
    }

    #[inline]
    fn histogram(&self, outcome: Outcome) -> &Histogram {
        self.series[outcome as usize].get_or_init(|| {
            FUNCTION_OUTCOME_DURATION.labels(OutcomeLabels {
                function: self.labels,
                outcome,
            })
        })
    }
}

#[diagnostic::do_not_recommend]
impl OutcomeHistograms for OutcomeSite {
    #[inline]
    fn observe_outcome(&self, outcome: Outcome, seconds: f64) {
        self.histogram(outcome).observe(seconds);
    }
}

impl SharedSite for OutcomeSite {
    fn family(&self) -> SharedFamily {
        SharedFamily::OutcomeDuration
    }
    fn precreate(&self) {
        // A sync function cannot be cancelled: its `cancelled` series is not exposed.
        for outcome in Outcome::ALL {
            if outcome != Outcome::Cancelled || self.is_async {
                self.histogram(outcome);
            }
        }
    }
}

/// The call site of one bare `#[counted]` (or `#[instrumented]`) function.
pub struct CallSite {
    labels: FunctionLabels,
    series: OnceLock<Series<'static, Counter>>,
}

impl CallSite {
    /// A site for `function` in `module`.
    pub const fn new(function: &'static str, module: &'static str) -> Self {
        CallSite {
            labels: FunctionLabels::new(function, module),
            series: OnceLock::new(),
        }
    }

    #[inline]
    fn counter(&self) -> &Counter {
        self.series
            .get_or_init(|| FUNCTION_CALLS.labels(self.labels))
    }
}

#[diagnostic::do_not_recommend]
impl CallCounter for CallSite {
    #[inline]
    fn count_call(&self) {
        self.counter().inc();
    }
}

impl SharedSite for CallSite {
    fn family(&self) -> SharedFamily {
        SharedFamily::Calls
    }
    fn precreate(&self) {
        self.counter();
    }
}

/// The call site of one bare `#[in_progress]` (or `#[instrumented]`) function.
pub struct InProgressSite {
    labels: FunctionLabels,
    series: OnceLock<Series<'static, IntGauge>>,
}

impl InProgressSite {
    /// A site for `function` in `module`.
    pub const fn new(function: &'static str, module: &'static str) -> Self {
        InProgressSite {
            labels: FunctionLabels::new(function, module),
            series: OnceLock::new(),
        }
    }
}

#[diagnostic::do_not_recommend]
impl InFlightGauge for InProgressSite {
    type Gauge = IntGauge;
    #[inline]
    fn gauge(&self) -> &IntGauge {
        self.series
            .get_or_init(|| FUNCTION_IN_PROGRESS.labels(self.labels))
    }
}

impl SharedSite for InProgressSite {
    fn family(&self) -> SharedFamily {
        SharedFamily::InProgress
    }
    fn precreate(&self) {
        self.gauge();
    }
}

/// The series of one error counter, by kind: `panic` and `error` resolved once, the
/// values of a finite [`LabelValue`] error type by their dense index, other values looked
/// up in the family.
struct KindCache {
    panic: OnceLock<Arc<Counter>>,
    error: OnceLock<Arc<Counter>>,
    typed: OnceLock<TypedKinds>,
}

/// The error type whose values are cached, and a cell per value (by dense index).
type TypedKinds = (TypeId, Box<[OnceLock<Arc<Counter>>]>);

const PANIC_KIND: &str = "panic";
/// Error types with more values than this are looked up in the family at each error
/// instead of getting a cache slot per value.
const MAX_CACHED_KINDS: usize = 1_024;
const ERROR_KIND: &str = "error";

/// Whether an error's label value needs a trailing `_` to stay apart from the kinds
/// promenade writes itself: `panic` and `error`, and (so that the mapping is one-to-one)
/// either of them already followed by underscores. `Err(E::Panic)` is `kind="panic_"`,
/// a value `panic_` is `kind="panic__"`, and no error value is ever `panic` or `error`.
fn needs_kind_mark(value: &str) -> bool {
    [PANIC_KIND, ERROR_KIND].iter().any(|kind| {
        value
            .strip_prefix(kind)
            .is_some_and(|rest| rest.bytes().all(|b| b == b'_'))
    })
}

/// The `kind` an error value is counted under: its label value, marked by
/// [`needs_kind_mark`].
fn error_kind_value(value: &dyn DynLabelValue) -> Cow<'static, str> {
    let mut kind = value.value_string();
    if needs_kind_mark(&kind) {
        kind.push('_');
    }
    Cow::Owned(kind)
}

/// Writes `value` as the `kind` label of an [`ErrorKindLabels::Kind`]: as the value
/// writes itself, with the mark of [`needs_kind_mark`] (read from what it wrote).
fn write_error_kind<E: LabelValue>(value: &E, out: &mut LabelValueWriter<'_>) {
    let start = out.buffer().len();
    value.encode(out);
    if needs_kind_mark(&out.buffer()[start..]) {
        out.write_str("_");
    }
}

impl KindCache {
    const fn new() -> Self {
        KindCache {
            panic: OnceLock::new(),
            error: OnceLock::new(),
            typed: OnceLock::new(),
        }
    }

    /// Counts `kind`; `lookup` finds the series of a kind's value in the family, and
    /// `overflowed` reads the family's overflow count.
    ///
    /// A series is cached only when the lookup did not land on the overflow series (the
    /// overflow count did not move): a kind past the family's limit is looked up at each
    /// error, so that each one is counted in `promenade_family_overflow_total` as in any
    /// family, and a kind that gets a series of its own later is not stuck in the overflow.
    /// A concurrent overflow of another kind only costs this one its cache entry for now.
    fn count<'f>(
        &self,
        kind: &ErrorKind<'_>,
        lookup: impl Fn(Cow<'static, str>) -> Series<'f, Counter>,
        overflowed: impl Fn() -> u64,
    ) {
        let cached =
            |cell: &OnceLock<Arc<Counter>>, value: &dyn Fn() -> Cow<'static, str>| match cell.get()
            {
                Some(c) => c.inc(),
                None => cache_unless_overflow(cell, &overflowed, || lookup(value())).inc(),
            };
        match kind {
            ErrorKind::Panic => cached(&self.panic, &|| Cow::Borrowed(PANIC_KIND)),
            ErrorKind::Error => cached(&self.error, &|| Cow::Borrowed(ERROR_KIND)),
            ErrorKind::Labelled(value) => {
                // An open type (`String`, say) would make a series per message: such
                // errors are counted as `error`, like any other.
                let Some(n) = value.cardinality() else {
                    return cached(&self.error, &|| Cow::Borrowed(ERROR_KIND));
                };
                if n <= MAX_CACHED_KINDS {
                    let (ty, cells) = self.typed.get_or_init(|| {
                        (
                            value.value_type(),
                            (0..n).map(|_| OnceLock::new()).collect(),
                        )
                    });
                    // A generic function may return several error types: only the first
                    // is cached, the others take the lookup.
                    if *ty == value.value_type() {
                        if let Some(cell) = cells.get(value.value_index()) {
                            return cached(cell, &|| error_kind_value(*value));
                        }
                    }
                }
                lookup(error_kind_value(*value)).inc();
            }
        }
    }
}

/// Looks a series up with `lookup` and keeps it in `cell`, unless it is the family's
/// overflow series (see [`KindCache::count`]); returns the series either way.
fn cache_unless_overflow<'f>(
    cell: &OnceLock<Arc<Counter>>,
    overflowed: &dyn Fn() -> u64,
    lookup: impl FnOnce() -> Series<'f, Counter>,
) -> Series<'f, Counter> {
    let before = overflowed();
    let series = lookup();
    if let Series::Shared(c) = &series {
        if overflowed() == before {
            let _ = cell.set(c.clone());
        }
    }
    series
}

/// The call site of one bare `#[counted_exceptions]` (or `#[instrumented]`) function.
pub struct ErrorSite {
    labels: FunctionLabels,
    counts_panics: bool,
    kinds: KindCache,
}

impl ErrorSite {
    /// A site for `function` in `module`; `counts_panics` is false with `only = [...]`.
    pub const fn new(function: &'static str, module: &'static str, counts_panics: bool) -> Self {
        ErrorSite {
            labels: FunctionLabels::new(function, module),
            counts_panics,
            kinds: KindCache::new(),
        }
    }

    fn series(&self, kind: Cow<'static, str>) -> Series<'static, Counter> {
        FUNCTION_ERRORS.labels(ErrorLabels {
            function: self.labels,
            kind,
        })
    }
}

#[diagnostic::do_not_recommend]
impl ErrorCounter for ErrorSite {
    #[inline]
    fn count_error(&self, kind: &ErrorKind<'_>) {
        self.kinds.count(
            kind,
            |k| self.series(k),
            || FUNCTION_ERRORS.overflow_count(),
        );
    }
}

impl SharedSite for ErrorSite {
    fn family(&self) -> SharedFamily {
        SharedFamily::Errors
    }
    fn precreate(&self) {
        // Error kinds are only known when they happen; `panic` is known now.
        if self.counts_panics {
            cache_unless_overflow(
                &self.kinds.panic,
                &|| FUNCTION_ERRORS.overflow_count(),
                || self.series(Cow::Borrowed(PANIC_KIND)),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// A function's own metric (the named forms)
// ---------------------------------------------------------------------------------------

/// A metric a named attribute can create: `name = "...", help = "..."`.
pub trait OwnKind: CollectMetric + Sized + 'static {
    /// A fresh metric; `bounds` are a histogram's buckets (validated by the macro; empty
    /// for the defaults).
    fn build(bounds: &[f64]) -> Self;
}

fn buckets(bounds: &[f64]) -> Buckets {
    if bounds.is_empty() {
        Buckets::default()
    } else {
        // The macro validated the list; should that ever disagree with the runtime, fall
        // back to the defaults rather than fail a user's call.
        Buckets::new(bounds.iter().copied()).unwrap_or_default()
    }
}

impl OwnKind for Counter {
    fn build(_: &[f64]) -> Self {
        Counter::new()
    }
}
impl OwnKind for IntGauge {
    fn build(_: &[f64]) -> Self {
        IntGauge::new()
    }
}
impl OwnKind for Histogram {
    fn build(bounds: &[f64]) -> Self {
        Histogram::new(buckets(bounds))
    }
}
impl OwnKind for Family<Outcome, Histogram> {
    fn build(bounds: &[f64]) -> Self {
        Family::with_config(buckets(bounds))
    }
}

/// A function's own error counter: `Family<KindLabel, Counter>` with its kind cache.
pub struct KindCounter {
    family: Family<KindLabel, Counter>,
    kinds: KindCache,
}

impl CollectMetric for KindCounter {
    const TYPE: MetricType = MetricType::Counter;
    fn collect_points(&self, labels: &dyn crate::labels::EncodeLabels, sink: &mut dyn Sink) {
        self.family.collect_points(labels, sink)
    }
    fn overflow_count(&self) -> Option<u64> {
        CollectMetric::overflow_count(&self.family)
    }
}

impl OwnKind for KindCounter {
    fn build(_: &[f64]) -> Self {
        KindCounter::with_limit(OWN_KIND_LIMIT)
    }
}

impl KindCounter {
    fn with_limit(limit: usize) -> Self {
        KindCounter {
            family: Family::with_limit(limit),
            kinds: KindCache::new(),
        }
    }
}

#[diagnostic::do_not_recommend]
impl ErrorCounter for KindCounter {
    #[inline]
    fn count_error(&self, kind: &ErrorKind<'_>) {
        self.kinds.count(
            kind,
            |kind| self.family.labels(KindLabel { kind }),
            || self.family.overflow_count(),
        );
    }
}

/// The metric of one named attribute (`#[timed(name = "...")]` and the like), registered
/// in the default registry under its own name.
pub struct OwnMetric<M> {
    name: &'static str,
    help: &'static str,
    bounds: &'static [f64],
    defined_at: &'static str,
    metric: OnceLock<Global<M>>,
}

impl<M: OwnKind> OwnMetric<M> {
    /// A metric. `bounds` were validated by the macro (finite, strictly increasing); an
    /// empty list means the default buckets (and is what non-histograms get).
    pub const fn new(
        name: &'static str,
        help: &'static str,
        bounds: &'static [f64],
        defined_at: &'static str,
    ) -> Self {
        OwnMetric {
            name,
            help,
            bounds,
            defined_at,
            metric: OnceLock::new(),
        }
    }

    /// The metric, created on first use.
    #[inline]
    pub fn get(&self) -> &M {
        &self.built().value
    }

    fn built(&self) -> &Global<M> {
        self.metric
            .get_or_init(|| Global::new(M::build(self.bounds)))
    }

    /// Registers this metric into `registry`; an unlabelled counter's `_created` is when
    /// the metric was created (its first call, or this registration).
    pub fn register(&'static self, registry: &Registry) -> Result<(), Error> {
        let created = self.built().created;
        registry.register_created(Arc::new(self), created).map(drop)
    }
}

impl<M: OwnKind> Collector for OwnMetric<M> {
    fn describe(&self) -> Vec<Descriptor> {
        vec![Descriptor::new(
            self.name,
            self.help,
            M::TYPE,
            Cow::Borrowed(self.defined_at),
        )]
    }
    fn collect(&self, sink: &mut dyn Sink) {
        for d in self.describe() {
            sink.family(&d);
        }
        if let Some(m) = self.metric.get() {
            m.value.collect_points(&(), sink);
        }
    }
    fn overflows(&self, report: &mut dyn FnMut(&str, u64)) {
        if let Some(n) = self
            .metric
            .get()
            .and_then(|m| CollectMetric::overflow_count(&m.value))
        {
            report(self.name, n);
        }
    }
}

#[diagnostic::do_not_recommend]
impl<M: OwnKind + CallCounter> CallCounter for OwnMetric<M> {
    #[inline]
    fn count_call(&self) {
        self.get().count_call()
    }
}
#[diagnostic::do_not_recommend]
impl<M: OwnKind + InFlightGauge> InFlightGauge for OwnMetric<M> {
    type Gauge = M::Gauge;
    #[inline]
    fn gauge(&self) -> &M::Gauge {
        self.get().gauge()
    }
}
#[diagnostic::do_not_recommend]
impl<M: OwnKind + DurationHistogram> DurationHistogram for OwnMetric<M> {
    #[inline]
    fn histogram(&self) -> &Histogram {
        self.get().histogram()
    }
}
#[diagnostic::do_not_recommend]
impl<M: OwnKind + OutcomeHistograms> OutcomeHistograms for OwnMetric<M> {
    #[inline]
    fn observe_outcome(&self, outcome: Outcome, seconds: f64) {
        self.get().observe_outcome(outcome, seconds)
    }
}
#[diagnostic::do_not_recommend]
impl<M: OwnKind + ErrorCounter> ErrorCounter for OwnMetric<M> {
    #[inline]
    fn count_error(&self, kind: &ErrorKind<'_>) {
        self.get().count_error(kind)
    }
}

// ---------------------------------------------------------------------------------------
// The four metrics of one function (`#[instrumented(name = ...)]`, `metric = ...`)
// ---------------------------------------------------------------------------------------

/// The most error kinds a [`FunctionMetrics`] keeps apart; further kinds share the
/// overflow series. Error types are enums in practice: this only bounds a mistake.
const FUNCTION_KIND_LIMIT: usize = 100;

/// The families of a [`FunctionMetrics`], in the order they are exposed: the name's
/// suffix, the type, the help text of an unnamed group, and what the family adds to the
/// help text of a named one (`"Nightly backups. (calls)"`).
const FUNCTION_PARTS: [(&str, MetricType, &str, &str); 4] = [
    (
        "calls_total",
        MetricType::Counter,
        "Calls of the function.",
        "calls",
    ),
    (
        "in_progress",
        MetricType::Gauge,
        "Calls of the function in flight.",
        "calls in flight",
    ),
    (
        "errors_total",
        MetricType::Counter,
        "Failed calls of the function by kind: the error's label value (or \"error\") for an Err return, \"panic\" for a panic.",
        "failed calls by kind",
    ),
    (
        "duration_seconds",
        MetricType::Histogram,
        "Duration of the function's calls in seconds, by outcome: ok, error (returned Err), panicked, cancelled (a future dropped unfinished).",
        "duration in seconds by outcome",
    ),
];

/// The descriptors of a function's four families: `prefix` before each name, and `help`
/// (when given) followed by what each family counts.
fn function_descriptors(
    prefix: &str,
    help: Option<&str>,
    defined_at: Cow<'static, str>,
) -> Vec<Descriptor> {
    FUNCTION_PARTS
        .iter()
        .map(|&(suffix, metric_type, generic, part)| {
            let name: Cow<'static, str> = if prefix.is_empty() {
                Cow::Borrowed(suffix)
            } else {
                Cow::Owned(format!("{prefix}{suffix}"))
            };
            let help: Cow<'static, str> = match help {
                Some(help) => Cow::Owned(format!("{help} ({part})")),
                None => Cow::Borrowed(generic),
            };
            Descriptor::new(name, help, metric_type, defined_at.clone())
        })
        .collect()
}

/// The four metrics `#[instrumented]` records for one function: calls, calls in flight,
/// failed calls by kind and the duration by outcome.
///
/// `#[instrumented(name = "backup", help = "...")]` creates one for its function (exposed
/// as `backup_calls_total` and so on); `#[instrumented(metric = EXPR)]` records into one
/// you already have: a field of a `#[derive(Metrics)]` struct marked
/// `#[metric(nested)]`, or one you register yourself, named with
/// [`named`](Self::named). Its families, in this order:
///
/// | family | type | labels | accessor |
/// |---|---|---|---|
/// | `calls_total` | counter | | [`calls`](Self::calls) |
/// | `in_progress` | gauge (integer) | | [`in_progress`](Self::in_progress) |
/// | `errors_total` | counter | `kind`: the error's [`LabelValue`] (or `error`), `panic` | [`errors`](Self::errors) |
/// | `duration_seconds` | histogram | `outcome`: [`Outcome`] | [`duration`](Self::duration) |
///
/// Nested in a derived struct, the names get the struct's prefix and the field's
/// `prefix = "..."` (`app_backup_calls_total`) and the HELP texts are generic.
/// Registered on its own, a [`named`](Self::named) one is exposed under its name
/// (`backup_calls_total`) with its help text; one from [`new`](Self::new) under the bare
/// names above, so at most one of those fits in a registry. `kind="panic"` exists at zero
/// from the start, every `outcome` too; other kinds appear with their first error (at
/// most 100 kinds, then the overflow series, counted in
/// `promenade_family_overflow_total{family="<name>_errors"}`). An error whose label value
/// is `panic` or `error` is counted as `panic_` or `error_` (one more `_` also for those
/// spellings followed by underscores), so it never shares a series with a panic or with
/// the errors that have no label value. For a `max_series` budget the group counts 171
/// series (the default buckets).
///
/// ```
/// use promenade::{FunctionMetrics, Metrics, Registry};
///
/// #[derive(Metrics)]
/// #[metrics(namespace = "jobs")]
/// struct JobMetrics {
///     #[metric(nested, prefix = "backup")]
///     backup: FunctionMetrics,
/// }
///
/// #[promenade::instrumented(metric = JobMetrics::global().backup)]
/// fn backup(fail: bool) -> Result<(), std::io::Error> {
///     if fail { Err(std::io::Error::other("disk full")) } else { Ok(()) }
/// }
///
/// backup(false).unwrap();
/// backup(true).unwrap_err();
/// let metrics = &JobMetrics::global().backup;
/// assert_eq!(metrics.calls().get(), 2);
/// assert_eq!(metrics.errors("error"), 1);
/// assert_eq!(metrics.in_progress().get(), 0);
/// assert_eq!(metrics.duration().labels(promenade::Outcome::Ok).snapshot().count(), 1);
/// assert_eq!(
///     promenade::default_registry().get_sample_value("jobs_backup_calls_total", &[]),
///     Some(2.0)
/// );
/// ```
pub struct FunctionMetrics {
    calls: Counter,
    in_progress: IntGauge,
    errors: KindCounter,
    duration: Family<Outcome, Histogram>,
    /// The four families' descriptors, in [`FUNCTION_PARTS`] order.
    descriptors: Box<[Descriptor]>,
}

impl FunctionMetrics {
    /// The four metrics at zero, with the default buckets ([`DEFAULT_BUCKETS`](crate::DEFAULT_BUCKETS)),
    /// under the bare names (`calls_total`, …) and generic help texts: for a field of a
    /// `#[derive(Metrics)]` struct, whose prefix they get. To register one on its own, use
    /// [`named`](Self::named).
    pub fn new() -> Self {
        Self::with_buckets(Buckets::default())
    }

    /// [`new`](Self::new), the duration histograms with `buckets`.
    pub fn with_buckets(buckets: Buckets) -> Self {
        Self::build(
            buckets,
            function_descriptors("", None, FUNCTION_METRICS_DEFINED_AT),
        )
    }

    /// The four metrics at zero, with the default buckets, exposed as
    /// `<name>_calls_total`, `<name>_in_progress`, `<name>_errors_total` and
    /// `<name>_duration_seconds`, each with `help` followed by what it counts
    /// (`Nightly backups. (calls)`), as `#[instrumented(name = ..., help = ...)]` names
    /// its own.
    ///
    /// `name` is a prefix: a valid metric name that does not end with `_total`,
    /// `_seconds`, `_count`, `_sum`, `_bucket`, `_created`, `_info` or `_`; anything else
    /// is an [`Error::InvalidMetricName`].
    ///
    /// ```
    /// use std::sync::LazyLock;
    /// use promenade::{FunctionMetrics, Registry};
    ///
    /// static BACKUP: LazyLock<FunctionMetrics> =
    ///     LazyLock::new(|| FunctionMetrics::named("backup", "Nightly backups.").unwrap());
    /// static RESTORE: LazyLock<FunctionMetrics> =
    ///     LazyLock::new(|| FunctionMetrics::named("restore", "Restores.").unwrap());
    ///
    /// #[promenade::instrumented(metric = *BACKUP)]
    /// fn backup() {}
    ///
    /// let registry = Registry::new();
    /// registry.register(&*BACKUP)?;
    /// registry.register(&*RESTORE)?; // no clash: each has its own names
    /// backup();
    /// assert_eq!(registry.get_sample_value("backup_calls_total", &[]), Some(1.0));
    /// assert_eq!(registry.get_sample_value("restore_calls_total", &[]), Some(0.0));
    ///
    /// assert_eq!(
    ///     FunctionMetrics::named("backup_seconds", "Backups.").unwrap_err().to_string(),
    ///     "invalid metric name \"backup_seconds\": FunctionMetrics::named prefixes its four \
    ///      metrics (`backup_seconds_calls_total`, `backup_seconds_in_progress`, \
    ///      `backup_seconds_errors_total`, `backup_seconds_duration_seconds`), so the name \
    ///      cannot end with `_seconds`; give a prefix such as \"backup\""
    /// );
    /// # Ok::<(), promenade::Error>(())
    /// ```
    #[track_caller]
    pub fn named(name: &str, help: &str) -> Result<Self, Error> {
        Self::named_with_buckets(name, help, Buckets::default())
    }

    /// [`named`](Self::named), the duration histograms with `buckets`.
    #[track_caller]
    pub fn named_with_buckets(name: &str, help: &str, buckets: Buckets) -> Result<Self, Error> {
        check_function_prefix(name)?;
        crate::validate::help(help)?;
        let at = std::panic::Location::caller();
        let defined_at = format!(
            "`{name}_*` (a promenade::FunctionMetrics named at {}:{})",
            at.file(),
            at.line()
        );
        let descriptors = function_descriptors(&format!("{name}_"), Some(help), defined_at.into());
        Ok(Self::build(buckets, descriptors))
    }

    fn build(buckets: Buckets, descriptors: Vec<Descriptor>) -> Self {
        let metrics = FunctionMetrics {
            calls: Counter::new(),
            in_progress: IntGauge::new(),
            errors: KindCounter::with_limit(FUNCTION_KIND_LIMIT),
            duration: Family::with_config(buckets),
            descriptors: descriptors.into(),
        };
        // Every call can panic: that kind exists before the first failure.
        metrics.errors.count_zero(ErrorKind::Panic);
        metrics
    }

    /// Calls (`calls_total`), counted as each call starts.
    pub fn calls(&self) -> &Counter {
        &self.calls
    }

    /// Calls in flight (`in_progress`).
    pub fn in_progress(&self) -> &IntGauge {
        &self.in_progress
    }

    /// How many calls failed with `kind` (`errors_total{kind}`): the error's label value
    /// (`panic_` and `error_` for the values `panic` and `error`), `error` for an `Err`
    /// whose type is not a finite [`LabelValue`], `panic` for a panic; 0 for a kind never
    /// seen.
    pub fn errors(&self, kind: &str) -> u64 {
        let labels = KindLabel {
            kind: Cow::Owned(kind.to_owned()),
        };
        self.errors.family.get(&labels).map_or(0, |c| c.get())
    }

    /// The durations in seconds by how each call ended (`duration_seconds{outcome}`).
    pub fn duration(&self) -> &Family<Outcome, Histogram> {
        &self.duration
    }

    /// Sends the four families under `descriptors` (in [`FUNCTION_PARTS`] order).
    fn collect_as(&self, descriptors: &[Descriptor], sink: &mut dyn Sink) {
        let [calls, in_progress, errors, duration] = descriptors else {
            return;
        };
        sink.family(calls);
        self.calls.collect_points(&(), sink);
        sink.family(in_progress);
        self.in_progress.collect_points(&(), sink);
        sink.family(errors);
        self.errors.collect_points(&(), sink);
        sink.family(duration);
        self.duration.collect_points(&(), sink);
    }
}

/// Checks a [`FunctionMetrics::named`] name: a valid metric name that does not end like
/// one of the four names or a sample (`backup_seconds` would give
/// `backup_seconds_duration_seconds`). The run-time twin of the check
/// `#[instrumented(name = ...)]` makes at compile time.
fn check_function_prefix(name: &str) -> Result<(), Error> {
    const SUFFIXES: [&str; 8] = [
        "_total", "_seconds", "_count", "_sum", "_bucket", "_created", "_info", "_",
    ];
    crate::validate::metric_name(name)?;
    let Some(suffix) = SUFFIXES.iter().find(|s| name.ends_with(*s)) else {
        return Ok(());
    };
    let stem = name.trim_end_matches(suffix).trim_end_matches('_');
    // `backup_duration_seconds` meant `backup`.
    let stem = ["_duration", "_calls", "_errors", "_in_progress"]
        .iter()
        .find_map(|part| stem.strip_suffix(part))
        .unwrap_or(stem);
    let fix = if crate::validate::metric_name(stem).is_ok() {
        stem
    } else {
        "backup"
    };
    Err(Error::InvalidMetricName {
        name: name.to_owned(),
        reason: format!(
            "FunctionMetrics::named prefixes its four metrics (`{name}_calls_total`, `{name}_in_progress`, `{name}_errors_total`, `{name}_duration_seconds`), so the name cannot end with `{suffix}`; give a prefix such as {fix:?}"
        )
        .into(),
    })
}

impl Default for FunctionMetrics {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for FunctionMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FunctionMetrics")
            .field("calls", &self.calls.get())
            .field("in_progress", &self.in_progress.get())
            .finish_non_exhaustive()
    }
}

impl KindCounter {
    /// Creates the series of `kind` at zero.
    fn count_zero(&self, kind: ErrorKind<'_>) {
        let kind = match kind {
            ErrorKind::Panic => PANIC_KIND,
            _ => ERROR_KIND,
        };
        self.family.labels(KindLabel {
            kind: Cow::Borrowed(kind),
        });
    }
}

const FUNCTION_METRICS_DEFINED_AT: Cow<'static, str> =
    Cow::Borrowed("a promenade::FunctionMetrics");

impl Collector for FunctionMetrics {
    fn describe(&self) -> Vec<Descriptor> {
        self.descriptors.to_vec()
    }
    fn collect(&self, sink: &mut dyn Sink) {
        self.collect_as(&self.descriptors, sink);
    }
    fn overflows(&self, report: &mut dyn FnMut(&str, u64)) {
        if let (Some(n), Some(errors)) = (
            CollectMetric::overflow_count(&self.errors),
            self.descriptors.get(2),
        ) {
            report(&errors.name, n);
        }
    }
}

impl MetricGroup for FunctionMetrics {
    // Two unlabelled series, the error kinds and their overflow series, and a histogram
    // (buckets, `+Inf`, `_sum`, `_count`) per outcome.
    const SERIES: usize = 2
        + (FUNCTION_KIND_LIMIT + 1)
        + Outcome::ALL.len() * (crate::metrics::DEFAULT_BUCKETS.len() + 3);
    const LABEL_NAMES: &'static [&'static str] = &["kind", "outcome"];
    fn build_group() -> Self {
        FunctionMetrics::new()
    }
}

/// What `#[instrumented(metric = ...)]` records into: a [`FunctionMetrics`].
#[diagnostic::on_unimplemented(
    message = "`#[instrumented(metric = ...)]` needs a `promenade::FunctionMetrics`, and `{Self}` is not one",
    label = "not a `FunctionMetrics`",
    note = "give the path of a `FunctionMetrics`: a field of a `#[derive(Metrics)]` struct marked `#[metric(nested)]` (`metric = MyMetrics::global().backup`), or a static you register (`metric = *BACKUP` for a `LazyLock<FunctionMetrics>` built with `FunctionMetrics::named(\"backup\", \"Nightly backups.\")`); to record into metrics of other kinds, stack `#[counted]`, `#[in_progress]`, `#[counted_exceptions]` and `#[timed(outcome)]` with their own `metric = ...`"
)]
pub trait InstrumentedMetrics {
    /// The metrics.
    fn function_metrics(&self) -> &FunctionMetrics;
}

impl InstrumentedMetrics for FunctionMetrics {
    #[inline]
    fn function_metrics(&self) -> &FunctionMetrics {
        self
    }
}
#[diagnostic::do_not_recommend]
impl<T: InstrumentedMetrics + ?Sized> InstrumentedMetrics for &T {
    #[inline]
    fn function_metrics(&self) -> &FunctionMetrics {
        (**self).function_metrics()
    }
}
#[diagnostic::do_not_recommend]
impl<T: InstrumentedMetrics + ?Sized> InstrumentedMetrics for Arc<T> {
    #[inline]
    fn function_metrics(&self) -> &FunctionMetrics {
        (**self).function_metrics()
    }
}

/// The probe generated code calls for `#[instrumented(metric = PATH)]`, spanned at the
/// path: a value of another type is reported there.
#[inline]
pub fn function_metrics<M: InstrumentedMetrics + ?Sized>(metric: &M) -> &FunctionMetrics {
    metric.function_metrics()
}

/// The error counter of `metrics`, for generated code.
#[inline]
pub fn function_errors(metrics: &FunctionMetrics) -> &KindCounter {
    &metrics.errors
}

/// The metrics of one `#[instrumented(name = "...", help = "...")]` function, registered
/// in the default registry as `<name>_calls_total`, `<name>_in_progress`,
/// `<name>_errors_total` and `<name>_duration_seconds`.
pub struct OwnFunctionMetrics {
    name: &'static str,
    help: &'static str,
    bounds: &'static [f64],
    defined_at: &'static str,
    metrics: OnceLock<Global<FunctionMetrics>>,
    descriptors: OnceLock<Vec<Descriptor>>,
}

impl OwnFunctionMetrics {
    /// The metrics of one function; `name` is the prefix (validated by the macro),
    /// `bounds` the buckets (empty for the defaults).
    pub const fn new(
        name: &'static str,
        help: &'static str,
        bounds: &'static [f64],
        defined_at: &'static str,
    ) -> Self {
        OwnFunctionMetrics {
            name,
            help,
            bounds,
            defined_at,
            metrics: OnceLock::new(),
            descriptors: OnceLock::new(),
        }
    }

    fn built(&self) -> &Global<FunctionMetrics> {
        self.metrics
            .get_or_init(|| Global::new(FunctionMetrics::with_buckets(buckets(self.bounds))))
    }

    fn descriptors(&self) -> &[Descriptor] {
        self.descriptors.get_or_init(|| {
            function_descriptors(
                &format!("{}_", self.name),
                Some(self.help),
                Cow::Borrowed(self.defined_at),
            )
        })
    }

    /// Registers the metrics into `registry`; the calls counter's `_created` is when the
    /// metrics were created (the first call, or this registration).
    pub fn register(&'static self, registry: &Registry) -> Result<(), Error> {
        let created = self.built().created;
        registry.register_created(Arc::new(self), created).map(drop)
    }
}

impl Collector for OwnFunctionMetrics {
    fn describe(&self) -> Vec<Descriptor> {
        self.descriptors().to_vec()
    }
    fn collect(&self, sink: &mut dyn Sink) {
        self.built().value.collect_as(self.descriptors(), sink);
    }
    fn overflows(&self, report: &mut dyn FnMut(&str, u64)) {
        if let Some(n) = CollectMetric::overflow_count(&self.built().value.errors) {
            report(&self.descriptors()[2].name, n);
        }
    }
}

#[diagnostic::do_not_recommend]
impl InstrumentedMetrics for OwnFunctionMetrics {
    #[inline]
    fn function_metrics(&self) -> &FunctionMetrics {
        &self.built().value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_metrics_count_171_series_for_a_budget() {
        // 2 unlabelled, 100 kinds + overflow, 4 outcomes x (14 default bounds + 3).
        assert_eq!(<FunctionMetrics as MetricGroup>::SERIES, 171);
    }

    #[test]
    fn error_values_spelled_like_promenade_kinds_get_one_more_underscore() {
        for (value, kind) in [
            ("panic", "panic_"),
            ("error", "error_"),
            ("panic_", "panic__"),
            ("error___", "error____"),
            ("panicked", "panicked"),
            ("_panic", "_panic"),
            ("panic_x", "panic_x"),
            ("Panic", "Panic"),
            ("", ""),
        ] {
            assert_eq!(error_kind_value(&value.to_owned()), kind, "{value}");
            let mut written = String::new();
            write_error_kind(&value, &mut LabelValueWriter::new(&mut written));
            assert_eq!(written, kind, "{value}");
        }
        // Values are written as they are (the encoders escape them).
        let mut written = String::new();
        write_error_kind(&"say \"hi\"\n\\", &mut LabelValueWriter::new(&mut written));
        assert_eq!(written, "say \"hi\"\n\\");
    }
}
