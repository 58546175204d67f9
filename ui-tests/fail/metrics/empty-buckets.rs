use promenade::{Histogram, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    /// Time to run a job.
    #[metric(buckets = [])]
    job_duration_seconds: Histogram,
}

fn main() {}
