use promenade::{Family, LabelSet, Metrics};

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Job {
    retried: bool,
}

#[derive(Metrics)]
struct JobMetrics {
    /// Jobs finished.
    finished: Family<Job, u32>,
}

fn main() {}
