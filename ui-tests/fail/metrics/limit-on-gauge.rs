use promenade::{Gauge, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    /// Jobs running.
    #[metric(limit = 100)]
    running: Gauge,
}

fn main() {}
