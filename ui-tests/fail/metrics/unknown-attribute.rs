use promenade::{Counter, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    /// Jobs finished.
    #[metric(units = "jobs")]
    finished: Counter,
}

fn main() {}
