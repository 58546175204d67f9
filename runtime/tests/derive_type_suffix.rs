//! A non-counter named `*_total` (promtool: "non-counter metrics should not have `_total`
//! suffix") is refused with one message: at compile time by the derive (the ui-tests'
//! committed `.stderr`) and at registration by the registry and the family builders.

use std::sync::Arc;

use promenade::registry::families::GaugeFamily;
use promenade::{Buckets, Counter, Gauge, Histogram, IntGauge, Registry};

/// What a committed ui-test's const check panicked with.
fn compile_time(case: &str) -> String {
    let path = format!(
        "{}/../ui-tests/fail/{case}.stderr",
        env!("CARGO_MANIFEST_DIR")
    );
    let stderr = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let first = stderr.lines().next().unwrap_or_default();
    first
        .strip_prefix("error[E0080]: evaluation panicked: ")
        .unwrap_or(first)
        .to_owned()
}

#[test]
fn a_gauge_named_total_reads_the_same_at_compile_time_and_registration() {
    let r = Registry::new();
    let at_registration = r
        .register_metric("jobs_total", "Jobs.", Arc::new(Gauge::new()))
        .unwrap_err()
        .to_string();
    assert_eq!(
        at_registration,
        "invalid metric name \"jobs_total\": a gauge cannot end in `_total` (that suffix means a counter to Prometheus): rename it, or make it a `Counter`"
    );
    assert_eq!(compile_time("metrics/gauge-named-total"), at_registration);
    // Every gauge type, and the custom collectors' builder.
    assert_eq!(
        r.register_metric("jobs_total", "Jobs.", Arc::new(IntGauge::new()))
            .unwrap_err()
            .to_string(),
        at_registration
    );
    let built: Result<GaugeFamily, _> = GaugeFamily::new("jobs_total", "Jobs.");
    assert_eq!(built.unwrap_err().to_string(), at_registration);
    // A counter's `_total` is its own.
    r.register_metric("jobs_total", "Jobs.", Arc::new(Counter::new()))
        .unwrap();
}

#[test]
fn a_histogram_named_total_reads_the_same_at_compile_time_and_registration() {
    let at_registration = Registry::new()
        .register_metric(
            "jobs_duration_seconds_total",
            "Time per job.",
            Arc::new(Histogram::new(Buckets::default())),
        )
        .unwrap_err()
        .to_string();
    assert_eq!(
        at_registration,
        "invalid metric name \"jobs_duration_seconds_total\": a histogram cannot end in `_total` (that suffix means a counter to Prometheus): rename it"
    );
    assert_eq!(
        compile_time("metrics/histogram-named-total"),
        at_registration
    );
}
