use promenade::{Histogram, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    /// Time to run a job.
    #[metric(buckets = linear(0, 1, 5000))]
    job_duration_seconds: Histogram,
}

fn main() {}
