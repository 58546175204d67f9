//! A mistake in the struct's attribute does not hide the mistakes only the types show: one
//! build reports the misspelt key, the field that is not a metric and the reserved label,
//! each once.

use promenade::{Counter, Family, Histogram, LabelSet, Metrics};

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct ByLevel {
    le: bool,
}

#[derive(Metrics)]
#[metrics(namespace = "jobs", sybsystem = "batch")]
struct JobMetrics {
    /// Jobs finished.
    finished: Counter,
    /// The last job run.
    last_job: String,
    /// Time to run a job.
    durations: Family<ByLevel, Histogram>,
}

fn main() {
    // The struct's items still exist, so using them adds no errors.
    JobMetrics::global().finished.inc();
}
