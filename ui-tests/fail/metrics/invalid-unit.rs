use promenade::{Gauge, Metrics};

#[derive(Metrics)]
struct Memory {
    /// Memory held.
    #[metric(unit = "Bytes")]
    held: Gauge,
}

fn main() {}
