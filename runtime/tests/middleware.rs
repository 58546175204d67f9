//! The axum middleware over real HTTP: exact series for methods, matched routes, statuses
//! (code and class), the unmatched fallback, limits, registration errors, and the
//! in-flight gauge returning to zero when a client disconnects mid-request.

mod common;

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use promenade::axum::{HttpMetricsLayer, StatusGrouping};
use promenade::{Buckets, Registry};

/// One request on its own connection; the status code of the answer.
fn request(addr: SocketAddr, method: &str, path: &str) -> u16 {
    common::http(addr, method, path, "")
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
        .status
}

/// The exposition with each family's sample lines sorted (open families come out in map
/// order) and every `_sum` value replaced by `S` (durations are not predictable).
fn normalized(registry: &Registry) -> String {
    let text = promenade::encoding::text::encode_to_string(registry);
    let mut out = String::new();
    let mut block: Vec<String> = Vec::new();
    let flush = |block: &mut Vec<String>, out: &mut String| {
        block.sort();
        for l in block.drain(..) {
            out.push_str(&l);
            out.push('\n');
        }
    };
    for line in text.lines() {
        if line.starts_with('#') {
            flush(&mut block, &mut out);
            out.push_str(line);
            out.push('\n');
        } else {
            let (series, value) = line.rsplit_once(' ').unwrap();
            let is_sum = series.split('{').next().unwrap().ends_with("_sum");
            block.push(format!("{series} {}", if is_sum { "S" } else { value }));
        }
    }
    flush(&mut block, &mut out);
    out
}

/// Waits until `f()` holds, for at most 10 s.
fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn every_request_is_counted_by_method_matched_route_and_status() {
    let registry = Arc::new(Registry::new());
    // One bucket far above any handler's time, so that bucket counts are exact.
    let layer = HttpMetricsLayer::builder()
        .buckets(Buckets::new([60.0]).unwrap())
        .register_in(&registry)
        .unwrap();
    let app = Router::new()
        .route("/users/{id}", get(|| async { "user\n" }))
        .route("/items", post(|| async { StatusCode::CREATED }))
        .layer(layer.clone())
        .route("/metrics", promenade::axum::metrics_for(registry.clone()));
    let (addr, _rt) = common::serve_axum(app);

    // Before any request: only the in-flight gauge has a series.
    assert_eq!(
        normalized(&registry),
        "\
# HELP http_requests_total HTTP requests served, by method, matched route and status.
# TYPE http_requests_total counter
# HELP http_request_duration_seconds Time from receiving an HTTP request until its response is ready, in seconds.
# TYPE http_request_duration_seconds histogram
# HELP http_requests_in_flight HTTP requests being served right now.
# TYPE http_requests_in_flight gauge
http_requests_in_flight 0
"
    );

    for id in [1, 2, 3] {
        assert_eq!(request(addr, "GET", &format!("/users/{id}")), 200);
    }
    assert_eq!(request(addr, "HEAD", "/users/7"), 200);
    assert_eq!(request(addr, "POST", "/items"), 201);
    assert_eq!(request(addr, "GET", "/items"), 405);
    assert_eq!(request(addr, "PURGE", "/users/1"), 405);
    assert_eq!(request(addr, "GET", "/nope"), 404);
    assert_eq!(request(addr, "DELETE", "/nope/deeper?x=1"), 404);
    // The scrape route was added after the layer: not counted.
    assert_eq!(request(addr, "GET", "/metrics"), 200);

    assert_eq!(
        normalized(&registry),
        r#"# HELP http_requests_total HTTP requests served, by method, matched route and status.
# TYPE http_requests_total counter
http_requests_total{method="DELETE",route="unmatched",status="404"} 1
http_requests_total{method="GET",route="/items",status="405"} 1
http_requests_total{method="GET",route="/users/{id}",status="200"} 3
http_requests_total{method="GET",route="unmatched",status="404"} 1
http_requests_total{method="HEAD",route="/users/{id}",status="200"} 1
http_requests_total{method="POST",route="/items",status="201"} 1
http_requests_total{method="other",route="/users/{id}",status="405"} 1
# HELP http_request_duration_seconds Time from receiving an HTTP request until its response is ready, in seconds.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{method="DELETE",route="unmatched",le="+Inf"} 1
http_request_duration_seconds_bucket{method="DELETE",route="unmatched",le="60.0"} 1
http_request_duration_seconds_bucket{method="GET",route="/items",le="+Inf"} 1
http_request_duration_seconds_bucket{method="GET",route="/items",le="60.0"} 1
http_request_duration_seconds_bucket{method="GET",route="/users/{id}",le="+Inf"} 3
http_request_duration_seconds_bucket{method="GET",route="/users/{id}",le="60.0"} 3
http_request_duration_seconds_bucket{method="GET",route="unmatched",le="+Inf"} 1
http_request_duration_seconds_bucket{method="GET",route="unmatched",le="60.0"} 1
http_request_duration_seconds_bucket{method="HEAD",route="/users/{id}",le="+Inf"} 1
http_request_duration_seconds_bucket{method="HEAD",route="/users/{id}",le="60.0"} 1
http_request_duration_seconds_bucket{method="POST",route="/items",le="+Inf"} 1
http_request_duration_seconds_bucket{method="POST",route="/items",le="60.0"} 1
http_request_duration_seconds_bucket{method="other",route="/users/{id}",le="+Inf"} 1
http_request_duration_seconds_bucket{method="other",route="/users/{id}",le="60.0"} 1
http_request_duration_seconds_count{method="DELETE",route="unmatched"} 1
http_request_duration_seconds_count{method="GET",route="/items"} 1
http_request_duration_seconds_count{method="GET",route="/users/{id}"} 3
http_request_duration_seconds_count{method="GET",route="unmatched"} 1
http_request_duration_seconds_count{method="HEAD",route="/users/{id}"} 1
http_request_duration_seconds_count{method="POST",route="/items"} 1
http_request_duration_seconds_count{method="other",route="/users/{id}"} 1
http_request_duration_seconds_sum{method="DELETE",route="unmatched"} S
http_request_duration_seconds_sum{method="GET",route="/items"} S
http_request_duration_seconds_sum{method="GET",route="/users/{id}"} S
http_request_duration_seconds_sum{method="GET",route="unmatched"} S
http_request_duration_seconds_sum{method="HEAD",route="/users/{id}"} S
http_request_duration_seconds_sum{method="POST",route="/items"} S
http_request_duration_seconds_sum{method="other",route="/users/{id}"} S
# HELP http_requests_in_flight HTTP requests being served right now.
# TYPE http_requests_in_flight gauge
http_requests_in_flight 0
"#
    );
    // Durations are real: positive and finite.
    let sum = registry
        .get_sample_value(
            "http_request_duration_seconds_sum",
            &[("method", "GET"), ("route", "/users/{id}")],
        )
        .unwrap();
    assert!(sum > 0.0 && sum < 60.0, "{sum}");
    assert_eq!(layer.in_flight(), 0);
}

#[test]
fn names_buckets_and_status_classes_are_configurable() {
    let registry = Registry::new();
    let layer = HttpMetricsLayer::builder()
        .requests_name("api_calls")
        .duration_name("api_call_seconds")
        .in_flight_name("api_calls_running")
        .buckets(Buckets::new([30.0, 60.0]).unwrap())
        .status(StatusGrouping::Class)
        .unmatched_route("none")
        .register_in(&registry)
        .unwrap();
    let app = Router::new()
        .route("/ok", get(|| async { "ok" }))
        .route("/teapot", get(|| async { StatusCode::IM_A_TEAPOT }))
        .route("/boom", get(|| async { StatusCode::BAD_GATEWAY }))
        .layer(layer);
    let (addr, _rt) = common::serve_axum(app);
    assert_eq!(request(addr, "GET", "/ok"), 200);
    assert_eq!(request(addr, "GET", "/teapot"), 418);
    assert_eq!(request(addr, "GET", "/boom"), 502);
    assert_eq!(request(addr, "GET", "/missing"), 404);
    assert_eq!(request(addr, "PATCH", "/ok"), 405);

    assert_eq!(
        normalized(&registry),
        r#"# HELP api_calls_total HTTP requests served, by method, matched route and status.
# TYPE api_calls_total counter
api_calls_total{method="GET",route="/boom",status="5xx"} 1
api_calls_total{method="GET",route="/ok",status="2xx"} 1
api_calls_total{method="GET",route="/teapot",status="4xx"} 1
api_calls_total{method="GET",route="none",status="4xx"} 1
api_calls_total{method="PATCH",route="/ok",status="4xx"} 1
# HELP api_call_seconds Time from receiving an HTTP request until its response is ready, in seconds.
# TYPE api_call_seconds histogram
api_call_seconds_bucket{method="GET",route="/boom",le="+Inf"} 1
api_call_seconds_bucket{method="GET",route="/boom",le="30.0"} 1
api_call_seconds_bucket{method="GET",route="/boom",le="60.0"} 1
api_call_seconds_bucket{method="GET",route="/ok",le="+Inf"} 1
api_call_seconds_bucket{method="GET",route="/ok",le="30.0"} 1
api_call_seconds_bucket{method="GET",route="/ok",le="60.0"} 1
api_call_seconds_bucket{method="GET",route="/teapot",le="+Inf"} 1
api_call_seconds_bucket{method="GET",route="/teapot",le="30.0"} 1
api_call_seconds_bucket{method="GET",route="/teapot",le="60.0"} 1
api_call_seconds_bucket{method="GET",route="none",le="+Inf"} 1
api_call_seconds_bucket{method="GET",route="none",le="30.0"} 1
api_call_seconds_bucket{method="GET",route="none",le="60.0"} 1
api_call_seconds_bucket{method="PATCH",route="/ok",le="+Inf"} 1
api_call_seconds_bucket{method="PATCH",route="/ok",le="30.0"} 1
api_call_seconds_bucket{method="PATCH",route="/ok",le="60.0"} 1
api_call_seconds_count{method="GET",route="/boom"} 1
api_call_seconds_count{method="GET",route="/ok"} 1
api_call_seconds_count{method="GET",route="/teapot"} 1
api_call_seconds_count{method="GET",route="none"} 1
api_call_seconds_count{method="PATCH",route="/ok"} 1
api_call_seconds_sum{method="GET",route="/boom"} S
api_call_seconds_sum{method="GET",route="/ok"} S
api_call_seconds_sum{method="GET",route="/teapot"} S
api_call_seconds_sum{method="GET",route="none"} S
api_call_seconds_sum{method="PATCH",route="/ok"} S
# HELP api_calls_running HTTP requests being served right now.
# TYPE api_calls_running gauge
api_calls_running 0
"#
    );
}

#[test]
fn registration_errors_are_returned_not_panicked() {
    let registry = Registry::new();
    HttpMetricsLayer::builder().register_in(&registry).unwrap();
    let err = HttpMetricsLayer::builder()
        .register_in(&registry)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("duplicate metric: `http_requests_total` is exposed both by the HTTP metrics layer registered at"),
        "{err}"
    );
    // A clash with a metric of the user's own, on the gauge's name.
    let registry = Registry::new();
    registry
        .register_metric(
            "http_requests_in_flight",
            "Mine.",
            Arc::new(promenade::Gauge::new()),
        )
        .unwrap();
    let err = HttpMetricsLayer::builder()
        .register_in(&registry)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("duplicate metric: `http_requests_in_flight`"),
        "{err}"
    );
    // Nothing of the failed layer stayed registered.
    let text = promenade::encoding::text::encode_to_string(&registry);
    assert_eq!(
        text,
        "# HELP http_requests_in_flight Mine.\n# TYPE http_requests_in_flight gauge\nhttp_requests_in_flight 0.0\n"
    );

    let err = HttpMetricsLayer::builder()
        .duration_name("2fast")
        .register_in(&Registry::new())
        .unwrap_err();
    assert!(
        err.to_string().starts_with("invalid metric name \"2fast\""),
        "{err}"
    );
    let err = HttpMetricsLayer::builder()
        .requests_name("same")
        .in_flight_name("same_total")
        .register_in(&Registry::new())
        .unwrap_err();
    assert!(
        err.to_string().contains("duplicate metric: `same_total`"),
        "{err}"
    );
    let err = HttpMetricsLayer::builder()
        .max_series(0)
        .register_in(&Registry::new())
        .unwrap_err();
    assert!(err.to_string().contains("max_series"), "{err}");
}

#[test]
fn the_default_registry_takes_one_layer() {
    let layer = HttpMetricsLayer::new().unwrap();
    let again = HttpMetricsLayer::new().unwrap_err().to_string();
    assert!(
        again.contains("duplicate metric: `http_requests_total`"),
        "{again}"
    );
    let app = Router::new()
        .route("/", get(|| async { "hi" }))
        .layer(layer);
    let (addr, _rt) = common::serve_axum(app);
    assert_eq!(request(addr, "GET", "/"), 200);
    assert_eq!(
        promenade::default_registry().get_sample_value(
            "http_requests_total",
            &[("method", "GET"), ("route", "/"), ("status", "200")]
        ),
        Some(1.0)
    );
}

#[test]
fn in_flight_returns_to_zero_when_the_client_disconnects_mid_request() {
    let registry = Registry::new();
    let layer = HttpMetricsLayer::builder()
        .buckets(Buckets::new([60.0]).unwrap())
        .register_in(&registry)
        .unwrap();
    let app = Router::new()
        .route(
            "/hang",
            get(|| async {
                std::future::pending::<()>().await;
                "never"
            }),
        )
        .layer(layer.clone());
    let (addr, _rt) = common::serve_axum(app);

    let mut clients = Vec::new();
    for n in 1..=3 {
        let mut s = TcpStream::connect(addr).unwrap();
        write!(s, "GET /hang HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
        clients.push(s);
        eventually(&format!("{n} requests in flight"), || {
            layer.in_flight() == n
        });
    }
    assert_eq!(
        registry.get_sample_value("http_requests_in_flight", &[]),
        Some(3.0)
    );
    // Nothing is counted while the requests hang.
    assert_eq!(
        registry.get_sample_value(
            "http_request_duration_seconds_count",
            &[("method", "GET"), ("route", "/hang")]
        ),
        Some(0.0)
    );

    // The clients go away: hyper drops the response futures, the guards record.
    drop(clients);
    eventually("the in-flight gauge back at zero", || {
        layer.in_flight() == 0
    });
    assert_eq!(
        registry.get_sample_value("http_requests_in_flight", &[]),
        Some(0.0)
    );
    assert_eq!(
        registry.get_sample_value(
            "http_requests_total",
            &[
                ("method", "GET"),
                ("route", "/hang"),
                ("status", "cancelled")
            ]
        ),
        Some(3.0)
    );
    assert_eq!(
        registry.get_sample_value(
            "http_request_duration_seconds_count",
            &[("method", "GET"), ("route", "/hang")]
        ),
        Some(3.0)
    );
}

#[test]
fn routes_past_the_series_limit_share_the_overflow_series() {
    let registry = Registry::new();
    let layer = HttpMetricsLayer::builder()
        .buckets(Buckets::new([60.0]).unwrap())
        .max_series(2)
        .register_in(&registry)
        .unwrap();
    let app = Router::new()
        .route("/a", get(|| async { "a" }))
        .route("/b", get(|| async { "b" }))
        .route("/c", get(|| async { "c" }))
        .layer(layer);
    let (addr, _rt) = common::serve_axum(app);
    for path in ["/a", "/b", "/c", "/c", "/a"] {
        assert_eq!(request(addr, "GET", path), 200);
    }
    let text = normalized(&registry);
    let counters = text
        .split("# HELP http_request_duration_seconds")
        .next()
        .unwrap();
    assert_eq!(
        counters,
        r#"# HELP http_requests_total HTTP requests served, by method, matched route and status.
# TYPE http_requests_total counter
http_requests_total{method="GET",route="/a",status="200"} 2
http_requests_total{method="GET",route="/b",status="200"} 1
http_requests_total{method="__overflow__",route="__overflow__",status="__overflow__"} 2
"#
    );
    assert!(
        text.ends_with(
            r#"# HELP promenade_family_overflow_total Lookups of a new label set in a family that had reached its series limit (they share the overflow series).
# TYPE promenade_family_overflow_total counter
promenade_family_overflow_total{family="http_request_duration_seconds"} 2
promenade_family_overflow_total{family="http_requests"} 2
"#
        ),
        "{text}"
    );
}
