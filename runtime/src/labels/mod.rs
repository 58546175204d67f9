//! Labels: one label's value ([`LabelValue`]) and a struct of labels ([`LabelSet`]), or a
//! tuple of label values whose names the family gives
//! ([`Family::with_label_names`](crate::Family::with_label_names)).
//!
//! Both traits carry their cardinality as a constant. When every label of a set has a
//! finite number of values, a [`Family`](crate::Family) stores its series in a dense array
//! and finds a series by index arithmetic: no hash, no lock, no allocation.

mod set;
mod tuple;
mod value;
mod writer;

pub use set::{EncodeLabels, LabelSet};
pub use value::{LabelValue, OutOfRange};
pub(crate) use writer::{escape_label_value_into, validated_pairs};
pub use writer::{pairs, value_string, LabelValueWriter, LabelVisitor, LabelWriter};

/// Multiplies two optional cardinalities: `None` (open) absorbs everything, and an
/// overflowing product is treated as open. Used by the derives in const context.
#[doc(hidden)]
pub const fn cardinality_mul(a: Option<usize>, b: Option<usize>) -> Option<usize> {
    match (a, b) {
        (Some(a), Some(b)) => a.checked_mul(b),
        _ => None,
    }
}

/// The same as [`cardinality_mul`] for a sum of alternatives.
#[doc(hidden)]
pub const fn cardinality_add(a: Option<usize>, b: Option<usize>) -> Option<usize> {
    match (a, b) {
        (Some(a), Some(b)) => a.checked_add(b),
        _ => None,
    }
}
