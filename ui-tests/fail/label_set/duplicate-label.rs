use promenade::{LabelSet, LabelValue};

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
enum Method {
    Get,
    Post,
}

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Request {
    method: Method,
    #[label(rename = "method")]
    upstream_method: Method,
}

fn main() {}
