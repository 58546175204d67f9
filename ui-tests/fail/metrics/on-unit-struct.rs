use promenade::Metrics;

#[derive(Metrics)]
struct JobMetrics;

fn main() {}
