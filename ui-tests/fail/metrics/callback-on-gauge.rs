use promenade::{Gauge, Metrics};

fn queue_depth() -> f64 {
    0.0
}

#[derive(Metrics)]
struct QueueMetrics {
    /// Jobs waiting.
    #[metric(callback = queue_depth)]
    depth: Gauge,
}

fn main() {}
