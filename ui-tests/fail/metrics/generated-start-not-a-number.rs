use promenade::{Histogram, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    /// Time to run a job.
    #[metric(buckets = linear(START, 1, 3))]
    job_duration_seconds: Histogram,
}

fn main() {}
