use promenade::{Histogram, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    /// Time to run a job.
    #[metric(buckets = vec![0.1, 1.0])]
    job_duration_seconds: Histogram,
}

fn main() {}
