//! An invalid namespace is reported once, at the namespace (not again at the subsystem or
//! at each field), and does not hide a field's own invalid name.

use promenade::{Counter, Metrics};

#[derive(Metrics)]
#[metrics(namespace = "9jobs", subsystem = "batch")]
struct JobMetrics {
    /// Jobs finished.
    finished: Counter,
    /// Jobs failed.
    #[metric(name = "failed-jobs")]
    failed: Counter,
}

fn main() {}
