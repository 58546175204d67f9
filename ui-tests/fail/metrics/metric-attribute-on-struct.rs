use promenade::{Counter, Metrics};

#[derive(Metrics)]
#[metric(namespace = "jobs")]
struct JobMetrics {
    /// Jobs finished.
    finished: Counter,
}

fn main() {}
