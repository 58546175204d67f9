use promenade::{Counter, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    /// Jobs finished.
    #[metric(name = "__jobs")]
    finished: Counter,
}

fn main() {}
