//! A UTF-8 label name, marked `utf8`, is accepted by the `LabelSet` derive.
use promenade::{LabelSet, LabelValue};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Scheme {
    Http,
    Https,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Request {
    #[label(rename = "url.scheme", utf8)]
    scheme: Scheme,
}

fn main() {
    assert_eq!(Request::NAMES, ["url.scheme"]);
}
