use promenade::{Counter, Metrics};

#[derive(Metrics)]
#[metrics(namespace = "app", subsystem = "http-server")]
struct HttpMetrics {
    /// Requests served.
    requests: Counter,
}

fn main() {}
