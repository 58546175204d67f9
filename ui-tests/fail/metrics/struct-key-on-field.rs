use promenade::{Counter, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    /// Jobs finished.
    #[metric(namespace = "jobs")]
    finished: Counter,
}

fn main() {}
