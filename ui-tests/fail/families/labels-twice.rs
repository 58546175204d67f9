use promenade::{Counter, LabelSet, Metrics};

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Request {
    cached: bool,
}

#[promenade::families]
#[derive(Metrics)]
struct Http {
    /// Requests served.
    #[metric(labels = Request)]
    #[metric(labels = Request)]
    requests: Counter,
}

fn main() {}
