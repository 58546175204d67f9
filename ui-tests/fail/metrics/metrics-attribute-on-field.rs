use promenade::{Counter, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    /// Jobs finished.
    #[metrics(name = "jobs_finished")]
    finished: Counter,
}

fn main() {}
