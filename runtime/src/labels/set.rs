use std::hash::Hash;

use super::LabelWriter;

/// A set of labels: the key of one series in a [`Family`](crate::Family).
///
/// Derive it on a struct whose fields are [`LabelValue`](crate::LabelValue)s with
/// `#[derive(LabelSet)]`; each field becomes a label named after it. The cardinality is the
/// product of the fields' cardinalities, `None` as soon as one field is open.
///
/// `()` is the empty label set (a family with exactly one series).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a set of labels",
    label = "not a `LabelSet`",
    note = "derive it on a struct of label values with `#[derive(promenade::LabelSet)]`"
)]
pub trait LabelSet: Clone + Eq + Hash + Send + Sync + 'static {
    /// The label names, in the order [`encode`](Self::encode) writes them.
    const NAMES: &'static [&'static str];

    /// How many distinct label sets exist; `None` when unbounded.
    const CARDINALITY: Option<usize>;

    /// The most series a family over this set should keep: the cardinality when it is
    /// finite; for a derived set with open fields, the product of their declared
    /// `#[label(limit = N)]` and the other fields' cardinalities. `None` when nothing bounds
    /// it (a field declared `#[label(unbounded)]`, or an open set written by hand): a family
    /// over it then needs a limit of its own.
    const MAX_SERIES: Option<usize> = Self::CARDINALITY;

    /// The dense index of this set in `0..CARDINALITY` (0 for open sets).
    fn index(&self) -> usize;

    /// The set at `index`; `None` past the end and for open sets.
    fn from_index(index: usize) -> Option<Self>;

    /// Writes every label, in the order of [`NAMES`](Self::NAMES).
    fn encode(&self, out: &mut LabelWriter<'_>);
}

impl LabelSet for () {
    const NAMES: &'static [&'static str] = &[];
    const CARDINALITY: Option<usize> = Some(1);
    fn index(&self) -> usize {
        0
    }
    fn from_index(index: usize) -> Option<Self> {
        (index == 0).then_some(())
    }
    fn encode(&self, _: &mut LabelWriter<'_>) {}
}

/// The object-safe face of a label set, used by collectors and encoders.
pub trait EncodeLabels {
    /// Writes every label as `name="value"` pairs.
    fn encode_labels(&self, out: &mut LabelWriter<'_>);
}

impl<L: LabelSet> EncodeLabels for L {
    fn encode_labels(&self, out: &mut LabelWriter<'_>) {
        self.encode(out)
    }
}
