use promenade::{Counter, LabelSet, Metrics};

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Request {
    cached: bool,
}

#[promenade::families(crate = "promenade")]
#[derive(Metrics)]
struct Http {
    /// Requests served.
    #[metric(labels = Request)]
    requests: Counter,
}

fn main() {
    // Still rewritten: the family's methods type-check.
    Http::global().requests.labels(Request { cached: true }).inc();
}
