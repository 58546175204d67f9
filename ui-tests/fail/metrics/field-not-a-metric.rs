use promenade::{Counter, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    /// Jobs finished.
    finished: Counter,
    /// The last job's name.
    last_job: String,
}

fn main() {}
