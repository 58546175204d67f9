//! Content negotiation: the format from `Accept` (q-values, wildcards, garbage), gzip
//! from `Accept-Encoding`, `name[]` filters, and the axum route over real HTTP.

#[path = "om_validator.rs"]
mod om_validator;

mod common;

use std::io::Read;
use std::sync::Arc;

use promenade::encoding::negotiate::{accepts_gzip, choose_format, name_filter, respond, Format};
use promenade::{Buckets, Counter, Gauge, Histogram, Registry};

const PROMETHEUS_2_42: &str = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
const OM: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores";
const TEXT: &str = "text/plain; version=0.0.4; charset=utf-8; escaping=underscores";

#[test]
fn accept_table() {
    use Format::{OpenMetrics as O, Text as T};
    let cases: &[(Option<&str>, Format)] = &[
        (Some(PROMETHEUS_2_42), O),
        (None, T),
        (Some(""), T),
        (Some("text/plain"), T),
        (Some("text/plain;version=0.0.4"), T),
        (Some("text/plain; version=0.0.4; charset=utf-8"), T),
        (Some("application/openmetrics-text"), O),
        (Some("application/openmetrics-text; version=1.0.0"), O),
        (Some("APPLICATION/OpenMetrics-Text;Version=1.0.0"), O),
        // Versions this crate does not produce never match.
        (Some("application/openmetrics-text;version=0.0.1"), T),
        (Some("application/openmetrics-text;version=2.0.0"), T),
        (Some("text/plain;version=1.0.0"), T),
        // q-values decide, not the order.
        (Some("text/plain;q=0.9,application/openmetrics-text;q=0.5"), T),
        (Some("text/plain;q=0.5,application/openmetrics-text;q=0.9"), O),
        (Some("application/openmetrics-text;q=0,*/*"), T),
        (Some("application/openmetrics-text;q=0"), T),
        (Some("text/plain;q=0,application/openmetrics-text;q=0.1"), O),
        // Equal q: the first listed.
        (Some("application/openmetrics-text,text/plain"), O),
        (Some("text/plain,application/openmetrics-text"), T),
        // Wildcards.
        (Some("*/*"), T),
        (Some("application/*"), O),
        (Some("text/*;q=0.2,application/*;q=0.3"), O),
        (Some("*/*;q=0.1,application/openmetrics-text;q=0.05"), T),
        // A more specific range overrides a wildcard for the same format.
        (Some("application/openmetrics-text;q=0.1,application/*;q=0.9,text/plain;q=0.5"), T),
        // Garbage.
        (Some("garbage"), T),
        (Some(";;;,,,/"), T),
        (Some("application/openmetrics-text;q=abc"), T),
        (Some("application/json"), T),
        (Some("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited"), if cfg!(feature = "protobuf") { Format::Protobuf } else { T }),
        (Some("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.4,text/plain;q=0.5"), T),
    ];
    for (accept, want) in cases {
        assert_eq!(choose_format(*accept), *want, "Accept: {accept:?}");
    }
}

#[test]
fn accept_encoding_table() {
    let cases: &[(Option<&str>, bool)] = &[
        (None, false),
        (Some("gzip"), true),
        (Some("GZIP"), true),
        (Some("deflate, gzip;q=0.5"), true),
        (Some("gzip;q=0"), false),
        (Some("*"), true),
        (Some("*;q=0"), false),
        (Some("gzip;q=0, *"), false),
        (Some("identity"), false),
        (Some("br, x-gzip"), true),
        (Some("gzip;q=nonsense"), false),
    ];
    for (header, want) in cases {
        assert_eq!(accepts_gzip(*header), *want, "Accept-Encoding: {header:?}");
    }
}

#[test]
fn name_parameters() {
    assert_eq!(name_filter(Some("name[]=a&name[]=b")), vec!["a", "b"]);
    assert_eq!(
        name_filter(Some("name%5B%5D=a%5Fb&name=c&x=1")),
        vec!["a_b"]
    );
    assert_eq!(name_filter(Some("name[]=%zz+x")), vec!["%zz x"]);
    assert!(name_filter(Some("")).is_empty());
}

fn registry() -> Registry {
    let r = Registry::new();
    let c = Arc::new(Counter::new());
    c.inc_by(2);
    r.register_metric("jobs", "Jobs.", c).unwrap();
    r.register_metric("queue", "Queue.", Arc::new(Gauge::new()))
        .unwrap();
    let h = Arc::new(Histogram::new(Buckets::new([1.0]).unwrap()));
    r.register_metric("wait_seconds", "Wait.", h).unwrap();
    r
}

#[test]
fn respond_filters_by_sample_name_in_both_formats() {
    let r = registry();
    let t = respond(
        &r,
        Some("text/plain"),
        None,
        Some("name[]=jobs_total&name[]=wait_seconds_bucket"),
    );
    assert_eq!(t.content_type, TEXT);
    assert_eq!(
        String::from_utf8(t.body).unwrap(),
        "# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total 2\n\
         # HELP wait_seconds Wait.\n# TYPE wait_seconds histogram\n\
         wait_seconds_bucket{le=\"1.0\"} 0\nwait_seconds_bucket{le=\"+Inf\"} 0\n\
         wait_seconds_sum 0.0\nwait_seconds_count 0\n"
    );
    let o = respond(&r, Some(PROMETHEUS_2_42), None, Some("name[]=queue"));
    assert_eq!(o.content_type, OM);
    let body = String::from_utf8(o.body).unwrap();
    om_validator::check(&body).unwrap();
    assert_eq!(
        body,
        "# TYPE queue gauge\n# HELP queue Queue.\nqueue 0.0\n# EOF\n"
    );
    // A name nothing exposes: an empty (but valid) exposition.
    let none = respond(&r, Some(PROMETHEUS_2_42), None, Some("name[]=nope"));
    assert_eq!(none.body, b"# EOF\n");
}

#[cfg(feature = "gzip")]
#[test]
fn gzip_round_trip() {
    let r = registry();
    let plain = respond(&r, Some(PROMETHEUS_2_42), None, None);
    let gz = respond(&r, Some(PROMETHEUS_2_42), Some("gzip"), None);
    assert_eq!(gz.content_encoding, Some("gzip"));
    assert_eq!(gz.content_type, OM);
    assert_eq!(&gz.body[..2], &[0x1f, 0x8b], "gzip magic");
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&gz.body[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain.body);
    assert_eq!(plain.content_encoding, None);
}

/// `GET path` with these extra headers.
fn get(addr: std::net::SocketAddr, path: &str, headers: &[(&str, &str)]) -> common::RawResponse {
    common::http_raw(addr, "GET", path, headers, "").unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

#[cfg(feature = "axum")]
#[test]
fn axum_route_negotiates_over_http() {
    let registry = Arc::new(registry());
    let app: axum::Router =
        axum::Router::new().route("/metrics", promenade::axum::metrics_for(registry));
    let (addr, _rt) = common::serve_axum(app);

    let r = get(addr, "/metrics", &[("Accept", PROMETHEUS_2_42)]);
    assert_eq!(r.header("content-type"), Some(OM), "{r:?}");
    om_validator::check(std::str::from_utf8(&r.body).unwrap()).unwrap();

    let r = get(addr, "/metrics?name[]=jobs_total", &[]);
    assert_eq!(r.header("content-type"), Some(TEXT), "{r:?}");
    assert_eq!(
        r.body,
        b"# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total 2\n"
    );

    #[cfg(feature = "gzip")]
    {
        let r = get(
            addr,
            "/metrics?name%5B%5D=queue",
            &[("Accept-Encoding", "gzip")],
        );
        assert_eq!(r.header("content-encoding"), Some("gzip"), "{r:?}");
        let mut unzipped = String::new();
        flate2::read::GzDecoder::new(&r.body[..])
            .read_to_string(&mut unzipped)
            .unwrap();
        assert_eq!(
            unzipped,
            "# HELP queue Queue.\n# TYPE queue gauge\nqueue 0.0\n"
        );
    }
}
