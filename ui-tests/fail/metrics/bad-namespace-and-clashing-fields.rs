//! A mistake in the namespace does not hide a clash between two fields (two fields clash
//! whatever their common prefix): one build reports both, each once.

use promenade::{Counter, Gauge, Metrics};

#[derive(Metrics)]
#[metrics(namespace = "9jobs")]
struct JobMetrics {
    /// Jobs done (exposed as `9jobs_done_total` and `9jobs_done_created`).
    done: Counter,
    /// A gauge whose name is one of the counter's sample names.
    done_created: Gauge,
}

fn main() {}
