//! Exposition formats. Encoders implement [`Sink`](crate::registry::Sink) and write into a
//! buffer the caller owns, so a server can reuse one allocation across scrapes.
//!
//! - [`text`]: Prometheus text 0.0.4.
//! - [`openmetrics`]: OpenMetrics 1.0 (`_created`, exemplars, `# UNIT`, `# EOF`).
//! - [`protobuf`] (feature `protobuf`): the Prometheus protobuf format, delimited
//!   `MetricFamily` messages (the one that carries native histograms).
//! - [`negotiate`]: picks one of them from a scrape's `Accept` header, gzips when allowed,
//!   honours `name[]=…` filters.
//!
//! Every encoder writes the samples [`Point::for_each_sample`](crate::registry::Point::for_each_sample)
//! produces for its [`Format`]; the text encoders differ only in spelling, the protobuf
//! encoder gathers a point's samples back into one message.

pub use crate::format::{Escaping, Format};

pub mod negotiate;
pub mod openmetrics;
#[cfg(feature = "protobuf")]
pub mod protobuf;
pub mod text;

use crate::labels::{escape_label_value_into, EncodeLabels, LabelWriter};
use crate::number::write_canonical_f64;
use crate::registry::{ExtraLabel, Registry};

/// Runs `encode` into a fresh string sized after `registry`'s previous exposition, and
/// records this one's size for the next (a filtered exposition is not recorded: it is
/// smaller than the registry's whole).
fn sized_exposition(registry: &Registry, record: bool, encode: impl FnOnce(&mut String)) -> String {
    let mut out = String::with_capacity(size_hint(registry));
    encode(&mut out);
    record_size(registry, record, out.len());
    out
}

/// [`sized_exposition`] for the binary format.
#[cfg(feature = "protobuf")]
fn sized_bytes(registry: &Registry, record: bool, encode: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut out = Vec::with_capacity(size_hint(registry));
    encode(&mut out);
    record_size(registry, record, out.len());
    out
}

fn size_hint(registry: &Registry) -> usize {
    registry
        .size_hint
        .load(std::sync::atomic::Ordering::Relaxed)
        + 256
}

fn record_size(registry: &Registry, record: bool, len: usize) {
    if record {
        registry
            .size_hint
            .store(len, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Writes label pairs as the text formats do: `name="value"`, comma-separated, each value
/// escaped (`\`, `"`, newline), each name as `escaping` has it, without braces.
pub(crate) struct TextLabels<'a> {
    out: &'a mut String,
    escaping: Escaping,
}

impl crate::labels::LabelVisitor for TextLabels<'_> {
    #[inline]
    fn label(&mut self, name: &str, value: &str) {
        let first = self.out.is_empty();
        write_label(self.out, first, name, value, self.escaping);
    }
}

/// Appends `name` as a label name: as it is when legacy, else escaped, or — with
/// [`Escaping::AllowUtf8`] — quoted (`"url.scheme"`).
#[inline]
fn write_label_name(out: &mut String, name: &str, escaping: Escaping) {
    if crate::format::is_legacy(name, true) {
        out.push_str(name);
    } else if escaping == Escaping::AllowUtf8 {
        out.push('"');
        escape_label_value_into(out, name);
        out.push('"');
    } else {
        out.push_str(&escaping.escape_label(name));
    }
}

/// Appends `name="value"` (value escaped), after a comma unless it is the `first`.
#[inline]
fn write_label(out: &mut String, first: bool, name: &str, value: &str, escaping: Escaping) {
    if !first {
        out.push(',');
    }
    write_label_name(out, name, escaping);
    out.push_str("=\"");
    escape_label_value_into(out, value);
    out.push('"');
}

/// Appends label pairs with [`write_label`], comma-separated, without braces.
fn write_label_pairs<'p>(
    out: &mut String,
    pairs: impl Iterator<Item = (&'p str, &'p str)>,
    escaping: Escaping,
) {
    for (i, (name, value)) in pairs.enumerate() {
        write_label(out, i == 0, name, value, escaping);
    }
}

/// Writes `labels` (escaped, without braces) into `buf`, replacing its contents; `values`
/// is the buffer values that need formatting are written into.
fn encode_labels_into(
    buf: &mut String,
    values: &mut String,
    labels: &dyn EncodeLabels,
    escaping: Escaping,
) {
    buf.clear();
    labels.encode_labels(&mut LabelWriter::new(
        &mut TextLabels { out: buf, escaping },
        values,
    ));
}

/// A family's name as the text formats write it.
#[derive(Default)]
struct FamilyName {
    /// The name as written (escaped; with [`Escaping::AllowUtf8`] as it is).
    written: String,
    /// The name as given, for a state set's label.
    raw: String,
    /// Whether sample names are quoted inside the braces (a name outside the legacy set
    /// with [`Escaping::AllowUtf8`]).
    quoted: bool,
    escaping: Escaping,
}

impl FamilyName {
    fn set(&mut self, name: &str, escaping: Escaping) {
        self.raw.clear();
        self.raw.push_str(name);
        self.written.clear();
        self.written.push_str(&escaping.escape(name));
        self.quoted = escaping == Escaping::AllowUtf8 && !crate::format::is_legacy(name, false);
        self.escaping = escaping;
    }

    /// Appends the name with `suffix` as a metadata line has it: bare, or quoted.
    fn write_with(&self, out: &mut String, suffix: &str) {
        if self.quoted {
            out.push('"');
            escape_label_value_into(out, &self.written);
            out.push_str(suffix);
            out.push('"');
        } else {
            out.push_str(&self.written);
            out.push_str(suffix);
        }
    }
}

/// Writes `name{labels,extra}` (no braces when there are no labels; a quoted name goes
/// inside them: `{"name",labels}`). `labels` are the series' labels as
/// [`encode_labels_into`] wrote them; `le` and `quantile` are spelled the OpenMetrics
/// (canonical) way.
fn write_series(
    out: &mut String,
    family: &FamilyName,
    suffix: &str,
    labels: &str,
    extra: ExtraLabel<'_>,
) {
    let extra_empty = match extra {
        ExtraLabel::None => true,
        ExtraLabel::Labels(l) => l.is_empty(),
        _ => false,
    };
    if family.quoted {
        out.push('{');
        family.write_with(out, suffix);
        if !labels.is_empty() || !extra_empty {
            out.push(',');
        }
    } else {
        out.push_str(&family.written);
        out.push_str(suffix);
        if labels.is_empty() && extra_empty {
            return;
        }
        out.push('{');
    }
    out.push_str(labels);
    if !extra_empty && !labels.is_empty() {
        out.push(',');
    }
    let float = |out: &mut String, name: &str, v: f64| {
        out.push_str(name);
        out.push_str("=\"");
        write_canonical_f64(out, v);
        out.push('"');
    };
    match extra {
        ExtraLabel::None => {}
        ExtraLabel::Le(le) => float(out, "le", le),
        ExtraLabel::Quantile(q) => float(out, "quantile", q),
        ExtraLabel::State(state) => write_label(out, true, &family.raw, state, family.escaping),
        ExtraLabel::Labels(pairs) => write_label_pairs(
            out,
            pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())),
            family.escaping,
        ),
    }
    out.push('}');
}

/// The labels as both text formats write them between braces, values escaped:
/// `method="get",path="/a\"b"`.
///
/// ```
/// use promenade::LabelSet;
///
/// #[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
/// struct Route {
///     #[label(limit = 10)]
///     path: String,
///     cached: bool,
/// }
/// let route = Route { path: "/a\"b\n".into(), cached: false };
/// assert_eq!(promenade::encoding::labels_text(&route), r#"path="/a\"b\n",cached="false""#);
/// ```
pub fn labels_text(labels: &dyn EncodeLabels) -> String {
    let mut out = String::new();
    encode_labels_into(&mut out, &mut String::new(), labels, Escaping::AllowUtf8);
    out
}
