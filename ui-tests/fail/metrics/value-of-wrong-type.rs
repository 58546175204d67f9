//! A value of the wrong type in a field's attribute is reported at the value, naming the
//! form, and the keys after it are still read: the misspelt `units` is reported too.

use promenade::{Histogram, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    /// Time to run a job.
    #[metric(name = 5, units = "seconds")]
    duration: Histogram,
}

fn main() {}
