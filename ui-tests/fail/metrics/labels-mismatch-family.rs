use promenade::{Counter, Family, LabelSet, Metrics};

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Request {
    cached: bool,
}

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Job {
    retried: bool,
}

#[derive(Metrics)]
struct Http {
    /// Requests served.
    #[metric(labels = Job)]
    requests: Family<Request, Counter>,
}

fn main() {}
