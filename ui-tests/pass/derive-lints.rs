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
}

/// What the server measures.
#[derive(Metrics)]
#[metrics(namespace = "lints")]
pub struct HttpMetrics {
    /// Requests served.
    pub requests: Family<Request, Counter>,
    /// Time to serve a request.
    #[metric(buckets = [0.1, 1.0])]
    pub latency_seconds: Histogram,
}

/// Private ones too.
#[derive(Metrics)]
struct Internal {
    /// Jobs.
    jobs: Counter,
}

fn main() {
    HttpMetrics::global()
        .requests
        .labels(Request {
            method: Method::Get,
        })
        .inc();
    Internal::global().jobs.inc();
}
