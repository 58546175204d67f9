use promenade::{Counter, Family, Histogram, LabelSet, Metrics};

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct Peer {
    #[label(limit = 50)]
    host: String,
}

#[derive(Metrics)]
struct Db {
    /// Queries per peer (50 peers + the overflow series).
    queries: Family<Peer, Counter>,
}

// 51 from the nested struct, 6 for the histogram, 1 for the counter.
#[derive(Metrics)]
#[metrics(max_series = 50)]
struct App {
    /// Requests served.
    requests: Counter,
    /// Time to serve a request.
    #[metric(buckets = [0.1, 1.0, 10.0])]
    latency_seconds: Histogram,
    #[metric(nested)]
    db: Db,
}

fn main() {}
