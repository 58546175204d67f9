use promenade::{Counter, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    finished: Counter,
}

fn main() {}
