use promenade::{Histogram, Metrics};

#[derive(Metrics)]
#[metrics(namespace = "jobs")]
struct JobMetrics {
    /// Time per job.
    #[metric(name = "duration_seconds_total")]
    duration: Histogram,
}

fn main() {}
