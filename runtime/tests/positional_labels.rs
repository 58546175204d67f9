//! Label sets that are tuples of label values, named once where the family is built
//! (`Family::with_label_names`), as the Python client's `labelnames`.

use std::sync::Arc;

use promenade::encoding::text;
use promenade::{
    Buckets, Counter, Error, Family, Histogram, LabelSet, LabelValue, Registry, Summary,
};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Method {
    Get,
    Post,
}

fn exposition(registry: &Registry) -> String {
    let mut out = String::new();
    text::encode(registry, &mut out);
    out
}

#[test]
fn an_open_tuple_is_exposed_with_the_names_given_once() {
    let r = Registry::new();
    let requests: Arc<Family<(Method, String), Counter>> =
        Arc::new(Family::with_label_names_and_limit(["method", "path"], 100).unwrap());
    r.register_metric("requests", "Requests.", requests.clone())
        .unwrap();
    requests.labels((Method::Get, "/".to_owned())).inc();
    requests
        .labels((Method::Post, "/login".to_owned()))
        .inc_by(2);
    requests.labels((Method::Get, "/".to_owned())).inc();
    assert_eq!(
        exposition(&r),
        "\
# HELP requests_total Requests.
# TYPE requests_total counter
requests_total{method=\"get\",path=\"/\"} 2
requests_total{method=\"post\",path=\"/login\"} 2
"
    );
    assert_eq!(
        r.get_sample_value("requests_total", &[("method", "get"), ("path", "/")]),
        Some(2.0)
    );
    assert_eq!(requests.label_names(), ["method", "path"]);
    assert!(requests.remove(&(Method::Get, "/".to_owned())));
    assert_eq!(requests.len(), 1);
}

#[test]
fn a_tuple_of_enums_is_dense_every_series_at_zero_in_index_order() {
    let r = Registry::new();
    let f: Arc<Family<(Method, bool), Counter>> =
        Arc::new(Family::with_label_names(["method", "ok"]).unwrap());
    r.register_metric("calls", "Calls.", f.clone()).unwrap();
    f.labels((Method::Post, false)).inc();
    assert_eq!(f.len(), 4);
    assert_eq!(f.limit(), 4);
    assert_eq!(
        exposition(&r),
        "\
# HELP calls_total Calls.
# TYPE calls_total counter
calls_total{method=\"get\",ok=\"false\"} 0
calls_total{method=\"get\",ok=\"true\"} 0
calls_total{method=\"post\",ok=\"false\"} 1
calls_total{method=\"post\",ok=\"true\"} 0
"
    );
}

/// The same series through a tuple and through a derived struct of the same values:
/// the same exposition, the same dense index.
#[test]
fn a_tuple_and_a_derived_struct_of_the_same_values_agree() {
    #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
    struct Call {
        method: Method,
        ok: bool,
    }
    assert_eq!(<(Method, bool)>::CARDINALITY, Call::CARDINALITY);
    for (method, ok) in [(Method::Get, true), (Method::Post, false)] {
        assert_eq!((method, ok).index(), Call { method, ok }.index());
    }
    let tuple: Arc<Family<(Method, bool), Counter>> =
        Arc::new(Family::with_label_names(["method", "ok"]).unwrap());
    let derived: Arc<Family<Call, Counter>> = Arc::new(Family::new());
    let (a, b) = (Registry::new(), Registry::new());
    a.register_metric("calls", "Calls.", tuple.clone()).unwrap();
    b.register_metric("calls", "Calls.", derived.clone())
        .unwrap();
    tuple.labels((Method::Get, true)).inc();
    derived
        .labels(Call {
            method: Method::Get,
            ok: true,
        })
        .inc();
    assert_eq!(exposition(&a), exposition(&b));
}

#[test]
fn the_overflow_series_and_for_each_carry_the_tuple_names() {
    let f: Family<(String,), Counter> = Family::with_label_names_and_limit(["host"], 1).unwrap();
    f.labels(("a".to_owned(),)).inc();
    f.labels(("b".to_owned(),)).inc();
    let mut seen = Vec::new();
    f.for_each(|labels, m| {
        let pairs: Vec<String> = promenade::labels::pairs(labels)
            .into_iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        seen.push((pairs.join(","), m.get()));
    });
    assert_eq!(
        seen,
        [
            ("host=a".to_owned(), 1),
            ("host=__overflow__".to_owned(), 1)
        ]
    );
}

#[test]
fn a_histogram_over_a_tuple_takes_its_buckets() {
    let r = Registry::new();
    let f: Arc<Family<(Method,), Histogram>> = Arc::new(
        Family::with_label_names_and_config(["method"], Buckets::new([1.0]).unwrap()).unwrap(),
    );
    r.register_metric("latency_seconds", "Latency.", f.clone())
        .unwrap();
    f.labels((Method::Get,)).observe(0.5);
    assert_eq!(
        r.get_sample_value(
            "latency_seconds_bucket",
            &[("method", "get"), ("le", "1.0")]
        ),
        Some(1.0)
    );
    assert_eq!(
        r.get_sample_value("latency_seconds_count", &[("method", "post")]),
        Some(0.0)
    );

    let g: Family<(String,), Histogram> =
        Family::with_label_names_limit_and_config(["path"], 2, Buckets::new([1.0]).unwrap())
            .unwrap();
    g.labels(("/".to_owned(),)).observe(2.0);
    assert_eq!(g.limit(), 2);
}

#[test]
fn label_names_are_checked_when_the_family_is_built() {
    let invalid = Family::<(String,), Counter>::with_label_names_and_limit(["__path"], 10);
    assert!(
        matches!(invalid, Err(Error::InvalidLabelName { ref name, .. }) if name == "__path"),
        "{:?}",
        invalid.err()
    );
    let empty = Family::<(bool,), Counter>::with_label_names([""]);
    assert!(matches!(empty, Err(Error::InvalidLabelName { .. })));
    let twice = Family::<(bool, bool), Counter>::with_label_names(["ok", "ok"]);
    assert_eq!(
        twice.unwrap_err().to_string(),
        "invalid label name \"ok\": it is given twice; give each label of the family its own name"
    );
}

/// Names a metric type reserves are refused at registration, as a derived set's are.
#[test]
fn reserved_names_of_a_tuple_are_refused_at_registration() {
    let r = Registry::new();
    let histogram: Family<(bool,), Histogram> = Family::with_label_names(["le"]).unwrap();
    let err = r
        .register_metric("latency_seconds", "Latency.", Arc::new(histogram))
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidLabelName { ref name, .. } if name == "le"),
        "{err}"
    );
    let summary: Family<(bool,), Summary> = Family::with_label_names(["quantile"]).unwrap();
    let err = r
        .register_metric("size_bytes", "Sizes.", Arc::new(summary))
        .unwrap_err();
    assert!(err.to_string().contains("`quantile` is reserved"), "{err}");
}
