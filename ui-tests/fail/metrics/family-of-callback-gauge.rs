use promenade::{CallbackGauge, Family, LabelSet, Metrics};

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Queue {
    urgent: bool,
}

#[derive(Metrics)]
struct QueueMetrics {
    /// Jobs waiting.
    depth: Family<Queue, CallbackGauge>,
}

fn main() {}
