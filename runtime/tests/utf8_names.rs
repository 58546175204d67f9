//! Names outside the legacy character set (OpenTelemetry style, `http.server.duration`)
//! in every format, by the `escaping` a scraper asks for: quoted with `allow-utf-8`,
//! verbatim in protobuf, escaped by the schemes of Prometheus's model package otherwise.

use promenade::encoding::negotiate::negotiate;
use promenade::encoding::openmetrics::OpenMetricsEncoder;
use promenade::encoding::text::TextEncoder;
use promenade::encoding::{Escaping, Format};
use promenade::labels::{EncodeLabels, LabelWriter};
use promenade::registry::{Descriptor, Number, Point, Sink};
use promenade::MetricType;

/// Labels whose names no derive accepts.
struct Otel;

impl EncodeLabels for Otel {
    fn encode_labels(&self, out: &mut LabelWriter<'_>) {
        out.label_str("url.scheme", "https");
        out.label_str("code", "200");
    }
}

/// One counter and one state set with UTF-8 names, sent to `sink`.
fn send(sink: &mut dyn Sink) {
    sink.family(&Descriptor::new(
        "http.server.requests",
        "Requests.",
        MetricType::Counter,
        "test",
    ));
    sink.point(
        &Otel,
        Point::Counter {
            value: Number::Int(3),
            created: None,
        },
    );
}

fn text(escaping: Escaping) -> String {
    let mut out = String::new();
    let mut encoder = TextEncoder::new(&mut out).with_escaping(escaping);
    send(&mut encoder);
    encoder.finish();
    out
}

fn openmetrics(escaping: Escaping) -> String {
    promenade::metrics::disable_created_metrics();
    let mut out = String::new();
    let mut encoder = OpenMetricsEncoder::new(&mut out).with_escaping(escaping);
    send(&mut encoder);
    encoder.finish();
    out
}

#[test]
fn allow_utf8_quotes_names_in_the_text_formats() {
    assert_eq!(
        text(Escaping::AllowUtf8),
        "# HELP \"http.server.requests_total\" Requests.\n\
         # TYPE \"http.server.requests_total\" counter\n\
         {\"http.server.requests_total\",\"url.scheme\"=\"https\",code=\"200\"} 3\n"
    );
    assert_eq!(
        openmetrics(Escaping::AllowUtf8),
        "# TYPE \"http.server.requests\" counter\n\
         # HELP \"http.server.requests\" Requests.\n\
         {\"http.server.requests_total\",\"url.scheme\"=\"https\",code=\"200\"} 3\n\
         # EOF\n"
    );
}

#[test]
fn the_other_schemes_make_names_legacy() {
    for (escaping, name, label) in [
        (Escaping::Underscores, "http_server_requests", "url_scheme"),
        (
            Escaping::Dots,
            "http_dot_server_dot_requests",
            "url_dot_scheme",
        ),
        (
            Escaping::Values,
            "U__http_2e_server_2e_requests",
            "U__url_2e_scheme",
        ),
    ] {
        assert_eq!(
            text(escaping),
            format!(
                "# HELP {name}_total Requests.\n# TYPE {name}_total counter\n\
                 {name}_total{{{label}=\"https\",code=\"200\"}} 3\n"
            ),
            "{escaping}"
        );
        let om = openmetrics(escaping);
        assert!(
            om.contains(&format!(
                "\n{name}_total{{{label}=\"https\",code=\"200\"}} 3\n"
            )),
            "{escaping}: {om}"
        );
        // What every legacy parser reads.
        promenade::parse::text(&text(escaping)).unwrap();
        promenade::parse::openmetrics(&om).unwrap();
    }
}

#[test]
fn escaping_follows_prometheus_model_package() {
    // Examples of the escaping schemes document and of prometheus/common's tests.
    assert_eq!(
        Escaping::Underscores.escape("metric.name/with/slashes"),
        "metric_name_with_slashes"
    );
    assert_eq!(
        Escaping::Dots.escape("metric.name.with.dots"),
        "metric_dot_name_dot_with_dot_dots"
    );
    assert_eq!(Escaping::Values.escape("metric.name"), "U__metric_2e_name");
    assert_eq!(
        Escaping::Values.escape("no:escaping_required"),
        "no:escaping_required"
    );
    assert_eq!(Escaping::Values.escape("🙀"), "U___1f640_");
    assert_eq!(Escaping::Underscores.escape("0leading"), "_leading");
    assert_eq!(Escaping::Dots.escape("a.b-c_d"), "a_dot_b__c__d");
}

#[cfg(feature = "protobuf")]
#[test]
fn protobuf_carries_names_verbatim_or_escaped() {
    use promenade::encoding::protobuf::{proto, ProtobufEncoder};
    for (escaping, name, label) in [
        (
            Escaping::AllowUtf8,
            "http.server.requests_total",
            "url.scheme",
        ),
        (
            Escaping::Underscores,
            "http_server_requests_total",
            "url_scheme",
        ),
        (
            Escaping::Values,
            "U__http_2e_server_2e_requests_total",
            "U__url_2e_scheme",
        ),
    ] {
        let mut out = Vec::new();
        let mut encoder = ProtobufEncoder::new(&mut out).with_escaping(escaping);
        send(&mut encoder);
        encoder.finish();
        let families = proto::decode_delimited(&out).unwrap();
        assert_eq!(families[0].name(), name, "{escaping}");
        assert_eq!(families[0].metric[0].label[0].name(), label, "{escaping}");
        assert_eq!(families[0].metric[0].label[1].name(), "code", "{escaping}");
    }
}

#[test]
fn negotiation_reads_the_escaping_parameter() {
    let prometheus3 = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";
    let n = negotiate(Some(prometheus3));
    assert_eq!(
        (n.format, n.escaping),
        (Format::OpenMetrics, Escaping::AllowUtf8)
    );
    assert_eq!(
        n.content_type(),
        "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=allow-utf-8"
    );
    let n = negotiate(Some("text/plain;version=1.0.0;escaping=allow-utf-8"));
    assert_eq!((n.format, n.escaping), (Format::Text, Escaping::AllowUtf8));
    assert_eq!(
        n.content_type(),
        "text/plain; version=1.0.0; charset=utf-8; escaping=allow-utf-8"
    );
    for (param, escaping) in [
        ("dots", Escaping::Dots),
        ("values", Escaping::Values),
        ("underscores", Escaping::Underscores),
        // unknown: the default
        ("rot13", Escaping::Underscores),
    ] {
        let n = negotiate(Some(&format!("text/plain;version=0.0.4;escaping={param}")));
        assert_eq!(n.escaping, escaping, "{param}");
        assert_eq!(
            n.content_type(),
            format!("text/plain; version=0.0.4; charset=utf-8; escaping={escaping}")
        );
    }
    // No parameter: underscores, named in the answer.
    let n = negotiate(Some("application/openmetrics-text"));
    assert_eq!(n.escaping, Escaping::Underscores);
    assert!(n.content_type().ends_with("; escaping=underscores"));
    // The parameter of the range chosen, not of another.
    let n = negotiate(Some(
        "text/plain;escaping=dots;q=0.2,application/openmetrics-text;escaping=values",
    ));
    assert_eq!(
        (n.format, n.escaping),
        (Format::OpenMetrics, Escaping::Values)
    );
}

#[test]
fn quoted_names_parse_back_verbatim() {
    use promenade::parse::Parser;
    for (format, exposition) in [
        (Format::Text, text(Escaping::AllowUtf8)),
        (Format::OpenMetrics, openmetrics(Escaping::AllowUtf8)),
    ] {
        let families = Parser::new(format)
            .allow_utf8_names()
            .parse(&exposition)
            .unwrap_or_else(|e| panic!("{format}: {e}\n{exposition}"));
        let sample = &families[0].samples[0];
        assert_eq!(sample.name, "http.server.requests_total", "{format}");
        assert_eq!(
            sample.labels,
            [
                ("url.scheme".to_owned(), "https".to_owned()),
                ("code".to_owned(), "200".to_owned())
            ],
            "{format}"
        );
        assert_eq!(families[0].help.as_deref(), Some("Requests."));
        // Strict parsers of either format refuse quoted names.
        assert!(promenade::parse::parse(&exposition, format).is_err());
    }
    // Quoted label names after a bare metric name, blanks in text, escapes in names.
    let families = Parser::new(Format::Text)
        .allow_utf8_names()
        .parse("a{ \"x.y\" = \"1\" , b=\"2\"} 1\n{\"q\\\"uote\"} 2\n")
        .unwrap();
    assert_eq!(families[0].samples[0].label("x.y"), Some("1"));
    assert_eq!(families[1].name, "q\"uote");
    // A name given twice, or an empty one, is an error.
    for bad in ["a{\"b\"} 1\n", "{\"\"} 1\n", "{} 1\n"] {
        assert!(
            Parser::new(Format::Text)
                .allow_utf8_names()
                .parse(bad)
                .is_err(),
            "{bad:?}"
        );
    }
}

/// Re-exposes parsed families.
struct Replay(Vec<promenade::parse::MetricFamily>);

impl promenade::Collector for Replay {
    fn describe(&self) -> Vec<Descriptor> {
        Vec::new()
    }
    fn collect(&self, sink: &mut dyn Sink) {
        for f in &self.0 {
            f.collect_into(sink).unwrap();
        }
    }
}

#[test]
fn a_registry_serves_utf8_names_as_each_scraper_asks() {
    use promenade::encoding::negotiate::respond;
    use promenade::registry::families::{GaugeFamily, Labels};
    use promenade::{Counter, Registry};
    use std::sync::Arc;

    let r = Registry::new();
    let c = Arc::new(Counter::new());
    c.inc_by(2);
    r.register_metric("http.server.requests", "Requests.", c)
        .unwrap();
    let mut g = GaugeFamily::new("queue.depth", "Depth.").unwrap();
    g.add(Labels::new([("queue.name", "mail")]).unwrap(), 3.0)
        .unwrap();
    promenade::metrics::disable_created_metrics();

    struct Queues(GaugeFamily);
    impl promenade::Collector for Queues {
        fn describe(&self) -> Vec<Descriptor> {
            vec![self.0.descriptor().clone()]
        }
        fn collect(&self, sink: &mut dyn Sink) {
            self.0.collect_into(sink);
        }
    }
    r.register(Queues(g)).unwrap();

    // Prometheus 2 (no escaping parameter): legacy names.
    let old = respond(&r, Some("text/plain;version=0.0.4"), None, None);
    let body = String::from_utf8(old.body).unwrap();
    assert!(body.contains("\nhttp_server_requests_total 2\n"), "{body}");
    assert!(
        body.contains("\nqueue_depth{queue_name=\"mail\"} 3.0\n"),
        "{body}"
    );
    promenade::parse::text(&body).unwrap();

    // Prometheus 3: quoted names, and they read back and re-encode the same.
    let accept = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8";
    let new = respond(&r, Some(accept), None, None);
    assert!(new.content_type.ends_with("; escaping=allow-utf-8"));
    let body = String::from_utf8(new.body).unwrap();
    assert!(
        body.contains("\n{\"http.server.requests_total\"} 2\n"),
        "{body}"
    );
    assert!(
        body.contains("\n{\"queue.depth\",\"queue.name\"=\"mail\"} 3.0\n"),
        "{body}"
    );
    let parsed = promenade::parse::Parser::new(Format::OpenMetrics)
        .allow_utf8_names()
        .parse(&body)
        .unwrap();
    let own: Vec<_> = parsed
        .into_iter()
        .filter(|f| !f.name.starts_with("promenade_"))
        .collect();
    let replayed = Registry::new();
    replayed.register(Replay(own)).unwrap();
    let again = String::from_utf8(respond(&replayed, Some(accept), None, None).body).unwrap();
    assert_eq!(again, body);
}

/// A derived struct declaring UTF-8 names, marked `utf8`.
#[derive(promenade::Metrics)]
struct OtelMetrics {
    /// Requests served.
    #[metric(name = "http.server.requests", utf8)]
    requests: promenade::Counter,
    /// Queue depth (a legacy name beside it).
    queue_depth: promenade::Gauge,
}

#[test]
fn the_derive_declares_utf8_names_when_marked() {
    use promenade::encoding::negotiate::respond;
    let r = promenade::Registry::new();
    let m = std::sync::Arc::new(OtelMetrics::new());
    m.requests.inc();
    r.register(m).unwrap();
    let old = String::from_utf8(respond(&r, None, None, None).body).unwrap();
    assert!(old.contains("\nhttp_server_requests_total 1\n"), "{old}");
    let new = String::from_utf8(
        respond(
            &r,
            Some("text/plain;version=1.0.0;escaping=allow-utf-8"),
            None,
            None,
        )
        .body,
    )
    .unwrap();
    assert!(
        new.contains("\n{\"http.server.requests_total\"} 1\n"),
        "{new}"
    );
    assert!(new.contains("\nqueue_depth 0"), "{new}");
}

/// A label set with a UTF-8 label name, marked `utf8`.
#[derive(Clone, PartialEq, Eq, Hash, Debug, promenade::LabelSet)]
struct Scheme {
    #[label(rename = "url.scheme", utf8, limit = 4)]
    scheme: String,
}

#[test]
fn the_label_set_derive_declares_utf8_label_names_when_marked() {
    use promenade::encoding::negotiate::respond;
    use promenade::{Counter, Family, LabelSet};
    assert_eq!(Scheme::NAMES, ["url.scheme"]);
    let r = promenade::Registry::new();
    let f: std::sync::Arc<Family<Scheme, Counter>> = std::sync::Arc::new(Family::new());
    f.labels(Scheme {
        scheme: "https".into(),
    })
    .inc();
    r.register_metric("requests", "Requests.", f).unwrap();
    let old = String::from_utf8(respond(&r, None, None, None).body).unwrap();
    assert!(
        old.contains("\nrequests_total{url_scheme=\"https\"} 1\n"),
        "{old}"
    );
    let new = String::from_utf8(
        respond(
            &r,
            Some("text/plain;version=1.0.0;escaping=allow-utf-8"),
            None,
            None,
        )
        .body,
    )
    .unwrap();
    assert!(
        new.contains("\nrequests_total{\"url.scheme\"=\"https\"} 1\n"),
        "{new}"
    );
}
