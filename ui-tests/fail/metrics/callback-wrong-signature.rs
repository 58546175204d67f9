use promenade::{CallbackGauge, Metrics};

fn queue_depth() -> usize {
    0
}

#[derive(Metrics)]
struct QueueMetrics {
    /// Jobs waiting.
    #[metric(callback = queue_depth)]
    depth: CallbackGauge,
}

fn main() {}
