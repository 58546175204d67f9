use promenade::{Family, Histogram, LabelSet, LabelValue, Metrics};

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
enum Level {
    Low,
    High,
}

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct ByLevel {
    le: Level,
}

#[derive(Metrics)]
struct JobMetrics {
    /// Time to run a job.
    job_duration_seconds: Family<ByLevel, Histogram>,
}

fn main() {}
