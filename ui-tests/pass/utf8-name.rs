//! A UTF-8 metric name, marked `utf8`, is accepted by the derive.
use promenade::{Counter, Histogram, Metrics};

#[derive(Metrics)]
struct OtelMetrics {
    /// Requests served.
    #[metric(name = "http.server.requests", utf8)]
    requests: Counter,
    /// Request duration.
    #[metric(name = "http.server.duration", unit = "seconds", utf8)]
    duration: Histogram,
}

fn main() {
    let _ = OtelMetrics::new();
}
