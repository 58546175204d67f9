//! OpenMetrics 1.0 text.
//!
//! - Per family `# TYPE`, then `# UNIT` (when the descriptor has one), then `# HELP`
//!   (unless empty; escapes `\`, `"` and newline). A counter family is named without
//!   `_total`, an info family without `_info`; their samples carry the suffix.
//! - Types `counter gauge histogram gaugehistogram summary info stateset unknown`.
//! - `_created` after a counter's `_total` and after a histogram's or summary's `_count`
//!   (unless [disabled](crate::metrics::disable_created_metrics)), in seconds.
//! - `le` and `quantile` in canonical form (`1.0`, `1e+06`, `+Inf`).
//! - A histogram has `_sum` and `_count` together or not at all; not when a bucket bound
//!   is negative, nor when the sum is negative or NaN (observations of negative values or
//!   NaN over non-negative bounds): the `+Inf` bucket still carries the count.
//! - A summary's `_sum` and `_count` are left out together while the sum is negative or
//!   NaN, and each quantile whose value is negative is left out (NaN, "no data", stays).
//!   A gauge histogram's `_gsum` and `_gcount` are left out together when `_gsum` is NaN,
//!   or negative while no bucket bound is. Text 0.0.4 shows all of these as recorded.
//! - Exemplars ` # {labels} value timestamp` on `_total` and `_bucket` samples only; a
//!   bucket's exemplar only when its value falls inside the bucket.
//! - An info metric's label that repeats one of its series' labels is left out, in both
//!   formats (the series' own label wins; see [`Info`](crate::Info)).
//! - Timestamps in seconds; single spaces; no blank lines; `# EOF` last.

use super::Format;
use super::{encode_labels_into, write_label_pairs, write_series, Escaping, FamilyName};
use crate::labels::EncodeLabels;
use crate::number::{write_f64, write_number};
use crate::registry::{Descriptor, Point, Registry, Scratch, Sink};

/// The `Content-Type` of this format.
pub const CONTENT_TYPE: &str = Format::OpenMetrics.content_type();

/// Appends the OpenMetrics exposition of everything in `registry`, `# EOF` included, to
/// `out`.
///
/// ```
/// use promenade::{Counter, Registry};
/// use std::sync::Arc;
///
/// let registry = Registry::new();
/// let c = Arc::new(Counter::new());
/// registry.register_metric("jobs", "Jobs \"done\".", c.clone()).unwrap();
/// c.inc_by(3);
/// let mut out = String::new();
/// promenade::encoding::openmetrics::encode(&registry, &mut out);
/// // `_created`: when the counter was registered, in seconds since the epoch.
/// let (head, created) = out.split_once("jobs_created ").unwrap();
/// assert_eq!(head, "# TYPE jobs counter\n# HELP jobs Jobs \\\"done\\\".\njobs_total 3\n");
/// let created: f64 = created.strip_suffix("\n# EOF\n").unwrap().parse().unwrap();
/// assert!(created > 1.6e9);
/// ```
pub fn encode(registry: &Registry, out: &mut String) {
    let mut encoder = OpenMetricsEncoder::new(out);
    registry.collect(&mut encoder);
    encoder.finish();
}

/// Encodes `registry` into a fresh string sized after the previous exposition (the
/// Python client's `openmetrics.exposition.generate_latest`).
#[doc(alias = "generate_latest")]
pub fn encode_to_string(registry: &Registry) -> String {
    super::sized_exposition(registry, true, |out| encode(registry, out))
}

/// The OpenMetrics encoder as a [`Sink`]. Call [`finish`](Self::finish) after the
/// collection to write `# EOF`.
pub struct OpenMetricsEncoder<'a> {
    out: &'a mut String,
    name: FamilyName,
    labels: String,
    values: String,
    scratch: Scratch,
    mark: usize,
    escaping: Escaping,
}

impl<'a> OpenMetricsEncoder<'a> {
    /// An encoder appending to `out`.
    pub fn new(out: &'a mut String) -> Self {
        OpenMetricsEncoder {
            out,
            name: FamilyName::default(),
            labels: String::new(),
            values: String::new(),
            scratch: Scratch::new(),
            mark: 0,
            escaping: Escaping::default(),
        }
    }

    /// Writes names outside the legacy character set as `escaping` says (the default,
    /// [`Escaping::Underscores`], makes them legacy; [`Escaping::AllowUtf8`] quotes them:
    /// `{"http.server.duration_count","url.scheme"="https"} 3`). Legacy names are written
    /// as they are in every scheme.
    pub fn with_escaping(mut self, escaping: Escaping) -> Self {
        self.escaping = escaping;
        self
    }

    /// Writes `# EOF`.
    pub fn finish(self) {
        self.out.push_str("# EOF\n");
    }
}

impl Sink for OpenMetricsEncoder<'_> {
    fn family(&mut self, d: &Descriptor) {
        self.name.set(&d.name, self.escaping);
        let out = &mut *self.out;
        out.push_str("# TYPE ");
        self.name.write_with(out, "");
        out.push(' ');
        out.push_str(d.metric_type.openmetrics_str());
        out.push('\n');
        if let Some(unit) = d.unit.as_deref().filter(|u| !u.is_empty()) {
            out.push_str("# UNIT ");
            self.name.write_with(out, "");
            out.push(' ');
            out.push_str(unit);
            out.push('\n');
        }
        if !d.help.is_empty() {
            out.push_str("# HELP ");
            self.name.write_with(out, "");
            out.push(' ');
            escape_into(out, &d.help);
            out.push('\n');
        }
    }

    fn point(&mut self, labels: &dyn EncodeLabels, point: Point<'_>) {
        encode_labels_into(&mut self.labels, &mut self.values, labels, self.escaping);
        let OpenMetricsEncoder {
            out,
            name,
            labels,
            scratch,
            ..
        } = self;
        point.for_each_sample(scratch, Format::OpenMetrics, |s| {
            write_series(out, name, s.suffix, labels, s.extra);
            out.push(' ');
            write_number(out, s.value);
            if let Some(ts) = s.timestamp {
                out.push(' ');
                write_f64(out, ts);
            }
            if let Some(e) = s
                .exemplar
                .filter(|_| matches!(s.suffix, "_total" | "_bucket"))
            {
                out.push_str(" # {");
                write_label_pairs(out, e.labels().iter(), name.escaping);
                out.push_str("} ");
                write_f64(out, e.value());
                if let Some(ts) = e.timestamp() {
                    out.push(' ');
                    write_f64(out, ts);
                }
            }
            out.push('\n');
        });
    }

    fn begin_collector(&mut self) {
        self.mark = self.out.len();
    }

    fn abort_collector(&mut self) {
        self.out.truncate(self.mark);
    }
}

/// HELP text escapes `\`, `"` and newline.
fn escape_into(out: &mut String, help: &str) {
    for c in help.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}
