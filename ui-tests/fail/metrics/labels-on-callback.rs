use promenade::{CallbackGauge, LabelSet, Metrics};

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Queue {
    urgent: bool,
}

fn depth() -> f64 {
    3.0
}

#[promenade::families]
#[derive(Metrics)]
struct Jobs {
    /// Jobs waiting.
    #[metric(callback = depth, labels = Queue)]
    waiting: CallbackGauge,
}

fn main() {}
