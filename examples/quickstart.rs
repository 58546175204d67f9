//! Quickstart: an axum app instrumented with promenade.
//!
//! ```text
//! cargo run --example quickstart
//! curl 127.0.0.1:8000/metrics
//! ```
//!
//! What it shows:
//! - `#[derive(LabelValue)]` on two enums and `#[derive(LabelSet)]` on a struct of them: a
//!   finite label set (2 methods × 3 status classes = 6 series, all present at zero from
//!   the first scrape);
//! - `#[derive(Metrics)]`: a labelled counter family, a histogram with its own buckets and
//!   an in-flight gauge, with doc comments as HELP, self-registered in the default
//!   registry;
//! - `#[promenade::timed]` on the handlers: `function_duration_seconds{function, module}`,
//!   and `#[timed(name = ...)]` for a function with a histogram of its own;
//! - `HttpMetricsLayer`, the tower middleware: `http_requests_total{method, route,
//!   status}`, `http_request_duration_seconds{method, route}` and `http_requests_in_flight`
//!   for every route, with `route` the matched template (`/items/{id}`) and one value,
//!   `unmatched`, for requests no route matched. `/metrics` is added after the layer, so
//!   scrapes are not counted;
//! - `/metrics` in one line: `promenade::axum::metrics()`.
//!
//! `GET /work/{ms}` sleeps `ms` milliseconds (at most 5000) before answering: a request
//! of known duration, for `histogram_quantile` (`scripts/e2e.sh` uses it).
//!
//! A background thread sends a request to the app every 100 ms so the numbers move.
//!
//! Environment:
//! - `PROMENADE_QUICKSTART_ADDR`: where to listen (default `127.0.0.1:8000`);
//! - `PROMENADE_QUICKSTART_TRAFFIC=0`: no background traffic, so that the numbers only
//!   change when you send requests yourself (`scripts/e2e.sh` uses this to compare what
//!   Prometheus stored with what the app recorded, exactly).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use promenade::axum::HttpMetricsLayer;
use promenade::{Buckets, Counter, Family, Gauge, Histogram, LabelSet, LabelValue, Metrics};

/// The request method, as a label value (`get`, `post`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Method {
    Get,
    Post,
}

/// The class of the response status, as a label value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum StatusClass {
    #[label(rename = "2xx")]
    Success,
    #[label(rename = "4xx")]
    ClientError,
    #[label(rename = "5xx")]
    ServerError,
}

impl From<StatusCode> for StatusClass {
    fn from(code: StatusCode) -> Self {
        if code.is_client_error() {
            StatusClass::ClientError
        } else if code.is_server_error() {
            StatusClass::ServerError
        } else {
            StatusClass::Success
        }
    }
}

/// The labels of one request: `{method="get", status="2xx"}`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Request {
    method: Method,
    status: StatusClass,
}

/// The app's own metrics, exposed as `quickstart_…`.
#[derive(Metrics)]
#[metrics(namespace = "quickstart")]
struct AppMetrics {
    /// HTTP requests served, by method and status class.
    requests: Family<Request, Counter>,
    /// Items per order placed.
    #[metric(buckets = [1.0, 2.0, 5.0, 10.0, 20.0])]
    order_items: Histogram,
    /// Requests being served right now.
    in_flight: Gauge,
}

fn metrics() -> &'static AppMetrics {
    AppMetrics::global()
}

/// Counts a finished request.
fn served(method: Method, code: StatusCode) -> StatusCode {
    metrics()
        .requests
        .labels(Request {
            method,
            status: code.into(),
        })
        .inc();
    code
}

#[promenade::timed]
async fn index() -> (StatusCode, &'static str) {
    let _in_flight = metrics().in_flight.track_in_progress();
    let body =
        "promenade quickstart: GET /items/{id}, POST /orders (body: item count), GET /metrics\n";
    (served(Method::Get, StatusCode::OK), body)
}

#[promenade::timed]
async fn get_item(Path(id): Path<u32>) -> (StatusCode, String) {
    let _in_flight = metrics().in_flight.track_in_progress();
    if id >= 100 {
        return (
            served(Method::Get, StatusCode::NOT_FOUND),
            format!("no item {id}\n"),
        );
    }
    (served(Method::Get, StatusCode::OK), format!("item {id}\n"))
}

#[promenade::timed]
async fn post_order(body: String) -> (StatusCode, String) {
    let _in_flight = metrics().in_flight.track_in_progress();
    match body.trim().parse::<u32>() {
        Ok(items) if items > 0 => {
            let id = place_order(items);
            (
                served(Method::Post, StatusCode::OK),
                format!("order {id}: {items} items\n"),
            )
        }
        _ => (
            served(Method::Post, StatusCode::BAD_REQUEST),
            "the body must be a positive item count\n".to_owned(),
        ),
    }
}

/// Time spent placing an order, in seconds.
#[promenade::timed(name = "quickstart_place_order_seconds", buckets = [0.0001, 0.001, 0.01, 0.1])]
fn place_order(items: u32) -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT_ID: AtomicU64 = AtomicU64::new(1);
    metrics().order_items.observe(f64::from(items));
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

/// Answers after `ms` milliseconds (capped at 5 s): a request whose duration is known.
/// Not counted in `quickstart_requests_total` and not `#[timed]`; the middleware records it.
async fn work(Path(ms): Path<u64>) -> String {
    let ms = ms.min(5000);
    tokio::time::sleep(Duration::from_millis(ms)).await;
    format!("worked {ms} ms\n")
}

/// Sends one request to the app and discards the answer (the traffic generator's client:
/// plain `std`, so the example needs nothing beyond axum and tokio).
fn send(addr: SocketAddr, method: &str, path: &str, body: &str) -> std::io::Result<()> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut sink = Vec::new();
    stream.read_to_end(&mut sink)?;
    Ok(())
}

/// Sends a mix of requests every 100 ms: items that exist and some that don't, orders of
/// various sizes and the odd invalid one.
fn generate_traffic(addr: SocketAddr) {
    for i in 0u64.. {
        let result = match i % 10 {
            0 => send(addr, "GET", "/", ""),
            1..=5 => send(addr, "GET", &format!("/items/{}", (i * 7) % 120), ""),
            6 => send(addr, "GET", &format!("/work/{}", (i * 13) % 300), ""),
            7 | 8 => send(addr, "POST", "/orders", &((i % 23) + 1).to_string()),
            _ => send(addr, "POST", "/orders", "a dozen"),
        };
        if let Err(e) = result {
            eprintln!("quickstart traffic: {e}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::main]
async fn main() {
    let addr =
        std::env::var("PROMENADE_QUICKSTART_ADDR").unwrap_or_else(|_| "127.0.0.1:8000".into());
    let traffic = std::env::var("PROMENADE_QUICKSTART_TRAFFIC").map_or(true, |v| v != "0");

    // RED metrics for every route declared above the layer, and for unmatched requests.
    let buckets = Buckets::new([0.005, 0.025, 0.1, 0.25, 0.5, 1.0, 2.5]).expect("valid buckets");
    let http = match HttpMetricsLayer::builder().buckets(buckets).register() {
        Ok(layer) => layer,
        Err(e) => {
            eprintln!("quickstart: cannot register the HTTP metrics: {e}");
            std::process::exit(1);
        }
    };
    let app = Router::new()
        .route("/", get(index))
        .route("/items/{id}", get(get_item))
        .route("/orders", post(post_order))
        .route("/work/{ms}", get(work))
        .layer(http)
        .route("/metrics", promenade::axum::metrics());

    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("quickstart: cannot listen on {addr}: {e} (set PROMENADE_QUICKSTART_ADDR to another address)");
            std::process::exit(1);
        }
    };
    let local = listener
        .local_addr()
        .expect("a bound listener has an address");
    println!("quickstart listening on http://{local}");
    println!("  metrics:   curl http://{local}/metrics");
    println!("  try:       curl http://{local}/items/7   curl -d 3 http://{local}/orders   curl http://{local}/work/150");
    if traffic {
        println!(
            "  traffic:   one request every 100 ms (PROMENADE_QUICKSTART_TRAFFIC=0 turns it off)"
        );
        std::thread::spawn(move || generate_traffic(local));
    } else {
        println!("  traffic:   off");
    }

    if let Err(e) = axum::serve(listener, app).await {
        eprintln!("quickstart: server error: {e}");
        std::process::exit(1);
    }
}
