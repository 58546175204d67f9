use promenade::Metrics;

#[derive(Metrics)]
struct JobMetrics<M> {
    /// Jobs finished.
    finished: M,
}

fn main() {}
