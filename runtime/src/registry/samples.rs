//! The flat view of families: [`MetricFamily`] and [`Sample`], what the parser reads and
//! what [`Registry::gather`](crate::Registry::gather) flattens a collection into.

use super::{Descriptor, ExtraLabel, Number, Point, Scratch, Sink};
use crate::format::Format;
use crate::labels::{EncodeLabels, LabelWriter};
use crate::metrics::{Exemplar, MetricType};

/// A sample's timestamp, as its format writes it (values from the registry carry
/// [`Timestamp::Seconds`]).
///
/// ```
/// use promenade::parse::Timestamp;
/// assert_eq!(Timestamp::Millis(1_500).as_seconds(), 1.5);
/// assert_eq!(Timestamp::Seconds(1.5).as_seconds(), 1.5);
/// assert_eq!(Timestamp::Millis(-1_500).as_seconds(), -1.5);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Timestamp {
    /// Text 0.0.4: integer milliseconds since the Unix epoch (negative before it).
    Millis(i64),
    /// OpenMetrics: seconds since the Unix epoch (finite, may be fractional or negative).
    Seconds(f64),
}

impl Timestamp {
    /// Seconds since the Unix epoch.
    ///
    /// ```
    /// assert_eq!(promenade::parse::Timestamp::Millis(-0).as_seconds(), 0.0);
    /// ```
    pub fn as_seconds(self) -> f64 {
        match self {
            Timestamp::Millis(ms) => ms as f64 / 1000.0,
            Timestamp::Seconds(s) => s,
        }
    }
}

/// One sample: its full name, labels, value, and what else it carries. What the parser
/// reads from one line (or protobuf message part), and what
/// [`Registry::gather`](crate::Registry::gather) flattens a collection into.
///
/// ```
/// use promenade::parse;
/// let families = parse::text("a{x=\"1\",y=\"q\\\"\"} 2.5\n").unwrap();
/// let sample = &families[0].samples[0];
/// assert_eq!(sample.name, "a");
/// assert_eq!(sample.label("y"), Some("q\""));
/// assert_eq!(sample.label("z"), None);
/// assert_eq!(sample.value, 2.5);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The sample's full name (`http_requests_total`, `latency_seconds_bucket`).
    pub name: String,
    /// Its labels, unescaped, in the order written.
    pub labels: Vec<(String, String)>,
    /// Its value.
    pub value: f64,
    /// Its timestamp, if it has one.
    pub timestamp: Option<Timestamp>,
    /// Its exemplar (OpenMetrics and protobuf only).
    pub exemplar: Option<Exemplar>,
}

impl Sample {
    /// The value of the label `name`, if the sample has it.
    ///
    /// ```
    /// let f = promenade::parse::text("a{le=\"0.5\"} 1\n").unwrap();
    /// assert_eq!(f[0].samples[0].label("le"), Some("0.5"));
    /// ```
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the sample has exactly these labels, in any order.
    ///
    /// ```
    /// let f = promenade::parse::text("a{x=\"1\",y=\"2\"} 1\n").unwrap();
    /// assert!(f[0].samples[0].has_labels(&[("y", "2"), ("x", "1")]));
    /// assert!(!f[0].samples[0].has_labels(&[("x", "1")]));
    /// ```
    pub fn has_labels(&self, labels: &[(&str, &str)]) -> bool {
        self.labels.len() == labels.len()
            && labels
                .iter()
                .all(|(k, v)| self.labels.iter().any(|(sk, sv)| sk == k && sv == v))
    }
}

/// A metric family: its metadata and every sample that belongs to it, in order.
///
/// ```
/// use promenade::parse::{self, MetricType};
/// let families = parse::openmetrics("\
/// ## TYPE latency_seconds histogram
/// ## UNIT latency_seconds seconds
/// latency_seconds_bucket{le=\"0.5\"} 1
/// latency_seconds_bucket{le=\"+Inf\"} 2
/// latency_seconds_sum 1.25
/// latency_seconds_count 2
/// ## EOF
/// ").unwrap();
/// let f = &families[0];
/// assert_eq!((f.name.as_str(), f.metric_type), ("latency_seconds", MetricType::Histogram));
/// assert_eq!(f.unit.as_deref(), Some("seconds"));
/// assert_eq!(f.help, None);
/// assert_eq!(f.samples.len(), 4);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MetricFamily {
    /// The family name as written in its metadata (or, without metadata, its first
    /// sample's name).
    pub name: String,
    /// Its type; [`MetricType::Unknown`] without a TYPE line.
    pub metric_type: MetricType,
    /// The HELP text, unescaped; `None` without a HELP line (and in OpenMetrics for an
    /// empty one, which the spec treats as absent).
    pub help: Option<String>,
    /// The UNIT (OpenMetrics only; an empty one is absent).
    pub unit: Option<String>,
    /// Its samples, in the order written.
    pub samples: Vec<Sample>,
}

/// Collects the samples the text format shows (no `_created`, no exemplars; a gauge
/// histogram's `_gcount` and `_gsum` stay in its family), or, made by
/// [`recording`](Self::recording), every sample of the protobuf flattening.
pub(super) struct SampleSink {
    pub(super) families: Vec<MetricFamily>,
    scratch: Scratch,
    values: String,
    /// How many families existed when the current collector began.
    mark: usize,
    /// Which samples to keep ([`Point::for_each_sample`]).
    pub(super) format: Format,
    /// What [`Sink::registered_at`] answers.
    pub(super) registered_at: Option<f64>,
    /// Recording: each family's gauge and unknown values as collected (a sample keeps an
    /// `f64`; an integer gauge is replayed as the integer it was).
    pub(super) numbers: Option<Vec<Vec<Number>>>,
    /// Recording: each family's descriptor as sent (where it was defined included).
    pub(super) descriptors: Vec<Descriptor>,
}

impl Default for SampleSink {
    fn default() -> Self {
        SampleSink {
            families: Vec::new(),
            scratch: Scratch::default(),
            values: String::new(),
            mark: 0,
            format: Format::Text,
            registered_at: None,
            numbers: None,
            descriptors: Vec::new(),
        }
    }
}

impl Sink for SampleSink {
    fn family(&mut self, descriptor: &Descriptor) {
        if let Some(numbers) = &mut self.numbers {
            numbers.push(Vec::new());
            self.descriptors.push(descriptor.clone());
        }
        self.families.push(MetricFamily {
            name: descriptor.name.to_string(),
            metric_type: descriptor.metric_type,
            help: Some(descriptor.help.to_string()).filter(|h| !h.is_empty()),
            unit: descriptor
                .unit
                .as_deref()
                .filter(|u| !u.is_empty())
                .map(str::to_owned),
            samples: Vec::new(),
        });
    }

    fn point(&mut self, labels: &dyn EncodeLabels, point: Point<'_>) {
        let Some(family) = self.families.last_mut() else {
            return;
        };
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut visitor = |name: &str, value: &str| pairs.push((name.to_owned(), value.to_owned()));
        labels.encode_labels(&mut LabelWriter::new(&mut visitor, &mut self.values));
        let name = &family.name;
        let mut numbers = self
            .numbers
            .as_mut()
            .and_then(|n| n.last_mut())
            .filter(|_| matches!(family.metric_type, MetricType::Gauge | MetricType::Unknown));
        point.for_each_sample(&mut self.scratch, self.format, |sample| {
            if let Some(numbers) = numbers.as_mut() {
                numbers.push(sample.value);
            }
            let mut labels = pairs.clone();
            let mut float_label = |label: &str, v: f64| {
                let mut s = String::new();
                crate::number::write_canonical_f64(&mut s, v);
                labels.push((label.to_owned(), s));
            };
            match sample.extra {
                ExtraLabel::None => {}
                ExtraLabel::Le(le) => float_label("le", le),
                ExtraLabel::Quantile(q) => float_label("quantile", q),
                ExtraLabel::State(state) => labels.push((name.to_string(), state.to_owned())),
                ExtraLabel::Labels(info) => labels.extend(info.iter().cloned()),
            }
            family.samples.push(Sample {
                name: format!("{name}{}", sample.suffix),
                labels,
                value: sample.value.as_f64(),
                timestamp: sample.timestamp.map(Timestamp::Seconds),
                exemplar: sample.exemplar.cloned(),
            });
        });
    }

    fn begin_collector(&mut self) {
        self.mark = self.families.len();
    }

    fn abort_collector(&mut self) {
        self.families.truncate(self.mark);
        if let Some(numbers) = &mut self.numbers {
            numbers.truncate(self.mark);
            self.descriptors.truncate(self.mark);
        }
    }

    fn registered_at(&self) -> Option<f64> {
        self.registered_at
    }
}
