use promenade::{Histogram, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    /// Time to run a job.
    #[metric(buckets = [0.1, f64::INFINITY, 1.0])]
    job_duration_seconds: Histogram,
}

fn main() {}
