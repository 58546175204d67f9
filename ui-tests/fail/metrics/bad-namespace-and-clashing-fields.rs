//! A mistake in the namespace does not hide a clash between two fields (two fields clash
//! whatever their common prefix): one build reports both, each once.

use promenade::{Counter, Gauge, Metrics};

#[derive(Metrics)]
#[metrics(namespace = "9jobs")]
struct JobMetrics {
    /// Jobs done (exposed as `9jobs_done_total`).
    done: Counter,
    /// A gauge whose name is the counter's sample name.
    done_total: Gauge,
}

fn main() {}
