//! Exposition formats. Encoders implement [`Sink`](crate::registry::Sink) and write into a
//! buffer the caller owns, so a server can reuse one allocation across scrapes.
//!
//! - [`text`]: Prometheus text 0.0.4.
//! - [`openmetrics`]: OpenMetrics 1.0 (`_created`, exemplars, `# UNIT`, `# EOF`).
//! - [`negotiate`]: picks one of them from a scrape's `Accept` header, gzips when allowed,
//!   honours `name[]=…` filters.
//!
//! Both encoders write the samples [`Point::for_each_sample`](crate::registry::Point::for_each_sample)
//! produces; they differ only in spelling.

pub mod negotiate;
pub mod openmetrics;
pub mod text;

use crate::labels::{EncodeLabels, LabelWriter};
use crate::number::{write_canonical_f64, write_f64};
use crate::registry::{ExtraLabel, Registry};

/// Runs `encode` into a fresh string sized after `registry`'s previous exposition, and
/// records this one's size for the next (a filtered exposition is not recorded: it is
/// smaller than the registry's whole).
fn sized_exposition(registry: &Registry, record: bool, encode: impl FnOnce(&mut String)) -> String {
    use std::sync::atomic::Ordering::Relaxed;
    let mut out = String::with_capacity(registry.size_hint.load(Relaxed) + 256);
    encode(&mut out);
    if record {
        registry.size_hint.store(out.len(), Relaxed);
    }
    out
}

/// Writes `labels` (escaped, without braces) into `buf`, replacing its contents.
fn encode_labels_into(buf: &mut String, labels: &dyn EncodeLabels) {
    buf.clear();
    labels.encode_labels(&mut LabelWriter::new(buf));
}

/// Writes `name{labels,extra}` (no braces when there are no labels). `family` is the
/// family name (a state set's label is named after it); `canonical` spells `le` and
/// `quantile` the OpenMetrics way.
fn write_series(
    out: &mut String,
    family: &str,
    suffix: &str,
    labels: &str,
    extra: ExtraLabel<'_>,
    canonical: bool,
) {
    out.push_str(family);
    out.push_str(suffix);
    let extra_empty = match extra {
        ExtraLabel::None => true,
        ExtraLabel::Labels(l) => l.is_empty(),
        _ => false,
    };
    if labels.is_empty() && extra_empty {
        return;
    }
    out.push('{');
    out.push_str(labels);
    if !extra_empty && !labels.is_empty() {
        out.push(',');
    }
    let float = |out: &mut String, name: &str, v: f64| {
        out.push_str(name);
        out.push_str("=\"");
        if canonical {
            write_canonical_f64(out, v);
        } else {
            write_f64(out, v);
        }
        out.push('"');
    };
    match extra {
        ExtraLabel::None => {}
        ExtraLabel::Le(le) => float(out, "le", le),
        ExtraLabel::Quantile(q) => float(out, "quantile", q),
        ExtraLabel::State(state) => {
            out.push_str(family);
            out.push_str("=\"");
            out.push_str(state);
            out.push('"');
        }
        ExtraLabel::Labels(l) => out.push_str(l),
    }
    out.push('}');
}
