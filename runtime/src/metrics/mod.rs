//! The values: counters, gauges, histograms, and the guards that record into them.
//!
//! Every type here is a plain struct of atomics. None of them knows its name, its labels
//! or any registry: names and help texts are attached when a metric is registered (or by
//! `#[derive(Metrics)]`), labels by [`Family`](crate::Family).

mod counter;
mod gauge;
mod histogram;
mod timer;

pub use counter::{Counter, FloatCounter};
pub use gauge::{CallbackGauge, Gauge, InProgress, IntGauge, UpDown};
pub use histogram::{Buckets, Histogram, HistogramSnapshot, DEFAULT_BUCKETS};
pub use timer::{HistogramTimer, TimedFuture};

/// A metric that can be created from a configuration, so that a
/// [`Family`](crate::Family) can create one per label set and the derives can create a
/// field.
pub trait Metric: Send + Sync + 'static {
    /// What every series of a family shares (the buckets of a histogram; `()` for most).
    type Config: Clone + Default + Send + Sync + 'static;

    /// A fresh metric (at zero) with the given configuration.
    fn with_config(config: &Self::Config) -> Self;
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
    /// A metric whose type is not known.
    Untyped,
}

impl MetricType {
    /// The suffixes the samples of a family of this type can carry, the empty suffix
    /// included; two families clash when any of their sample names coincide.
    pub const fn sample_suffixes(self) -> &'static [&'static str] {
        match self {
            MetricType::Counter => &["", "_total", "_created"],
            MetricType::Histogram => &["", "_bucket", "_sum", "_count", "_created"],
            MetricType::Gauge | MetricType::Untyped => &[""],
        }
    }

    /// The name used in the Prometheus text format's `# TYPE` line.
    pub const fn as_str(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Histogram => "histogram",
            MetricType::Untyped => "untyped",
        }
    }
}

/// Atomically adds `v` to an `f64` stored as bits in an `AtomicU64`.
#[inline]
pub(crate) fn atomic_f64_add(cell: &std::sync::atomic::AtomicU64, v: f64) {
    use std::sync::atomic::Ordering::Relaxed;
    let mut old = cell.load(Relaxed);
    loop {
        let new = (f64::from_bits(old) + v).to_bits();
        match cell.compare_exchange_weak(old, new, Relaxed, Relaxed) {
            Ok(_) => return,
            Err(current) => old = current,
        }
    }
}
