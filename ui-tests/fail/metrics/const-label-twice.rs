use promenade::{Counter, Metrics};

#[derive(Metrics)]
#[metrics(const_labels(env = "prod", env = "dev"))]
struct Jobs {
    /// Jobs done.
    jobs: Counter,
}

fn main() {}
