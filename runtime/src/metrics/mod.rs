//! The values: counters, gauges, histograms, and the guards that record into them.
//!
//! Every type here is a plain struct of atomics. None of them knows its name, its labels
//! or any registry: names and help texts are attached when a metric is registered (or by
//! `#[derive(Metrics)]`), labels by [`Family`](crate::Family).

mod cell;
mod counter;
mod created;
mod exceptions;
pub(crate) mod exemplar;
mod gauge;
mod gauge_histogram;
mod histogram;
pub(crate) mod info;
mod state_set;
mod summary;
mod timer;

pub use counter::{Counter, CounterIncrement, CounterWithExemplar, FloatCounter};
pub use created::{
    created_metrics_enabled, disable_created_metrics, enable_created_metrics, DISABLE_CREATED_ENV,
};
pub use exceptions::ExceptionGuard;
pub use exemplar::{Exemplar, ExemplarLabels, EXEMPLAR_MAX_CODE_POINTS};
pub use gauge::{CallbackGauge, Gauge, InProgress, IntGauge, UpDown};
pub use gauge_histogram::GaugeHistogram;
pub use histogram::{Buckets, Histogram, HistogramSnapshot, DEFAULT_BUCKETS};
pub use info::Info;
pub use state_set::{Enum, StateSet, States};
pub use summary::{Quantiles, Summary};
pub use timer::{HistogramTimer, RecordDuration, TimedFuture, Timer};

pub(crate) use created::{latest, unix_now, with_reset_snapshot, CreatedAt};
pub(crate) use exemplar::ExemplarCell;
pub(crate) use histogram::bucket_reason;

/// A metric that can be created from a configuration, so that a
/// [`Family`](crate::Family) can create one per label set and the derives can create a
/// field.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a metric a `Family` can hold",
    label = "not a metric",
    note = "a family holds one metric per label set: `Counter`, `FloatCounter`, `CounterWithExemplar`, `Gauge`, `IntGauge`, `Histogram`, `Summary`, `Info`, `StateSet<S>`, `Enum<S>` or `GaugeHistogram`, as in `Family<Request, Counter>`; a `CallbackGauge` is one value read from a function, so it cannot be in a family"
)]
pub trait Metric: Send + Sync + 'static {
    /// What every series of a family shares (the buckets of a histogram; `()` for most).
    type Config: Clone + Default + Send + Sync + 'static;

    /// A fresh metric (at zero) with the given configuration.
    fn with_config(config: &Self::Config) -> Self;

    /// Puts the metric back to its fresh state (zero, no exemplar, a new creation time).
    /// [`Family::remove`](crate::Family::remove) and [`Family::clear`](crate::Family::clear)
    /// use it for the series of a finite family, which always exist.
    fn reset(&self);

    /// Multiprocess mode: gives this series of a family cells in a series record, moving
    /// in what it recorded; `None` if it stays in the process (a type that cannot live in
    /// the file, or no room left in it).
    #[cfg(feature = "multiprocess")]
    #[doc(hidden)]
    fn bind_series(
        &self,
        family: &std::sync::Arc<crate::multiprocess::FamilyBinding>,
        labels: &dyn crate::labels::EncodeLabels,
    ) -> Option<crate::multiprocess::SeriesCells> {
        let _ = (family, labels);
        None
    }
}

/// The kind of a metric family, as exposed in `# TYPE` lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MetricType {
    /// A monotonically increasing total.
    Counter,
    /// A value that goes up and down.
    Gauge,
    /// Observations counted in cumulative buckets, with their sum and count.
    Histogram,
    /// A metric whose type is not known (`unknown` in OpenMetrics, `untyped` in text
    /// 0.0.4, and a parsed family without a TYPE line).
    Unknown,
    /// Observations counted with their sum, optionally with quantiles.
    Summary,
    /// Constant labels describing the target (`x_info{…} 1`).
    Info,
    /// A set of states, each true or false, one series per state.
    StateSet,
    /// Buckets of a current distribution that can go down as well as up.
    GaugeHistogram,
}

impl MetricType {
    /// The same type in `promenade-rules`, where the rules about types live (which
    /// samples a family exposes, which labels it reserves), shared with the macros. That
    /// copy of the list is exhaustive, so every rule says what it does for each type.
    pub(crate) const fn rule(self) -> promenade_rules::MetricType {
        use promenade_rules::MetricType as R;
        match self {
            MetricType::Counter => R::Counter,
            MetricType::Gauge => R::Gauge,
            MetricType::Histogram => R::Histogram,
            MetricType::Unknown => R::Unknown,
            MetricType::Summary => R::Summary,
            MetricType::Info => R::Info,
            MetricType::StateSet => R::StateSet,
            MetricType::GaugeHistogram => R::GaugeHistogram,
        }
    }

    /// The suffixes the samples of a family of this type can carry, the empty suffix
    /// included; two families clash when any of their sample names coincide.
    pub const fn sample_suffixes(self) -> &'static [&'static str] {
        self.rule().sample_suffixes()
    }

    /// Whether a sample is named exactly like the family (a gauge's, a summary's
    /// quantiles, a state set's); a counter's, a histogram's and an info metric's samples
    /// all carry a suffix.
    pub const fn shows_family_name(self) -> bool {
        self.rule().shows_family_name()
    }

    /// The suffix of the family's main sample that [`Descriptor::new`](crate::registry::Descriptor::new)
    /// strips from a name given with it: `_total` for counters, `_info` for info metrics.
    pub const fn name_suffix(self) -> Option<&'static str> {
        self.rule().name_suffix()
    }

    /// The name used in OpenMetrics' `# TYPE` line (the same as [`as_str`](Self::as_str)).
    pub const fn openmetrics_str(self) -> &'static str {
        self.as_str()
    }

    /// The type's own name, as OpenMetrics spells it (`unknown`, `stateset`, …).
    ///
    /// ```
    /// use promenade::MetricType;
    /// assert_eq!(MetricType::Unknown.as_str(), "unknown");
    /// assert_eq!(MetricType::Unknown.text_str(), "untyped");
    /// assert_eq!(MetricType::StateSet.to_string(), "stateset");
    /// ```
    pub const fn as_str(self) -> &'static str {
        self.rule().as_str()
    }

    /// The name used in the Prometheus text format's (0.0.4) `# TYPE` line, where the
    /// OpenMetrics-only types are mapped the way Prometheus expects: info and stateset
    /// become gauges, a gauge histogram a histogram, unknown `untyped`.
    pub const fn text_str(self) -> &'static str {
        self.rule().text_str()
    }
}

impl std::fmt::Display for MetricType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Atomically adds `v` to an `f64` stored as bits in an `AtomicU64`.
#[inline]
pub(crate) fn atomic_f64_add(cell: &std::sync::atomic::AtomicU64, v: f64) {
    atomic_f64_add_ordered(cell, v, std::sync::atomic::Ordering::Relaxed)
}

/// [`atomic_f64_add`] whose successful exchange has ordering `order`.
#[inline]
pub(crate) fn atomic_f64_add_ordered(
    cell: &std::sync::atomic::AtomicU64,
    v: f64,
    order: std::sync::atomic::Ordering,
) {
    use std::sync::atomic::Ordering::Relaxed;
    let mut old = cell.load(Relaxed);
    loop {
        let new = (f64::from_bits(old) + v).to_bits();
        match cell.compare_exchange_weak(old, new, order, Relaxed) {
            Ok(_) => return,
            Err(current) => old = current,
        }
    }
}
