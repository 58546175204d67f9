use promenade::{CallbackGauge, Metrics};

fn queue_depth() -> f64 {
    0.0
}

#[derive(Metrics)]
struct QueueMetrics {
    /// Jobs waiting.
    #[metric(callback = queue_depth, buckets = [1.0, 10.0])]
    depth: CallbackGauge,
}

fn main() {}
