use promenade::{Histogram, Metrics};

const LATENCY: [f32; 2] = [0.1, 1.0];

#[derive(Metrics)]
struct JobMetrics {
    /// Time to run a job.
    #[metric(buckets = LATENCY)]
    job_duration_seconds: Histogram,
}

fn main() {}
