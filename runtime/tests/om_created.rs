//! The process-wide `_created` switch (the Python client's `disable_created_metrics`).
//! One test in a binary of its own: the switch is global.

#[path = "om_validator.rs"]
mod om_validator;

use std::sync::Arc;

use promenade::encoding::{openmetrics, text};
use promenade::{
    Buckets, Counter, CounterWithExemplar, FloatCounter, Histogram, Registry, Summary,
};

#[test]
fn created_samples_can_be_switched_off_and_on() {
    let r = Registry::new();
    r.register_metric("jobs", "Jobs.", Arc::new(CounterWithExemplar::new()))
        .unwrap();
    r.register_metric(
        "wait_seconds",
        "Wait.",
        Arc::new(Histogram::new(Buckets::new([1.0]).unwrap())),
    )
    .unwrap();
    r.register_metric("size_bytes", "Size.", Arc::new(Summary::new()))
        .unwrap();
    r.register_metric("runs", "Runs.", Arc::new(Counter::new()))
        .unwrap();
    r.register_metric("sent_bytes", "Sent.", Arc::new(FloatCounter::new()))
        .unwrap();
    let om = || {
        let mut out = String::new();
        openmetrics::encode(&r, &mut out);
        om_validator::check(&out).unwrap_or_else(|e| panic!("{e}\n{out}"));
        out
    };
    assert_eq!(om().matches("_created ").count(), 5);

    promenade::disable_created_metrics();
    assert!(!promenade::metrics::created_metrics_enabled());
    assert_eq!(
        om(),
        "# TYPE jobs counter\n# HELP jobs Jobs.\njobs_total 0\n\
         # TYPE wait_seconds histogram\n# HELP wait_seconds Wait.\n\
         wait_seconds_bucket{le=\"1.0\"} 0\nwait_seconds_bucket{le=\"+Inf\"} 0\n\
         wait_seconds_sum 0.0\nwait_seconds_count 0\n\
         # TYPE size_bytes summary\n# HELP size_bytes Size.\n\
         size_bytes_sum 0.0\nsize_bytes_count 0\n\
         # TYPE runs counter\n# HELP runs Runs.\nruns_total 0\n\
         # TYPE sent_bytes counter\n# HELP sent_bytes Sent.\nsent_bytes_total 0.0\n# EOF\n"
    );
    // The text format never shows them, switch or not.
    let mut t = String::new();
    text::encode(&r, &mut t);
    assert!(!t.contains("_created"));

    promenade::enable_created_metrics();
    assert_eq!(om().matches("_created ").count(), 5);
}
