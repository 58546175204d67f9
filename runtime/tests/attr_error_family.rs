//! `#[counted_exceptions(metric = ...)]` into a `Family<ErrorKindLabels<E>, Counter>`: each
//! error counted under its own value, panics under `panic`, and the whole family exposed.

use std::panic::catch_unwind;
use std::sync::{Arc, LazyLock};

use promenade::{
    counted_exceptions, encoding, Counter, ErrorKindLabels, Family, LabelValue, Metrics, Registry,
};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
#[label(rename_all = "snake_case")]
enum StoreError {
    NotFound,
    Timeout,
}

#[derive(Metrics)]
#[metrics(namespace = "attr_error_family")]
struct StoreMetrics {
    /// Failed lookups, by kind.
    errors: Family<ErrorKindLabels<StoreError>, Counter>,
}

static LOOKUP_ERRORS: LazyLock<Family<ErrorKindLabels<StoreError>, Counter>> =
    LazyLock::new(Family::new);

#[counted_exceptions(metric = *LOOKUP_ERRORS)]
fn lookup(key: &str) -> Result<u32, StoreError> {
    match key {
        "panic" => panic!("corrupt index"),
        "slow" => Err(StoreError::Timeout),
        "one" => Ok(1),
        _ => Err(StoreError::NotFound),
    }
}

#[counted_exceptions(metric = metrics.errors)]
fn fetch(metrics: &StoreMetrics, key: &str) -> Result<u32, StoreError> {
    match key {
        "one" => Ok(1),
        _ => Err(StoreError::NotFound),
    }
}

#[counted_exceptions(metric = metrics.errors)]
fn parse(metrics: &StoreMetrics, s: &str) -> Result<u32, std::num::ParseIntError> {
    s.parse()
}

#[test]
fn errors_are_counted_by_kind_and_panics_as_panic() {
    assert_eq!(lookup("one"), Ok(1));
    assert_eq!(lookup("two"), Err(StoreError::NotFound));
    assert_eq!(lookup("three"), Err(StoreError::NotFound));
    assert_eq!(lookup("slow"), Err(StoreError::Timeout));
    assert!(catch_unwind(|| lookup("panic")).is_err());

    let count = |labels| LOOKUP_ERRORS.labels(labels).get();
    assert_eq!(count(ErrorKindLabels::Kind(StoreError::NotFound)), 2);
    assert_eq!(count(ErrorKindLabels::Kind(StoreError::Timeout)), 1);
    assert_eq!(count(ErrorKindLabels::Panic), 1);
    assert_eq!(count(ErrorKindLabels::Error), 0);
}

#[test]
fn a_derived_struct_field_is_exposed_with_every_kind() {
    let metrics = Arc::new(StoreMetrics::new());
    let registry = Registry::new();
    registry.register(metrics.clone()).unwrap();

    assert_eq!(fetch(&metrics, "one"), Ok(1));
    assert_eq!(fetch(&metrics, "two"), Err(StoreError::NotFound));
    // Another error type than the family's `E` is `error`.
    assert!(parse(&metrics, "x").is_err());
    assert_eq!(parse(&metrics, "7"), Ok(7));

    assert_eq!(
        encoding::text::encode_to_string(&registry),
        "\
# HELP attr_error_family_errors_total Failed lookups, by kind.
# TYPE attr_error_family_errors_total counter
attr_error_family_errors_total{kind=\"panic\"} 0
attr_error_family_errors_total{kind=\"error\"} 1
attr_error_family_errors_total{kind=\"not_found\"} 1
attr_error_family_errors_total{kind=\"timeout\"} 0
"
    );
}
