use promenade::{Gauge, Metrics};

#[derive(Metrics)]
struct Workers {
    /// Live workers.
    #[metric(multiprocess = "livesun")]
    live: Gauge,
}

fn main() {}
