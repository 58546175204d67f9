use promenade::{Counter, Metrics};

#[derive(Metrics)]
struct JobMetrics(Counter, Counter);

fn main() {}
