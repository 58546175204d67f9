//! The Prometheus text format, version 0.0.4.
//!
//! - `# HELP` and `# TYPE` once per family, before its samples. HELP escapes only `\` and
//!   newline (a `\"` in HELP is rejected by promtool and the Pushgateway).
//! - Label values escape exactly `\`, `"` and newline.
//! - Counters are exposed under `name_total`, in their HELP/TYPE lines too (as the
//!   official clients do).
//! - Histograms: cumulative `_bucket{le="…"}` lines ending with `le="+Inf"` (equal to
//!   `_count`, read in the same pass), then `_sum` and `_count`.
//! - `NaN`, `+Inf`, `-Inf`; every line, the last included, ends in `\n`.

use crate::labels::{EncodeLabels, LabelWriter};
use crate::number::{write_f64, write_number};
use crate::registry::{Descriptor, Point, Registry, Sink};

/// The `Content-Type` of this format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

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
    let mut sink = TextSink {
        out,
        name: String::new(),
        labels: String::new(),
        scratch: Vec::new(),
    };
    registry.collect(&mut sink);
}

/// Encodes `registry` into a fresh string sized after the previous exposition.
pub fn encode_to_string(registry: &Registry) -> String {
    use std::sync::atomic::Ordering::Relaxed;
    let mut out = String::with_capacity(registry.size_hint.load(Relaxed) + 256);
    encode(registry, &mut out);
    registry.size_hint.store(out.len(), Relaxed);
    out
}

struct TextSink<'a> {
    out: &'a mut String,
    /// The current family's base name.
    name: String,
    labels: String,
    scratch: Vec<u64>,
}

impl Sink for TextSink<'_> {
    fn family(&mut self, d: &Descriptor) {
        self.name.clear();
        self.name.push_str(&d.name);
        let suffix = if d.metric_type == crate::MetricType::Counter {
            "_total"
        } else {
            ""
        };
        if !d.help.is_empty() {
            self.out.push_str("# HELP ");
            self.out.push_str(&d.name);
            self.out.push_str(suffix);
            self.out.push(' ');
            escape_help_into(self.out, &d.help);
            self.out.push('\n');
        }
        self.out.push_str("# TYPE ");
        self.out.push_str(&d.name);
        self.out.push_str(suffix);
        self.out.push(' ');
        self.out.push_str(d.metric_type.as_str());
        self.out.push('\n');
    }

    fn point(&mut self, labels: &dyn EncodeLabels, point: Point<'_>) {
        self.labels.clear();
        labels.encode_labels(&mut LabelWriter::new(&mut self.labels));
        let TextSink {
            out,
            name,
            labels,
            scratch,
        } = self;
        point.for_each_sample(scratch, |suffix, le, value| {
            out.push_str(name);
            out.push_str(suffix);
            if !labels.is_empty() || le.is_some() {
                out.push('{');
                out.push_str(labels);
                if let Some(le) = le {
                    if !labels.is_empty() {
                        out.push(',');
                    }
                    out.push_str("le=\"");
                    write_f64(out, le);
                    out.push('"');
                }
                out.push('}');
            }
            out.push(' ');
            write_number(out, value);
            out.push('\n');
        });
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
