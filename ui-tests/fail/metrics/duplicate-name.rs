use promenade::{Counter, Gauge, Metrics};

#[derive(Metrics)]
#[metrics(namespace = "jobs")]
struct JobMetrics {
    /// Jobs finished.
    finished: Counter,
    /// Jobs finished, as a gauge this time.
    #[metric(name = "finished")]
    finished_now: Gauge,
}

fn main() {}
