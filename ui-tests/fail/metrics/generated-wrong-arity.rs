use promenade::{Histogram, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    /// Time to run a job.
    #[metric(buckets = exponential(0.01, 2))]
    job_duration_seconds: Histogram,
}

fn main() {}
