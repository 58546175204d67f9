//! A mistake in one field does not hide a flattened field that is not a label set, and
//! that field is reported once (its names and its series are both read through it).

use promenade::LabelSet;

#[derive(Clone, PartialEq, Eq, Hash)]
struct Route {
    cached: bool,
}

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Request {
    #[label(rename = "__kind")]
    kind: bool,
    #[label(flatten)]
    route: Route,
}

fn main() {}
