use promenade::{Counter, Metrics};

#[derive(Metrics)]
#[metrics(namespace = "9jobs")]
struct JobMetrics {
    /// Jobs finished.
    finished: Counter,
    /// Jobs failed.
    failed: Counter,
}

fn main() {}
