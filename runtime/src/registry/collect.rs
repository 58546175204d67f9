//! The collected view: what a collector hands to an encoder.

use std::borrow::Cow;
use std::sync::Arc;

use crate::family::Family;
use crate::labels::{EncodeLabels, LabelSet};
use crate::metrics::{
    CallbackGauge, Counter, FloatCounter, Gauge, Histogram, IntGauge, Metric, MetricType,
};

/// The name, help text and type of one metric family.
///
/// For counters, `name` is the name without `_total`; the encoders add it.
#[derive(Debug, Clone, PartialEq)]
pub struct Descriptor {
    /// The family name.
    pub name: Cow<'static, str>,
    /// The help text (unescaped).
    pub help: Cow<'static, str>,
    /// The metric type.
    pub metric_type: MetricType,
    /// Where the metric is defined, for error messages (`my_app::HttpMetrics::requests`).
    pub defined_at: Cow<'static, str>,
}

impl Descriptor {
    /// A descriptor; `name` and `help` are not validated here (the registry and the derives
    /// do that). A counter name ending in `_total` is stored without it.
    pub fn new(
        name: impl Into<Cow<'static, str>>,
        help: impl Into<Cow<'static, str>>,
        metric_type: MetricType,
        defined_at: impl Into<Cow<'static, str>>,
    ) -> Self {
        let mut name = name.into();
        if metric_type == MetricType::Counter {
            if let Some(base) = name.strip_suffix("_total") {
                name = Cow::Owned(base.to_owned());
            }
        }
        Descriptor {
            name,
            help: help.into(),
            metric_type,
            defined_at: defined_at.into(),
        }
    }

    /// Every sample name a family with this descriptor can expose.
    pub fn sample_names(&self) -> impl Iterator<Item = String> + '_ {
        self.metric_type
            .sample_suffixes()
            .iter()
            .map(move |suffix| format!("{}{suffix}", self.name))
    }
}

/// A number as collected: integer counters stay integers in the exposition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// An unsigned integer.
    Int(u64),
    /// A signed integer.
    SignedInt(i64),
    /// A float (may be NaN or infinite).
    Float(f64),
}

impl Number {
    /// The value as an `f64`.
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(v) => v as f64,
            Number::SignedInt(v) => v as f64,
            Number::Float(v) => v,
        }
    }
}

/// The value of one series.
#[derive(Debug, Clone, Copy)]
pub enum Point<'a> {
    /// A counter total.
    Counter(Number),
    /// A gauge value.
    Gauge(Number),
    /// A histogram: read it with [`Histogram::cumulative_into`] and [`Histogram::sum`].
    Histogram(&'a Histogram),
    /// A value of unknown type.
    Untyped(Number),
}

/// Where collectors send families and their series. The encoders implement it.
pub trait Sink {
    /// Starts a family; the series that follow belong to it.
    fn family(&mut self, descriptor: &Descriptor);
    /// One series of the current family.
    fn point(&mut self, labels: &dyn EncodeLabels, point: Point<'_>);
}

/// A metric that can report its series (every metric type, families, and shared handles
/// to them).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a metric promenade can expose",
    label = "not a metric",
    note = "metric fields must be `Counter`, `FloatCounter`, `Gauge`, `IntGauge`, `Histogram`, or a `Family<L, M>` of them"
)]
pub trait CollectMetric: Send + Sync {
    /// The type of the family.
    const TYPE: MetricType;
    /// Sends every series, labelled with `labels` (and the family's own labels).
    fn collect_points(&self, labels: &dyn EncodeLabels, sink: &mut dyn Sink);

    /// For families with an open label set: how many lookups landed on the overflow
    /// series. `None` for everything that cannot overflow.
    fn overflow_count(&self) -> Option<u64> {
        None
    }
}

macro_rules! scalar_collect {
    ($($ty:ty => $variant:ident($num:ident) as $t:ident),* $(,)?) => {$(
        impl CollectMetric for $ty {
            const TYPE: MetricType = MetricType::$t;
            fn collect_points(&self, labels: &dyn EncodeLabels, sink: &mut dyn Sink) {
                sink.point(labels, Point::$variant(Number::$num(self.get())));
            }
        }
    )*};
}
scalar_collect!(
    Counter => Counter(Int) as Counter,
    FloatCounter => Counter(Float) as Counter,
    Gauge => Gauge(Float) as Gauge,
    IntGauge => Gauge(SignedInt) as Gauge,
    CallbackGauge => Gauge(Float) as Gauge,
);

impl CollectMetric for Histogram {
    const TYPE: MetricType = MetricType::Histogram;
    fn collect_points(&self, labels: &dyn EncodeLabels, sink: &mut dyn Sink) {
        sink.point(labels, Point::Histogram(self));
    }
}

impl<L: LabelSet, M: Metric + CollectMetric> CollectMetric for Family<L, M> {
    const TYPE: MetricType = M::TYPE;
    fn collect_points(&self, _labels: &dyn EncodeLabels, sink: &mut dyn Sink) {
        self.for_each(|labels, m| m.collect_points(labels, sink));
    }
    fn overflow_count(&self) -> Option<u64> {
        (!self.is_dense()).then(|| Family::overflow_count(self))
    }
}

impl<M: CollectMetric + ?Sized> CollectMetric for &'static M {
    const TYPE: MetricType = M::TYPE;
    fn collect_points(&self, labels: &dyn EncodeLabels, sink: &mut dyn Sink) {
        (**self).collect_points(labels, sink)
    }
    fn overflow_count(&self) -> Option<u64> {
        (**self).overflow_count()
    }
}

impl<M: CollectMetric + ?Sized> CollectMetric for Arc<M> {
    const TYPE: MetricType = M::TYPE;
    fn collect_points(&self, labels: &dyn EncodeLabels, sink: &mut dyn Sink) {
        (**self).collect_points(labels, sink)
    }
    fn overflow_count(&self) -> Option<u64> {
        (**self).overflow_count()
    }
}

/// Something a [`Registry`](crate::Registry) collects at every scrape: a derived metrics
/// struct, a named metric, or your own code computing values at scrape time.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a collector",
    label = "cannot be registered",
    note = "derive `promenade::Metrics` on a struct of metrics, use `Registry::register_metric` for a single metric, or implement `Collector`"
)]
pub trait Collector: Send + Sync + 'static {
    /// The families this collector exposes; the registry uses it to detect duplicates
    /// before accepting the collector.
    fn describe(&self) -> Vec<Descriptor>;

    /// Sends every family (via [`Sink::family`]) followed by its series.
    fn collect(&self, sink: &mut dyn Sink);

    /// Reports, for each family with an open label set, its name and how many lookups
    /// landed on its overflow series. The default reports nothing.
    fn overflows(&self, report: &mut dyn FnMut(&str, u64)) {
        let _ = report;
    }
}

impl<C: Collector + ?Sized> Collector for Arc<C> {
    fn describe(&self) -> Vec<Descriptor> {
        (**self).describe()
    }
    fn collect(&self, sink: &mut dyn Sink) {
        (**self).collect(sink)
    }
    fn overflows(&self, report: &mut dyn FnMut(&str, u64)) {
        (**self).overflows(report)
    }
}

impl<C: Collector + ?Sized> Collector for &'static C {
    fn describe(&self) -> Vec<Descriptor> {
        (**self).describe()
    }
    fn collect(&self, sink: &mut dyn Sink) {
        (**self).collect(sink)
    }
    fn overflows(&self, report: &mut dyn FnMut(&str, u64)) {
        (**self).overflows(report)
    }
}

/// One metric with a name and help text: what [`Registry::register_metric`](crate::Registry::register_metric) registers.
pub struct Named<M> {
    descriptor: Descriptor,
    metric: M,
}

impl<M: CollectMetric + 'static> Named<M> {
    /// Validates `name` and wraps `metric`.
    #[track_caller]
    pub fn new(
        name: impl Into<Cow<'static, str>>,
        help: impl Into<Cow<'static, str>>,
        metric: M,
    ) -> Result<Self, crate::Error> {
        let name = name.into();
        crate::validate::metric_name(&name)?;
        let help = help.into();
        crate::validate::help(&help)?;
        let at = std::panic::Location::caller();
        let defined_at = format!("`{name}` registered at {}:{}", at.file(), at.line());
        Ok(Named {
            descriptor: Descriptor::new(name, help, M::TYPE, defined_at),
            metric,
        })
    }
}

impl<M: CollectMetric + 'static> Collector for Named<M> {
    fn describe(&self) -> Vec<Descriptor> {
        vec![self.descriptor.clone()]
    }
    fn collect(&self, sink: &mut dyn Sink) {
        sink.family(&self.descriptor);
        self.metric.collect_points(&(), sink);
    }
    fn overflows(&self, report: &mut dyn FnMut(&str, u64)) {
        if let Some(n) = self.metric.overflow_count() {
            report(&self.descriptor.name, n);
        }
    }
}

impl Point<'_> {
    /// The type of family this point belongs to.
    pub fn metric_type(&self) -> MetricType {
        match self {
            Point::Counter(_) => MetricType::Counter,
            Point::Gauge(_) => MetricType::Gauge,
            Point::Histogram(_) => MetricType::Histogram,
            Point::Untyped(_) => MetricType::Untyped,
        }
    }

    /// Calls `f(suffix, le, value)` for every sample of this point, in exposition order:
    /// `_total` for a counter; `_bucket` per bound (cumulative, `le = +Inf` last, equal to the
    /// count), `_sum` and `_count` for a histogram; no suffix otherwise. `scratch` is reused
    /// for the histogram's cumulative counts.
    pub fn for_each_sample(
        &self,
        scratch: &mut Vec<u64>,
        mut f: impl FnMut(&'static str, Option<f64>, Number),
    ) {
        match *self {
            Point::Counter(n) => f("_total", None, n),
            Point::Gauge(n) | Point::Untyped(n) => f("", None, n),
            Point::Histogram(h) => {
                h.cumulative_into(scratch);
                let bounds = h.buckets().bounds();
                let les = bounds.iter().copied().chain(std::iter::once(f64::INFINITY));
                for (le, count) in les.zip(scratch.iter()) {
                    f("_bucket", Some(le), Number::Int(*count));
                }
                let count = scratch.last().copied().unwrap_or(0);
                f("_sum", None, Number::Float(h.sum()));
                f("_count", None, Number::Int(count));
            }
        }
    }
}
