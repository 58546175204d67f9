use promenade::{Counter, Metrics};

#[derive(Metrics)]
struct Jobs {
    /// Jobs done.
    #[metric(multiprocess = "livesum")]
    done: Counter,
}

fn main() {}
