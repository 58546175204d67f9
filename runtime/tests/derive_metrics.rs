//! `#[derive(Metrics)]`: names, help, buckets, families, the collector and the default
//! registry, through the whole exposition text.

use std::sync::Arc;

use promenade::encoding::text::encode;
use promenade::registry::{Collector, Descriptor};
use promenade::{
    Counter, Family, FloatCounter, Gauge, Histogram, IntGauge, LabelSet, LabelValue, MetricType,
    Metrics, Registry,
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
    #[label(limit = 100)]
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

/// Every metric type, a subsystem, explicit names and help, a counter named `_total`, an
/// open family with a limit, and a histogram family.
#[derive(Metrics)]
#[metrics(namespace = "app", subsystem = "jobs")]
struct JobMetrics {
    /// Jobs done.
    done_total: Counter,
    /// Bytes written.
    #[metric(name = "written_bytes")]
    written: FloatCounter,
    #[metric(help = "Temperature of the job room.")]
    temperature_celsius: Gauge,
    /// Jobs queued,
    ///   waiting for a worker.
    ///
    /// Only the first paragraph becomes HELP, as for the function attributes.
    queued: IntGauge,
    /// Errors per peer.
    #[metric(limit = 2)]
    peer_errors: Family<Peer, Counter>,
    /// Job duration per request kind.
    #[metric(buckets = [1, 5, f64::INFINITY])]
    duration_seconds: Family<Request, Histogram>,
}

#[test]
fn names_help_and_types_are_described() {
    let d = JobMetrics::new().describe();
    let at = |field: &str, name: &str| {
        format!("`{name}` (field `{field}` of `derive_metrics::JobMetrics`)")
    };
    assert_eq!(
        d,
        vec![
            Descriptor::new(
                "app_jobs_done",
                "Jobs done.",
                MetricType::Counter,
                at("done_total", "app_jobs_done_total")
            ),
            Descriptor::new(
                "app_jobs_written_bytes",
                "Bytes written.",
                MetricType::Counter,
                at("written", "app_jobs_written_bytes")
            ),
            Descriptor::new(
                "app_jobs_temperature_celsius",
                "Temperature of the job room.",
                MetricType::Gauge,
                at("temperature_celsius", "app_jobs_temperature_celsius")
            ),
            Descriptor::new(
                "app_jobs_queued",
                "Jobs queued, waiting for a worker.",
                MetricType::Gauge,
                at("queued", "app_jobs_queued")
            ),
            Descriptor::new(
                "app_jobs_peer_errors",
                "Errors per peer.",
                MetricType::Counter,
                at("peer_errors", "app_jobs_peer_errors")
            ),
            Descriptor::new(
                "app_jobs_duration_seconds",
                "Job duration per request kind.",
                MetricType::Histogram,
                at("duration_seconds", "app_jobs_duration_seconds")
            ),
        ]
    );
}

#[test]
fn whole_exposition_of_every_type() {
    let registry = Registry::new();
    let m = Arc::new(JobMetrics::default());
    registry.register(m.clone()).unwrap();
    m.done_total.inc_by(3);
    m.written.inc_by(1.5).unwrap();
    m.temperature_celsius.set(-2.5);
    m.queued.set(-4);
    let peer = |h: &str| Peer { host: h.to_owned() };
    m.peer_errors.labels(peer("a")).inc();
    m.peer_errors.labels(peer("b")).inc();
    m.peer_errors.labels(peer("c")).inc(); // past the limit: the overflow series
    m.duration_seconds
        .labels(Request {
            method: Method::Get,
            cached: true,
        })
        .observe(2.0);

    let mut out = text(&registry);
    // The open family's series come out in map order; sort those two lines.
    let a = "app_jobs_peer_errors_total{host=\"a\"} 1\n";
    let b = "app_jobs_peer_errors_total{host=\"b\"} 1\n";
    let ab = format!("{a}{b}");
    let ba = format!("{b}{a}");
    out = out.replace(&ba, &ab);
    assert_eq!(
        out,
        "# HELP app_jobs_done_total Jobs done.
# TYPE app_jobs_done_total counter
app_jobs_done_total 3
# HELP app_jobs_written_bytes_total Bytes written.
# TYPE app_jobs_written_bytes_total counter
app_jobs_written_bytes_total 1.5
# HELP app_jobs_temperature_celsius Temperature of the job room.
# TYPE app_jobs_temperature_celsius gauge
app_jobs_temperature_celsius -2.5
# HELP app_jobs_queued Jobs queued, waiting for a worker.
# TYPE app_jobs_queued gauge
app_jobs_queued -4
# HELP app_jobs_peer_errors_total Errors per peer.
# TYPE app_jobs_peer_errors_total counter
app_jobs_peer_errors_total{host=\"a\"} 1
app_jobs_peer_errors_total{host=\"b\"} 1
app_jobs_peer_errors_total{host=\"__overflow__\"} 1
# HELP app_jobs_duration_seconds Job duration per request kind.
# TYPE app_jobs_duration_seconds histogram
app_jobs_duration_seconds_bucket{method=\"get\",cached=\"false\",le=\"1.0\"} 0
app_jobs_duration_seconds_bucket{method=\"get\",cached=\"false\",le=\"5.0\"} 0
app_jobs_duration_seconds_bucket{method=\"get\",cached=\"false\",le=\"+Inf\"} 0
app_jobs_duration_seconds_sum{method=\"get\",cached=\"false\"} 0.0
app_jobs_duration_seconds_count{method=\"get\",cached=\"false\"} 0
app_jobs_duration_seconds_bucket{method=\"get\",cached=\"true\",le=\"1.0\"} 0
app_jobs_duration_seconds_bucket{method=\"get\",cached=\"true\",le=\"5.0\"} 1
app_jobs_duration_seconds_bucket{method=\"get\",cached=\"true\",le=\"+Inf\"} 1
app_jobs_duration_seconds_sum{method=\"get\",cached=\"true\"} 2.0
app_jobs_duration_seconds_count{method=\"get\",cached=\"true\"} 1
app_jobs_duration_seconds_bucket{method=\"post\",cached=\"false\",le=\"1.0\"} 0
app_jobs_duration_seconds_bucket{method=\"post\",cached=\"false\",le=\"5.0\"} 0
app_jobs_duration_seconds_bucket{method=\"post\",cached=\"false\",le=\"+Inf\"} 0
app_jobs_duration_seconds_sum{method=\"post\",cached=\"false\"} 0.0
app_jobs_duration_seconds_count{method=\"post\",cached=\"false\"} 0
app_jobs_duration_seconds_bucket{method=\"post\",cached=\"true\",le=\"1.0\"} 0
app_jobs_duration_seconds_bucket{method=\"post\",cached=\"true\",le=\"5.0\"} 0
app_jobs_duration_seconds_bucket{method=\"post\",cached=\"true\",le=\"+Inf\"} 0
app_jobs_duration_seconds_sum{method=\"post\",cached=\"true\"} 0.0
app_jobs_duration_seconds_count{method=\"post\",cached=\"true\"} 0
# HELP promenade_family_overflow_total Lookups of a new label set in a family that had reached its series limit (they share the overflow series).
# TYPE promenade_family_overflow_total counter
promenade_family_overflow_total{family=\"app_jobs_peer_errors\"} 1
"
    );
    // The same through the sample lookup.
    assert_eq!(
        registry.get_sample_value("app_jobs_done_total", &[]),
        Some(3.0)
    );
    assert_eq!(
        registry.get_sample_value(
            "app_jobs_duration_seconds_bucket",
            &[("method", "get"), ("cached", "true"), ("le", "5.0")]
        ),
        Some(1.0)
    );
}

#[test]
fn exposition_parses_back() {
    let registry = Registry::new();
    registry.register(JobMetrics::new()).unwrap();
    let text = text(&registry);
    let lines = text.lines().map(|l| Ok(l.to_owned()));
    let scrape = prometheus_parse::Scrape::parse(lines).expect("the exposition parses");
    let names: std::collections::BTreeSet<_> =
        scrape.samples.iter().map(|s| s.metric.as_str()).collect();
    assert!(names.contains("app_jobs_done_total"));
    assert!(names.contains("app_jobs_duration_seconds_count"));
}

#[test]
fn registering_twice_is_refused_with_both_definitions() {
    let registry = Registry::new();
    registry.register(JobMetrics::new()).unwrap();
    let err = registry
        .register(JobMetrics::new())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("(field `done_total` of `derive_metrics::JobMetrics`)"),
        "{err}"
    );
}

#[test]
fn global_is_one_instance() {
    let a: *const JobMetrics = JobMetrics::global();
    let b: *const JobMetrics = JobMetrics::global();
    assert_eq!(a, b);
}

#[test]
fn crate_path_can_be_overridden() {
    mod reexport {
        pub use promenade as metrics_lib;
    }
    #[derive(Metrics)]
    #[metrics(crate = "reexport::metrics_lib")]
    struct Renamed {
        /// Things.
        things: Counter,
    }
    let registry = Registry::new();
    registry.register(Renamed::new()).unwrap();
    assert_eq!(registry.get_sample_value("things_total", &[]), Some(0.0));
}

#[test]
fn a_struct_within_its_series_budget_compiles() {
    // 4 counter series + 4 x (2 buckets + `+Inf` + `_sum` + `_count`) + (2 + overflow)
    // = 4 + 20 + 3 = 27: exactly the budget.
    #[derive(Metrics)]
    #[metrics(max_series = 27)]
    struct Budgeted {
        /// Requests.
        requests: Family<Request, Counter>,
        /// Latency.
        #[metric(buckets = [0.1, 1.0])]
        latency_seconds: Family<Request, Histogram>,
        /// Errors per peer.
        #[metric(limit = 2)]
        peer_errors: Family<Peer, Counter>,
    }
    let registry = Registry::new();
    registry.register(Budgeted::new()).unwrap();
    // 24 samples now (no peer yet); no overflow self-metric until a family overflows.
    assert_eq!(
        registry
            .gather()
            .iter()
            .map(|f| f.samples.len())
            .sum::<usize>(),
        24
    );
}
