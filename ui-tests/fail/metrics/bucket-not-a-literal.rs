use promenade::{Histogram, Metrics};

const SLOW: f64 = 5.0;

#[derive(Metrics)]
struct JobMetrics {
    /// Time to run a job.
    #[metric(buckets = [0.1, 1.0, SLOW])]
    job_duration_seconds: Histogram,
}

fn main() {}
