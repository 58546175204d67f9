use promenade::{CallbackGauge, Metrics};

#[derive(Metrics)]
struct QueueMetrics {
    /// Jobs waiting.
    depth: CallbackGauge,
}

fn main() {}
