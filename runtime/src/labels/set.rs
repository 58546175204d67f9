use std::hash::Hash;

use super::LabelWriter;

/// A set of labels: the key of one series in a [`Family`](crate::Family).
///
/// Derive it on a struct whose fields are [`LabelValue`](crate::LabelValue)s with
/// `#[derive(LabelSet)]`; each field becomes a label named after it. The cardinality is the
/// product of the fields' cardinalities, `None` as soon as one field is open.
///
/// `()` is the empty label set (a family with exactly one series).
///
/// A tuple of label values, `(Method, String)`, is a label set whose names the family
/// gives once, at its declaration, as the Python client's `labelnames` do:
/// [`Family::with_label_names(["method", "path"])`](crate::Family::with_label_names), then
/// `family.labels((Method::Get, path))`. A tuple of finite values is stored densely like a
/// derived struct of them. Alone, a tuple has no names: it writes its labels only through a
/// family that named them ([`encode_with_names`](Self::encode_with_names)), and
/// [`encode`](Self::encode) writes nothing.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a set of labels",
    label = "not a `LabelSet`",
    note = "derive it on a struct of label values with `#[derive(promenade::LabelSet)]`, or use a tuple of label values with `Family::with_label_names`"
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

    /// How many labels the set writes by position, named by its family rather than by
    /// the type: a tuple's length. 0 (the default) for sets that name their own labels in
    /// [`NAMES`](Self::NAMES), such as derived structs and `()`.
    const POSITIONAL_LABELS: usize = 0;

    /// The dense index of this set in `0..CARDINALITY` (0 for open sets).
    fn index(&self) -> usize;

    /// The set at `index`; `None` past the end and for open sets.
    fn from_index(index: usize) -> Option<Self>;

    /// Writes every label, in the order of [`NAMES`](Self::NAMES).
    fn encode(&self, out: &mut LabelWriter<'_>);

    /// Writes every label, the `i`-th positional one named `names[i]` (the family's label
    /// names). Sets that name their own labels ignore `names`: the default is
    /// [`encode`](Self::encode).
    #[inline]
    fn encode_with_names(&self, names: &[&'static str], out: &mut LabelWriter<'_>) {
        let _ = names;
        self.encode(out)
    }
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
