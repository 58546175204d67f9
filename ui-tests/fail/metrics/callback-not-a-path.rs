use promenade::{CallbackGauge, Metrics};

#[derive(Metrics)]
struct QueueMetrics {
    /// Jobs waiting.
    #[metric(callback = || 1.0)]
    depth: CallbackGauge,
}

fn main() {}
