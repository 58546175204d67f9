//! A mistake in one field does not hide a label name repeated through a flattened set
//! between the other fields: one build reports both, each once.

use promenade::LabelSet;

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Route {
    cached: bool,
}

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Request {
    #[label(rename = "__kind")]
    kind: bool,
    cached: bool,
    #[label(flatten)]
    route: Route,
}

fn main() {}
