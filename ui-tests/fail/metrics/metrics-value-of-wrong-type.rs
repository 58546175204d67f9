//! A value of the wrong type is reported at the value, naming the form, and the keys after
//! it are still read: the invalid namespace is reported too.

use promenade::{Counter, Metrics};

#[derive(Metrics)]
#[metrics(max_series = "10", namespace = "9x")]
struct JobMetrics {
    /// Jobs finished.
    finished: Counter,
}

fn main() {}
