use promenade::{Counter, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    #[metric(help = "")]
    finished: Counter,
}

fn main() {}
