use promenade::{Histogram, Metrics};

#[derive(Metrics)]
struct Http {
    /// Time to serve a request.
    #[metric(unit = "seconds")]
    latency_milliseconds: Histogram,
}

fn main() {}
