use promenade::{Counter, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    /// Jobs finished.
    #[metric(buckets = [1.0, 2.0])]
    finished: Counter,
}

fn main() {}
