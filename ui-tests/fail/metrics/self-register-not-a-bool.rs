use promenade::{Counter, Metrics};

#[derive(Metrics)]
#[metrics(self_register = "no")]
struct PushMetrics {
    /// Rows written.
    rows: Counter,
}

fn main() {}
