//! The Prometheus protobuf exposition (feature `protobuf`): a sequence of
//! `io.prometheus.client.MetricFamily` messages, each prefixed by its length as a varint
//! ([`CONTENT_TYPE`]). The only format Prometheus 2 ingests native histograms from; a
//! Prometheus started with `--enable-feature=native-histograms` asks for it first, and
//! [`negotiate`](super::negotiate) answers it then (and only when asked).
//!
//! The encoder writes the wire format directly, with no message built per series; the
//! message types in [`proto`] (derived with prost) decode it, and the tests compare.
//!
//! How each type travels (the way client_golang writes them, and the way Prometheus reads
//! them into the same series a text scrape gives):
//!
//! - counter: family `x_total`, type `COUNTER`, with its exemplar and `created_timestamp`
//!   (unless [disabled](crate::metrics::disable_created_metrics));
//! - gauge, unknown: `GAUGE`, `UNTYPED`;
//! - histogram: `HISTOGRAM`, cumulative buckets with their exemplars, `sample_count`,
//!   `sample_sum` and `created_timestamp`. The `+Inf` bucket is implied by `sample_count`
//!   and written only when it holds an exemplar. Every value as recorded, as in text 0.0.4;
//! - summary: `SUMMARY`, quantiles, count, sum, `created_timestamp`;
//! - info: a `GAUGE` family `x_info` of value 1, the info labels after the series' labels;
//! - state set: a `GAUGE` family `x`, one series per state labelled `x="state"`, 1 or 0;
//! - gauge histogram: three `GAUGE` families, `x_bucket` (with `le`), `x_gcount`,
//!   `x_gsum`, exactly the series a text 0.0.4 scrape gives. Not `GAUGE_HISTOGRAM`:
//!   Prometheus 2.42 names the series of a classic `GAUGE_HISTOGRAM` without their
//!   suffixes, so `x_bucket`, `x_gcount` and `x_gsum` would all become `x`.
//!
//! `le` and `quantile` travel as numbers (Prometheus spells them in the canonical
//! OpenMetrics form, as both text encoders of this crate do). Units go in the family's
//! `unit` field, timestamps of collector values in `timestamp_ms`. A family without series
//! is left out, as client_golang leaves it out.

pub mod proto;

use prost::encoding::{encode_varint, encoded_len_varint};

use super::{Escaping, Format};
use crate::labels::{EncodeLabels, LabelVisitor, LabelWriter};
use crate::metrics::{Exemplar, MetricType};
use crate::number::write_canonical_f64;
use crate::registry::{Descriptor, ExtraLabel, Number, Point, Registry, SampleView, Scratch, Sink};

/// The `Content-Type` of this format.
pub const CONTENT_TYPE: &str = Format::Protobuf.content_type();

/// Appends the protobuf exposition of everything in `registry` to `out`.
///
/// ```
/// use promenade::encoding::protobuf::{self, proto};
/// use promenade::{Counter, Registry};
/// use std::sync::Arc;
///
/// let registry = Registry::new();
/// let c = Arc::new(Counter::new());
/// registry.register_metric("jobs", "Jobs done.", c.clone()).unwrap();
/// c.inc_by(3);
/// let mut out = Vec::new();
/// protobuf::encode(&registry, &mut out);
///
/// let families = proto::decode_delimited(&out).unwrap();
/// assert_eq!(families[0].name.as_deref(), Some("jobs_total"));
/// assert_eq!(families[0].r#type, Some(proto::MetricType::Counter as i32));
/// let counter = families[0].metric[0].counter.as_ref().unwrap();
/// assert_eq!(counter.value, Some(3.0));
/// assert!(counter.created_timestamp.unwrap().seconds > 1_600_000_000);
/// ```
pub fn encode(registry: &Registry, out: &mut Vec<u8>) {
    // A family is gathered before it is written (its length comes first): size that
    // buffer after what `out` held before, so a reused `out` makes the body grow once,
    // not by doubling through a large family.
    let hint = out.capacity().saturating_sub(out.len());
    let mut encoder = ProtobufEncoder::new(out);
    encoder.outputs[0].metrics.reserve(hint);
    registry.collect(&mut encoder);
    encoder.finish();
}

/// Encodes `registry` into a fresh buffer sized after the previous exposition.
pub fn encode_to_vec(registry: &Registry) -> Vec<u8> {
    super::sized_bytes(registry, true, |out| encode(registry, out))
}

/// Wire types.
const VARINT: u32 = 0;
const FIXED64: u32 = 1;
const LEN: u32 = 2;

// Field numbers (client_model's metrics.proto).
const FAMILY_NAME: u32 = 1;
const FAMILY_HELP: u32 = 2;
const FAMILY_TYPE: u32 = 3;
const FAMILY_METRIC: u32 = 4;
const FAMILY_UNIT: u32 = 5;
const METRIC_LABEL: u32 = 1;
const METRIC_GAUGE: u32 = 2;
const METRIC_COUNTER: u32 = 3;
const METRIC_SUMMARY: u32 = 4;
const METRIC_UNTYPED: u32 = 5;
const METRIC_TIMESTAMP_MS: u32 = 6;
const METRIC_HISTOGRAM: u32 = 7;
const LABEL_NAME: u32 = 1;
const LABEL_VALUE: u32 = 2;
const VALUE: u32 = 1;
const COUNTER_EXEMPLAR: u32 = 2;
const COUNTER_CREATED: u32 = 3;
const SUMMARY_COUNT: u32 = 1;
const SUMMARY_SUM: u32 = 2;
const SUMMARY_QUANTILE: u32 = 3;
const SUMMARY_CREATED: u32 = 4;
const QUANTILE_QUANTILE: u32 = 1;
const QUANTILE_VALUE: u32 = 2;
const HISTOGRAM_COUNT: u32 = 1;
const HISTOGRAM_SUM: u32 = 2;
const HISTOGRAM_BUCKET: u32 = 3;
const HISTOGRAM_CREATED: u32 = 15;
const BUCKET_CUMULATIVE: u32 = 1;
const BUCKET_UPPER: u32 = 2;
const BUCKET_EXEMPLAR: u32 = 3;
const EXEMPLAR_LABEL: u32 = 1;
const EXEMPLAR_VALUE: u32 = 2;
const EXEMPLAR_TIMESTAMP: u32 = 3;
const TIMESTAMP_SECONDS: u32 = 1;
const TIMESTAMP_NANOS: u32 = 2;

fn key(buf: &mut Vec<u8>, field: u32, wire: u32) {
    encode_varint(u64::from(field << 3 | wire), buf);
}

fn key_len(field: u32) -> usize {
    encoded_len_varint(u64::from(field << 3))
}

/// The length of a length-delimited field of `len` bytes.
fn len_field_len(field: u32, len: usize) -> usize {
    key_len(field) + encoded_len_varint(len as u64) + len
}

fn put_bytes(buf: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    key(buf, field, LEN);
    encode_varint(bytes.len() as u64, buf);
    buf.extend_from_slice(bytes);
}

fn put_f64(buf: &mut Vec<u8>, field: u32, v: f64) {
    key(buf, field, FIXED64);
    buf.extend_from_slice(&v.to_le_bytes());
}

fn put_u64(buf: &mut Vec<u8>, field: u32, v: u64) {
    key(buf, field, VARINT);
    encode_varint(v, buf);
}

/// `int64`/`int32`: two's complement as a varint.
fn put_i64(buf: &mut Vec<u8>, field: u32, v: i64) {
    put_u64(buf, field, v as u64);
}

/// A `LabelPair` message as a field of its parent.
fn put_label(buf: &mut Vec<u8>, field: u32, name: &str, value: &str) {
    let len = len_field_len(LABEL_NAME, name.len()) + len_field_len(LABEL_VALUE, value.len());
    key(buf, field, LEN);
    encode_varint(len as u64, buf);
    put_bytes(buf, LABEL_NAME, name.as_bytes());
    put_bytes(buf, LABEL_VALUE, value.as_bytes());
}

/// A `google.protobuf.Timestamp` as a field of its parent.
fn put_timestamp(buf: &mut Vec<u8>, field: u32, seconds: f64) {
    let t = proto::Timestamp::from_seconds(seconds);
    let mut len = 0;
    if t.seconds != 0 {
        len += key_len(TIMESTAMP_SECONDS) + encoded_len_varint(t.seconds as u64);
    }
    if t.nanos != 0 {
        len += key_len(TIMESTAMP_NANOS) + encoded_len_varint(i64::from(t.nanos) as u64);
    }
    key(buf, field, LEN);
    encode_varint(len as u64, buf);
    if t.seconds != 0 {
        put_i64(buf, TIMESTAMP_SECONDS, t.seconds);
    }
    if t.nanos != 0 {
        put_i64(buf, TIMESTAMP_NANOS, i64::from(t.nanos));
    }
}

/// Writes the message in `body` as field `field` of `buf`, and clears `body`.
fn put_message(buf: &mut Vec<u8>, field: u32, body: &mut Vec<u8>) {
    put_bytes(buf, field, body);
    body.clear();
}

/// Writes an `Exemplar` message as field `field` of `buf`; `tmp` is lent scratch space.
fn put_exemplar(
    buf: &mut Vec<u8>,
    field: u32,
    e: &Exemplar,
    tmp: &mut Vec<u8>,
    escaping: Escaping,
) {
    tmp.clear();
    for (name, value) in e.labels().iter() {
        put_label(tmp, EXEMPLAR_LABEL, &escaping.escape_label(name), value);
    }
    put_f64(tmp, EXEMPLAR_VALUE, e.value());
    if let Some(ts) = e.timestamp() {
        put_timestamp(tmp, EXEMPLAR_TIMESTAMP, ts);
    }
    put_message(buf, field, tmp);
}

/// Writes label pairs as `LabelPair` fields of a `Metric`.
struct ProtoLabels<'a> {
    out: &'a mut Vec<u8>,
    escaping: Escaping,
}

impl LabelVisitor for ProtoLabels<'_> {
    #[inline]
    fn label(&mut self, name: &str, value: &str) {
        put_label(
            self.out,
            METRIC_LABEL,
            &self.escaping.escape_label(name),
            value,
        );
    }
}

/// One family of the exposition: a suffix to the descriptor's name, its type, and the
/// `Metric` fields written so far.
#[derive(Default)]
struct Output {
    suffix: &'static str,
    ty: i32,
    metrics: Vec<u8>,
}

/// What the samples of one point say, gathered before its `Metric` is written.
#[derive(Default)]
struct Parts {
    value: Option<f64>,
    created: Option<f64>,
    sum: Option<f64>,
    count: Option<u64>,
    timestamp: Option<f64>,
    /// The counter's exemplar, an encoded `Exemplar` field.
    exemplar: Vec<u8>,
    /// Encoded `Bucket` or `Quantile` fields.
    items: Vec<u8>,
}

impl Parts {
    fn clear(&mut self) {
        self.value = None;
        self.created = None;
        self.sum = None;
        self.count = None;
        self.timestamp = None;
        self.exemplar.clear();
        self.items.clear();
    }
}

/// The protobuf encoder as a [`Sink`]. Call [`finish`](Self::finish) after the
/// collection: each family is written when the next one starts, since its length comes
/// first.
pub struct ProtobufEncoder<'a> {
    out: &'a mut Vec<u8>,
    name: String,
    help: String,
    unit: String,
    metric_type: MetricType,
    outputs: [Output; 3],
    used: usize,
    /// The current series' labels, as encoded `LabelPair` fields.
    labels: Vec<u8>,
    values: String,
    parts: Parts,
    metric: Vec<u8>,
    body: Vec<u8>,
    tmp: Vec<u8>,
    le: String,
    scratch: Scratch,
    mark: usize,
    escaping: Escaping,
    /// The family's name as given, for a state set's label.
    raw_name: String,
}

impl<'a> ProtobufEncoder<'a> {
    /// An encoder appending to `out`.
    pub fn new(out: &'a mut Vec<u8>) -> Self {
        ProtobufEncoder {
            out,
            name: String::new(),
            help: String::new(),
            unit: String::new(),
            metric_type: MetricType::Unknown,
            outputs: Default::default(),
            used: 0,
            labels: Vec::new(),
            values: String::new(),
            parts: Parts::default(),
            metric: Vec::new(),
            body: Vec::new(),
            tmp: Vec::new(),
            le: String::new(),
            scratch: Scratch::new(),
            mark: 0,
            escaping: Escaping::default(),
            raw_name: String::new(),
        }
    }

    /// Writes names outside the legacy character set as `escaping` says (the default,
    /// [`Escaping::Underscores`], makes them legacy; [`Escaping::AllowUtf8`] writes them
    /// verbatim). Legacy names are written as they are in every scheme.
    pub fn with_escaping(mut self, escaping: Escaping) -> Self {
        self.escaping = escaping;
        self
    }

    /// Writes the last family.
    pub fn finish(mut self) {
        self.flush();
    }

    /// Writes the current family's outputs that have series, each as one delimited
    /// `MetricFamily`.
    fn flush(&mut self) {
        for output in &mut self.outputs[..self.used] {
            if output.metrics.is_empty() {
                continue;
            }
            let name_len = self.name.len() + output.suffix.len();
            let mut len = len_field_len(FAMILY_NAME, name_len)
                + key_len(FAMILY_TYPE)
                + encoded_len_varint(output.ty as u64)
                + output.metrics.len();
            if !self.help.is_empty() {
                len += len_field_len(FAMILY_HELP, self.help.len());
            }
            if !self.unit.is_empty() {
                len += len_field_len(FAMILY_UNIT, self.unit.len());
            }
            let out = &mut *self.out;
            out.reserve(len + 10);
            encode_varint(len as u64, out);
            key(out, FAMILY_NAME, LEN);
            encode_varint(name_len as u64, out);
            out.extend_from_slice(self.name.as_bytes());
            out.extend_from_slice(output.suffix.as_bytes());
            if !self.help.is_empty() {
                put_bytes(out, FAMILY_HELP, self.help.as_bytes());
            }
            put_u64(out, FAMILY_TYPE, output.ty as u64);
            out.extend_from_slice(&output.metrics);
            if !self.unit.is_empty() {
                put_bytes(out, FAMILY_UNIT, self.unit.as_bytes());
            }
            output.metrics.clear();
        }
        self.used = 0;
    }

    fn outputs_for(&mut self, ty: MetricType) {
        use proto::MetricType as P;
        let list: &[(&'static str, P)] = match ty {
            MetricType::Counter => &[("_total", P::Counter)],
            MetricType::Gauge | MetricType::StateSet => &[("", P::Gauge)],
            MetricType::Info => &[("_info", P::Gauge)],
            MetricType::Histogram => &[("", P::Histogram)],
            MetricType::Summary => &[("", P::Summary)],
            MetricType::GaugeHistogram => &[
                ("_bucket", P::Gauge),
                ("_gcount", P::Gauge),
                ("_gsum", P::Gauge),
            ],
            _ => &[("", P::Untyped)],
        };
        for (output, (suffix, t)) in self.outputs.iter_mut().zip(list) {
            output.suffix = suffix;
            output.ty = *t as i32;
            output.metrics.clear();
        }
        self.used = list.len();
    }

    /// Writes one `Metric` of output `index`: the series' labels, `extra` labels, the
    /// typed value the caller wrote into `self.body` as field `field`, the timestamp.
    fn emit<'p>(
        &mut self,
        index: usize,
        extra: impl IntoIterator<Item = (&'p str, &'p str)>,
        field: u32,
    ) {
        let metric = &mut self.metric;
        metric.clear();
        metric.extend_from_slice(&self.labels);
        for (name, value) in extra {
            put_label(
                metric,
                METRIC_LABEL,
                &self.escaping.escape_label(name),
                value,
            );
        }
        // Fields in ascending order, as prost and client_golang write them: the
        // timestamp (6) goes before a histogram (7), after the others.
        let timestamp = self.parts.timestamp.map(|ts| (ts * 1000.0).round() as i64);
        if let Some(ms) = timestamp.filter(|_| field > METRIC_TIMESTAMP_MS) {
            put_i64(metric, METRIC_TIMESTAMP_MS, ms);
        }
        put_message(metric, field, &mut self.body);
        if let Some(ms) = timestamp.filter(|_| field < METRIC_TIMESTAMP_MS) {
            put_i64(metric, METRIC_TIMESTAMP_MS, ms);
        }
        put_bytes(&mut self.outputs[index].metrics, FAMILY_METRIC, metric);
    }

    /// Writes a gauge `Metric` of output `index` right away.
    fn emit_gauge<'p>(
        &mut self,
        index: usize,
        extra: impl IntoIterator<Item = (&'p str, &'p str)>,
        value: f64,
    ) {
        self.body.clear();
        put_f64(&mut self.body, VALUE, value);
        self.emit(index, extra, METRIC_GAUGE);
    }

    /// One sample of the current point.
    fn sample(&mut self, s: &SampleView<'_>) {
        self.parts.timestamp = s.timestamp;
        let value = s.value.as_f64();
        match (self.metric_type, s.suffix) {
            (MetricType::Info, _) => {
                let pairs = match s.extra {
                    ExtraLabel::Labels(pairs) => pairs,
                    _ => &[],
                };
                let pairs = pairs.iter().map(|(n, v)| (n.as_str(), v.as_str()));
                self.emit_gauge(0, pairs, value);
            }
            (MetricType::StateSet, _) => {
                let name = std::mem::take(&mut self.raw_name);
                match s.extra {
                    ExtraLabel::State(state) => self.emit_gauge(0, [(name.as_str(), state)], value),
                    _ => self.emit_gauge(0, [], value),
                }
                self.raw_name = name;
            }
            (MetricType::GaugeHistogram, suffix) => match (suffix, s.extra) {
                ("_bucket", ExtraLabel::Le(le)) => {
                    let mut spelled = std::mem::take(&mut self.le);
                    spelled.clear();
                    write_canonical_f64(&mut spelled, le);
                    self.emit_gauge(0, [("le", spelled.as_str())], value);
                    self.le = spelled;
                }
                ("_gcount", _) => self.emit_gauge(1, [], value),
                ("_gsum", _) => self.emit_gauge(2, [], value),
                _ => {}
            },
            (_, "_created") => self.parts.created = Some(value),
            (_, "_sum") => self.parts.sum = Some(value),
            (_, "_count") => self.parts.count = Some(count_of(s.value)),
            (MetricType::Histogram, "_bucket") => {
                let ExtraLabel::Le(le) = s.extra else { return };
                let count = count_of(s.value);
                if le == f64::INFINITY {
                    self.parts.count.get_or_insert(count);
                    // The `+Inf` bucket is implied by the count; written only to carry
                    // its exemplar.
                    if s.exemplar.is_none() {
                        return;
                    }
                }
                let body = &mut self.body;
                body.clear();
                put_u64(body, BUCKET_CUMULATIVE, count);
                put_f64(body, BUCKET_UPPER, le);
                if let Some(e) = s.exemplar {
                    put_exemplar(body, BUCKET_EXEMPLAR, e, &mut self.tmp, self.escaping);
                }
                put_message(&mut self.parts.items, HISTOGRAM_BUCKET, body);
            }
            (MetricType::Summary, "") => {
                let ExtraLabel::Quantile(q) = s.extra else {
                    return;
                };
                let body = &mut self.body;
                body.clear();
                put_f64(body, QUANTILE_QUANTILE, q);
                put_f64(body, QUANTILE_VALUE, value);
                put_message(&mut self.parts.items, SUMMARY_QUANTILE, body);
            }
            (MetricType::Counter, _) => {
                self.parts.value = Some(value);
                if let Some(e) = s.exemplar {
                    put_exemplar(
                        &mut self.parts.exemplar,
                        COUNTER_EXEMPLAR,
                        e,
                        &mut self.tmp,
                        self.escaping,
                    );
                }
            }
            _ => self.parts.value = Some(value),
        }
    }

    /// Writes the `Metric` of the point whose samples [`sample`](Self::sample) gathered
    /// (types whose samples are not written one by one).
    fn finish_point(&mut self) {
        let p = &mut self.parts;
        let body = &mut self.body;
        body.clear();
        let field = match self.metric_type {
            MetricType::Counter => {
                put_f64(body, VALUE, p.value.unwrap_or(0.0));
                body.extend_from_slice(&p.exemplar);
                if let Some(c) = p.created {
                    put_timestamp(body, COUNTER_CREATED, c);
                }
                METRIC_COUNTER
            }
            MetricType::Gauge => {
                put_f64(body, VALUE, p.value.unwrap_or(0.0));
                METRIC_GAUGE
            }
            MetricType::Histogram => {
                put_u64(body, HISTOGRAM_COUNT, p.count.unwrap_or(0));
                if let Some(sum) = p.sum {
                    put_f64(body, HISTOGRAM_SUM, sum);
                }
                body.extend_from_slice(&p.items);
                if let Some(c) = p.created {
                    put_timestamp(body, HISTOGRAM_CREATED, c);
                }
                METRIC_HISTOGRAM
            }
            MetricType::Summary => {
                put_u64(body, SUMMARY_COUNT, p.count.unwrap_or(0));
                put_f64(body, SUMMARY_SUM, p.sum.unwrap_or(0.0));
                body.extend_from_slice(&p.items);
                if let Some(c) = p.created {
                    put_timestamp(body, SUMMARY_CREATED, c);
                }
                METRIC_SUMMARY
            }
            MetricType::Info | MetricType::StateSet | MetricType::GaugeHistogram => return,
            _ => {
                put_f64(body, VALUE, p.value.unwrap_or(0.0));
                METRIC_UNTYPED
            }
        };
        self.emit(0, [], field);
    }
}

/// A sample value as an integer count (bucket and sample counts are integers).
fn count_of(n: Number) -> u64 {
    match n {
        Number::Int(n) => n,
        Number::SignedInt(n) => n.max(0) as u64,
        Number::Float(f) => f as u64,
    }
}

impl Sink for ProtobufEncoder<'_> {
    fn family(&mut self, d: &Descriptor) {
        self.flush();
        self.name.clear();
        self.name.push_str(&self.escaping.escape(&d.name));
        self.raw_name.clear();
        self.raw_name.push_str(&d.name);
        self.help.clear();
        self.help.push_str(&d.help);
        self.unit.clear();
        self.unit.push_str(d.unit.as_deref().unwrap_or(""));
        self.metric_type = d.metric_type;
        self.outputs_for(d.metric_type);
    }

    fn point(&mut self, labels: &dyn EncodeLabels, point: Point<'_>) {
        self.labels.clear();
        labels.encode_labels(&mut LabelWriter::new(
            &mut ProtoLabels {
                out: &mut self.labels,
                escaping: self.escaping,
            },
            &mut self.values,
        ));
        self.parts.clear();
        let mut scratch = std::mem::take(&mut self.scratch);
        point.for_each_sample(&mut scratch, Format::Protobuf, |s| self.sample(s));
        self.scratch = scratch;
        self.finish_point();
    }

    fn begin_collector(&mut self) {
        self.flush();
        self.mark = self.out.len();
    }

    fn abort_collector(&mut self) {
        self.out.truncate(self.mark);
        for output in &mut self.outputs {
            output.metrics.clear();
        }
        self.used = 0;
    }
}
