//! An unknown key in the struct's attribute does not hide a constant label that a
//! family's label set repeats: one build reports both, each once.

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
#[metrics(sybsystem = "batch", const_labels(env = "prod"))]
struct Jobs {
    /// Jobs done.
    jobs: Family<Job, Counter>,
}

fn main() {}
