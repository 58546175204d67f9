use promenade::{Info, Metrics};

#[derive(Metrics)]
struct Build {
    /// Build facts.
    #[metric(unit = "seconds")]
    build: Info,
}

fn main() {}
