//! Whatever values users record, the OpenMetrics exposition stays valid: each case below
//! once produced output that strict parsers refuse. Every test asserts the exact lines and
//! that promenade's strict parser (and the tests' own OpenMetrics checker) accept the
//! whole exposition.

#[path = "om_validator.rs"]
mod om_validator;

use std::sync::Arc;

use promenade::encoding::{openmetrics, text};
use promenade::metrics::{ExemplarLabels, Quantiles};
use promenade::parse::{parse, Format};
use promenade::registry::families::{
    GaugeHistogramFamily, HistogramFamily, Labels, SummaryExtras, SummaryFamily,
};
use promenade::registry::{Collector, Descriptor, Named, Number, Point, Sink};
use promenade::{
    Buckets, Counter, Error, Family, GaugeHistogram, Histogram, Info, LabelSet, LabelValue,
    MetricType, Registry, StateSet, Summary,
};

/// The OpenMetrics exposition, checked by both strict parsers.
fn openmetrics_of(r: &Registry) -> String {
    let mut out = String::new();
    openmetrics::encode(r, &mut out);
    parse(&out, Format::OpenMetrics).unwrap_or_else(|e| panic!("strict parser: {e}\n{out}"));
    om_validator::check(&out).unwrap_or_else(|e| panic!("invalid OpenMetrics: {e}\n{out}"));
    out
}

/// The exposition's lines without `_created` samples (their values are the current time).
fn om_lines(r: &Registry) -> Vec<String> {
    openmetrics_of(r)
        .lines()
        .filter(|l| !l.contains("_created"))
        .map(str::to_owned)
        .collect()
}

fn text_of(r: &Registry) -> String {
    let mut out = String::new();
    text::encode(r, &mut out);
    parse(&out, Format::Text).unwrap_or_else(|e| panic!("strict 0.0.4 parser: {e}\n{out}"));
    out
}

fn summary_registry(values: &[f64]) -> Registry {
    let r = Registry::new();
    let s = Arc::new(Summary::with_quantiles(
        Quantiles::new([0.0, 0.5, 1.0]).unwrap(),
    ));
    for v in values {
        s.observe(*v);
    }
    r.register_metric("delta", "Deltas.", s).unwrap();
    r
}

#[test]
fn summary_negative_observation_leaves_out_negative_quantiles_sum_and_count() {
    let r = summary_registry(&[-3.0]);
    assert_eq!(
        om_lines(&r),
        ["# TYPE delta summary", "# HELP delta Deltas.", "# EOF"]
    );
    // Text 0.0.4 shows what was recorded.
    let t = text_of(&r);
    assert!(t.contains("delta{quantile=\"0.5\"} -3.0\n"), "{t}");
    assert!(t.contains("delta_sum -3.0\ndelta_count 1\n"), "{t}");
}

#[test]
fn summary_keeps_the_quantiles_that_are_not_negative() {
    let r = summary_registry(&[-3.0, 1.0, 5.0]);
    assert_eq!(
        om_lines(&r),
        [
            "# TYPE delta summary",
            "# HELP delta Deltas.",
            "delta{quantile=\"0.5\"} 1.0",
            "delta{quantile=\"1.0\"} 5.0",
            "delta_sum 3.0",
            "delta_count 3",
            "# EOF"
        ]
    );
}

#[test]
fn summary_nan_observation_leaves_out_sum_and_count_keeps_nan_quantiles() {
    let r = summary_registry(&[f64::NAN]);
    assert_eq!(
        om_lines(&r),
        [
            "# TYPE delta summary",
            "# HELP delta Deltas.",
            "delta{quantile=\"0.0\"} NaN",
            "delta{quantile=\"0.5\"} NaN",
            "delta{quantile=\"1.0\"} NaN",
            "# EOF"
        ]
    );
    let t = text_of(&r);
    assert!(t.contains("delta_sum NaN\ndelta_count 1\n"), "{t}");
}

#[test]
fn summary_without_quantiles_and_a_negative_sum_keeps_only_created() {
    let r = Registry::new();
    let s = Arc::new(Summary::new());
    s.observe(-0.5);
    r.register_metric("offset", "Offsets.", s).unwrap();
    let om = openmetrics_of(&r);
    let lines: Vec<&str> = om.lines().collect();
    assert_eq!(lines.len(), 4, "{om}");
    assert_eq!(
        lines[..2],
        ["# TYPE offset summary", "# HELP offset Offsets."]
    );
    assert!(lines[2].starts_with("offset_created "), "{om}");
    assert_eq!(lines[3], "# EOF");
}

fn gauge_histogram_registry(bounds: [f64; 2], values: &[f64]) -> Registry {
    let r = Registry::new();
    let g = Arc::new(GaugeHistogram::new(Buckets::new(bounds).unwrap()));
    for v in values {
        g.add(*v);
    }
    r.register_metric("backlog", "Backlog.", g).unwrap();
    r
}

#[test]
fn gauge_histogram_negative_gsum_over_non_negative_bounds_leaves_out_gsum_and_gcount() {
    let r = gauge_histogram_registry([1.0, 2.0], &[-1.5]);
    assert_eq!(
        om_lines(&r),
        [
            "# TYPE backlog gaugehistogram",
            "# HELP backlog Backlog.",
            "backlog_bucket{le=\"1.0\"} 1",
            "backlog_bucket{le=\"2.0\"} 1",
            "backlog_bucket{le=\"+Inf\"} 1",
            "# EOF"
        ]
    );
    let t = text_of(&r);
    assert!(t.contains("backlog_gsum -1.5\n"), "{t}");
}

#[test]
fn gauge_histogram_nan_gsum_leaves_out_gsum_and_gcount() {
    let r = gauge_histogram_registry([-1.0, 2.0], &[f64::NAN]);
    assert_eq!(
        om_lines(&r),
        [
            "# TYPE backlog gaugehistogram",
            "# HELP backlog Backlog.",
            "backlog_bucket{le=\"-1.0\"} 0",
            "backlog_bucket{le=\"2.0\"} 0",
            "backlog_bucket{le=\"+Inf\"} 1",
            "# EOF"
        ]
    );
}

#[test]
fn gauge_histogram_negative_gsum_with_a_negative_bound_is_kept() {
    let r = gauge_histogram_registry([-1.0, 2.0], &[-1.5]);
    assert_eq!(
        om_lines(&r),
        [
            "# TYPE backlog gaugehistogram",
            "# HELP backlog Backlog.",
            "backlog_bucket{le=\"-1.0\"} 1",
            "backlog_bucket{le=\"2.0\"} 1",
            "backlog_bucket{le=\"+Inf\"} 1",
            "backlog_gcount 1",
            "backlog_gsum -1.5",
            "# EOF"
        ]
    );
}

#[test]
fn nan_exemplar_observation_is_counted_without_an_exemplar() {
    let r = Registry::new();
    let h = Arc::new(Histogram::new(Buckets::new([1.0]).unwrap()));
    let trace = ExemplarLabels::new([("trace_id", "t1")]).unwrap();
    h.observe_with_exemplar(0.5, &trace);
    h.observe_with_exemplar(f64::NAN, &trace);
    h.observe_with_exemplar(f64::NEG_INFINITY, &trace);
    assert!(h.exemplars()[1].is_none());
    r.register_metric("latency", "Latency.", h).unwrap();
    let lines = om_lines(&r);
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert_eq!(
        lines[..2],
        ["# TYPE latency histogram", "# HELP latency Latency."]
    );
    // The exemplar's timestamp is the time of the observation.
    assert!(
        lines[2].starts_with("latency_bucket{le=\"1.0\"} 2 # {trace_id=\"t1\"} 0.5 "),
        "{lines:?}"
    );
    // NaN leaves the sum NaN: `_sum` and `_count` are left out.
    assert_eq!(lines[3..], ["latency_bucket{le=\"+Inf\"} 3", "# EOF"]);
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Env {
    Prod,
    Staging,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Deployment {
    env: Env,
}

#[test]
fn info_label_repeating_a_family_label_is_left_out() {
    let r = Registry::new();
    let family: Arc<Family<Deployment, Info>> = Arc::new(Family::new());
    family
        .labels(Deployment { env: Env::Prod })
        .set([("env", "dup"), ("version", "1.2")])
        .unwrap();
    family
        .labels(Deployment { env: Env::Staging })
        .set([("version", "1.3"), ("env", "x\"y")])
        .unwrap();
    r.register_metric("release", "Releases.", family).unwrap();
    assert_eq!(
        om_lines(&r),
        [
            "# TYPE release info",
            "# HELP release Releases.",
            "release_info{env=\"prod\",version=\"1.2\"} 1",
            "release_info{env=\"staging\",version=\"1.3\"} 1",
            "# EOF"
        ]
    );
    assert_eq!(
        text_of(&r),
        "# HELP release_info Releases.\n# TYPE release_info gauge\n\
         release_info{env=\"prod\",version=\"1.2\"} 1\n\
         release_info{env=\"staging\",version=\"1.3\"} 1\n"
    );
}

/// Sends an info point whose only label clashes with the series label.
struct ClashingInfo(Info);

impl Collector for ClashingInfo {
    fn describe(&self) -> Vec<Descriptor> {
        vec![Descriptor::new("node", "", MetricType::Info, "test")]
    }
    fn collect(&self, sink: &mut dyn Sink) {
        sink.family(&Descriptor::new("node", "", MetricType::Info, "test"));
        let labels = Labels::new([("host", "a")]).unwrap();
        sink.point(&labels, Point::Info(&self.0));
    }
}

#[test]
fn info_from_a_collector_with_only_clashing_labels_keeps_the_series_label() {
    let r = Registry::new();
    let info = Info::new();
    info.set([("host", "b")]).unwrap();
    r.register(ClashingInfo(info)).unwrap();
    assert_eq!(
        om_lines(&r),
        ["# TYPE node info", "node_info{host=\"a\"} 1", "# EOF"]
    );
}

/// A collector that sends whatever it was built with, describing nothing.
struct Raw(&'static str, fn(&mut dyn Sink));

impl Collector for Raw {
    fn describe(&self) -> Vec<Descriptor> {
        Vec::new()
    }
    fn collect(&self, sink: &mut dyn Sink) {
        (self.1)(sink)
    }
    fn collector_name(&self) -> std::borrow::Cow<'static, str> {
        self.0.into()
    }
}

fn gauge(sink: &mut dyn Sink, name: &'static str, value: f64) {
    sink.family(&Descriptor::new(name, "", MetricType::Gauge, "test"));
    sink.point(&(), Point::Gauge(Number::Float(value)));
}

/// A registry with a good collector before and after `bad`.
fn with_bad_collector(bad: Raw) -> Registry {
    let r = Registry::new();
    r.register(Raw("before", |s| gauge(s, "before", 1.0)))
        .unwrap();
    r.register(bad).unwrap();
    r.register(Raw("after", |s| gauge(s, "after", 2.0)))
        .unwrap();
    r
}

fn served_with_failure_of(collector: &str) -> Vec<String> {
    vec![
        "# TYPE before gauge".into(),
        "before 1.0".into(),
        "# TYPE after gauge".into(),
        "after 2.0".into(),
        "# TYPE promenade_collector_failures counter".into(),
        "# HELP promenade_collector_failures Scrapes at which a collector panicked or returned an error (its families were left out).".into(),
        format!("promenade_collector_failures_total{{collector=\"{collector}\"}} 1"),
        "# EOF".into(),
    ]
}

#[test]
fn collector_sending_an_invalid_family_name_is_rolled_back() {
    let r = with_bad_collector(Raw("bad_name", |s| {
        gauge(s, "fine", 3.0);
        gauge(s, "__bad_name", 4.0);
    }));
    assert_eq!(om_lines(&r), served_with_failure_of("bad_name"));
    // The text format is rolled back just the same.
    let t = text_of(&r);
    assert!(!t.contains("__bad_name") && !t.contains("fine"), "{t}");
}

#[test]
fn collector_sending_a_point_before_any_family_is_rolled_back() {
    let r = with_bad_collector(Raw("no_family", |s| {
        s.point(&(), Point::Gauge(Number::Float(1.0)));
    }));
    assert_eq!(om_lines(&r), served_with_failure_of("no_family"));
}

#[test]
fn collector_sending_a_point_of_another_type_is_rolled_back() {
    let r = with_bad_collector(Raw("wrong_type", |s| {
        s.family(&Descriptor::new("jobs", "", MetricType::Gauge, "test"));
        s.point(
            &(),
            Point::Counter {
                value: Number::Int(1),
                created: None,
            },
        );
    }));
    assert_eq!(om_lines(&r), served_with_failure_of("wrong_type"));
}

#[test]
fn collector_sending_an_invalid_unit_is_rolled_back() {
    let r = with_bad_collector(Raw("bad_unit", |s| {
        let mut d = Descriptor::new("size", "", MetricType::Gauge, "test");
        d.unit = Some("bytes".into());
        s.family(&d);
        s.point(&(), Point::Gauge(Number::Float(1.0)));
    }));
    assert_eq!(om_lines(&r), served_with_failure_of("bad_unit"));
}

#[test]
fn collector_sending_a_family_already_sent_is_rolled_back() {
    // `before` again, and a counter whose `_total` is the gauge `before_total`'s name.
    let r = with_bad_collector(Raw("again", |s| gauge(s, "before", 5.0)));
    assert_eq!(om_lines(&r), served_with_failure_of("again"));

    let r = with_bad_collector(Raw("clash", |s| {
        gauge(s, "jobs_total", 5.0);
        s.family(&Descriptor::new("jobs", "", MetricType::Counter, "test"));
        s.point(
            &(),
            Point::Counter {
                value: Number::Int(1),
                created: None,
            },
        );
    }));
    assert_eq!(om_lines(&r), served_with_failure_of("clash"));

    // A collector may not send promenade's own self-metric families either.
    let r = with_bad_collector(Raw("reserved", |s| {
        gauge(s, "promenade_family_overflow_total", 5.0)
    }));
    assert_eq!(om_lines(&r), served_with_failure_of("reserved"));
}

#[test]
fn describe_less_collector_registered_twice_is_served_once() {
    let r = Registry::new();
    let c = Arc::new(Raw("twice", |s| gauge(s, "queue", 1.0)));
    r.register_arc(c.clone()).unwrap();
    r.register_arc(c).unwrap();
    assert_eq!(
        om_lines(&r),
        [
            "# TYPE queue gauge",
            "queue 1.0",
            "# TYPE promenade_collector_failures counter",
            "# HELP promenade_collector_failures Scrapes at which a collector panicked or returned an error (its families were left out).",
            "promenade_collector_failures_total{collector=\"twice\"} 1",
            "# EOF"
        ]
    );
}

#[test]
fn a_failed_collector_frees_its_names_for_the_next() {
    // The first sends `shared` and then fails; the second may send `shared`.
    let r = Registry::new();
    r.register(Raw("fails", |s| {
        gauge(s, "shared", 1.0);
        s.point(
            &(),
            Point::Counter {
                value: Number::Int(1),
                created: None,
            },
        );
    }))
    .unwrap();
    r.register(Raw("second", |s| gauge(s, "shared", 2.0)))
        .unwrap();
    assert_eq!(
        om_lines(&r),
        [
            "# TYPE shared gauge",
            "shared 2.0",
            "# TYPE promenade_collector_failures counter",
            "# HELP promenade_collector_failures Scrapes at which a collector panicked or returned an error (its families were left out).",
            "promenade_collector_failures_total{collector=\"fails\"} 1",
            "# EOF"
        ]
    );
}

fn invalid_value(e: Error) -> String {
    match e {
        Error::InvalidValue(m) => m.to_string(),
        other => panic!("expected InvalidValue, got {other:?}"),
    }
}

#[test]
fn builders_refuse_what_openmetrics_forbids() {
    let mut s = SummaryFamily::new("delta", "").unwrap();
    let e = s
        .add_with(Labels::empty(), 1, -3.0, SummaryExtras::default())
        .unwrap_err();
    assert_eq!(
        invalid_value(e),
        "a summary's sum cannot be negative or NaN, got -3 (OpenMetrics: `_sum` is a counter, at least 0)"
    );
    let e = s
        .add_with(
            Labels::empty(),
            1,
            1.0,
            SummaryExtras {
                quantiles: vec![(0.5, -1.0)],
                ..SummaryExtras::default()
            },
        )
        .unwrap_err();
    assert_eq!(
        invalid_value(e),
        "quantile 0.5 has the value -1, but OpenMetrics quantile values cannot be negative (at least 0, or NaN when there is no data)"
    );
    // NaN quantile values (no data) are fine.
    s.add_with(
        Labels::empty(),
        0,
        0.0,
        SummaryExtras {
            quantiles: vec![(0.5, f64::NAN)],
            ..SummaryExtras::default()
        },
    )
    .unwrap();
    assert_eq!(s.len(), 1);

    let mut g = GaugeHistogramFamily::new("backlog", "").unwrap();
    let e = g
        .add(Labels::empty(), &[(1.0, 0), (f64::INFINITY, 1)], Some(-4.0))
        .unwrap_err();
    assert_eq!(
        invalid_value(e),
        "a gauge histogram's sum is -4, but OpenMetrics allows a negative `_gsum` only when a bucket bound is negative"
    );
    g.add(
        Labels::empty(),
        &[(-1.0, 1), (f64::INFINITY, 1)],
        Some(-4.0),
    )
    .unwrap();

    let mut h = HistogramFamily::new("latency", "").unwrap();
    for sum in [-2.0, f64::NAN] {
        let e = h
            .add(Labels::empty(), &[(1.0, 0), (f64::INFINITY, 1)], Some(sum))
            .unwrap_err();
        assert_eq!(
            invalid_value(e),
            format!("a histogram's sum cannot be negative or NaN, got {sum} (OpenMetrics: `_sum` is a counter, at least 0; pass `None` to leave `_sum` and `_count` out)")
        );
    }
    assert!(h.is_empty());
}

#[test]
fn a_state_set_name_with_a_colon_is_a_label_name_too() {
    // `bad:name` is a legacy metric name and a UTF-8 label name: its states are written
    // under the label `bad_name` by the default escaping.
    let r = Registry::new();
    r.register(
        Named::new(
            "bad:name",
            "",
            Arc::new(StateSet::<Env>::new()) as Arc<StateSet<Env>>,
        )
        .unwrap(),
    )
    .unwrap();
    let out = text::encode_to_string(&r);
    assert!(out.contains("bad:name{bad_name="), "{out}");
}

#[test]
fn everything_at_once_is_valid() {
    // The cases above in one registry, beside well-behaved metrics.
    let r = Registry::new();
    let c = Arc::new(Counter::new());
    c.inc();
    r.register_metric("ok", "Fine.", c).unwrap();
    let s = Arc::new(Summary::with_quantiles(Quantiles::new([0.5]).unwrap()));
    s.observe(-1.0);
    r.register_metric("neg_summary", "", s).unwrap();
    let g = Arc::new(GaugeHistogram::new(Buckets::new([1.0]).unwrap()));
    g.add(-2.0);
    r.register_metric("neg_gauge_histogram", "", g).unwrap();
    let h = Arc::new(Histogram::new(Buckets::new([1.0]).unwrap()));
    h.observe_with_exemplar(f64::NAN, &ExemplarLabels::new([("a", "b")]).unwrap());
    r.register_metric("nan_exemplar", "", h).unwrap();
    r.register(Raw("bad", |s| gauge(s, "9bad", 1.0))).unwrap();
    let om = openmetrics_of(&r);
    assert!(om.contains("ok_total 1\n"), "{om}");
    assert!(!om.contains("9bad") && !om.contains("NaN #"), "{om}");
}
