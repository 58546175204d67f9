use promenade::{Counter, Metrics};

#[derive(Metrics)]
#[metrics(help = "Jobs")]
struct JobMetrics {
    /// Jobs finished.
    finished: Counter,
}

fn main() {}
