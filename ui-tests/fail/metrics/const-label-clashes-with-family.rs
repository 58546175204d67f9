use promenade::{Counter, Family, LabelSet, LabelValue, Metrics};

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
enum Env {
    Prod,
    Dev,
}

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Job {
    env: Env,
}

#[derive(Metrics)]
#[metrics(const_labels(env = "prod"))]
struct Jobs {
    /// Jobs done.
    jobs: Family<Job, Counter>,
}

fn main() {}
