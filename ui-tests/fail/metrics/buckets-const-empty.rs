use promenade::{Histogram, Metrics};

mod config {
    pub const NONE: &[f64] = &[];
}

#[derive(Metrics)]
struct JobMetrics {
    /// Time to run a job.
    #[metric(buckets = config::NONE)]
    job_duration_seconds: Histogram,
}

fn main() {}
