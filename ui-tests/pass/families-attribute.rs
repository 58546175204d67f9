//! `#[promenade::families]` above `#[derive(Metrics)]`: `labels = T` fields become
//! families (a histogram family with buckets, a counter family with a limit, `labels` in
//! a `#[metric(...)]` of its own) beside an unlabelled gauge; namespace, doc comments and
//! `max_series` apply. Without the attribute, `labels` may repeat a hand-written family's
//! label set. Under strict lints, with `Family` imported (the rewritten path is the
//! macro's, not an unnecessary qualification of the user's), and through `crate = "..."`.
#![deny(
    warnings,
    missing_docs,
    unused_qualifications,
    unused_results,
    rust_2018_idioms,
    clippy::all
)]

use promenade::{families, Counter, Family, Gauge, Histogram, LabelSet, LabelValue, Metrics};

/// An HTTP method.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
}

/// A request's labels.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
pub struct Request {
    method: Method,
}

/// A peer's labels.
#[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
pub struct Peer {
    #[label(unbounded)]
    host: String,
}

/// The server's metrics.
#[families]
#[derive(Metrics)]
#[metrics(namespace = "http", max_series = 40)]
pub struct HttpMetrics {
    /// Requests served.
    #[metric(labels = Request)]
    requests: Counter,
    /// Time to serve a request.
    #[metric(unit = "seconds", buckets = [0.1, 1.0])]
    #[metric(labels = Request)]
    duration: Histogram,
    /// Calls to each peer.
    #[metric(labels = Peer, limit = 5)]
    peer_calls: Counter,
    /// Requests in flight.
    in_flight: Gauge,
}

/// Written by hand: `labels` repeats the family's label set.
#[derive(Metrics)]
pub struct Retries {
    /// Requests retried.
    #[metric(labels = Request)]
    retries: Family<Request, Counter>,
}

mod shim {
    pub(crate) use promenade as reexported;
}

/// Through a re-export of promenade.
#[promenade::families]
#[derive(Metrics)]
#[metrics(crate = "crate::shim::reexported")]
pub struct Shimmed {
    /// Jobs run.
    #[metric(labels = Request)]
    jobs: Counter,
}

fn main() {
    let m = HttpMetrics::global();
    let get = Request {
        method: Method::Get,
    };
    m.requests.labels(get).inc();
    let _: &Family<Request, Counter> = &m.requests;
    let _: &Family<Request, Histogram> = &m.duration;
    m.duration.labels(get).observe(0.5);
    m.peer_calls
        .labels(Peer {
            host: "db".to_owned(),
        })
        .inc();
    m.in_flight.inc();
    Retries::global().retries.labels(get).inc();
    Shimmed::global().jobs.labels(get).inc();
}
