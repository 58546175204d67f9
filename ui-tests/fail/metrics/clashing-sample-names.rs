use promenade::{Counter, Gauge, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    /// Jobs finished (exposed as `jobs_total`).
    jobs: Counter,
    /// A gauge whose name is the counter's sample name.
    jobs_total: Gauge,
}

fn main() {}
