use promenade::{Histogram, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    /// Time to run a job.
    #[metric(buckets = exponential(1e300, 10, 10))]
    job_duration_seconds: Histogram,
}

fn main() {}
