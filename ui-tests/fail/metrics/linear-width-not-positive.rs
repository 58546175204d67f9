use promenade::{Histogram, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    /// Time to run a job.
    #[metric(buckets = linear(1, -0.5, 4))]
    job_duration_seconds: Histogram,
}

fn main() {}
