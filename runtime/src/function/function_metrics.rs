//! [`FunctionMetrics`]: the four metrics `#[instrumented]` records for one function, as a
//! hand-written `Collector` + `MetricGroup` (so it nests in a derived struct or is
//! registered on its own), what `#[instrumented(metric = ...)]` takes
//! ([`InstrumentedMetrics`]), and [`OwnFunctionMetrics`], what
//! `#[instrumented(name = ...)]` registers.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use super::error_kind::KindCounter;
use super::outcome::Outcome;
use super::own::buckets;
use crate::__private::{Global, MetricGroup};
use crate::family::Family;
#[cfg(doc)]
use crate::labels::LabelValue;
use crate::metrics::{Buckets, Counter, Histogram, IntGauge, MetricType};
use crate::registry::{CollectMetric, Collector, Descriptor, Registry, Sink};
use crate::Error;

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
        metrics.errors.count_zero_panics();
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
        self.errors.get(kind)
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
/// `#[instrumented(name = ...)]` makes at compile time, by the same rule of
/// `promenade-rules`.
fn check_function_prefix(name: &str) -> Result<(), Error> {
    crate::validate::metric_name(name)?;
    let Some((suffix, stem)) = promenade_rules::names::function_prefix_mistake(name) else {
        return Ok(());
    };
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

const FUNCTION_METRICS_DEFINED_AT: Cow<'static, str> =
    Cow::Borrowed("a promenade::FunctionMetrics");

impl Collector for FunctionMetrics {
    fn may_block(&self) -> bool {
        false
    }
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
    fn may_block(&self) -> bool {
        false
    }
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
}
