use promenade::{Counter, Metrics};

#[derive(Metrics)]
#[metrics(labels(env = "prod"))]
struct JobMetrics {
    /// Jobs finished.
    finished: Counter,
}

fn main() {}
