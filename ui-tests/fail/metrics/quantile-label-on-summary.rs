use promenade::{Family, LabelSet, Metrics, Summary};

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Odd {
    quantile: bool,
}

#[derive(Metrics)]
struct M {
    /// Latency.
    latency: Family<Odd, Summary>,
}

fn main() {}
