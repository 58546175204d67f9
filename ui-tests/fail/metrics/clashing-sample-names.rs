use promenade::{Counter, Gauge, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    /// Jobs finished (exposed as `jobs_total`, with `jobs_created` in OpenMetrics).
    jobs: Counter,
    /// A gauge whose name is one of the counter's sample names.
    jobs_created: Gauge,
}

fn main() {}
