//! Encoding a whole registry of 10,000 labelled series into a reused buffer, every library
//! side by side in one run.
//!
//! Each library holds the same counter family `http_requests` with two string labels,
//! `method` (10 values) × `path` (1,000 values), every series incremented once, registered
//! in its registry (measured has none: its metric group is what it encodes). A bench
//! encodes everything, the way the library's docs recommend, into a buffer kept from the
//! previous iteration (cleared first), so steady-state growth is not measured:
//! - text 0.0.4: promenade `encoding::text::encode` into a `String`; `prometheus`
//!   `TextEncoder::encode(&registry.gather(), &mut Vec<u8>)`; `prometheus-client`
//!   `encoding::prometheus_text::encode`; `fastmetrics` `text::encode` with
//!   `TextProfile::PrometheusV0_0_4`; `measured` `BufferedTextEncoder` (its buffer is kept;
//!   `finish` splits the bytes off); `metrics-exporter-prometheus`
//!   `PrometheusHandle::render_to_write` into a `Vec<u8>`.
//! - OpenMetrics 1.0 with `_created`: promenade `encoding::openmetrics::encode` (its
//!   default); `fastmetrics` with counters built by `Counter::with_created` (its way to have
//!   `_created`); `prometheus-client` `encoding::text::encode` (it has no `_created` for
//!   counters, so it writes less).
//! - OpenMetrics 1.0 without `_created`: promenade after `disable_created_metrics()` (a
//!   process-wide switch, so each bench sets it at its start); `fastmetrics` with counters
//!   built without a creation time; `prometheus-client` as above.
//! - protobuf (delimited `io.prometheus.client.MetricFamily`): promenade
//!   `encoding::protobuf::encode` into a `Vec<u8>`; `prometheus-client`
//!   `encoding::prometheus_protobuf::encode` and each `MetricFamily` written with
//!   `prost::Message::encode_length_delimited`; `prometheus` `ProtobufEncoder`; `fastmetrics`
//!   `protobuf::encode` with `ProtobufProfile::Prometheus`. promenade and fastmetrics
//!   write `created_timestamp` here (promenade while `_created` is on).

mod common;

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};

const METHODS: usize = 10;
const PATHS: usize = 1_000;
const SERIES: usize = METHODS * PATHS;
const NAME: &str = "http_requests";
const HELP: &str = "HTTP requests handled.";

/// The 10,000 `(method, path)` pairs, the same for every library.
fn pairs() -> Vec<(String, String)> {
    const VERBS: [&str; METHODS] = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "QUERY",
    ];
    let mut pairs = Vec::with_capacity(SERIES);
    for verb in VERBS {
        for p in 0..PATHS {
            pairs.push((verb.to_owned(), format!("/api/v1/items/{p}")));
        }
    }
    pairs
}

/// Checks that a text exposition holds every series once (and no overflow series).
fn check_text(what: &str, text: &str) {
    // fastmetrics' 0.0.4 profile leaves `_total` off (`http_requests{…}`).
    let samples = text
        .lines()
        .filter(|l| l.starts_with("http_requests_total{") || l.starts_with("http_requests{"))
        .count();
    assert_eq!(
        samples,
        SERIES,
        "{what}: {samples} samples\n{}",
        &text[..2000.min(text.len())]
    );
    assert!(!text.contains("__overflow__"), "{what}: overflow series");
}

fn created_count(text: &str) -> usize {
    text.lines()
        .filter(|l| l.starts_with("http_requests_created{"))
        .count()
}

fn group(c: &mut Criterion) -> BenchmarkGroup<'_, criterion::measurement::WallTime> {
    c.benchmark_group("encode")
}

// ---------------------------------------------------------------------------------------
// promenade

#[derive(Clone, PartialEq, Eq, Hash, Debug, promenade::LabelSet)]
struct Route {
    #[label(limit = 10)]
    method: String,
    #[label(limit = 1000)]
    path: String,
}

fn promenade_registry() -> promenade::Registry {
    let registry = promenade::Registry::new();
    let family: Arc<promenade::Family<Route, promenade::Counter>> =
        Arc::new(promenade::Family::new());
    for (method, path) in pairs() {
        family.labels(Route { method, path }).inc();
    }
    registry.register_metric(NAME, HELP, family).unwrap();
    registry
}

// ---------------------------------------------------------------------------------------
// prometheus (tikv)

fn prometheus_registry() -> prometheus::Registry {
    let registry = prometheus::Registry::new();
    let vec = prometheus::IntCounterVec::new(
        prometheus::Opts::new("http_requests_total", HELP),
        &["method", "path"],
    )
    .unwrap();
    for (method, path) in pairs() {
        vec.with_label_values(&[method.as_str(), path.as_str()])
            .inc();
    }
    registry.register(Box::new(vec)).unwrap();
    registry
}

// ---------------------------------------------------------------------------------------
// prometheus-client

#[derive(Clone, PartialEq, Eq, Hash, Debug, prometheus_client::encoding::EncodeLabelSet)]
struct ClientRoute {
    method: String,
    path: String,
}

fn client_registry() -> prometheus_client::registry::Registry {
    use prometheus_client::metrics::{counter::Counter, family::Family};
    let mut registry = prometheus_client::registry::Registry::default();
    let family: Family<ClientRoute, Counter> = Family::default();
    for (method, path) in pairs() {
        family.get_or_create(&ClientRoute { method, path }).inc();
    }
    registry.register(NAME, HELP, family);
    registry
}

// ---------------------------------------------------------------------------------------
// fastmetrics

#[derive(Clone, PartialEq, Eq, Hash, Debug, fastmetrics::derive::LabelSet)]
struct FastRoute {
    method: String,
    path: String,
}

fn fastmetrics_registry(created: bool) -> fastmetrics::registry::Registry {
    use fastmetrics::metrics::{counter::Counter, family::Family};
    let mut registry = fastmetrics::registry::Registry::default();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let family: Family<FastRoute, Counter> = if created {
        Family::new(move || Counter::with_created(now))
    } else {
        Family::default()
    };
    for (method, path) in pairs() {
        family.with_or_new(&FastRoute { method, path }, |c| c.inc());
    }
    registry.register(NAME, HELP, family.clone()).unwrap();
    registry
}

// ---------------------------------------------------------------------------------------
// measured

#[derive(measured::LabelGroup)]
#[label(set = MeasuredRouteSet)]
struct MeasuredRoute<'a> {
    #[label(dynamic_with = lasso::ThreadedRodeo, default)]
    method: &'a str,
    #[label(dynamic_with = lasso::ThreadedRodeo, default)]
    path: &'a str,
}

#[derive(measured::MetricGroup)]
#[metric(new())]
struct MeasuredMetrics {
    /// HTTP requests handled.
    #[metric(label_set = MeasuredRouteSet::new())]
    http_requests_total: measured::CounterVec<MeasuredRouteSet>,
}

fn measured_metrics() -> MeasuredMetrics {
    let metrics = MeasuredMetrics::new();
    for (method, path) in pairs() {
        metrics.http_requests_total.inc(MeasuredRoute {
            method: &method,
            path: &path,
        });
    }
    metrics
}

// ---------------------------------------------------------------------------------------
// metrics-exporter-prometheus

fn exporter_handle() -> metrics_exporter_prometheus::PrometheusHandle {
    use metrics::Recorder;
    let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
    let handle = recorder.handle();
    recorder.describe_counter(NAME.into(), None, HELP.into());
    let metadata = metrics::Metadata::new(module_path!(), metrics::Level::INFO, None);
    for (method, path) in pairs() {
        let key = metrics::Key::from_parts(
            NAME,
            vec![
                metrics::Label::new("method", method),
                metrics::Label::new("path", path),
            ],
        );
        recorder.register_counter(&key, &metadata).increment(1);
    }
    // Its own buffers and the rendered families settle after the first render.
    let _ = handle.render();
    handle
}

// ---------------------------------------------------------------------------------------
// The formats

fn text(c: &mut Criterion) {
    promenade::metrics::enable_created_metrics();
    let mut g = group(c);

    let registry = promenade_registry();
    let mut out = String::new();
    promenade::encoding::text::encode(&registry, &mut out);
    check_text("promenade", &out);
    g.bench_function("text/promenade", |b| {
        b.iter(|| {
            out.clear();
            promenade::encoding::text::encode(black_box(&registry), &mut out);
        })
    });

    let registry = prometheus_registry();
    let encoder = prometheus::TextEncoder::new();
    let mut out = Vec::new();
    prometheus::Encoder::encode(&encoder, &registry.gather(), &mut out).unwrap();
    check_text("prometheus", std::str::from_utf8(&out).unwrap());
    g.bench_function("text/prometheus", |b| {
        b.iter(|| {
            out.clear();
            prometheus::Encoder::encode(&encoder, &black_box(&registry).gather(), &mut out)
                .unwrap();
        })
    });

    let registry = client_registry();
    let mut out = String::new();
    prometheus_client::encoding::prometheus_text::encode(&mut out, &registry).unwrap();
    check_text("prometheus-client", &out);
    g.bench_function("text/prometheus_client", |b| {
        b.iter(|| {
            out.clear();
            prometheus_client::encoding::prometheus_text::encode(&mut out, black_box(&registry))
                .unwrap();
        })
    });

    let registry = fastmetrics_registry(false);
    let profile = fastmetrics::format::text::TextProfile::PrometheusV0_0_4;
    let mut out = String::new();
    fastmetrics::format::text::encode(&mut out, &registry, profile).unwrap();
    check_text("fastmetrics", &out);
    g.bench_function("text/fastmetrics", |b| {
        b.iter(|| {
            out.clear();
            fastmetrics::format::text::encode(&mut out, black_box(&registry), profile).unwrap();
        })
    });

    let metrics = measured_metrics();
    let mut encoder = measured::text::BufferedTextEncoder::new();
    measured::MetricGroup::collect_group_into(&metrics, &mut encoder).unwrap();
    check_text("measured", std::str::from_utf8(&encoder.finish()).unwrap());
    g.bench_function("text/measured", |b| {
        b.iter(|| {
            measured::MetricGroup::collect_group_into(black_box(&metrics), &mut encoder).unwrap();
            black_box(encoder.finish());
        })
    });

    let handle = exporter_handle();
    let mut out = Vec::new();
    handle.render_to_write(&mut out).unwrap();
    check_text(
        "metrics-exporter-prometheus",
        std::str::from_utf8(&out).unwrap(),
    );
    g.bench_function("text/metrics_exporter_prometheus", |b| {
        b.iter(|| {
            out.clear();
            black_box(&handle).render_to_write(&mut out).unwrap();
        })
    });
    g.finish();
}

fn openmetrics(c: &mut Criterion, created: bool) {
    let variant = if created { "created" } else { "no_created" };
    if created {
        promenade::metrics::enable_created_metrics();
    } else {
        promenade::metrics::disable_created_metrics();
    }
    let mut g = group(c);

    let registry = promenade_registry();
    let mut out = String::new();
    promenade::encoding::openmetrics::encode(&registry, &mut out);
    check_text("promenade", &out);
    assert_eq!(created_count(&out), if created { SERIES } else { 0 });
    g.bench_function(format!("openmetrics_{variant}/promenade"), |b| {
        b.iter(|| {
            out.clear();
            promenade::encoding::openmetrics::encode(black_box(&registry), &mut out);
        })
    });

    let registry = fastmetrics_registry(created);
    let profile = fastmetrics::format::text::TextProfile::default();
    let mut out = String::new();
    fastmetrics::format::text::encode(&mut out, &registry, profile).unwrap();
    check_text("fastmetrics", &out);
    assert_eq!(created_count(&out), if created { SERIES } else { 0 });
    g.bench_function(format!("openmetrics_{variant}/fastmetrics"), |b| {
        b.iter(|| {
            out.clear();
            fastmetrics::format::text::encode(&mut out, black_box(&registry), profile).unwrap();
        })
    });

    let registry = client_registry();
    let mut out = String::new();
    prometheus_client::encoding::text::encode(&mut out, &registry).unwrap();
    check_text("prometheus-client", &out);
    assert_eq!(created_count(&out), 0);
    g.bench_function(format!("openmetrics_{variant}/prometheus_client"), |b| {
        b.iter(|| {
            out.clear();
            prometheus_client::encoding::text::encode(&mut out, black_box(&registry)).unwrap();
        })
    });
    g.finish();
    promenade::metrics::enable_created_metrics();
}

fn openmetrics_created(c: &mut Criterion) {
    openmetrics(c, true)
}

fn openmetrics_no_created(c: &mut Criterion) {
    openmetrics(c, false)
}

fn protobuf(c: &mut Criterion) {
    promenade::metrics::enable_created_metrics();
    let mut g = group(c);
    // Each encoder runs once before its bench: the size check below must not depend on
    // which benches a filter selects.
    let check =
        |what: &str, out: &[u8]| assert!(out.len() > SERIES * 40, "{what}: {} bytes", out.len());

    let registry = promenade_registry();
    let mut out = Vec::new();
    let encode = |out: &mut Vec<u8>| {
        out.clear();
        promenade::encoding::protobuf::encode(black_box(&registry), out);
    };
    encode(&mut out);
    check("promenade", &out);
    g.bench_function("protobuf/promenade", |b| b.iter(|| encode(&mut out)));

    let registry = client_registry();
    let mut out = Vec::new();
    let encode = |out: &mut Vec<u8>| {
        out.clear();
        let families =
            prometheus_client::encoding::prometheus_protobuf::encode(black_box(&registry)).unwrap();
        for family in &families {
            prost_for_peers::Message::encode_length_delimited(family, out).unwrap();
        }
    };
    encode(&mut out);
    check("prometheus-client", &out);
    g.bench_function("protobuf/prometheus_client", |b| {
        b.iter(|| encode(&mut out))
    });

    let registry = prometheus_registry();
    let encoder = prometheus::ProtobufEncoder::new();
    let mut out = Vec::new();
    let encode = |out: &mut Vec<u8>| {
        out.clear();
        prometheus::Encoder::encode(&encoder, &black_box(&registry).gather(), out).unwrap();
    };
    encode(&mut out);
    check("prometheus", &out);
    g.bench_function("protobuf/prometheus", |b| b.iter(|| encode(&mut out)));

    let registry = fastmetrics_registry(true);
    let profile = fastmetrics::format::protobuf::ProtobufProfile::Prometheus;
    let mut out = Vec::new();
    let encode = |out: &mut Vec<u8>| {
        out.clear();
        fastmetrics::format::protobuf::encode(out, black_box(&registry), profile).unwrap();
    };
    encode(&mut out);
    check("fastmetrics", &out);
    g.bench_function("protobuf/fastmetrics", |b| b.iter(|| encode(&mut out)));
    g.finish();
}

fn settings() -> Criterion {
    // 10,000 series take milliseconds: fewer samples keep the group near two minutes.
    common::criterion()
        .sample_size(30)
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = settings();
    // `openmetrics_no_created` last: it is the one that turns `_created` off.
    targets = text, protobuf, openmetrics_created, openmetrics_no_created
}
criterion_main!(benches);
