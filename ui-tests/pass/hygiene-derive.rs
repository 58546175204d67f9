//! The derives' output names only `::core` and `<crate>::__private` (and the public traits
//! through `<crate>::…`), so shadowing the prelude, primitive types and common names —
//! and a local module called `promenade` — does not break it.
#![no_implicit_prelude]
#![allow(dead_code, non_camel_case_types)]

extern crate promenade as renamed_promenade;
extern crate std as real_std;

mod core {}
mod std {}
mod promenade {}
struct Result;
struct Ok;
struct Err;
struct Option;
struct Some;
struct None;
struct Vec;
struct Default;
struct usize;
struct u64;
struct f64;
struct str;
struct __private;

use ::renamed_promenade::{CallbackGauge, Counter, Family, Gauge, Histogram};

fn queue_depth() -> ::core::primitive::f64 {
    1.0
}

#[derive(
    ::core::clone::Clone,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq,
    ::core::hash::Hash,
    ::renamed_promenade::LabelValue,
)]
#[label(crate = "::renamed_promenade", rename_all = "kebab-case")]
enum Method {
    Get,
    PostForm,
}

#[derive(
    ::core::clone::Clone,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq,
    ::core::hash::Hash,
    ::renamed_promenade::LabelSet,
)]
#[label(crate = "::renamed_promenade")]
struct Request {
    method: Method,
    r#type: bool,
}

#[derive(
    ::core::clone::Clone,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq,
    ::core::hash::Hash,
    ::renamed_promenade::LabelSet,
)]
#[label(crate = "::renamed_promenade")]
struct Peer {
    #[label(limit = 10)]
    host: real_std::string::String,
    #[label(flatten)]
    request: Request,
}

#[derive(
    ::core::clone::Clone,
    ::core::marker::Copy,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq,
    ::core::hash::Hash,
    ::renamed_promenade::LabelValue,
)]
#[label(crate = "::renamed_promenade", range = 0..=3)]
struct Shard(u8);

#[derive(
    ::core::clone::Clone,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq,
    ::core::hash::Hash,
    ::renamed_promenade::LabelValue,
)]
#[label(crate = "::renamed_promenade")]
struct Cached(bool);

#[derive(
    ::core::clone::Clone,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq,
    ::core::hash::Hash,
    ::renamed_promenade::LabelSet,
)]
#[label(crate = "::renamed_promenade")]
struct Placement {
    shard: Shard,
    cached: Cached,
    #[label(unbounded)]
    path: real_std::string::String,
}

/// Served over HTTP.
#[derive(::renamed_promenade::Metrics)]
#[metrics(
    crate = "::renamed_promenade",
    namespace = "hygiene",
    const_labels(env = "test"),
    max_series = 1000
)]
struct HttpMetrics {
    /// Requests served.
    requests: Family<Request, Counter>,
    /// Time to serve a request.
    #[metric(buckets = [0.1, 1, ::core::f64::INFINITY])]
    latency_seconds: Family<Request, Histogram>,
    /// Errors per peer.
    #[metric(limit = 10)]
    peer_errors: Family<Peer, Counter>,
    /// Requests in flight.
    in_flight: Gauge,
    /// Requests queued.
    #[metric(callback = queue_depth)]
    queued: CallbackGauge,
    /// Reads per placement.
    #[metric(limit = 5)]
    placements: Family<Placement, Counter>,
    /// Time spent.
    #[metric(unit = "seconds")]
    busy_total: Counter,
    #[metric(nested, prefix = "jobs")]
    jobs: JobMetrics,
}

// Without `crate = ...`: `::promenade` still names the crate, whatever a local module is
// called.
#[derive(::renamed_promenade::Metrics)]
struct JobMetrics {
    /// Jobs done.
    jobs_total: Counter,
}

fn main() {
    let m = HttpMetrics::global();
    m.requests
        .labels(Request {
            method: Method::PostForm,
            r#type: true,
        })
        .inc();
    let registry = ::renamed_promenade::Registry::new();
    let _ = registry.register(HttpMetrics::new());
    let _ = registry.register(JobMetrics::new());
    let _ = <JobMetrics as ::core::default::Default>::default();
    let _ = <Shard as ::core::convert::TryFrom<u8>>::try_from(2);
}
