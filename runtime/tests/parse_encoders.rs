//! Every metric type promenade has, through both encoders, read back by the strict
//! parsers: the types each format spells, exemplars, quantiles, states, info labels.

use std::sync::Arc;

use promenade::parse::{self, MetricFamily, MetricType};
use promenade::{
    Buckets, CounterWithExemplar, Enum, ExemplarLabels, GaugeHistogram, Histogram, Info,
    LabelValue, Quantiles, Registry, StateSet, Summary,
};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Phase {
    Starting,
    Running,
}

fn registry() -> Registry {
    let registry = Registry::new();
    let requests = Arc::new(CounterWithExemplar::new());
    requests.inc_with_exemplar(2, &ExemplarLabels::new([("trace_id", "ab\"c\\")]).unwrap());
    registry
        .register_metric("requests", "Requests.", requests)
        .unwrap();

    let latency = Arc::new(Histogram::new(Buckets::new([0.5, 1e6]).unwrap()));
    latency.observe_with_exemplar(0.25, &ExemplarLabels::new([("trace_id", "x")]).unwrap());
    latency.observe(7.0);
    registry
        .register_metric("latency_seconds", "Latency.", latency)
        .unwrap();

    let sizes = Arc::new(Summary::with_quantiles(
        Quantiles::new([0.5, 0.99]).unwrap(),
    ));
    for v in [1.0, 2.0, 3.0] {
        sizes.observe(v);
    }
    registry.register_metric("sizes", "Sizes.", sizes).unwrap();

    let build = Arc::new(Info::new());
    build.set([("version", "1.2.3")]).unwrap();
    registry.register_metric("build", "Build.", build).unwrap();

    let features: Arc<StateSet<Phase>> = Arc::new(StateSet::new());
    features.set(Phase::Running, true);
    registry
        .register_metric("features", "Features.", features)
        .unwrap();

    let phase: Arc<Enum<Phase>> = Arc::new(Enum::new());
    phase.set(Phase::Running);
    registry.register_metric("phase", "Phase.", phase).unwrap();

    let queue = Arc::new(GaugeHistogram::new(Buckets::new([1.0]).unwrap()));
    queue.add(0.5);
    queue.add(3.0);
    registry.register_metric("queue", "Queue.", queue).unwrap();
    registry
}

fn shape(families: &[MetricFamily]) -> Vec<(String, MetricType, Vec<String>)> {
    families
        .iter()
        .map(|f| {
            let names = f.samples.iter().map(|s| s.name.clone()).collect();
            (f.name.clone(), f.metric_type, names)
        })
        .collect()
}

fn owned(rows: &[(&str, MetricType, &[&str])]) -> Vec<(String, MetricType, Vec<String>)> {
    rows.iter()
        .map(|(n, t, s)| (n.to_string(), *t, s.iter().map(|s| s.to_string()).collect()))
        .collect()
}

#[test]
fn openmetrics_output_parses_with_every_type() {
    let registry = registry();
    let mut om = String::new();
    promenade::encoding::openmetrics::encode(&registry, &mut om);
    let families = parse::openmetrics(&om).unwrap_or_else(|e| panic!("{e}\n{om}"));
    use MetricType::*;
    assert_eq!(
        shape(&families),
        owned(&[
            ("requests", Counter, &["requests_total", "requests_created"]),
            (
                "latency_seconds",
                Histogram,
                &[
                    "latency_seconds_bucket",
                    "latency_seconds_bucket",
                    "latency_seconds_bucket",
                    "latency_seconds_sum",
                    "latency_seconds_count",
                    "latency_seconds_created"
                ]
            ),
            (
                "sizes",
                Summary,
                &[
                    "sizes",
                    "sizes",
                    "sizes_sum",
                    "sizes_count",
                    "sizes_created"
                ]
            ),
            ("build", Info, &["build_info"]),
            ("features", StateSet, &["features", "features"]),
            ("phase", StateSet, &["phase", "phase"]),
            (
                "queue",
                GaugeHistogram,
                &["queue_bucket", "queue_bucket", "queue_gcount", "queue_gsum"]
            ),
        ]),
        "{om}"
    );
    let total = &families[0].samples[0];
    assert_eq!(total.value, 2.0);
    let exemplar = total.exemplar.as_ref().unwrap();
    assert_eq!(
        exemplar.labels().iter().collect::<Vec<_>>(),
        [("trace_id", "ab\"c\\")]
    );
    assert_eq!(exemplar.value(), 2.0);
    assert!(exemplar.timestamp().unwrap() > 1.6e9);

    let buckets = &families[1].samples;
    let les: Vec<_> = buckets[..3]
        .iter()
        .map(|s| s.label("le").unwrap())
        .collect();
    assert_eq!(les, ["0.5", "1e+06", "+Inf"]);
    assert_eq!(buckets[0].exemplar.as_ref().map(|e| e.value()), Some(0.25));
    assert_eq!(buckets[4].value, 2.0);

    let quantiles: Vec<_> = families[2].samples[..2]
        .iter()
        .map(|s| (s.label("quantile").unwrap(), s.value))
        .collect();
    assert_eq!(quantiles, [("0.5", 2.0), ("0.99", 3.0)]);
    assert_eq!(families[3].samples[0].label("version"), Some("1.2.3"));
    let states: Vec<_> = families[5]
        .samples
        .iter()
        .map(|s| (s.label("phase").unwrap(), s.value))
        .collect();
    assert_eq!(states, [("starting", 0.0), ("running", 1.0)]);
}

#[test]
fn text_output_parses_with_openmetrics_types_mapped() {
    let registry = registry();
    let text = promenade::encoding::text::encode_to_string(&registry);
    let families = parse::text(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let types: Vec<(&str, MetricType)> = families
        .iter()
        .map(|f| (f.name.as_str(), f.metric_type))
        .collect();
    // No `_created` in 0.0.4; info and state sets are gauges, a gauge histogram is a
    // histogram whose `_gsum`/`_gcount` are not part of it.
    assert!(
        types.starts_with(&[
            ("requests_total", MetricType::Counter),
            ("latency_seconds", MetricType::Histogram),
            ("sizes", MetricType::Summary),
            ("build_info", MetricType::Gauge),
            ("features", MetricType::Gauge),
            ("phase", MetricType::Gauge),
        ]),
        "{types:?}\n{text}"
    );
    assert!(!text.contains("_created"), "{text}");
    assert!(!text.contains(" # {"), "{text}");
}
