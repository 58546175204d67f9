use promenade::{Counter, Family, LabelSet, Metrics};

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Peer {
    #[label(unbounded)]
    host: String,
}

#[derive(Metrics)]
struct Net {
    /// Connections opened.
    #[metric(limit = 0)]
    connections: Family<Peer, Counter>,
}

fn main() {}
