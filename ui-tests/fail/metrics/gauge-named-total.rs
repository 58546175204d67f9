use promenade::{Gauge, Metrics};

#[derive(Metrics)]
struct QueueMetrics {
    /// Jobs waiting.
    jobs_total: Gauge,
}

fn main() {}
