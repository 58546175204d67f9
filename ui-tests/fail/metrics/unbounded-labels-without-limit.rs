use promenade::{Counter, Family, LabelSet, Metrics};

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Peer {
    #[label(unbounded)]
    host: String,
}

#[derive(Metrics)]
struct NetMetrics {
    /// Connection errors, per peer.
    connection_errors: Family<Peer, Counter>,
}

fn main() {}
