//! `#[promenade::families]`: fields marked `#[metric(labels = T)]` become `Family<T, M>`
//! before `#[derive(Metrics)]` sees them, and then behave exactly as hand-written families
//! (names, units, HELP from doc comments, buckets, limits and the overflow series),
//! through the whole exposition text.

use std::sync::Arc;

use promenade::encoding::text::encode;
use promenade::{
    families, Counter, Family, Gauge, Histogram, LabelSet, LabelValue, Metrics, Registry,
};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Method {
    Get,
    Post,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Request {
    method: Method,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Peer {
    #[label(unbounded)]
    host: String,
}

#[families]
#[derive(Metrics)]
#[metrics(namespace = "shop", max_series = 30)]
struct ShopMetrics {
    /// Orders placed.
    #[metric(labels = Request)]
    orders: Counter,
    /// Time to serve
    /// a request.
    #[metric(unit = "seconds", buckets = [0.1, 1.0])]
    #[metric(labels = Request)]
    latency: Histogram,
    /// Calls to each peer.
    #[metric(labels = Peer, limit = 1)]
    peer_calls: Counter,
    /// Carts open.
    carts: Gauge,
}

/// The same struct written by hand: what the attribute must amount to. Nested in
/// `Unregistered`, so its `global()` does not join the default registry beside
/// `ShopMetrics::global()` with the same names.
#[derive(Metrics)]
#[metrics(namespace = "shop", max_series = 30)]
struct ShopMetricsByHand {
    /// Orders placed.
    orders: Family<Request, Counter>,
    /// Time to serve
    /// a request.
    #[metric(unit = "seconds", buckets = [0.1, 1.0])]
    latency: Family<Request, Histogram>,
    /// Calls to each peer.
    #[metric(labels = Peer, limit = 1)]
    peer_calls: Family<Peer, Counter>,
    /// Carts open.
    carts: Gauge,
}

#[derive(Metrics)]
#[metrics(namespace = "nested")]
struct Unregistered {
    #[metric(nested)]
    by_hand: ShopMetricsByHand,
}

fn text(registry: &Registry) -> String {
    let mut out = String::new();
    encode(registry, &mut out);
    out
}

const EXPECTED: &str = "\
# HELP shop_orders_total Orders placed.
# TYPE shop_orders_total counter
shop_orders_total{method=\"get\"} 0
shop_orders_total{method=\"post\"} 2
# HELP shop_latency_seconds Time to serve a request.
# TYPE shop_latency_seconds histogram
shop_latency_seconds_bucket{method=\"get\",le=\"0.1\"} 1
shop_latency_seconds_bucket{method=\"get\",le=\"1.0\"} 1
shop_latency_seconds_bucket{method=\"get\",le=\"+Inf\"} 1
shop_latency_seconds_sum{method=\"get\"} 0.05
shop_latency_seconds_count{method=\"get\"} 1
shop_latency_seconds_bucket{method=\"post\",le=\"0.1\"} 0
shop_latency_seconds_bucket{method=\"post\",le=\"1.0\"} 1
shop_latency_seconds_bucket{method=\"post\",le=\"+Inf\"} 2
shop_latency_seconds_sum{method=\"post\"} 3.5
shop_latency_seconds_count{method=\"post\"} 2
# HELP shop_peer_calls_total Calls to each peer.
# TYPE shop_peer_calls_total counter
shop_peer_calls_total{host=\"db\"} 3
shop_peer_calls_total{host=\"__overflow__\"} 1
# HELP shop_carts Carts open.
# TYPE shop_carts gauge
shop_carts 4.0
# HELP promenade_family_overflow_total Lookups of a new label set in a family that had reached its series limit (they share the overflow series).
# TYPE promenade_family_overflow_total counter
promenade_family_overflow_total{family=\"shop_peer_calls\"} 1
";

#[test]
fn labelled_fields_become_families_in_the_exposition() {
    let registry = Registry::new();
    let m = Arc::new(ShopMetrics::new());
    registry.register(m.clone()).unwrap();
    let (get, post) = (
        Request {
            method: Method::Get,
        },
        Request {
            method: Method::Post,
        },
    );
    m.orders.labels(post).inc_by(2);
    m.latency.labels(get).observe(0.05);
    m.latency.labels(post).observe(0.5);
    m.latency.labels(post).observe(3.0);
    let peer = |host: &str| Peer {
        host: host.to_owned(),
    };
    m.peer_calls.labels(peer("db")).inc_by(3);
    // Over the field's `limit = 1`: the overflow series.
    m.peer_calls.labels(peer("cache")).inc();
    m.carts.set(4.0);

    assert_eq!(text(&registry), EXPECTED);
    assert_eq!(
        registry.get_sample_value("shop_orders_total", &[("method", "post")]),
        Some(2.0)
    );
    assert_eq!(
        registry.get_sample_value("shop_orders_total", &[("method", "get")]),
        Some(0.0)
    );
    assert_eq!(
        registry.get_sample_value(
            "shop_latency_seconds_bucket",
            &[("method", "post"), ("le", "1.0")]
        ),
        Some(1.0)
    );
    assert_eq!(
        registry.get_sample_value("shop_latency_seconds_count", &[("method", "post")]),
        Some(2.0)
    );
    assert_eq!(
        registry.get_sample_value("shop_peer_calls_total", &[("host", "__overflow__")]),
        Some(1.0)
    );
    assert_eq!(registry.get_sample_value("shop_carts", &[]), Some(4.0));
    assert_eq!(m.peer_calls.overflow_count(), 1);
}

#[test]
fn the_attribute_amounts_to_writing_the_families_by_hand() {
    let (by_attribute, by_hand) = (Registry::new(), Registry::new());
    let a = Arc::new(ShopMetrics::new());
    let h = Arc::new(ShopMetricsByHand::new());
    by_attribute.register(a.clone()).unwrap();
    by_hand.register(h.clone()).unwrap();
    let post = Request {
        method: Method::Post,
    };
    a.orders.labels(post).inc();
    h.orders.labels(post).inc();
    a.latency.labels(post).observe(0.5);
    h.latency.labels(post).observe(0.5);
    assert_eq!(
        promenade::Collector::describe(&*a),
        promenade::Collector::describe(&*h)
            .into_iter()
            .map(|mut d| {
                d.defined_at = d
                    .defined_at
                    .replace("ShopMetricsByHand", "ShopMetrics")
                    .into();
                d
            })
            .collect::<Vec<_>>()
    );
    assert_eq!(text(&by_attribute), text(&by_hand));
}

#[test]
fn the_global_instance_is_scraped_from_the_default_registry() {
    ShopMetrics::global()
        .orders
        .labels(Request {
            method: Method::Get,
        })
        .inc();
    assert_eq!(
        promenade::default_registry().get_sample_value("shop_orders_total", &[("method", "get")]),
        Some(1.0)
    );
}

/// A crate that re-exports promenade under another path: `crate = "..."` is where the
/// attribute finds `Family`, as the derive finds everything else.
mod shim {
    pub use promenade as reexported;
}

#[families]
#[derive(Metrics)]
#[metrics(crate = "crate::shim::reexported", namespace = "shim")]
struct ThroughShim {
    /// Requests seen.
    #[metric(labels = Request)]
    requests: Counter,
}

#[test]
fn crate_path_is_used_for_the_family() {
    let registry = Registry::new();
    let m = Arc::new(ThroughShim::new());
    registry.register(m.clone()).unwrap();
    let _: &Family<Request, Counter> = &m.requests;
    m.requests
        .labels(Request {
            method: Method::Get,
        })
        .inc();
    assert_eq!(
        text(&registry),
        "\
# HELP shim_requests_total Requests seen.
# TYPE shim_requests_total counter
shim_requests_total{method=\"get\"} 1
shim_requests_total{method=\"post\"} 0
"
    );
}

/// No `labels = ` field: the attribute leaves the struct as written.
#[families]
#[derive(Metrics)]
#[metrics(namespace = "plain")]
struct NothingToRewrite {
    /// Jobs run.
    jobs: Counter,
}

#[test]
fn a_struct_without_labels_is_left_as_written() {
    let registry = Registry::new();
    let m = Arc::new(NothingToRewrite::new());
    registry.register(m.clone()).unwrap();
    let _: &Counter = &m.jobs;
    m.jobs.inc();
    assert_eq!(
        text(&registry),
        "\
# HELP plain_jobs_total Jobs run.
# TYPE plain_jobs_total counter
plain_jobs_total 1
"
    );
}
