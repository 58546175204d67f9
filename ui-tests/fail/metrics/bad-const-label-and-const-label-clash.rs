//! A constant label with a mistake does not hide another constant label that a family's
//! label set repeats: one build reports both, each once.

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
#[metrics(const_labels(__region = "eu", env = "prod"))]
struct Jobs {
    /// Jobs done.
    jobs: Family<Job, Counter>,
}

fn main() {}
