use promenade::{Histogram, Metrics};

#[derive(Metrics)]
#[metrics(const_labels(le = "1"))]
struct Jobs {
    /// Job duration.
    duration_seconds: Histogram,
}

fn main() {}
