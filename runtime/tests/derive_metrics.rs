//! `#[derive(Metrics)]`: names, help, buckets, families, the collector and the default
//! registry, through the whole exposition text.

use std::sync::Arc;

use promenade::encoding::text::encode;
use promenade::{
    Counter, Family, FloatCounter, Gauge, Histogram, IntGauge, LabelSet, LabelValue, Metrics,
    Registry,
};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Method {
    Get,
    Post,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Request {
    method: Method,
    cached: bool,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Peer {
    host: String,
}

#[derive(Metrics)]
#[metrics(namespace = "http")]
struct HttpMetrics {
    /// Requests served.
    requests: Family<Request, Counter>,
    /// Time to serve a request,
    /// in seconds.
    #[metric(buckets = [0.1, 0.5, 1])]
    request_duration_seconds: Histogram,
    /// Requests in flight.
    in_flight: Gauge,
}

fn text(registry: &Registry) -> String {
    let mut out = String::new();
    encode(registry, &mut out);
    out
}

#[test]
fn every_series_is_exposed_at_zero_then_counts() {
    let registry = Registry::new();
    let m = Arc::new(HttpMetrics::new());
    registry.register(m.clone()).unwrap();
    m.requests
        .labels(Request {
            method: Method::Post,
            cached: true,
        })
        .inc();
    m.request_duration_seconds.observe(0.3);
    m.in_flight.set(2.0);
    assert_eq!(
        text(&registry),
        "# HELP http_requests_total Requests served.
# TYPE http_requests_total counter
http_requests_total{method=\"get\",cached=\"false\"} 0
http_requests_total{method=\"get\",cached=\"true\"} 0
http_requests_total{method=\"post\",cached=\"false\"} 0
http_requests_total{method=\"post\",cached=\"true\"} 1
# HELP http_request_duration_seconds Time to serve a request, in seconds.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le=\"0.1\"} 0
http_request_duration_seconds_bucket{le=\"0.5\"} 1
http_request_duration_seconds_bucket{le=\"1.0\"} 1
http_request_duration_seconds_bucket{le=\"+Inf\"} 1
http_request_duration_seconds_sum 0.3
http_request_duration_seconds_count 1
# HELP http_in_flight Requests in flight.
# TYPE http_in_flight gauge
http_in_flight 2.0
"
    );
}
