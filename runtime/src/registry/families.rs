//! Typed family builders for custom collectors: the Python client's
//! `CounterMetricFamily`, `GaugeMetricFamily`, `SummaryMetricFamily`,
//! `HistogramMetricFamily`, `GaugeHistogramMetricFamily`, `InfoMetricFamily`,
//! `StateSetMetricFamily` and `UnknownMetricFamily`.
//!
//! A [`Collector`](crate::Collector) computing values at scrape time builds one family per
//! metric, adds one series per label set, and sends it with `collect_into`. Every name,
//! label, value, bucket list and timestamp is validated when it is added; a mistake is an
//! [`Error`] saying what is wrong, never a panic and never a broken exposition.
//!
//! Labels are either a typed [`LabelSet`] (checked by the compiler) or
//! [`Labels`], built from `(name, value)` pairs at run time.
//!
//! ```
//! use promenade::registry::families::{CounterFamily, GaugeFamily, Labels};
//! use promenade::registry::{CollectError, Collector, Descriptor, Sink};
//! use promenade::{MetricType, Registry};
//!
//! struct Queues;
//!
//! impl Collector for Queues {
//!     fn describe(&self) -> Vec<Descriptor> {
//!         vec![
//!             Descriptor::new("queue_depth", "Items waiting.", MetricType::Gauge, "Queues"),
//!             Descriptor::new("queue_processed", "Items done.", MetricType::Counter, "Queues"),
//!         ]
//!     }
//!     fn collect(&self, sink: &mut dyn Sink) {
//!         let _ = self.try_collect(sink);
//!     }
//!     fn try_collect(&self, sink: &mut dyn Sink) -> Result<(), CollectError> {
//!         let mut depth = GaugeFamily::new("queue_depth", "Items waiting.")?;
//!         let mut done = CounterFamily::new("queue_processed_total", "Items done.")?;
//!         for (queue, waiting, processed) in [("mail", 3, 10), ("sms", 0, 4)] {
//!             depth.add(Labels::new([("queue", queue)])?, waiting)?;
//!             done.add(Labels::new([("queue", queue)])?, processed)?;
//!         }
//!         depth.collect_into(sink);
//!         done.collect_into(sink);
//!         Ok(())
//!     }
//! }
//!
//! let registry = Registry::new();
//! registry.register(Queues).unwrap();
//! assert_eq!(registry.get_sample_value("queue_processed_total", &[("queue", "sms")]), Some(4.0));
//! ```

use std::borrow::Cow;

use super::collect::check_labels;
use super::point::{DataValue, PointData};
use super::{Descriptor, Number, Point, Sink};
use crate::labels::{validated_pairs, EncodeLabels, LabelSet, LabelWriter};
use crate::metrics::{Exemplar, MetricType};
use crate::Error;

/// A label set built at run time from `(name, value)` pairs; names are validated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Labels {
    pairs: Vec<(String, String)>,
}

impl Labels {
    /// Validates the pairs: valid UTF-8 label names (`url.scheme` is fine; see
    /// [`validate`](crate::validate)), each once, no NUL in a value.
    pub fn new<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, Error> {
        let (pairs, _) = validated_pairs(pairs, "a series", true)?;
        Ok(Labels { pairs })
    }

    /// Pairs the parser read (names checked there).
    pub(crate) fn from_parsed(pairs: Vec<(String, String)>) -> Self {
        Labels { pairs }
    }

    /// No labels.
    pub fn empty() -> Self {
        Labels::default()
    }

    /// The pairs, in the order given.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }
}

impl EncodeLabels for Labels {
    fn encode_labels(&self, out: &mut LabelWriter<'_>) {
        for (name, value) in &self.pairs {
            out.label_str(name, value);
        }
    }
}

/// The labels of a series of a built family: a typed [`LabelSet`] or [`Labels`].
pub trait SeriesLabels: EncodeLabels {
    /// Calls `f` with each label name.
    fn for_each_name(&self, f: &mut dyn FnMut(&str));
}

impl<L: LabelSet> SeriesLabels for L {
    fn for_each_name(&self, f: &mut dyn FnMut(&str)) {
        L::NAMES.iter().for_each(|n| f(n));
    }
}

impl SeriesLabels for Labels {
    fn for_each_name(&self, f: &mut dyn FnMut(&str)) {
        self.pairs.iter().for_each(|(n, _)| f(n));
    }
}

/// What every builder holds: the descriptor and the series added so far.
#[derive(Debug, Clone)]
struct Built<L> {
    descriptor: Descriptor,
    series: Vec<(L, PointData)>,
}

impl<L: SeriesLabels> Built<L> {
    #[track_caller]
    fn new(
        name: impl Into<Cow<'static, str>>,
        help: impl Into<Cow<'static, str>>,
        ty: MetricType,
    ) -> Result<Self, Error> {
        let name = name.into();
        crate::validate::utf8_metric_name(&name)?;
        check_labels(&name, ty, &[])?;
        let at = std::panic::Location::caller();
        let defined_at = format!("`{name}` built at {}:{}", at.file(), at.line());
        Ok(Built {
            descriptor: Descriptor::new(name, help, ty, defined_at),
            series: Vec::new(),
        })
    }

    fn push(&mut self, labels: L, value: DataValue, timestamp: Option<f64>) -> Result<(), Error> {
        let mut names: Vec<String> = Vec::new();
        labels.for_each_name(&mut |n| names.push(n.to_owned()));
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        check_labels(&self.descriptor.name, self.descriptor.metric_type, &refs)?;
        if let Some(ts) = timestamp.filter(|t| !t.is_finite()) {
            return Err(Error::InvalidValue(
                format!("a timestamp must be finite seconds since the epoch, got {ts}").into(),
            ));
        }
        self.series.push((labels, PointData { value, timestamp }));
        Ok(())
    }

    fn collect_into(&self, sink: &mut dyn Sink) {
        sink.family(&self.descriptor);
        for (labels, data) in &self.series {
            sink.point(labels, Point::Data(data));
        }
    }
}

macro_rules! builder {
    ($(#[$doc:meta])* $name:ident, $ty:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name<L = Labels>(Built<L>);

        impl<L: SeriesLabels> $name<L> {
            /// A family with no series yet; the name is validated.
            #[track_caller]
            pub fn new(
                name: impl Into<Cow<'static, str>>,
                help: impl Into<Cow<'static, str>>,
            ) -> Result<Self, Error> {
                Built::new(name, help, MetricType::$ty).map($name)
            }

            /// Sets the unit (`# UNIT`); the name must end with `_<unit>`.
            pub fn with_unit(mut self, unit: impl Into<Cow<'static, str>>) -> Result<Self, Error> {
                self.0.descriptor = self.0.descriptor.with_unit(unit)?;
                Ok(self)
            }

            /// The family's descriptor (for [`Collector::describe`](crate::Collector::describe)).
            pub fn descriptor(&self) -> &Descriptor {
                &self.0.descriptor
            }

            /// How many series were added.
            pub fn len(&self) -> usize {
                self.0.series.len()
            }

            /// Whether no series was added.
            pub fn is_empty(&self) -> bool {
                self.0.series.is_empty()
            }

            /// Sends the family and its series to `sink`.
            pub fn collect_into(&self, sink: &mut dyn Sink) {
                self.0.collect_into(sink)
            }
        }
    };
}

builder!(
    /// A counter family (`x_total`, `x_created`); a name ending in `_total` loses it.
    #[doc(alias = "CounterMetricFamily")]
    CounterFamily, Counter
);
builder!(
    /// A gauge family.
    #[doc(alias = "GaugeMetricFamily")]
    GaugeFamily, Gauge
);
builder!(
    /// A family of unknown type (`untyped` in text 0.0.4).
    #[doc(alias = "UnknownMetricFamily")]
    UnknownFamily, Unknown
);
builder!(
    /// A summary family: count, sum, optional quantiles.
    #[doc(alias = "SummaryMetricFamily")]
    SummaryFamily, Summary
);
builder!(
    /// A histogram family: cumulative buckets, optional sum (with the count).
    #[doc(alias = "HistogramMetricFamily")]
    HistogramFamily, Histogram
);
builder!(
    /// A gauge histogram family: cumulative buckets that can go down, optional `_gsum`.
    #[doc(alias = "GaugeHistogramMetricFamily")]
    GaugeHistogramFamily, GaugeHistogram
);
builder!(
    /// An info family (`x_info{…} 1`); a name ending in `_info` loses it.
    #[doc(alias = "InfoMetricFamily")]
    InfoFamily, Info
);
builder!(
    /// A state set family: one sample per state, in a label named after the family.
    #[doc(alias = "StateSetMetricFamily")]
    StateSetFamily, StateSet
);

/// Extras of one counter series.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CounterExtras {
    /// When the counter was created, in seconds since the epoch (`_created`).
    pub created: Option<f64>,
    /// An exemplar for the `_total` sample.
    pub exemplar: Option<Exemplar>,
    /// A timestamp for the samples, in seconds since the epoch.
    pub timestamp: Option<f64>,
}

fn check_created(created: Option<f64>) -> Result<(), Error> {
    match created {
        Some(c) if !c.is_finite() => Err(Error::InvalidValue(
            format!("a creation time must be finite seconds since the epoch, got {c}").into(),
        )),
        _ => Ok(()),
    }
}

fn counter_value(value: Number) -> Result<Number, Error> {
    let v = value.as_f64();
    if v.is_nan() || v < 0.0 {
        return Err(Error::InvalidValue(
            format!("a counter cannot be negative or NaN, got {v}").into(),
        ));
    }
    Ok(value)
}

impl<L: SeriesLabels> CounterFamily<L> {
    /// Adds a series with this total.
    pub fn add(&mut self, labels: L, value: impl Into<Number>) -> Result<&mut Self, Error> {
        self.add_with(labels, value, CounterExtras::default())
    }

    /// Adds a series with this total, creation time, exemplar and timestamp.
    pub fn add_with(
        &mut self,
        labels: L,
        value: impl Into<Number>,
        extras: CounterExtras,
    ) -> Result<&mut Self, Error> {
        let value = counter_value(value.into())?;
        check_created(extras.created)?;
        let data = DataValue::Counter {
            value,
            created: extras.created,
            exemplar: extras.exemplar,
        };
        self.0.push(labels, data, extras.timestamp)?;
        Ok(self)
    }
}

impl<L: SeriesLabels> GaugeFamily<L> {
    /// Adds a series with this value.
    pub fn add(&mut self, labels: L, value: impl Into<Number>) -> Result<&mut Self, Error> {
        self.0.push(labels, DataValue::Gauge(value.into()), None)?;
        Ok(self)
    }

    /// Adds a series with this value and timestamp (seconds since the epoch).
    pub fn add_at(
        &mut self,
        labels: L,
        value: impl Into<Number>,
        timestamp: f64,
    ) -> Result<&mut Self, Error> {
        self.0
            .push(labels, DataValue::Gauge(value.into()), Some(timestamp))?;
        Ok(self)
    }
}

impl<L: SeriesLabels> UnknownFamily<L> {
    /// Adds a series with this value.
    pub fn add(&mut self, labels: L, value: impl Into<Number>) -> Result<&mut Self, Error> {
        self.0
            .push(labels, DataValue::Unknown(value.into()), None)?;
        Ok(self)
    }

    /// Adds a series with this value and timestamp (seconds since the epoch).
    pub fn add_at(
        &mut self,
        labels: L,
        value: impl Into<Number>,
        timestamp: f64,
    ) -> Result<&mut Self, Error> {
        self.0
            .push(labels, DataValue::Unknown(value.into()), Some(timestamp))?;
        Ok(self)
    }
}

/// Extras of one summary series.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SummaryExtras {
    /// `(quantile, value)` pairs, quantiles in `[0, 1]` and strictly increasing.
    pub quantiles: Vec<(f64, f64)>,
    /// When the summary was created, in seconds since the epoch (`_created`).
    pub created: Option<f64>,
    /// A timestamp for the samples, in seconds since the epoch.
    pub timestamp: Option<f64>,
}

impl<L: SeriesLabels> SummaryFamily<L> {
    /// Adds a series with this count and sum.
    pub fn add(&mut self, labels: L, count: u64, sum: f64) -> Result<&mut Self, Error> {
        self.add_with(labels, count, sum, SummaryExtras::default())
    }

    /// Adds a series with this count, sum, quantiles, creation time and timestamp.
    ///
    /// OpenMetrics' rules are checked: the sum is at least 0 (not NaN), each quantile in
    /// `[0, 1]`, strictly increasing, with a value at least 0 or NaN (no data).
    pub fn add_with(
        &mut self,
        labels: L,
        count: u64,
        sum: f64,
        extras: SummaryExtras,
    ) -> Result<&mut Self, Error> {
        if sum.is_nan() || sum < 0.0 {
            return Err(Error::InvalidValue(
                format!(
                    "a summary's sum cannot be negative or NaN, got {sum} (OpenMetrics: `_sum` is a counter, at least 0)"
                )
                .into(),
            ));
        }
        for (i, (q, value)) in extras.quantiles.iter().enumerate() {
            if *value < 0.0 {
                return Err(Error::InvalidValue(
                    format!(
                        "quantile {q} has the value {value}, but OpenMetrics quantile values cannot be negative (at least 0, or NaN when there is no data)"
                    )
                    .into(),
                ));
            }
            if !(0.0..=1.0).contains(q) {
                return Err(Error::InvalidValue(
                    format!("quantile {q} is not between 0 and 1").into(),
                ));
            }
            if i > 0 && extras.quantiles[i - 1].0 >= *q {
                return Err(Error::InvalidValue(
                    format!(
                        "quantiles must be strictly increasing, but {q} follows {}",
                        extras.quantiles[i - 1].0
                    )
                    .into(),
                ));
            }
        }
        check_created(extras.created)?;
        let data = DataValue::Summary {
            count,
            sum,
            quantiles: extras.quantiles,
            created: extras.created,
        };
        self.0.push(labels, data, extras.timestamp)?;
        Ok(self)
    }
}

/// Checks `(le, cumulative count)` pairs and splits them into finite bounds and counts.
/// The bounds follow the bucket rule of [`Buckets`](crate::Buckets) (one rule, one
/// wording), except that collected data must end with its `+Inf` bucket and may have no
/// other.
fn split_buckets(buckets: &[(f64, u64)]) -> Result<(Vec<f64>, Vec<u64>), Error> {
    use promenade_rules::buckets::{errors, BucketError};
    let err = |reason: String| Err(Error::InvalidBuckets(reason.into()));
    match buckets.last() {
        None => return err("a histogram needs at least the +Inf bucket".into()),
        Some((le, _)) if *le != f64::INFINITY => {
            return err(format!("the last bucket must be +Inf, got {le}"))
        }
        _ => {}
    }
    let les: Vec<f64> = buckets.iter().map(|(le, _)| *le).collect();
    if let Some(e) = errors(&les).find(|e| *e != BucketError::NoFiniteBound) {
        return err(crate::metrics::bucket_reason(e, &les));
    }
    for pair in buckets.windows(2) {
        let ((_, prev_count), (le, count)) = (pair[0], pair[1]);
        if prev_count > count {
            return err(format!(
                "bucket counts are cumulative and cannot decrease, but le={le} has {count} after {prev_count}"
            ));
        }
    }
    let bounds = les[..les.len() - 1].to_vec();
    let counts = buckets.iter().map(|(_, count)| *count).collect();
    Ok((bounds, counts))
}

/// Extras of one histogram series.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistogramExtras {
    /// One optional exemplar per bucket, in bucket order (shorter is fine). Each value
    /// must fall inside its bucket.
    pub exemplars: Vec<Option<Exemplar>>,
    /// When the histogram was created, in seconds since the epoch (`_created`).
    pub created: Option<f64>,
    /// A timestamp for the samples, in seconds since the epoch.
    pub timestamp: Option<f64>,
}

impl<L: SeriesLabels> HistogramFamily<L> {
    /// Adds a series from `(le, cumulative count)` pairs ending with `+Inf`, and the sum
    /// (`None`: neither `_sum` nor `_count` is exposed). A histogram with a negative
    /// bound takes no sum, and a sum is at least 0, never NaN (OpenMetrics).
    pub fn add(
        &mut self,
        labels: L,
        buckets: &[(f64, u64)],
        sum: Option<f64>,
    ) -> Result<&mut Self, Error> {
        self.add_with(labels, buckets, sum, HistogramExtras::default())
    }

    /// [`add`](Self::add) with exemplars, creation time and timestamp.
    pub fn add_with(
        &mut self,
        labels: L,
        buckets: &[(f64, u64)],
        sum: Option<f64>,
        extras: HistogramExtras,
    ) -> Result<&mut Self, Error> {
        let (bounds, cumulative) = split_buckets(buckets)?;
        if sum.is_some() && bounds.first().is_some_and(|b| *b < 0.0) {
            return Err(Error::InvalidValue(
                "a histogram with a negative bucket bound cannot have a sum (OpenMetrics)".into(),
            ));
        }
        if let Some(sum) = sum.filter(|s| s.is_nan() || *s < 0.0) {
            return Err(Error::InvalidValue(
                format!(
                    "a histogram's sum cannot be negative or NaN, got {sum} (OpenMetrics: `_sum` is a counter, at least 0; pass `None` to leave `_sum` and `_count` out)"
                )
                .into(),
            ));
        }
        if extras.exemplars.len() > buckets.len() {
            return Err(Error::InvalidValue(
                format!(
                    "{} exemplars for {} buckets",
                    extras.exemplars.len(),
                    buckets.len()
                )
                .into(),
            ));
        }
        for (i, e) in extras.exemplars.iter().enumerate() {
            let Some(e) = e else { continue };
            let upper = buckets[i].0;
            let lower = if i == 0 {
                f64::NEG_INFINITY
            } else {
                buckets[i - 1].0
            };
            if !(e.value() > lower && e.value() <= upper) {
                return Err(Error::InvalidValue(
                    format!(
                        "exemplar value {} is outside its bucket ({lower}, {upper}]",
                        e.value()
                    )
                    .into(),
                ));
            }
        }
        check_created(extras.created)?;
        let data = DataValue::Histogram {
            bounds,
            cumulative,
            sum,
            created: extras.created,
            exemplars: extras.exemplars,
        };
        self.0.push(labels, data, extras.timestamp)?;
        Ok(self)
    }
}

impl<L: SeriesLabels> GaugeHistogramFamily<L> {
    /// Adds a series from `(le, cumulative count)` pairs ending with `+Inf`, and the sum
    /// of the values counted (`None`: neither `_gsum` nor `_gcount`). The sum is never
    /// NaN, and negative only when a bucket bound is (OpenMetrics).
    pub fn add(
        &mut self,
        labels: L,
        buckets: &[(f64, u64)],
        gsum: Option<f64>,
    ) -> Result<&mut Self, Error> {
        let (bounds, cumulative) = split_buckets(buckets)?;
        if gsum.is_some_and(|s| s.is_nan()) {
            return Err(Error::InvalidValue(
                "a gauge histogram's sum cannot be NaN".into(),
            ));
        }
        if let Some(gsum) = gsum.filter(|s| *s < 0.0) {
            if !bounds.first().is_some_and(|b| *b < 0.0) {
                return Err(Error::InvalidValue(
                    format!(
                        "a gauge histogram's sum is {gsum}, but OpenMetrics allows a negative `_gsum` only when a bucket bound is negative"
                    )
                    .into(),
                ));
            }
        }
        self.0.push(
            labels,
            DataValue::GaugeHistogram {
                bounds,
                cumulative,
                gsum,
            },
            None,
        )?;
        Ok(self)
    }
}

impl<L: SeriesLabels> InfoFamily<L> {
    /// Adds a series whose info labels are `info` (valid, distinct names that do not
    /// repeat the series' own labels).
    pub fn add<'a>(
        &mut self,
        labels: L,
        info: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<&mut Self, Error> {
        let info = Labels::new(info)?;
        let mut clash = None;
        labels.for_each_name(&mut |n| {
            if info.pairs.iter().any(|(i, _)| i == n) {
                clash = Some(n.to_owned());
            }
        });
        if let Some(name) = clash {
            return Err(Error::InvalidLabelName {
                name,
                reason: "an info label cannot repeat one of the series' labels".into(),
            });
        }
        self.0.push(labels, DataValue::Info(info.pairs), None)?;
        Ok(self)
    }
}

impl<L: SeriesLabels> StateSetFamily<L> {
    /// Adds a series with these states (each name once) and whether each holds.
    pub fn add<'a>(
        &mut self,
        labels: L,
        states: impl IntoIterator<Item = (&'a str, bool)>,
    ) -> Result<&mut Self, Error> {
        let mut list: Vec<(String, bool)> = Vec::new();
        let mut raw: Vec<&str> = Vec::new();
        for (state, set) in states {
            if raw.contains(&state) {
                return Err(Error::InvalidValue(
                    format!("state {state:?} is listed twice").into(),
                ));
            }
            raw.push(state);
            list.push((state.to_owned(), set));
        }
        self.0.push(labels, DataValue::StateSet(list), None)?;
        Ok(self)
    }
}
