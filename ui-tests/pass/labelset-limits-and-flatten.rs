//! Open labels with a declared limit or an explicit opt-out, and flattened sets.
use promenade::{Counter, Family, LabelSet, LabelValue, Metrics};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Method {
    Get,
    Post,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Peer {
    #[label(limit = 100)]
    host: String,
    #[label(rename = "port_number", limit = 4)]
    port: u16,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Call {
    method: Method,
    #[label(flatten)]
    peer: Peer,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Path {
    #[label(unbounded)]
    path: String,
}

#[derive(Metrics)]
#[metrics(max_series = 1000)]
struct Client {
    /// Calls per method and peer: at most 2 x 100 x 4 series and the overflow series.
    calls: Family<Call, Counter>,
    /// Requests per path, capped here because the label set is unbounded.
    #[metric(limit = 10)]
    paths: Family<Path, Counter>,
}

fn main() {
    const _: () = assert!(matches!(<Call as LabelSet>::MAX_SERIES, Some(800)));
    Client::global()
        .calls
        .labels(Call { method: Method::Get, peer: Peer { host: "a".into(), port: 80 } })
        .inc();
}
