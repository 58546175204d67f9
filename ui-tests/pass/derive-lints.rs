//! Derived code compiles cleanly under strict lints, in a library-like crate whose public
//! items must be documented.
#![deny(
    warnings,
    missing_docs,
    unused_qualifications,
    unused_results,
    rust_2018_idioms,
    non_local_definitions,
    clippy::all
)]

use promenade::{Counter, Family, Histogram, LabelSet, LabelValue, Metrics};

/// An HTTP method.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
}

/// The labels of a request.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
pub struct Request {
    /// Its method.
    pub method: Method,
    /// Where it went.
    #[label(flatten)]
    pub placement: Placement,
}

/// A shard number.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
#[label(range = 0..=3)]
pub struct Shard(u8);

/// Whether the cache answered.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
pub struct Cached(pub bool);

/// Where a request went.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
pub struct Placement {
    /// The shard.
    pub shard: Shard,
    /// Whether the cache answered.
    pub cached: Cached,
}

/// Peers, bounded by a declared limit.
#[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
pub struct Peer {
    /// The peer's host.
    #[label(limit = 10)]
    pub host: String,
}

/// What the server measures.
#[derive(Metrics)]
#[metrics(namespace = "lints", const_labels(env = "test"), max_series = 1000)]
pub struct HttpMetrics {
    /// Requests served.
    pub requests: Family<Request, Counter>,
    /// Time to serve a request.
    #[metric(buckets = [0.1, 1.0], unit = "seconds")]
    pub latency: Histogram,
    /// Errors per peer.
    pub peer_errors: Family<Peer, Counter>,
    /// The jobs.
    #[metric(nested, prefix = "jobs")]
    pub internal: Internal,
}

/// Nested ones too.
#[derive(Metrics)]
pub struct Internal {
    /// Jobs.
    pub jobs: Counter,
}

fn main() {
    HttpMetrics::global()
        .requests
        .labels(Request {
            method: Method::Get,
            placement: Placement {
                shard: Shard::try_from(2).unwrap_or(Shard(0)),
                cached: Cached(true),
            },
        })
        .inc();
    Internal::global().jobs.inc();
}
