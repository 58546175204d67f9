use promenade::{Counter, Metrics};

#[derive(Metrics)]
#[metrics(self_register = false)]
struct PushMetrics {
    /// Rows written.
    rows: Counter,
}

fn main() {
    PushMetrics::global().rows.inc();
}
