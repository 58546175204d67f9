use promenade::{Counter, LabelSet, Metrics};

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Request {
    cached: bool,
}

// Without `#[promenade::families]` above the derive, `requests` stays a `Counter`.
#[derive(Metrics)]
struct Http {
    /// Requests served.
    #[metric(labels = Request)]
    requests: Counter,
}

fn main() {}
