use promenade::Metrics;

#[derive(Metrics)]
enum JobMetrics {
    Finished,
    Failed,
}

fn main() {}
