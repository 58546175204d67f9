use promenade::{Histogram, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    /// Time to run a job.
    #[metric(buckets = linear(f64::INFINITY, 1, 4))]
    job_duration_seconds: Histogram,
}

fn main() {}
