use promenade::{Counter, Metrics};

#[derive(Metrics)]
struct Jobs {
    /// Jobs done.
    #[metric(unit = "total")]
    jobs: Counter,
}

fn main() {}
