use promenade::{Counter, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    /// Jobs finished.
    #[metric(unit = "jobs")]
    finished: Counter,
}

fn main() {}
