use promenade::{LabelSet, LabelValue};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Method {
    Get,
}

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Request {
    #[label(flatten)]
    call: (Method, bool),
}

fn main() {}
