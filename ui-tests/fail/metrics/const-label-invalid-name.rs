use promenade::{Counter, Metrics};

#[derive(Metrics)]
#[metrics(const_labels(__env = "prod"))]
struct Jobs {
    /// Jobs done.
    jobs: Counter,
}

fn main() {}
