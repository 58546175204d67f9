//! The collected view: what a collector hands to an encoder.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use crate::family::Family;
use crate::labels::{EncodeLabels, LabelSet, LabelValue, LabelWriter};
use crate::metrics::{
    latest, CallbackGauge, Counter, CounterWithExemplar, Enum, FloatCounter, Gauge, GaugeHistogram,
    Histogram, Info, IntGauge, Metric, MetricType, StateSet, Summary,
};
use crate::Error;

use super::point::{DataValue, PointData};
use super::Point;
use crate::number::Number;

/// The name, help text, type and unit of one metric family.
///
/// For counters, `name` is the name without `_total` (for info metrics, without `_info`);
/// the encoders add it.
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
    /// The unit (`seconds`, `bytes`), exposed as OpenMetrics' `# UNIT`; set it with
    /// [`with_unit`](Self::with_unit), which checks it against the name.
    pub unit: Option<Cow<'static, str>>,
    /// How a gauge's values from many processes become one in
    /// [multiprocess mode](crate::multiprocess); `None` is the default,
    /// [`GaugeMode::All`](crate::multiprocess::GaugeMode::All). Ignored for other types.
    pub multiprocess_mode: Option<crate::multiprocess::GaugeMode>,
}

impl Descriptor {
    /// A descriptor; `name` and `help` are not validated here (the registry and the derives
    /// do that). A counter name ending in `_total` is stored without it, an info name
    /// ending in `_info` without that.
    pub fn new(
        name: impl Into<Cow<'static, str>>,
        help: impl Into<Cow<'static, str>>,
        metric_type: MetricType,
        defined_at: impl Into<Cow<'static, str>>,
    ) -> Self {
        let mut name = name.into();
        if let Some(suffix) = metric_type.name_suffix() {
            if let Some(base) = name.strip_suffix(suffix) {
                name = match name {
                    Cow::Borrowed(b) => Cow::Borrowed(&b[..base.len()]),
                    Cow::Owned(_) => Cow::Owned(base.to_owned()),
                };
            }
        }
        Descriptor {
            name,
            help: help.into(),
            metric_type,
            defined_at: defined_at.into(),
            unit: None,
            multiprocess_mode: None,
        }
    }

    /// Sets the unit. OpenMetrics requires the family name to end with `_<unit>` (for a
    /// counter, before `_total`); info and state sets take no unit.
    ///
    /// ```
    /// use promenade::{registry::Descriptor, MetricType};
    /// let d = Descriptor::new("latency_seconds", "Latency.", MetricType::Histogram, "here");
    /// assert!(d.clone().with_unit("seconds").is_ok());
    /// assert_eq!(
    ///     d.with_unit("bytes").unwrap_err().to_string(),
    ///     "invalid metric name \"latency_seconds\": a metric with unit `bytes` must have a name ending in `_bytes`"
    /// );
    /// ```
    pub fn with_unit(mut self, unit: impl Into<Cow<'static, str>>) -> Result<Self, Error> {
        let unit = unit.into();
        check_unit(&self.name, self.metric_type, &unit)?;
        self.unit = Some(unit);
        Ok(self)
    }

    /// Sets how the gauge's values of many processes are aggregated in
    /// [multiprocess mode](crate::multiprocess) (no effect on other types, or without it).
    pub fn with_multiprocess_mode(mut self, mode: crate::multiprocess::GaugeMode) -> Self {
        self.multiprocess_mode = Some(mode);
        self
    }

    /// Every sample name a family with this descriptor can expose.
    pub fn sample_names(&self) -> impl Iterator<Item = String> + '_ {
        self.metric_type
            .sample_suffixes()
            .iter()
            .map(move |suffix| format!("{}{suffix}", self.name))
    }
}

/// The rules of [`Descriptor::with_unit`].
fn check_unit(name: &str, metric_type: MetricType, unit: &str) -> Result<(), Error> {
    let err = |reason: String| {
        Err(Error::InvalidMetricName {
            name: name.to_owned(),
            reason: reason.into(),
        })
    };
    if unit.is_empty()
        || !unit
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    {
        return err(format!(
            "the unit {unit:?} must be non-empty ASCII letters, digits, `_` or `:`"
        ));
    }
    if matches!(metric_type, MetricType::Info | MetricType::StateSet) {
        return err(format!(
            "an {} metric takes no unit",
            metric_type.openmetrics_str()
        ));
    }
    if !name
        .strip_suffix(unit)
        .is_some_and(|rest| rest.ends_with('_'))
    {
        return err(format!(
            "a metric with unit `{unit}` must have a name ending in `_{unit}`"
        ));
    }
    Ok(())
}

/// Where collectors send families and their series. The encoders implement it.
pub trait Sink {
    /// Starts a family; the series that follow belong to it.
    fn family(&mut self, descriptor: &Descriptor);
    /// One series of the current family.
    fn point(&mut self, labels: &dyn EncodeLabels, point: Point<'_>);

    /// The registry is about to run one collector. A sink that can undo what it is sent
    /// remembers where it stands.
    fn begin_collector(&mut self) {}
    /// The collector started by the last [`begin_collector`](Self::begin_collector)
    /// panicked or returned an error: forget everything it sent.
    fn abort_collector(&mut self) {}

    /// When the running collector was registered, in seconds since the epoch: the
    /// creation time (`_created`) of an unlabelled [`Counter`] or [`FloatCounter`], which
    /// keep none of their own. The registry answers it; other sinks pass it on, and a sink
    /// outside a registry has `None`.
    fn registered_at(&self) -> Option<f64> {
        None
    }

    /// Multiprocess mode's binding walk: `Some` only in the sink the default registry runs
    /// a collector through once, at registration. Sinks that wrap another pass it on.
    #[cfg(feature = "multiprocess")]
    #[doc(hidden)]
    fn multiprocess_binder(&mut self) -> Option<&mut crate::multiprocess::Binder> {
        None
    }
}

impl<S: Sink + ?Sized> Sink for &mut S {
    fn family(&mut self, descriptor: &Descriptor) {
        (**self).family(descriptor)
    }
    fn point(&mut self, labels: &dyn EncodeLabels, point: Point<'_>) {
        (**self).point(labels, point)
    }
    fn begin_collector(&mut self) {
        (**self).begin_collector()
    }
    fn abort_collector(&mut self) {
        (**self).abort_collector()
    }
    fn registered_at(&self) -> Option<f64> {
        (**self).registered_at()
    }
    #[cfg(feature = "multiprocess")]
    fn multiprocess_binder(&mut self) -> Option<&mut crate::multiprocess::Binder> {
        (**self).multiprocess_binder()
    }
}

/// A metric that can report its series (every metric type, families, and shared handles
/// to them).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a metric promenade can expose",
    label = "not a metric",
    note = "a metric is a `Counter`, `FloatCounter`, `CounterWithExemplar`, `Gauge`, `IntGauge`, `CallbackGauge`, `Histogram`, `Summary`, `Info`, `StateSet<S>`, `Enum<S>`, `GaugeHistogram`, a `Family<L, M>` of them (all but `CallbackGauge`), or an `Arc` or `&'static` of one of these"
)]
pub trait CollectMetric: Send + Sync {
    /// The type of the family.
    const TYPE: MetricType;
    /// Whether collecting it runs code that may block (a [`CallbackGauge`](crate::CallbackGauge)'s
    /// function): a [`Named`] metric that may is collected under the registry's
    /// [collector timeout](crate::Registry::set_collector_timeout).
    const MAY_BLOCK: bool = false;
    /// Sends every series, labelled with `labels` (and the family's own labels).
    fn collect_points(&self, labels: &dyn EncodeLabels, sink: &mut dyn Sink);

    /// Sends this metric as one series of a family that created it at `created` (seconds
    /// since the epoch). Metrics that keep no creation time of their own ([`Counter`],
    /// [`FloatCounter`]) expose it as `_created`; the default ignores it.
    fn collect_series(&self, labels: &dyn EncodeLabels, created: f64, sink: &mut dyn Sink) {
        let _ = created;
        self.collect_points(labels, sink)
    }

    /// For families with an open label set: how many lookups landed on the overflow
    /// series. `None` for everything that cannot overflow.
    fn overflow_count(&self) -> Option<u64> {
        None
    }

    /// The names of the labels every series carries (a family's label set), so a
    /// registration can refuse reserved ones (`le`, `quantile`, a state set's own name).
    fn label_names(&self) -> &[&'static str] {
        &[]
    }

    /// Multiprocess mode: gives this metric cells in a series record of `family` (labels
    /// `labels`), moving in what it recorded. Metrics that cannot live in the file (a
    /// callback, your own) keep the default, and stay in the process.
    #[cfg(feature = "multiprocess")]
    #[doc(hidden)]
    fn bind_multiprocess(
        &self,
        family: &Arc<crate::multiprocess::FamilyBinding>,
        labels: &dyn EncodeLabels,
    ) -> Option<crate::multiprocess::SeriesCells> {
        let _ = (family, labels);
        None
    }
}

/// In the binding walk, binds `m` as a series of the family being walked and says so:
/// the caller then sends no point.
#[cfg(feature = "multiprocess")]
#[inline]
pub(crate) fn bind_walk<M: CollectMetric + ?Sized>(
    m: &M,
    labels: &dyn EncodeLabels,
    sink: &mut dyn Sink,
) -> bool {
    let Some(binder) = sink.multiprocess_binder() else {
        return false;
    };
    if let Some(family) = binder.current() {
        if m.bind_multiprocess(&family, labels).is_some() {
            binder.mark_bound();
        }
    }
    true
}

/// `return`s from a `collect_points` in the binding walk, after binding.
macro_rules! bind_walk {
    ($self:ident, $labels:ident, $sink:ident) => {
        #[cfg(feature = "multiprocess")]
        if bind_walk($self, $labels, $sink) {
            return;
        }
    };
}

/// How each type binds: those whose numbers can live in the file have `bind_cells`.
#[cfg(feature = "multiprocess")]
macro_rules! bind_cells {
    (CallbackGauge, $self:ident, $family:ident, $labels:ident) => {{
        let _ = ($family, $labels);
        None
    }};
    (Info, $self:ident, $family:ident, $labels:ident) => {
        Metric::bind_series($self, $family, $labels)
    };
    (GaugeHistogram, $self:ident, $family:ident, $labels:ident) => {{
        let _ = ($family, $labels);
        None
    }};
    ($ty:ident, $self:ident, $family:ident, $labels:ident) => {
        $self.bind_cells($family, $labels)
    };
}

macro_rules! scalar_collect {
    ($($ty:ident => $variant:ident($num:ident) as $t:ident $(, blocks $blocks:literal)?);* $(;)?) => {$(
        impl CollectMetric for $ty {
            const TYPE: MetricType = MetricType::$t;
            $(const MAY_BLOCK: bool = $blocks;)?
            fn collect_points(&self, labels: &dyn EncodeLabels, sink: &mut dyn Sink) {
                bind_walk!(self, labels, sink);
                sink.point(labels, Point::$variant(Number::$num(self.get())));
            }
            #[cfg(feature = "multiprocess")]
            fn bind_multiprocess(
                &self,
                family: &Arc<crate::multiprocess::FamilyBinding>,
                labels: &dyn EncodeLabels,
            ) -> Option<crate::multiprocess::SeriesCells> {
                bind_cells!($ty, self, family, labels)
            }
        }
    )*};
}
scalar_collect!(
    Gauge => Gauge(Float) as Gauge;
    IntGauge => Gauge(SignedInt) as Gauge;
    // Its function is the user's: it may block.
    CallbackGauge => Gauge(Float) as Gauge, blocks true;
);

macro_rules! counter_collect {
    ($($ty:ident => $num:ident),* $(,)?) => {$(
        impl CollectMetric for $ty {
            const TYPE: MetricType = MetricType::Counter;
            /// An unlabelled counter: created when its collector was registered, or when it
            /// was last reset.
            fn collect_points(&self, labels: &dyn EncodeLabels, sink: &mut dyn Sink) {
                bind_walk!(self, labels, sink);
                let created = latest(sink.registered_at(), self.reset_time());
                let value = Number::$num(self.get());
                sink.point(labels, Point::Counter { value, created });
            }
            /// A family's series: created with it, or when it was last reset.
            fn collect_series(&self, labels: &dyn EncodeLabels, created: f64, sink: &mut dyn Sink) {
                let created = latest(Some(created), self.reset_time());
                let value = Number::$num(self.get());
                sink.point(labels, Point::Counter { value, created });
            }
            #[cfg(feature = "multiprocess")]
            fn bind_multiprocess(
                &self,
                family: &Arc<crate::multiprocess::FamilyBinding>,
                labels: &dyn EncodeLabels,
            ) -> Option<crate::multiprocess::SeriesCells> {
                bind_cells!($ty, self, family, labels)
            }
        }
    )*};
}
counter_collect!(Counter => Int, FloatCounter => Float);

macro_rules! ref_collect {
    ($($ty:ident => $variant:ident as $t:ident),* $(,)?) => {$(
        impl CollectMetric for $ty {
            const TYPE: MetricType = MetricType::$t;
            fn collect_points(&self, labels: &dyn EncodeLabels, sink: &mut dyn Sink) {
                bind_walk!(self, labels, sink);
                sink.point(labels, Point::$variant(self));
            }
            #[cfg(feature = "multiprocess")]
            fn bind_multiprocess(
                &self,
                family: &Arc<crate::multiprocess::FamilyBinding>,
                labels: &dyn EncodeLabels,
            ) -> Option<crate::multiprocess::SeriesCells> {
                bind_cells!($ty, self, family, labels)
            }
        }
    )*};
}
ref_collect!(
    Histogram => Histogram as Histogram,
    CounterWithExemplar => CounterWithExemplar as Counter,
    Summary => Summary as Summary,
    Info => Info as Info,
    GaugeHistogram => GaugeHistogram as GaugeHistogram,
);

impl<S: LabelValue> CollectMetric for StateSet<S> {
    const TYPE: MetricType = MetricType::StateSet;
    fn collect_points(&self, labels: &dyn EncodeLabels, sink: &mut dyn Sink) {
        bind_walk!(self, labels, sink);
        sink.point(labels, Point::StateSet(self));
    }
    #[cfg(feature = "multiprocess")]
    fn bind_multiprocess(
        &self,
        family: &Arc<crate::multiprocess::FamilyBinding>,
        labels: &dyn EncodeLabels,
    ) -> Option<crate::multiprocess::SeriesCells> {
        Metric::bind_series(self, family, labels)
    }
}

impl<S: LabelValue> CollectMetric for Enum<S> {
    const TYPE: MetricType = MetricType::StateSet;
    fn collect_points(&self, labels: &dyn EncodeLabels, sink: &mut dyn Sink) {
        bind_walk!(self, labels, sink);
        sink.point(labels, Point::StateSet(self));
    }
    #[cfg(feature = "multiprocess")]
    fn bind_multiprocess(
        &self,
        family: &Arc<crate::multiprocess::FamilyBinding>,
        labels: &dyn EncodeLabels,
    ) -> Option<crate::multiprocess::SeriesCells> {
        Metric::bind_series(self, family, labels)
    }
}

impl<L: LabelSet, M: Metric + CollectMetric> CollectMetric for Family<L, M> {
    const TYPE: MetricType = M::TYPE;
    fn collect_points(&self, _labels: &dyn EncodeLabels, sink: &mut dyn Sink) {
        #[cfg(feature = "multiprocess")]
        if let Some(binder) = sink.multiprocess_binder() {
            if let Some(family) = binder.current() {
                self.bind(family);
                binder.mark_bound();
            }
            return;
        }
        self.for_each_created(|labels, m, created| m.collect_series(labels, created, sink));
    }
    fn overflow_count(&self) -> Option<u64> {
        (!self.is_dense()).then(|| Family::overflow_count(self))
    }
    fn label_names(&self) -> &[&'static str] {
        Family::label_names(self)
    }
}

impl<M: CollectMetric + ?Sized> CollectMetric for &'static M {
    const TYPE: MetricType = M::TYPE;
    const MAY_BLOCK: bool = M::MAY_BLOCK;
    fn collect_points(&self, labels: &dyn EncodeLabels, sink: &mut dyn Sink) {
        (**self).collect_points(labels, sink)
    }
    fn collect_series(&self, labels: &dyn EncodeLabels, created: f64, sink: &mut dyn Sink) {
        (**self).collect_series(labels, created, sink)
    }
    fn overflow_count(&self) -> Option<u64> {
        (**self).overflow_count()
    }
    fn label_names(&self) -> &[&'static str] {
        (**self).label_names()
    }
    #[cfg(feature = "multiprocess")]
    fn bind_multiprocess(
        &self,
        family: &Arc<crate::multiprocess::FamilyBinding>,
        labels: &dyn EncodeLabels,
    ) -> Option<crate::multiprocess::SeriesCells> {
        (**self).bind_multiprocess(family, labels)
    }
}

impl<M: CollectMetric + ?Sized> CollectMetric for Arc<M> {
    const TYPE: MetricType = M::TYPE;
    const MAY_BLOCK: bool = M::MAY_BLOCK;
    fn collect_points(&self, labels: &dyn EncodeLabels, sink: &mut dyn Sink) {
        (**self).collect_points(labels, sink)
    }
    fn collect_series(&self, labels: &dyn EncodeLabels, created: f64, sink: &mut dyn Sink) {
        (**self).collect_series(labels, created, sink)
    }
    fn overflow_count(&self) -> Option<u64> {
        (**self).overflow_count()
    }
    fn label_names(&self) -> &[&'static str] {
        (**self).label_names()
    }
    #[cfg(feature = "multiprocess")]
    fn bind_multiprocess(
        &self,
        family: &Arc<crate::multiprocess::FamilyBinding>,
        labels: &dyn EncodeLabels,
    ) -> Option<crate::multiprocess::SeriesCells> {
        (**self).bind_multiprocess(family, labels)
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
    ///
    /// The default runs [`try_collect`](Self::try_collect) once, at registration, and
    /// keeps the descriptor of every family it sends (its series are dropped; an error it
    /// returns only ends the list), so a collector that only implements `collect` is
    /// refused at [`register`](crate::Registry::register) when one of its families clashes
    /// with a registered one, as the Python client's `registry.register(collector)`
    /// raises. Implement `describe` when collecting is expensive, has side effects, or
    /// cannot succeed at registration; a collector whose families vary from scrape to
    /// scrape may return `Vec::new()`: the checking sink of each scrape still refuses a
    /// clash (see [`Registry::collect`](crate::Registry::collect)).
    ///
    /// ```
    /// use promenade::registry::{Collector, Descriptor, Sink};
    /// use promenade::{Counter, MetricType, Registry};
    /// use std::sync::Arc;
    ///
    /// struct Jobs;
    /// impl Collector for Jobs {
    ///     // No `describe`: registration collects once to learn `jobs`.
    ///     fn collect(&self, sink: &mut dyn Sink) {
    ///         sink.family(&Descriptor::new("jobs", "Jobs.", MetricType::Gauge, "Jobs"));
    ///     }
    /// }
    /// let registry = Registry::new();
    /// registry.register_metric("jobs", "Jobs done.", Arc::new(Counter::new()))?;
    /// let err = registry.register(Jobs).unwrap_err();
    /// assert!(err.to_string().contains("duplicate metric: `jobs`"), "{err}");
    /// # Ok::<(), promenade::Error>(())
    /// ```
    fn describe(&self) -> Vec<Descriptor> {
        let mut sink = super::DescriptorSink::default();
        // Whatever was sent before an error is what the collector exposes today.
        let _ = self.try_collect(&mut sink);
        sink.descriptors
    }

    /// Sends every family (via [`Sink::family`]) followed by its series.
    fn collect(&self, sink: &mut dyn Sink);

    /// What the registry calls at a scrape: [`collect`](Self::collect), unless the
    /// collector can fail. A collector whose values come from somewhere that can fail
    /// implements this (and makes `collect` call it, ignoring the error): when it returns
    /// an error — or panics — the registry discards whatever it had sent, serves the rest,
    /// and counts the failure in `promenade_collector_failures_total{collector="…"}`.
    fn try_collect(&self, sink: &mut dyn Sink) -> Result<(), CollectError> {
        self.collect(sink);
        Ok(())
    }

    /// The name the failure self-metric labels this collector with; the type's name by
    /// default.
    fn collector_name(&self) -> Cow<'static, str> {
        Cow::Borrowed(std::any::type_name::<Self>())
    }

    /// Reports, for each family with an open label set, its name and how many lookups
    /// landed on its overflow series. The default reports nothing.
    fn overflows(&self, report: &mut dyn FnMut(&str, u64)) {
        let _ = report;
    }

    /// Whether collecting may block or take long (it reads a socket, a file, a lock held
    /// elsewhere, calls your code). `true` by default: such a collector runs on a thread
    /// of its own under the registry's [collector
    /// timeout](crate::Registry::set_collector_timeout), so a collector that hangs costs a
    /// scrape its families, not the scrape. Collectors that only read memory (every
    /// metric, derived struct and built-in collector of promenade but a callback)
    /// return `false` and are collected on the scraping thread.
    fn may_block(&self) -> bool {
        true
    }
}

/// Why a collector could not collect: any error, boxed.
pub type CollectError = Box<dyn std::error::Error + Send + Sync>;

impl<C: Collector + ?Sized> Collector for Arc<C> {
    fn describe(&self) -> Vec<Descriptor> {
        (**self).describe()
    }
    fn may_block(&self) -> bool {
        (**self).may_block()
    }
    fn collect(&self, sink: &mut dyn Sink) {
        (**self).collect(sink)
    }
    fn try_collect(&self, sink: &mut dyn Sink) -> Result<(), CollectError> {
        (**self).try_collect(sink)
    }
    fn collector_name(&self) -> Cow<'static, str> {
        (**self).collector_name()
    }
    fn overflows(&self, report: &mut dyn FnMut(&str, u64)) {
        (**self).overflows(report)
    }
}

impl<C: Collector + ?Sized> Collector for &'static C {
    fn describe(&self) -> Vec<Descriptor> {
        (**self).describe()
    }
    fn may_block(&self) -> bool {
        (**self).may_block()
    }
    fn collect(&self, sink: &mut dyn Sink) {
        (**self).collect(sink)
    }
    fn try_collect(&self, sink: &mut dyn Sink) -> Result<(), CollectError> {
        (**self).try_collect(sink)
    }
    fn collector_name(&self) -> Cow<'static, str> {
        (**self).collector_name()
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
    ) -> Result<Self, Error> {
        let name = name.into();
        crate::validate::utf8_metric_name(&name)?;
        let help = help.into();
        crate::validate::help(&help)?;
        check_labels(&name, M::TYPE, metric.label_names())?;
        let at = std::panic::Location::caller();
        let defined_at = format!("`{name}` registered at {}:{}", at.file(), at.line());
        Ok(Named {
            descriptor: Descriptor::new(name, help, M::TYPE, defined_at),
            metric,
        })
    }

    /// Sets the unit (`# UNIT` in OpenMetrics); the name must end with `_<unit>`.
    ///
    /// ```
    /// use promenade::{registry::Named, Gauge, Registry};
    /// use std::sync::Arc;
    /// let g = Named::new("heap_bytes", "Heap size.", Arc::new(Gauge::new()))?.with_unit("bytes")?;
    /// Registry::new().register(g)?;
    /// # Ok::<(), promenade::Error>(())
    /// ```
    pub fn with_unit(mut self, unit: impl Into<Cow<'static, str>>) -> Result<Self, Error> {
        self.descriptor = self.descriptor.with_unit(unit)?;
        Ok(self)
    }

    /// Sets how a gauge's values of many processes are aggregated in
    /// [multiprocess mode](crate::multiprocess): the run-time form of
    /// `#[metric(multiprocess = "…")]` (no effect on other types, or outside that mode).
    ///
    /// ```
    /// use promenade::{multiprocess::GaugeMode, registry::Named, Gauge, Registry};
    /// use std::sync::Arc;
    /// let in_flight = Arc::new(Gauge::new());
    /// let named = Named::new("requests_in_flight", "Requests being served.", in_flight.clone())?
    ///     .with_multiprocess_mode(GaugeMode::LiveSum);
    /// Registry::new().register(named)?;
    /// # Ok::<(), promenade::Error>(())
    /// ```
    pub fn with_multiprocess_mode(mut self, mode: crate::multiprocess::GaugeMode) -> Self {
        self.descriptor = self.descriptor.with_multiprocess_mode(mode);
        self
    }

    /// The descriptor.
    pub fn descriptor(&self) -> &Descriptor {
        &self.descriptor
    }
}

/// Refuses invalid label names and the labels a family of type `ty` reserves for its
/// samples (`promenade_rules::reserved_label`: `le` for histograms, `quantile` for
/// summaries, the family's own name for state sets, whose states are a label named after
/// it), with the reason the derive gives at compile time. A state set's name must itself
/// be a valid label name, and a non-counter's name cannot end in `_total`
/// (`promenade_rules::names::type_suffix_error`, which the derive checks at compile time).
pub(crate) fn check_labels(name: &str, ty: MetricType, labels: &[&str]) -> Result<(), Error> {
    if let Some(reason) = promenade_rules::names::type_suffix_error(ty.rule(), name) {
        return Err(Error::InvalidMetricName {
            name: name.to_owned(),
            reason: reason.into(),
        });
    }
    if ty == MetricType::StateSet {
        crate::validate::utf8_label_name(name).map_err(|_| Error::InvalidMetricName {
            name: name.to_owned(),
            reason: "a state set's states are a label named after it, so its name must also be a valid label name"
                .into(),
        })?;
    }
    for l in labels {
        crate::validate::utf8_label_name(l)?;
        if let Some(reason) = promenade_rules::reserved_label(ty.rule(), name, l) {
            return Err(Error::InvalidLabelName {
                name: (*l).to_owned(),
                reason: format!("{reason}; rename that label").into(),
            });
        }
    }
    Ok(())
}

impl<M> std::fmt::Debug for Named<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Named")
            .field("descriptor", &self.descriptor)
            .finish_non_exhaustive()
    }
}

impl<M: CollectMetric + 'static> Collector for Named<M> {
    fn describe(&self) -> Vec<Descriptor> {
        vec![self.descriptor.clone()]
    }
    fn may_block(&self) -> bool {
        M::MAY_BLOCK
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

/// The sink [`Registry::collect`](crate::Registry::collect) hands each collector, in front
/// of the real one. A collector that sends a family with an invalid name or unit, a family
/// whose sample names clash with one already sent in this scrape (by any collector), a
/// point before any family, or a point of another type than its family's, is faulty: from
/// then on nothing it sends is passed on, and the registry rolls its output back and counts
/// a failure, as for a panic.
///
/// It also leaves out an info metric's labels that repeat one of its series' labels (the
/// series' own label wins): an [`Info`] cannot know the labels of the family it lives in.
///
/// Names are checked per family, by the rules registration applies (an invalid name is
/// refused with the same [`Error`], kept as the collector's
/// [`last_failure`](crate::Registry::last_failure)); per point it costs one comparison of
/// types (and, for labelled info series, a copy of their labels).
pub(crate) struct CheckedSink<'s> {
    inner: &'s mut dyn Sink,
    /// Families sent in this scrape, with their types.
    emitted: HashMap<Cow<'static, str>, MetricType>,
    /// The families the running collector sent, to forget if it fails.
    current: Vec<Cow<'static, str>>,
    /// The type of the family the next points belong to.
    family_type: Option<MetricType>,
    faulty: bool,
    /// Why the running collector is faulty, when a rule said so.
    fault: Option<Error>,
    buf: String,
    /// The names of the labels of the series being checked.
    series_names: Vec<String>,
    info: PointData,
    /// When the running collector was registered.
    registered_at: Option<f64>,
}

impl<'s> CheckedSink<'s> {
    /// A checking adapter in front of `inner`; `reserved` are families the registry sends
    /// itself after the collectors, which no collector may send.
    pub(crate) fn new(inner: &'s mut dyn Sink, reserved: &[(&'static str, MetricType)]) -> Self {
        CheckedSink {
            inner,
            emitted: reserved
                .iter()
                .map(|(n, t)| (Cow::Borrowed(*n), *t))
                .collect(),
            current: Vec::new(),
            family_type: None,
            faulty: false,
            fault: None,
            buf: String::new(),
            series_names: Vec::new(),
            info: PointData {
                value: DataValue::Info(Vec::new()),
                timestamp: None,
            },
            registered_at: None,
        }
    }

    /// A collector, registered at `registered_at` (seconds since the epoch), starts.
    pub(crate) fn begin(&mut self, registered_at: f64) {
        self.registered_at = Some(registered_at);
        self.inner.begin_collector();
        self.current.clear();
        self.family_type = None;
        self.faulty = false;
        self.fault = None;
    }

    /// Why the collector that just ended was faulty, if a rule said so.
    pub(crate) fn take_fault(&mut self) -> Option<Error> {
        self.fault.take()
    }

    /// The collector ended, `ok` if it returned without error or panic. Rolls its output
    /// back if it failed or was faulty; returns whether it was kept.
    pub(crate) fn end(&mut self, ok: bool) -> bool {
        let kept = ok && !self.faulty;
        if !kept {
            self.inner.abort_collector();
            for name in self.current.drain(..) {
                self.emitted.remove(&name);
            }
        }
        self.family_type = None;
        kept
    }

    /// The sink behind, for what the registry sends itself.
    pub(crate) fn inner(&mut self) -> &mut dyn Sink {
        self.inner
    }

    /// A sample name of a family `name` of type `ty` that a family already sent also
    /// exposes (the clash rule of `promenade_rules::samples`), chosen as registration
    /// chooses the one to name: shown by both families if possible, else by either.
    fn clash(&mut self, name: &str, ty: MetricType) -> Option<String> {
        use promenade_rules::samples::{is_shown, owners};
        let mut best: Option<(usize, &'static str)> = None;
        for own in ty.sample_suffixes() {
            self.buf.clear();
            self.buf.push_str(name);
            self.buf.push_str(own);
            let sample = self.buf.as_str();
            let emitted = &self.emitted;
            let score = owners(sample)
                .filter(|(base, t)| emitted.get(*base).map(|e| e.rule()) == Some(*t))
                .map(|(base, t)| {
                    usize::from(is_shown(sample, name, ty.rule()))
                        + usize::from(is_shown(sample, base, t))
                })
                .max();
            if let Some(score) = score {
                if best.is_none_or(|(b, _)| score > b) {
                    best = Some((score, own));
                }
            }
        }
        best.map(|(_, own)| format!("{name}{own}"))
    }

    fn check_family(&mut self, d: &Descriptor) -> Result<(), Error> {
        crate::validate::utf8_metric_name(&d.name)?;
        if let Some(unit) = &d.unit {
            check_unit(&d.name, d.metric_type, unit)?;
        }
        match self.clash(&clash_key(&d.name), d.metric_type) {
            None => Ok(()),
            Some(sample) => Err(Error::DuplicateMetric {
                sample,
                existing: "a family sent earlier in this scrape".into(),
                new: d.defined_at.to_string(),
            }),
        }
    }

    /// Whether `labels` has a label named like the current family.
    fn repeats_family_name(&mut self, labels: &dyn EncodeLabels) -> bool {
        let Some(family) = self.current.last() else {
            return false;
        };
        let mut repeats = false;
        let mut visitor = |name: &str, _: &str| {
            repeats |= crate::encoding::Escaping::Underscores.escape(name) == family.as_ref()
        };
        labels.encode_labels(&mut LabelWriter::new(&mut visitor, &mut self.buf));
        repeats
    }

    /// Sends an info point without the info labels that repeat a series label.
    fn info_point(&mut self, labels: &dyn EncodeLabels, info: &Info) {
        self.series_names.clear();
        let names = &mut self.series_names;
        let mut visitor = |name: &str, _: &str| names.push(name.to_owned());
        labels.encode_labels(&mut LabelWriter::new(&mut visitor, &mut self.buf));
        if self.series_names.is_empty() {
            self.inner.point(labels, Point::Info(info));
            return;
        }
        let DataValue::Info(kept) = &mut self.info.value else {
            unreachable!("the info buffer always holds an info value")
        };
        info.read_into(kept);
        let names = &self.series_names;
        kept.retain(|(name, _)| !names.contains(name));
        self.inner.point(labels, Point::Data(&self.info));
    }
}

/// The name two families must not share: the name as the default escaping writes it
/// (underscores), since that is how a scraper that asks for no escaping sees them —
/// `http.requests` and `http_requests` would both be `http_requests`. A legacy name is
/// its own key.
#[allow(clippy::ptr_arg)] // a borrowed name stays borrowed
pub(crate) fn clash_key(name: &Cow<'static, str>) -> Cow<'static, str> {
    match crate::encoding::Escaping::Underscores.escape(name) {
        Cow::Borrowed(_) => name.clone(),
        Cow::Owned(o) => Cow::Owned(o),
    }
}

impl Sink for CheckedSink<'_> {
    fn family(&mut self, d: &Descriptor) {
        if self.faulty {
            return;
        }
        if let Err(e) = self.check_family(d) {
            self.faulty = true;
            self.fault = Some(e);
            return;
        }
        let key = clash_key(&d.name);
        self.emitted.insert(key.clone(), d.metric_type);
        self.current.push(key);
        self.family_type = Some(d.metric_type);
        self.inner.family(d);
    }

    fn point(&mut self, labels: &dyn EncodeLabels, point: Point<'_>) {
        if self.faulty {
            return;
        }
        if self.family_type != Some(point.metric_type()) {
            self.faulty = true;
            return;
        }
        // A creation time is seconds since the epoch: a hand-written collector sending NaN
        // or an infinity is faulty, as the family builders refuse them.
        if let Point::Counter {
            created: Some(c), ..
        } = point
        {
            if !c.is_finite() {
                self.faulty = true;
                return;
            }
        }
        // A state set's states are a label named after the family: a series label of that
        // name would be written twice (a constant label of a parent struct can be, which no
        // compile-time check sees).
        if point.metric_type() == MetricType::StateSet && self.repeats_family_name(labels) {
            self.faulty = true;
            return;
        }
        match point {
            Point::Info(info) => self.info_point(labels, info),
            _ => self.inner.point(labels, point),
        }
    }

    /// Ignored: the registry brackets each collector itself.
    fn begin_collector(&mut self) {}

    /// Ignored: the registry brackets each collector itself.
    fn abort_collector(&mut self) {}

    fn registered_at(&self) -> Option<f64> {
        self.registered_at
    }
}
