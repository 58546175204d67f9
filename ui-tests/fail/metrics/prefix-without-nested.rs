use promenade::{Counter, Metrics};

#[derive(Metrics)]
struct App {
    /// Requests served.
    #[metric(prefix = "http")]
    requests: Counter,
}

fn main() {}
