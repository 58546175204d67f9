use promenade::{Counter, Metrics};

#[derive(Metrics)]
#[metrics(const_labels(env::name = "prod"))]
struct Jobs {
    /// Jobs done.
    jobs: Counter,
}

fn main() {}
