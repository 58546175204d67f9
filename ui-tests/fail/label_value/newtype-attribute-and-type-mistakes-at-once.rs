//! A mistake in a newtype's attribute does not hide that its field is not a label value:
//! one build reports both, each once.

use promenade::LabelValue;

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
#[label(rename_all = "snake_case")]
struct Payload(Vec<u8>);

fn main() {
    // The impl still exists, so using it adds no errors.
    let _ = <Payload as LabelValue>::CARDINALITY;
}
