use promenade::{LabelSet, LabelValue};

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
enum Version {
    Http1,
    Http2,
}

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Request {
    #[label(rename = "2xx_version")]
    version: Version,
}

fn main() {}
