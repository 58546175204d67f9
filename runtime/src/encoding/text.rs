//! The Prometheus text format, version 0.0.4.
//!
//! - `# HELP` and `# TYPE` once per family, before its samples. HELP escapes only `\` and
//!   newline (a `\"` in HELP is rejected by promtool and the Pushgateway).
//! - Label values escape exactly `\`, `"` and newline.
//! - `le` and `quantile` in OpenMetrics' canonical form (`1.0`, `1e-05`, `1e+06`, `+Inf`),
//!   as in the OpenMetrics encoder, so a Prometheus switching formats sees one series.
//! - Counters are exposed under `name_total`, in their HELP/TYPE lines too (as the
//!   official clients do).
//! - Histograms: cumulative `_bucket{le="…"}` lines ending with `le="+Inf"` (equal to
//!   `_count`, read in the same pass), then `_sum` and `_count`.
//! - `NaN`, `+Inf`, `-Inf`; every line, the last included, ends in `\n`.
//!
//! OpenMetrics-only types are mapped as the Python client maps them: an info metric is a
//! gauge `x_info`, a state set a gauge, a gauge histogram a histogram whose `_gcount` and
//! `_gsum` follow as separate gauge families, unknown is `untyped`.
//!
//! `_created` samples are left out. The Python client emits them as separate gauge
//! families, but Prometheus 2.42 stores those as ordinary series — one more series per
//! counter, histogram and summary series, which changes at every reset — while the
//! creation time it could use only arrives through OpenMetrics, which it negotiates by
//! default. Exemplars do not exist in this format.
//!
//! Timestamps (only custom collectors set them) are integer milliseconds; a negative one
//! is left out, because Prometheus 2.42 fails the whole scrape on it.

use super::Format;
use super::{encode_labels_into, write_series, Escaping, FamilyName};
use crate::labels::EncodeLabels;
use crate::number::{write_millis, write_number};
use crate::registry::{Descriptor, Point, Registry, Scratch, Sink};
use crate::MetricType;

/// The `Content-Type` of this format.
#[doc(alias = "CONTENT_TYPE_LATEST")]
pub const CONTENT_TYPE: &str = Format::Text.content_type();

/// Appends the exposition of everything in `registry` to `out`.
///
/// ```
/// use promenade::{Counter, Registry};
/// use std::sync::Arc;
///
/// let registry = Registry::new();
/// let c = Arc::new(Counter::new());
/// registry.register_metric("jobs", "Jobs done.\nAll of them.", c.clone()).unwrap();
/// c.inc_by(3);
/// let mut out = String::new();
/// promenade::encoding::text::encode(&registry, &mut out);
/// assert_eq!(out, "# HELP jobs_total Jobs done.\\nAll of them.\n# TYPE jobs_total counter\njobs_total 3\n");
/// ```
pub fn encode(registry: &Registry, out: &mut String) {
    let mut encoder = TextEncoder::new(out);
    registry.collect(&mut encoder);
    encoder.finish();
}

/// [`encode_to_string`] without sample timestamps, for the Pushgateway and the node
/// exporter's textfile collector, which both refuse them (see
/// [`TextEncoder::without_timestamps`]).
pub fn encode_to_string_without_timestamps(registry: &Registry) -> String {
    super::sized_exposition(registry, true, |out| {
        let mut encoder = TextEncoder::new(out).without_timestamps();
        registry.collect(&mut encoder);
        encoder.finish();
    })
}

/// Encodes `registry` into a fresh string sized after the previous exposition (the
/// Python client's `generate_latest`).
#[doc(alias = "generate_latest")]
pub fn encode_to_string(registry: &Registry) -> String {
    super::sized_exposition(registry, true, |out| encode(registry, out))
}

/// The text 0.0.4 encoder as a [`Sink`], for use behind adapters such as
/// [`NameFilter`](crate::registry::NameFilter). Call [`finish`](Self::finish) after the
/// collection: a gauge histogram's `_gcount`/`_gsum` families are written after it.
pub struct TextEncoder<'a> {
    out: &'a mut String,
    /// The current family's name and help, for the deferred gauge families.
    name: FamilyName,
    help: String,
    labels: String,
    values: String,
    scratch: Scratch,
    /// `_gcount` and `_gsum` lines of the current family, written after it.
    deferred: [String; 2],
    /// Where the current collector's output starts.
    mark: usize,
    /// Whether sample timestamps (set by custom collectors) are written.
    timestamps: bool,
    escaping: Escaping,
}

const DEFERRED: [&str; 2] = ["_gcount", "_gsum"];

impl<'a> TextEncoder<'a> {
    /// An encoder appending to `out`.
    pub fn new(out: &'a mut String) -> Self {
        TextEncoder {
            out,
            name: FamilyName::default(),
            help: String::new(),
            labels: String::new(),
            values: String::new(),
            scratch: Scratch::new(),
            deferred: Default::default(),
            mark: 0,
            timestamps: true,
            escaping: Escaping::default(),
        }
    }

    /// Writes names outside the legacy character set as `escaping` says (the default,
    /// [`Escaping::Underscores`], makes them legacy; [`Escaping::AllowUtf8`] quotes them,
    /// as text 1.0.0 has them). Legacy names are written as they are in every scheme.
    pub fn with_escaping(mut self, escaping: Escaping) -> Self {
        self.escaping = escaping;
        self
    }

    /// Leaves sample timestamps out. The Pushgateway refuses pushes with timestamps (400)
    /// and the node exporter skips a whole textfile that has one, so the exporters that
    /// feed them use this: a sample is then stamped by whoever scrapes it.
    pub fn without_timestamps(mut self) -> Self {
        self.timestamps = false;
        self
    }

    /// Writes what the last family deferred.
    pub fn finish(mut self) {
        self.flush_deferred();
    }

    fn flush_deferred(&mut self) {
        for (suffix, lines) in DEFERRED.iter().zip(self.deferred.iter_mut()) {
            if lines.is_empty() {
                continue;
            }
            write_header(self.out, &self.name, suffix, &self.help, "gauge");
            self.out.push_str(lines);
            lines.clear();
        }
    }
}

fn write_header(out: &mut String, name: &FamilyName, suffix: &str, help: &str, ty: &str) {
    if !help.is_empty() {
        out.push_str("# HELP ");
        name.write_with(out, suffix);
        out.push(' ');
        escape_help_into(out, help);
        out.push('\n');
    }
    out.push_str("# TYPE ");
    name.write_with(out, suffix);
    out.push(' ');
    out.push_str(ty);
    out.push('\n');
}

impl Sink for TextEncoder<'_> {
    fn family(&mut self, d: &Descriptor) {
        self.flush_deferred();
        self.name.set(&d.name, self.escaping);
        self.help.clear();
        self.help.push_str(&d.help);
        let suffix = match d.metric_type {
            MetricType::Counter => "_total",
            MetricType::Info => "_info",
            _ => "",
        };
        write_header(
            self.out,
            &self.name,
            suffix,
            &d.help,
            d.metric_type.text_str(),
        );
    }

    fn point(&mut self, labels: &dyn EncodeLabels, point: Point<'_>) {
        encode_labels_into(&mut self.labels, &mut self.values, labels, self.escaping);
        let TextEncoder {
            out,
            name,
            labels,
            scratch,
            deferred,
            timestamps,
            ..
        } = self;
        // Only a gauge histogram has lines to hold back.
        let defers = point.metric_type() == MetricType::GaugeHistogram;
        point.for_each_sample(scratch, Format::Text, |s| {
            let held = defers
                .then(|| DEFERRED.iter().position(|d| *d == s.suffix))
                .flatten();
            let line: &mut String = match held {
                Some(i) => &mut deferred[i],
                None => out,
            };
            write_series(line, name, s.suffix, labels, s.extra);
            line.push(' ');
            write_number(line, s.value);
            if let Some(ts) = s.timestamp.filter(|t| *timestamps && *t >= 0.0) {
                line.push(' ');
                write_millis(line, ts);
            }
            line.push('\n');
        });
    }

    fn begin_collector(&mut self) {
        self.flush_deferred();
        self.mark = self.out.len();
    }

    fn abort_collector(&mut self) {
        self.out.truncate(self.mark);
        self.deferred.iter_mut().for_each(String::clear);
    }
}

/// HELP text escapes `\` and newline, nothing else.
fn escape_help_into(out: &mut String, help: &str) {
    for c in help.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}
