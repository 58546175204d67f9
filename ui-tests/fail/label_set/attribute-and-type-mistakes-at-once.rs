//! A mistake in one field's attribute does not hide what the types show of the others: one
//! build reports the misspelt key and the open label without a limit, each once.

use promenade::{LabelSet, LabelValue};

#[derive(Clone, Copy, PartialEq, Eq, Hash, LabelValue)]
enum Method {
    Get,
    Post,
}

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Request {
    #[label(renme = "verb")]
    method: Method,
    host: String,
}

fn main() {
    // The label set's impl still exists, so using it adds no errors.
    let _ = <Request as LabelSet>::NAMES;
}
