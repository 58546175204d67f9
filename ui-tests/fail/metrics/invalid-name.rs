use promenade::{Counter, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    /// Jobs finished.
    #[metric(name = "jobs-finished")]
    finished: Counter,
}

fn main() {}
