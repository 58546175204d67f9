use promenade::{LabelSet, LabelValue};

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
enum Method {
    Get,
    Post,
}

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
#[label(rename_all = "UPPERCASE")]
struct Request {
    method: Method,
}

fn main() {}
