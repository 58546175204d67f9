//! [`Point`]: the value of one series as a collector hands it to a [`Sink`](super::Sink),
//! and [`Point::for_each_sample`], the one place that flattens a point into the samples
//! every encoder and [`Registry::gather`](crate::Registry::gather) show.

use crate::labels::LabelValueWriter;
use crate::metrics::{
    created_metrics_enabled, CounterWithExemplar, Exemplar, GaugeHistogram, Histogram, Info,
    MetricType, States, Summary,
};

use super::Number;
use crate::format::Format;

/// The value of one series.
///
/// Live metrics are passed by reference and read while their samples are written (into
/// buffers the sink owns, see [`Scratch`]); values computed at scrape time travel as
/// [`PointData`], built by the family builders of [`crate::registry::families`].
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum Point<'a> {
    /// A counter total, with its creation time (seconds since the epoch) if it has one.
    Counter {
        /// The total.
        value: Number,
        /// When the counter was created or last reset: OpenMetrics' `_created`.
        created: Option<f64>,
    },
    /// A gauge value.
    Gauge(Number),
    /// A live histogram.
    Histogram(&'a Histogram),
    /// A value of unknown type.
    Unknown(Number),
    /// A live counter with creation time and exemplar.
    CounterWithExemplar(&'a CounterWithExemplar),
    /// A live summary.
    Summary(&'a Summary),
    /// A live info metric.
    Info(&'a Info),
    /// A live state set or enum.
    StateSet(&'a dyn States),
    /// A live gauge histogram.
    GaugeHistogram(&'a GaugeHistogram),
    /// Values computed at scrape time.
    Data(&'a PointData),
}

impl std::fmt::Debug for Point<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Point::{:?}", self.metric_type())
    }
}

/// The values of one series computed at scrape time, with an optional timestamp (seconds
/// since the epoch). Build it with the family builders; every value in it was validated.
#[derive(Debug, Clone, PartialEq)]
pub struct PointData {
    pub(crate) value: DataValue,
    pub(crate) timestamp: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum DataValue {
    Counter {
        value: Number,
        created: Option<f64>,
        exemplar: Option<Exemplar>,
    },
    Gauge(Number),
    Unknown(Number),
    Histogram {
        bounds: Vec<f64>,
        cumulative: Vec<u64>,
        sum: Option<f64>,
        created: Option<f64>,
        exemplars: Vec<Option<Exemplar>>,
    },
    GaugeHistogram {
        bounds: Vec<f64>,
        cumulative: Vec<u64>,
        gsum: Option<f64>,
    },
    Summary {
        count: u64,
        sum: f64,
        quantiles: Vec<(f64, f64)>,
        created: Option<f64>,
    },
    /// The info labels, unescaped.
    Info(Vec<(String, String)>),
    /// State names (unescaped) and whether they hold.
    StateSet(Vec<(String, bool)>),
}

impl PointData {
    /// The type of family this point belongs to.
    pub fn metric_type(&self) -> MetricType {
        match &self.value {
            DataValue::Counter { .. } => MetricType::Counter,
            DataValue::Gauge(_) => MetricType::Gauge,
            DataValue::Unknown(_) => MetricType::Unknown,
            DataValue::Histogram { .. } => MetricType::Histogram,
            DataValue::GaugeHistogram { .. } => MetricType::GaugeHistogram,
            DataValue::Summary { .. } => MetricType::Summary,
            DataValue::Info(_) => MetricType::Info,
            DataValue::StateSet(_) => MetricType::StateSet,
        }
    }

    /// The timestamp, in seconds since the epoch.
    pub fn timestamp(&self) -> Option<f64> {
        self.timestamp
    }
}

/// Buffers a sink owns and lends to [`Point::for_each_sample`], so reading live metrics
/// allocates nothing once they have grown to the largest series.
#[derive(Debug, Default)]
pub struct Scratch {
    counts: Vec<u64>,
    exemplar: Option<Exemplar>,
    exemplars: Vec<Option<Exemplar>>,
    quantiles: Vec<(f64, f64)>,
    weighted: Vec<(f64, f64)>,
    info: Vec<(String, String)>,
    states: Vec<(String, bool)>,
}

impl Scratch {
    /// Empty buffers.
    pub fn new() -> Self {
        Scratch::default()
    }
}

/// A label a sample has besides its series' labels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ExtraLabel<'s> {
    /// None.
    None,
    /// `le="…"` of a bucket.
    Le(f64),
    /// `quantile="…"` of a summary quantile.
    Quantile(f64),
    /// The state of a state set, in a label named after the family (unescaped).
    State(&'s str),
    /// An info metric's labels, unescaped.
    Labels(&'s [(String, String)]),
}

/// One sample of a point.
#[derive(Debug, Clone, Copy)]
pub struct SampleView<'s> {
    /// The suffix after the family name (`_total`, `_bucket`, `_info`, `` …).
    pub suffix: &'static str,
    /// A label the sample adds to the series' labels.
    pub extra: ExtraLabel<'s>,
    /// The value.
    pub value: Number,
    /// A timestamp in seconds since the epoch (values from custom collectors only).
    pub timestamp: Option<f64>,
    /// The exemplar (OpenMetrics, on `_total` and `_bucket` samples only).
    pub exemplar: Option<&'s Exemplar>,
}

impl<'s> SampleView<'s> {
    fn new(suffix: &'static str, value: Number, timestamp: Option<f64>) -> Self {
        SampleView {
            suffix,
            extra: ExtraLabel::None,
            value,
            timestamp,
            exemplar: None,
        }
    }
}

/// A histogram as read, live or from data.
struct HistogramView<'s> {
    bounds: &'s [f64],
    cumulative: &'s [u64],
    sum: Option<f64>,
    created: Option<f64>,
    exemplars: &'s [Option<Exemplar>],
}

impl Point<'_> {
    /// The type of family this point belongs to.
    pub fn metric_type(&self) -> MetricType {
        match self {
            Point::Counter { .. } | Point::CounterWithExemplar(_) => MetricType::Counter,
            Point::Gauge(_) => MetricType::Gauge,
            Point::Histogram(_) => MetricType::Histogram,
            Point::Unknown(_) => MetricType::Unknown,
            Point::Summary(_) => MetricType::Summary,
            Point::Info(_) => MetricType::Info,
            Point::StateSet(_) => MetricType::StateSet,
            Point::GaugeHistogram(_) => MetricType::GaugeHistogram,
            Point::Data(d) => d.metric_type(),
        }
    }

    /// Calls `f` for every sample of this point, in exposition order:
    /// - counter: `_total` (with its exemplar), then `_created`;
    /// - histogram: `_bucket` per bound (cumulative, `le = +Inf` last and equal to the
    ///   count, each with its exemplar), `_sum`, `_count`, `_created`;
    /// - gauge histogram: `_bucket`s, `_gcount`, `_gsum`;
    /// - summary: one sample per quantile (`quantile` label), `_sum`, `_count`, `_created`;
    /// - info: `_info` with the info labels, value 1; state set: one sample per state,
    ///   value 1 or 0; gauge and unknown: the bare name.
    ///
    /// `format` says which samples are shown: creation times and exemplars in
    /// [`Format::OpenMetrics`] and [`Format::Protobuf`]; in OpenMetrics samples whose values
    /// the spec forbids are left out (see [`Format`]), the others show every value as
    /// recorded. `scratch` lends the buffers live
    /// metrics are read into.
    pub fn for_each_sample(
        &self,
        scratch: &mut Scratch,
        format: Format,
        mut f: impl FnMut(&SampleView<'_>),
    ) {
        // Creation times and exemplars, and the OpenMetrics value rules.
        let rich = format.has_created_and_exemplars();
        let om = format.openmetrics_values_only();
        let created_on = rich && created_metrics_enabled();
        let ts = match self {
            Point::Data(d) => d.timestamp,
            _ => None,
        };
        match *self {
            Point::Counter { value, created } => {
                counter(value, created.filter(|_| created_on), None, None, &mut f)
            }
            Point::Gauge(n) | Point::Unknown(n) => f(&SampleView::new("", n, None)),
            Point::CounterWithExemplar(c) => {
                let value = Number::Int(c.get());
                if rich {
                    c.read_exemplar(&mut scratch.exemplar);
                }
                let created = created_on.then(|| c.created());
                counter(
                    value,
                    created,
                    scratch.exemplar.as_ref().filter(|_| rich),
                    None,
                    &mut f,
                );
            }
            Point::Histogram(h) => {
                h.cumulative_into(&mut scratch.counts);
                if rich {
                    h.exemplars_into(&mut scratch.exemplars);
                } else {
                    scratch.exemplars.clear();
                }
                let view = HistogramView {
                    bounds: h.buckets().bounds(),
                    cumulative: &scratch.counts,
                    sum: Some(h.sum()),
                    created: created_on.then(|| h.created()),
                    exemplars: &scratch.exemplars,
                };
                histogram(&view, om, None, &mut f);
            }
            Point::GaugeHistogram(h) => {
                h.cumulative_into(&mut scratch.counts);
                gauge_histogram(
                    h.buckets().bounds(),
                    &scratch.counts,
                    Some(h.sum()),
                    om,
                    None,
                    &mut f,
                );
            }
            Point::Summary(s) => {
                let (count, sum) = (s.count(), s.sum());
                s.quantiles_into(&mut scratch.weighted, &mut scratch.quantiles);
                let created = created_on.then(|| s.created());
                let values = SummaryValues {
                    count,
                    sum,
                    quantiles: &scratch.quantiles,
                    created,
                };
                summary(&values, om, None, &mut f);
            }
            Point::Info(i) => {
                i.read_into(&mut scratch.info);
                info(&scratch.info, None, &mut f);
            }
            Point::StateSet(s) => {
                let n = s.state_count();
                scratch.states.resize_with(n, Default::default);
                for (i, (name, set)) in scratch.states.iter_mut().enumerate() {
                    name.clear();
                    s.write_state(i, &mut LabelValueWriter::new(name));
                    *set = s.is_set(i);
                }
                state_set(&scratch.states, None, &mut f);
            }
            Point::Data(d) => match &d.value {
                DataValue::Counter {
                    value,
                    created,
                    exemplar,
                } => counter(
                    *value,
                    created.filter(|_| created_on),
                    exemplar.as_ref().filter(|_| rich),
                    ts,
                    &mut f,
                ),
                DataValue::Gauge(n) | DataValue::Unknown(n) => f(&SampleView::new("", *n, ts)),
                DataValue::Histogram {
                    bounds,
                    cumulative,
                    sum,
                    created,
                    exemplars,
                } => {
                    let view = HistogramView {
                        bounds,
                        cumulative,
                        sum: *sum,
                        created: created.filter(|_| created_on),
                        exemplars: if rich { exemplars } else { &[] },
                    };
                    histogram(&view, om, ts, &mut f);
                }
                DataValue::GaugeHistogram {
                    bounds,
                    cumulative,
                    gsum,
                } => gauge_histogram(bounds, cumulative, *gsum, om, ts, &mut f),
                DataValue::Summary {
                    count,
                    sum,
                    quantiles,
                    created,
                } => {
                    let values = SummaryValues {
                        count: *count,
                        sum: *sum,
                        quantiles,
                        created: created.filter(|_| created_on),
                    };
                    summary(&values, om, ts, &mut f);
                }
                DataValue::Info(labels) => info(labels, ts, &mut f),
                DataValue::StateSet(states) => state_set(states, ts, &mut f),
            },
        }
    }
}

fn counter(
    value: Number,
    created: Option<f64>,
    exemplar: Option<&Exemplar>,
    ts: Option<f64>,
    f: &mut impl FnMut(&SampleView<'_>),
) {
    f(&SampleView {
        exemplar,
        ..SampleView::new("_total", value, ts)
    });
    if let Some(c) = created {
        f(&SampleView::new("_created", Number::Float(c), ts));
    }
}

fn buckets(
    bounds: &[f64],
    cumulative: &[u64],
    exemplars: &[Option<Exemplar>],
    ts: Option<f64>,
    f: &mut impl FnMut(&SampleView<'_>),
) {
    let les = bounds.iter().copied().chain(std::iter::once(f64::INFINITY));
    let mut lower = f64::NEG_INFINITY;
    for (i, (le, count)) in les.zip(cumulative).enumerate() {
        // OpenMetrics: an exemplar's value must fall inside its bucket, `(lower, le]`;
        // one that does not (NaN, `-Inf`) is left out, the bucket is not.
        let exemplar = exemplars
            .get(i)
            .and_then(Option::as_ref)
            .filter(|e| e.value() > lower && e.value() <= le);
        f(&SampleView {
            extra: ExtraLabel::Le(le),
            exemplar,
            ..SampleView::new("_bucket", Number::Int(*count), ts)
        });
        lower = le;
    }
}

fn histogram(
    h: &HistogramView<'_>,
    om: bool,
    ts: Option<f64>,
    f: &mut impl FnMut(&SampleView<'_>),
) {
    buckets(h.bounds, h.cumulative, h.exemplars, ts, f);
    let negative_bound = h.bounds.first().is_some_and(|b| *b < 0.0);
    // OpenMetrics: `_count` iff `_sum`; no `_sum` when a bucket bound is negative; and a
    // `_sum` must be neither negative nor NaN, which a histogram over non-negative bounds
    // reaches by observing a negative value or NaN. Then both are left out: the `+Inf`
    // bucket still carries the count. The other formats show them as recorded.
    let om_sum_allowed = |sum: &f64| !negative_bound && *sum >= 0.0;
    if let Some(sum) = h.sum.filter(|s| !om || om_sum_allowed(s)) {
        let count = h.cumulative.last().copied().unwrap_or(0);
        f(&SampleView::new("_sum", Number::Float(sum), ts));
        f(&SampleView::new("_count", Number::Int(count), ts));
    }
    if let Some(c) = h.created {
        f(&SampleView::new("_created", Number::Float(c), ts));
    }
}

fn gauge_histogram(
    bounds: &[f64],
    cumulative: &[u64],
    gsum: Option<f64>,
    om: bool,
    ts: Option<f64>,
    f: &mut impl FnMut(&SampleView<'_>),
) {
    buckets(bounds, cumulative, &[], ts, f);
    let negative_bound = bounds.first().is_some_and(|b| *b < 0.0);
    // OpenMetrics: `_gsum` can only be negative when a bucket bound is, and is never NaN;
    // `_gcount` comes with it. Values added below every bound (or NaN) reach either, and
    // then both are left out: the `+Inf` bucket still carries the count. Text 0.0.4 shows
    // them as plain gauges, which may be anything.
    let om_gsum_allowed = |s: &f64| !s.is_nan() && (*s >= 0.0 || negative_bound);
    if let Some(gsum) = gsum.filter(|s| !om || om_gsum_allowed(s)) {
        let count = cumulative.last().copied().unwrap_or(0);
        f(&SampleView::new("_gcount", Number::Int(count), ts));
        f(&SampleView::new("_gsum", Number::Float(gsum), ts));
    }
}

/// A summary as read, live or from data.
struct SummaryValues<'s> {
    count: u64,
    sum: f64,
    quantiles: &'s [(f64, f64)],
    created: Option<f64>,
}

fn summary(s: &SummaryValues<'_>, om: bool, ts: Option<f64>, f: &mut impl FnMut(&SampleView<'_>)) {
    for (q, v) in s.quantiles {
        // OpenMetrics: a quantile value cannot be negative (NaN, "no data", is allowed).
        // One over negative observations is left out; the others stay.
        if om && *v < 0.0 {
            continue;
        }
        f(&SampleView {
            extra: ExtraLabel::Quantile(*q),
            ..SampleView::new("", Number::Float(*v), ts)
        });
    }
    // OpenMetrics: `_sum` and `_count` are counters, never negative nor NaN, and come
    // together. A sum made negative or NaN by the observations leaves both out; text 0.0.4
    // keeps them, as it does for histograms.
    if !om || s.sum >= 0.0 {
        f(&SampleView::new("_sum", Number::Float(s.sum), ts));
        f(&SampleView::new("_count", Number::Int(s.count), ts));
    }
    if let Some(c) = s.created {
        f(&SampleView::new("_created", Number::Float(c), ts));
    }
}

fn info(labels: &[(String, String)], ts: Option<f64>, f: &mut impl FnMut(&SampleView<'_>)) {
    f(&SampleView {
        extra: ExtraLabel::Labels(labels),
        ..SampleView::new("_info", Number::Int(1), ts)
    });
}

fn state_set(states: &[(String, bool)], ts: Option<f64>, f: &mut impl FnMut(&SampleView<'_>)) {
    for (state, set) in states {
        f(&SampleView {
            extra: ExtraLabel::State(state),
            ..SampleView::new("", Number::Int(u64::from(*set)), ts)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::ExemplarLabels;

    #[test]
    fn exemplar_outside_its_bucket_is_left_out() {
        let labels = ExemplarLabels::new([("t", "1")]).unwrap();
        let at = |v: f64| Some(Exemplar::new(&labels, v, None).unwrap());
        let data = PointData {
            value: DataValue::Histogram {
                bounds: vec![1.0, 2.0],
                cumulative: vec![1, 2, 3],
                sum: None,
                created: None,
                // 5.0 is not in (-Inf, 1], 1.5 is in (1, 2], 1.0 is not in (2, +Inf].
                exemplars: vec![at(5.0), at(1.5), at(1.0)],
            },
            timestamp: None,
        };
        let mut kept = Vec::new();
        Point::Data(&data).for_each_sample(&mut Scratch::new(), Format::OpenMetrics, |s| {
            kept.push(s.exemplar.map(Exemplar::value));
        });
        assert_eq!(kept, [None, Some(1.5), None]);
    }
}
