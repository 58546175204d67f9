//! The text exposition of every metric type, compared whole, and the registry's rules.

use std::sync::Arc;

use promenade::encoding::text;
use promenade::{
    Buckets, CallbackGauge, Counter, Error, FloatCounter, Gauge, Histogram, IntGauge, Registry,
};

fn exposition(registry: &Registry) -> String {
    let mut out = String::new();
    text::encode(registry, &mut out);
    out
}

#[test]
fn every_metric_type_is_encoded_exactly() {
    let r = Registry::new();
    let requests = Arc::new(Counter::new());
    let bytes = Arc::new(FloatCounter::new());
    let temperature = Arc::new(Gauge::new());
    let workers = Arc::new(IntGauge::new());
    let latency = Arc::new(Histogram::new(Buckets::new([0.1, 1.0]).unwrap()));
    r.register_metric("requests_total", "Requests served.", requests.clone())
        .unwrap();
    r.register_metric("bytes", "Bytes sent.", bytes.clone())
        .unwrap();
    r.register_metric("temperature_celsius", "Temperature.", temperature.clone())
        .unwrap();
    r.register_metric("workers", "Busy workers.", workers.clone())
        .unwrap();
    r.register_metric("queue_depth", "Items queued.", CallbackGauge::new(|| 3.0))
        .unwrap();
    r.register_metric("latency_seconds", "Latency.", latency.clone())
        .unwrap();

    requests.inc_by(7);
    bytes.inc_by(1.5).unwrap();
    temperature.set(-2.25);
    workers.set(-3);
    latency.observe(0.05);
    latency.observe(0.5);
    latency.observe(30.0);

    assert_eq!(
        exposition(&r),
        "# HELP requests_total Requests served.\n\
         # TYPE requests_total counter\n\
         requests_total 7\n\
         # HELP bytes_total Bytes sent.\n\
         # TYPE bytes_total counter\n\
         bytes_total 1.5\n\
         # HELP temperature_celsius Temperature.\n\
         # TYPE temperature_celsius gauge\n\
         temperature_celsius -2.25\n\
         # HELP workers Busy workers.\n\
         # TYPE workers gauge\n\
         workers -3\n\
         # HELP queue_depth Items queued.\n\
         # TYPE queue_depth gauge\n\
         queue_depth 3.0\n\
         # HELP latency_seconds Latency.\n\
         # TYPE latency_seconds histogram\n\
         latency_seconds_bucket{le=\"0.1\"} 1\n\
         latency_seconds_bucket{le=\"1.0\"} 2\n\
         latency_seconds_bucket{le=\"+Inf\"} 3\n\
         latency_seconds_sum 30.55\n\
         latency_seconds_count 3\n"
    );
}

#[test]
fn special_floats_and_help_escaping() {
    let r = Registry::new();
    let g = Arc::new(Gauge::new());
    r.register_metric("g", "Back\\slash, \"quotes\" and a\nnewline.", g.clone())
        .unwrap();
    let mut seen = Vec::new();
    for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300, 0.0] {
        g.set(v);
        seen.push(exposition(&r).lines().last().unwrap().to_owned());
    }
    assert_eq!(seen, ["g NaN", "g +Inf", "g -Inf", "g 1e300", "g 0.0"]);
    // HELP escapes backslash and newline only: promtool rejects `\"` there.
    assert!(exposition(&r)
        .starts_with("# HELP g Back\\\\slash, \"quotes\" and a\\nnewline.\n# TYPE g gauge\n"));
}

#[test]
fn exposition_parses_back_with_an_independent_parser() {
    let r = Registry::new();
    let h = Arc::new(Histogram::new(Buckets::default()));
    let c = Arc::new(Counter::new());
    r.register_metric("h_seconds", "H.", h.clone()).unwrap();
    r.register_metric("c", "C.", c.clone()).unwrap();
    for i in 0..100 {
        h.observe(i as f64 / 10.0);
    }
    c.inc_by(5);
    let body = exposition(&r);
    let lines = body.lines().map(|l| Ok(l.to_owned()));
    let scrape = prometheus_parse::Scrape::parse(lines).unwrap();
    let counter = scrape
        .samples
        .iter()
        .find(|s| s.metric == "c_total")
        .unwrap();
    assert!(matches!(counter.value, prometheus_parse::Value::Counter(v) if v == 5.0));
    let hist = scrape
        .samples
        .iter()
        .find(|s| s.metric == "h_seconds")
        .unwrap();
    match &hist.value {
        prometheus_parse::Value::Histogram(buckets) => {
            assert_eq!(buckets.len(), 15);
            assert_eq!(buckets.last().unwrap().count, 100.0);
            assert_eq!(buckets[0].less_than, 0.005);
            assert_eq!(buckets[0].count, 1.0); // only 0.0
        }
        other => panic!("not a histogram: {other:?}"),
    }
    assert_eq!(scrape.docs.get("h_seconds").map(String::as_str), Some("H."));
}

type Register = fn(&Registry) -> Result<promenade::registry::Registration, Error>;

#[test]
fn duplicate_sample_names_are_refused_naming_both_definitions() {
    // (first name, its registration, second name, its registration, the clashing sample)
    let cases: [(&str, Register, &str, Register, &str); 4] = [
        (
            "request",
            |r| r.register_metric("request", "G.", Arc::new(Gauge::new())),
            "request_total",
            |r| r.register_metric("request_total", "C.", Arc::new(Counter::new())),
            "request",
        ),
        (
            "x",
            |r| r.register_metric("x", "H.", Arc::new(Histogram::new(Buckets::default()))),
            "x_bucket",
            |r| r.register_metric("x_bucket", "G.", Arc::new(Gauge::new())),
            "x_bucket",
        ),
        (
            "y",
            |r| r.register_metric("y", "C.", Arc::new(Counter::new())),
            "y_total",
            |r| r.register_metric("y_total", "C.", Arc::new(Counter::new())),
            // Two counters share every sample; the error names one they show.
            "y_total",
        ),
        (
            "z_created",
            |r| r.register_metric("z_created", "G.", Arc::new(Gauge::new())),
            "z",
            |r| r.register_metric("z", "C.", Arc::new(Counter::new())),
            "z_created",
        ),
    ];
    for (first_name, first, second_name, second, clash) in cases {
        let r = Registry::new();
        first(&r).unwrap();
        let err = second(&r).unwrap_err();
        let msg = err.to_string();
        assert!(
            matches!(&err, Error::DuplicateMetric { sample, .. } if sample == clash),
            "{first_name} vs {second_name}: {msg}"
        );
        assert!(
            msg.contains(&format!("`{first_name}` registered at")),
            "{msg}"
        );
        assert!(
            msg.contains(&format!("`{second_name}` registered at")),
            "{msg}"
        );
        assert!(
            msg.contains("tests/exposition.rs"),
            "names the definitions' places: {msg}"
        );
    }
}

#[test]
fn unregister_removes_and_frees_the_name() {
    let r = Registry::new();
    let reg = r
        .register_metric("jobs", "Jobs.", Arc::new(Counter::new()))
        .unwrap();
    assert!(r.get_sample_value("jobs_total", &[]).is_some());
    assert!(r.unregister(reg));
    assert!(!r.unregister(reg), "second unregister is a no-op");
    assert_eq!(exposition(&r), "");
    r.register_metric("jobs", "Jobs again.", Arc::new(Gauge::new()))
        .unwrap();
}

#[test]
fn invalid_names_are_errors_not_panics() {
    let r = Registry::new();
    for bad in ["", "__reserved", "a\nb", "a\tb", "a\0b"] {
        let err = r
            .register_metric(bad, "Bad.", Arc::new(Counter::new()))
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidMetricName { .. }),
            "{bad:?}: {err}"
        );
        assert!(err.to_string().starts_with("invalid metric name"), "{err}");
    }
    assert_eq!(exposition(&r), "");
}

#[test]
fn utf8_names_register_and_are_escaped_by_default() {
    let r = Registry::new();
    for name in ["1abc", "a-b", "é", "a{b}", "http.server.requests"] {
        r.register_metric(name, "UTF-8.", Arc::new(Counter::new()))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    // `a b` and `a.b` are `a_b` to a scraper asking for no escaping, like `a-b`.
    for clash in ["a b", "a.b", "a_b"] {
        let e = r
            .register_metric(clash, "Clash.", Arc::new(Counter::new()))
            .unwrap_err();
        assert!(
            e.to_string().contains("duplicate metric: `a_b"),
            "{clash}: {e}"
        );
    }
    let text = exposition(&r);
    for line in [
        "_abc_total 0",
        "a_b_total 0",
        "__total 0",
        "a_b__total 0",
        "http_server_requests_total 0",
    ] {
        assert!(text.lines().any(|l| l == line), "{line}\n{text}");
    }
    promenade::parse::text(&text).unwrap();
}

#[test]
fn empty_help_omits_the_help_line() {
    let r = Registry::new();
    r.register_metric("quiet", "", Arc::new(Gauge::new()))
        .unwrap();
    assert_eq!(exposition(&r), "# TYPE quiet gauge\nquiet 0.0\n");
}
