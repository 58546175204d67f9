use promenade::{Counter, LabelSet, Metrics};

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Request {
    cached: bool,
}

#[derive(Metrics)]
#[promenade::families]
struct Http {
    /// Requests served.
    #[metric(labels = Request)]
    requests: Counter,
}

fn main() {}
