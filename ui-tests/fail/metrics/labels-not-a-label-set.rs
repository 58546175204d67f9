use promenade::{Counter, Metrics};

#[promenade::families]
#[derive(Metrics)]
struct Http {
    /// Requests served.
    #[metric(labels = String)]
    requests: Counter,
}

fn main() {}
