use promenade::{Counter, Family, LabelSet, Metrics};

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Request {
    cached: bool,
}

#[promenade::families]
#[derive(Metrics)]
struct Http {
    /// Requests served.
    #[metric(labels = Request)]
    requests: Family<Request, Counter>,
}

fn main() {}
