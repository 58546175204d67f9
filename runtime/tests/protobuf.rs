//! The protobuf exposition (`encoding::protobuf`): the bytes decode with prost into the
//! messages client_model defines, every type travels as documented, the series are those
//! of a text 0.0.4 scrape, and negotiation, gzip and `name[]` reach it.
#![cfg(feature = "protobuf")]

use std::collections::BTreeSet;
use std::sync::Arc;

use promenade::encoding::negotiate::respond;
use promenade::encoding::protobuf::{self, proto};
use promenade::encoding::{text, Format};
use promenade::metrics::{ExemplarLabels, Quantiles};
use promenade::parse;
use promenade::registry::families::{Labels, UnknownFamily};
use promenade::registry::{CollectError, Collector, Descriptor, Named, Sink};
use promenade::{
    Buckets, Counter, CounterWithExemplar, Enum, Family, Gauge, GaugeHistogram, Histogram, Info,
    LabelSet, LabelValue, MetricType, Registry, Summary,
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

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Phase {
    Starting,
    Running,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Path {
    #[label(limit = 8)]
    path: String,
}

const NATIVE_ACCEPT: &str = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

/// Values computed at scrape time, with a timestamp.
struct Foreign;

impl Collector for Foreign {
    fn describe(&self) -> Vec<Descriptor> {
        vec![Descriptor::new(
            "foreign_value",
            "From elsewhere.",
            MetricType::Unknown,
            "Foreign",
        )]
    }
    fn collect(&self, sink: &mut dyn Sink) {
        let _ = self.try_collect(sink);
    }
    fn try_collect(&self, sink: &mut dyn Sink) -> Result<(), CollectError> {
        let mut f = UnknownFamily::new("foreign_value", "From elsewhere.")?;
        f.add_at(Labels::new([("source", "a")])?, 2.5, 1_700_000_000.25)?;
        f.collect_into(sink);
        Ok(())
    }
}

fn registry() -> Registry {
    let r = Registry::new();
    let trace = ExemplarLabels::new([("trace_id", "4bf92f35")]).unwrap();

    let requests: Arc<Family<Request, Counter>> = Arc::new(Family::new());
    requests
        .labels(Request {
            method: Method::Get,
            cached: true,
        })
        .inc_by(7);
    r.register_metric("http_requests", "Requests served.", requests)
        .unwrap();

    let jobs = Arc::new(CounterWithExemplar::new());
    jobs.inc_with_exemplar(3, &trace);
    r.register_metric("jobs_processed", "Jobs processed.", jobs)
        .unwrap();

    let temperature = Arc::new(Gauge::new());
    temperature.set(-3.25);
    r.register(
        Named::new("room_temperature_celsius", "Room temperature.", temperature)
            .unwrap()
            .with_unit("celsius")
            .unwrap(),
    )
    .unwrap();

    let latency = Arc::new(Histogram::new(
        Buckets::new([0.005, 0.1, 1.0, 1e6]).unwrap(),
    ));
    latency.observe(0.003);
    latency.observe(0.2);
    latency.observe_with_exemplar(0.7, &trace);
    r.register_metric("request_latency_seconds", "Latency.", latency)
        .unwrap();

    let sizes = Arc::new(Summary::with_quantiles(Quantiles::new([0.5, 0.9]).unwrap()));
    for v in [100.0, 250.0, 400.0] {
        sizes.observe(v);
    }
    r.register_metric("request_size_bytes", "Request sizes.", sizes)
        .unwrap();

    let build = Arc::new(Info::new());
    build
        .set([("version", "1.2.3"), ("commit", "abc\"def")])
        .unwrap();
    r.register_metric("build", "Build facts.", build).unwrap();

    let phase: Arc<Enum<Phase>> = Arc::new(Enum::new());
    phase.set(Phase::Running);
    r.register_metric("phase", "Lifecycle phase.", phase)
        .unwrap();

    let queue = Arc::new(GaugeHistogram::new(Buckets::new([10.0, 60.0]).unwrap()));
    queue.add(3.0);
    queue.add(300.0);
    r.register_metric("queue_age_seconds", "Age of queued items.", queue)
        .unwrap();

    let paths: Arc<Family<Path, Counter>> = Arc::new(Family::with_limit(8));
    paths
        .labels(Path {
            path: "a\"b\\c\nd".into(),
        })
        .inc();
    r.register_metric("paths", "Awkward label values.", paths)
        .unwrap();

    // No series: left out of the protobuf exposition.
    let empty: Arc<Family<Path, Counter>> = Arc::new(Family::with_limit(8));
    r.register_metric("never_used", "No series.", empty)
        .unwrap();

    r.register(Foreign).unwrap();
    r
}

fn decode(registry: &Registry) -> Vec<proto::MetricFamily> {
    proto::decode_delimited(&protobuf::encode_to_vec(registry)).expect("delimited families")
}

fn family<'a>(families: &'a [proto::MetricFamily], name: &str) -> &'a proto::MetricFamily {
    families
        .iter()
        .find(|f| f.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no family {name}"))
}

fn labels(m: &proto::Metric) -> Vec<(&str, &str)> {
    m.label
        .iter()
        .map(|l| (l.name.as_deref().unwrap(), l.value.as_deref().unwrap()))
        .collect()
}

fn ty(t: proto::MetricType) -> Option<i32> {
    Some(t as i32)
}

#[test]
fn every_type_travels_as_documented() {
    let families = decode(&registry());

    let requests = family(&families, "http_requests_total");
    assert_eq!(requests.r#type, ty(proto::MetricType::Counter));
    assert_eq!(requests.help.as_deref(), Some("Requests served."));
    let get = requests
        .metric
        .iter()
        .find(|m| labels(m) == [("method", "get"), ("cached", "true")])
        .expect("the get series");
    let counter = get.counter.as_ref().unwrap();
    assert_eq!(counter.value, Some(7.0));
    assert!(counter.created_timestamp.unwrap().seconds > 1_600_000_000);
    assert_eq!(get.timestamp_ms, None);

    let jobs = family(&families, "jobs_processed_total");
    let exemplar = jobs.metric[0]
        .counter
        .as_ref()
        .unwrap()
        .exemplar
        .as_ref()
        .expect("the exemplar");
    assert_eq!(exemplar.value, Some(3.0));
    assert_eq!(exemplar.label[0].name.as_deref(), Some("trace_id"));
    assert_eq!(exemplar.label[0].value.as_deref(), Some("4bf92f35"));
    assert!(exemplar.timestamp.unwrap().seconds > 1_600_000_000);

    let temperature = family(&families, "room_temperature_celsius");
    assert_eq!(temperature.r#type, ty(proto::MetricType::Gauge));
    assert_eq!(temperature.unit.as_deref(), Some("celsius"));
    assert_eq!(
        temperature.metric[0].gauge.as_ref().unwrap().value,
        Some(-3.25)
    );

    let latency = family(&families, "request_latency_seconds");
    assert_eq!(latency.r#type, ty(proto::MetricType::Histogram));
    let h = latency.metric[0].histogram.as_ref().unwrap();
    assert_eq!(h.sample_count, Some(3));
    assert!((h.sample_sum.unwrap() - 0.903).abs() < 1e-12);
    assert!(h.created_timestamp.is_some());
    let bounds: Vec<f64> = h.bucket.iter().map(|b| b.upper_bound.unwrap()).collect();
    // `+Inf` is implied by the count.
    assert_eq!(bounds, [0.005, 0.1, 1.0, 1e6]);
    let counts: Vec<u64> = h
        .bucket
        .iter()
        .map(|b| b.cumulative_count.unwrap())
        .collect();
    assert_eq!(counts, [1, 1, 3, 3]);
    let with_exemplar: Vec<f64> = h
        .bucket
        .iter()
        .filter_map(|b| Some(b.exemplar.as_ref()?.value.unwrap()))
        .collect();
    assert_eq!(with_exemplar, [0.7]);
    assert!(h.bucket[2].exemplar.as_ref().unwrap().timestamp.is_some());

    let sizes = family(&families, "request_size_bytes");
    assert_eq!(sizes.r#type, ty(proto::MetricType::Summary));
    let s = sizes.metric[0].summary.as_ref().unwrap();
    assert_eq!((s.sample_count, s.sample_sum), (Some(3), Some(750.0)));
    let quantiles: Vec<f64> = s.quantile.iter().map(|q| q.quantile.unwrap()).collect();
    assert_eq!(quantiles, [0.5, 0.9]);
    assert!(s.created_timestamp.is_some());

    let build = family(&families, "build_info");
    assert_eq!(build.r#type, ty(proto::MetricType::Gauge));
    assert_eq!(
        labels(&build.metric[0]),
        [("version", "1.2.3"), ("commit", "abc\"def")]
    );
    assert_eq!(build.metric[0].gauge.as_ref().unwrap().value, Some(1.0));

    let phase = family(&families, "phase");
    assert_eq!(phase.r#type, ty(proto::MetricType::Gauge));
    let states: Vec<(Vec<(&str, &str)>, f64)> = phase
        .metric
        .iter()
        .map(|m| (labels(m), m.gauge.as_ref().unwrap().value.unwrap()))
        .collect();
    assert_eq!(
        states,
        [
            (vec![("phase", "starting")], 0.0),
            (vec![("phase", "running")], 1.0)
        ]
    );

    // A gauge histogram: the three gauge families of a text scrape.
    let buckets = family(&families, "queue_age_seconds_bucket");
    assert_eq!(buckets.r#type, ty(proto::MetricType::Gauge));
    let les: Vec<(Vec<(&str, &str)>, f64)> = buckets
        .metric
        .iter()
        .map(|m| (labels(m), m.gauge.as_ref().unwrap().value.unwrap()))
        .collect();
    assert_eq!(
        les,
        [
            (vec![("le", "10.0")], 1.0),
            (vec![("le", "60.0")], 1.0),
            (vec![("le", "+Inf")], 2.0)
        ]
    );
    let gcount = family(&families, "queue_age_seconds_gcount");
    assert_eq!(gcount.metric[0].gauge.as_ref().unwrap().value, Some(2.0));
    let gsum = family(&families, "queue_age_seconds_gsum");
    assert_eq!(gsum.metric[0].gauge.as_ref().unwrap().value, Some(303.0));

    // Label values travel verbatim: nothing to escape in protobuf.
    let paths = family(&families, "paths_total");
    assert_eq!(labels(&paths.metric[0]), [("path", "a\"b\\c\nd")]);

    let foreign = family(&families, "foreign_value");
    assert_eq!(foreign.r#type, ty(proto::MetricType::Untyped));
    assert_eq!(foreign.metric[0].timestamp_ms, Some(1_700_000_000_250));
    assert_eq!(foreign.metric[0].untyped.as_ref().unwrap().value, Some(2.5));

    assert!(!families
        .iter()
        .any(|f| f.name.as_deref().unwrap().starts_with("never_used")));
}

/// Every sample as `name{sorted labels} value`, the way a scraper stores it.
fn series(families: &[parse::MetricFamily]) -> BTreeSet<String> {
    families
        .iter()
        .flat_map(|f| &f.samples)
        .filter(|s| !s.name.ends_with("_created"))
        .map(|s| {
            let mut labels = s.labels.clone();
            labels.sort();
            format!("{}{:?} {:?}", s.name, labels, s.value)
        })
        .collect()
}

#[test]
fn the_series_are_those_of_a_text_scrape() {
    let registry = registry();
    let from_text = parse::text(&text::encode_to_string(&registry)).unwrap();
    let bytes = protobuf::encode_to_vec(&registry);
    let from_protobuf = parse::parse_bytes(&bytes, Format::Protobuf).unwrap();
    assert!(series(&from_text).len() > 25);
    assert_eq!(series(&from_protobuf), series(&from_text));
    // Families keep their names and types where both formats have them.
    let requests = from_protobuf
        .iter()
        .find(|f| f.name == "http_requests_total")
        .unwrap();
    assert_eq!(requests.metric_type, MetricType::Counter);
    // `_created` and exemplars, which text 0.0.4 lacks, are read too.
    assert!(from_protobuf
        .iter()
        .flat_map(|f| &f.samples)
        .any(|s| s.name == "http_requests_created"));
    let jobs = from_protobuf
        .iter()
        .find(|f| f.name == "jobs_processed_total")
        .unwrap();
    assert_eq!(jobs.samples[0].exemplar.as_ref().unwrap().value(), 3.0);
}

#[test]
fn the_parser_refuses_what_is_not_protobuf() {
    let err = parse::parse_bytes(b"\x05abc", Format::Protobuf).unwrap_err();
    assert!(
        err.message()
            .contains("not a delimited MetricFamily message"),
        "{err}"
    );
    // A family of one type whose series carries another.
    let mut bytes = Vec::new();
    let family = proto::MetricFamily {
        name: Some("x".into()),
        r#type: Some(proto::MetricType::Counter as i32),
        metric: vec![proto::Metric {
            gauge: Some(proto::Gauge { value: Some(1.0) }),
            ..Default::default()
        }],
        ..Default::default()
    };
    prost::Message::encode_length_delimited(&family, &mut bytes).unwrap();
    let err = parse::parse_bytes(&bytes, Format::Protobuf).unwrap_err();
    assert_eq!(
        err.message(),
        "family 1 (at byte 0): `x`: a series of this counter family has no counter value"
    );
}

struct Failing;

impl Collector for Failing {
    fn describe(&self) -> Vec<Descriptor> {
        vec![Descriptor::new(
            "half_done",
            "Fails midway.",
            MetricType::Unknown,
            "Failing",
        )]
    }
    fn collect(&self, sink: &mut dyn Sink) {
        let _ = self.try_collect(sink);
    }
    fn try_collect(&self, sink: &mut dyn Sink) -> Result<(), CollectError> {
        let mut f = UnknownFamily::new("half_done", "Fails midway.")?;
        f.add(Labels::empty(), 1)?;
        f.collect_into(sink);
        Err("the source went away".into())
    }
}

#[test]
fn a_failing_collector_leaves_nothing_behind() {
    let registry = Registry::new();
    let up = Arc::new(Gauge::new());
    up.set(1.0);
    registry
        .register_metric("up_before", "Before.", up)
        .unwrap();
    registry.register(Failing).unwrap();
    let after = Arc::new(Gauge::new());
    registry
        .register_metric("up_after", "After.", after)
        .unwrap();
    let names: Vec<String> = decode(&registry)
        .into_iter()
        .map(|f| f.name.unwrap())
        .collect();
    assert!(names.contains(&"up_before".to_owned()), "{names:?}");
    assert!(names.contains(&"up_after".to_owned()), "{names:?}");
    assert!(!names.contains(&"half_done".to_owned()), "{names:?}");
    assert!(names.contains(&"promenade_collector_failures_total".to_owned()));
}

#[test]
fn prometheus_asking_for_protobuf_first_gets_it_with_gzip_and_name_filters() {
    let registry = registry();
    let r = respond(&registry, Some(NATIVE_ACCEPT), None, None);
    assert_eq!(
        r.content_type,
        "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited; escaping=underscores"
    );
    assert_eq!(r.body, protobuf::encode_to_vec(&registry));

    let r = respond(
        &registry,
        Some(NATIVE_ACCEPT),
        None,
        Some("name[]=phase&name[]=request_latency_seconds"),
    );
    let names: Vec<String> = proto::decode_delimited(&r.body)
        .unwrap()
        .into_iter()
        .map(|f| f.name.unwrap())
        .collect();
    assert_eq!(names, ["request_latency_seconds", "phase"]);

    #[cfg(feature = "gzip")]
    {
        use std::io::Read;
        let r = respond(&registry, Some(NATIVE_ACCEPT), Some("gzip"), None);
        assert_eq!(r.content_encoding, Some("gzip"));
        let mut body = Vec::new();
        flate2::read::GzDecoder::new(&r.body[..])
            .read_to_end(&mut body)
            .unwrap();
        assert_eq!(
            proto::decode_delimited(&body).unwrap().len(),
            decode(&registry).len()
        );
    }
}

#[test]
fn protobuf_is_chosen_only_when_asked_for() {
    use promenade::encoding::negotiate::choose_format;
    let pb = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited";
    for (accept, format) in [
        (NATIVE_ACCEPT, Format::Protobuf),
        (pb, Format::Protobuf),
        // q-values decide
        (
            &format!("{pb};q=0.5,application/openmetrics-text;version=1.0.0"),
            Format::OpenMetrics,
        ),
        (&format!("text/plain;q=0.4,{pb};q=0.6"), Format::Protobuf),
        (&format!("{pb};q=0"), Format::Text),
        // only delimited MetricFamily messages
        (
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text",
            Format::Text,
        ),
        (
            "application/vnd.google.protobuf;proto=other.Message;encoding=delimited",
            Format::Text,
        ),
        ("application/vnd.google.protobuf", Format::Text),
        // wildcards never mean protobuf
        ("*/*", Format::Text),
        ("application/*", Format::OpenMetrics),
    ] {
        assert_eq!(choose_format(Some(accept)), format, "{accept}");
    }
}
