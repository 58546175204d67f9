use promenade::{LabelSet, LabelValue};

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
enum Method {
    Get,
    Post,
}

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Request {
    #[label(rename = "http-method")]
    method: Method,
}

fn main() {}
