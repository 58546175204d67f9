//! Several independent mistakes in one struct: one build reports every one of them.

use promenade::{Counter, Histogram, Metrics};

#[derive(Metrics)]
#[metrics(namespace = "jobs", sybsystem = "batch")]
struct JobMetrics {
    finished: Counter,
    /// Jobs failed.
    #[metric(name = "failed-jobs")]
    failed: Counter,
    /// Time to run a job.
    #[metric(buckets = [1.0, 0.5])]
    duration_seconds: Histogram,
    /// Jobs retried.
    #[metric(name = "finished")]
    retried: Counter,
}

fn main() {
    // The struct's items still exist, so using them adds no errors.
    JobMetrics::global().finished.inc();
}
