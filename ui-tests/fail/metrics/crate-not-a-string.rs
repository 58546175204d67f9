//! `crate` takes a path in a string; after a mistake there the derive emits only its stub
//! (every generated path starts with `crate`), so the mistake is the one message.

use promenade::{Counter, Metrics};

#[derive(Metrics)]
#[metrics(crate = promenade)]
struct JobMetrics {
    /// Jobs finished.
    finished: Counter,
}

fn main() {
    JobMetrics::global().finished.inc();
}
