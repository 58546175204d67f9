//! Each rule of the data model gives the same message wherever it fires: at compile time
//! (the ui-tests' committed `.stderr`), at registration (`Registry::register*` → `Error`)
//! and at scrape time (the registry's checking sink, read back with
//! `Registry::last_failure`). The rules live once, in `promenade-rules`.

use std::sync::Arc;

use promenade::registry::{Collector, Descriptor, Sink};
use promenade::{Buckets, Counter, Family, Histogram, LabelSet, LabelValue, MetricType, Registry};

/// The first line of a committed ui-test `.stderr`, without `error: `.
fn compile_time(case: &str) -> String {
    let path = format!(
        "{}/../ui-tests/fail/{case}.stderr",
        env!("CARGO_MANIFEST_DIR")
    );
    let stderr = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let first = stderr.lines().next().unwrap_or_default();
    first.strip_prefix("error: ").unwrap_or(first).to_owned()
}

/// A hand-written collector that sends one family under `name`.
struct Sends(&'static str);

impl Collector for Sends {
    fn describe(&self) -> Vec<Descriptor> {
        Vec::new()
    }
    fn collect(&self, sink: &mut dyn Sink) {
        sink.family(&Descriptor::new(
            self.0,
            "Jobs.",
            MetricType::Counter,
            "Sends",
        ));
    }
}

#[test]
fn an_invalid_metric_name_reads_the_same_at_compile_time_registration_and_scrape_time() {
    let registry = Registry::new();
    let at_registration = registry
        .register_metric("__jobs", "Jobs finished.", Arc::new(Counter::new()))
        .unwrap_err()
        .to_string();
    assert_eq!(
        at_registration,
        "invalid metric name \"__jobs\": names starting with `__` are reserved for Prometheus' own use"
    );

    let sends = registry.register(Sends("__jobs")).unwrap();
    assert_eq!(registry.last_failure(sends), None);
    let families = registry.gather();
    assert!(families.iter().all(|f| f.name != "__jobs"));
    assert_eq!(registry.last_failure(sends), Some(at_registration.clone()));

    // `#[metric(name = "__jobs")]`: the same message, and the fix.
    assert_eq!(
        compile_time("metrics/reserved-prefix"),
        format!("{at_registration}; choose another name")
    );
    // A name outside the legacy set is a UTF-8 name at run time, and refused by the
    // macros unless marked: the legacy grammar's reason, worded as everywhere.
    assert!(compile_time("metrics/invalid-name").starts_with(
        "invalid metric name \"jobs-finished\": a metric name may only contain ASCII letters, digits, `_` and `:`"
    ));
    // `#[timed(name = "...")]` words it the same way.
    assert!(
        compile_time("timed/invalid-name").starts_with("invalid metric name \""),
        "{}",
        compile_time("timed/invalid-name")
    );
}

#[test]
fn a_clash_of_sample_names_is_found_at_registration_and_scrape_time() {
    // A counter `jobs` exposes `jobs_total`, so a gauge `jobs_total` clashes with it.
    let registry = Registry::new();
    registry
        .register_metric("jobs_total", "Jobs.", Arc::new(Counter::new()))
        .unwrap();
    let at_registration = registry
        .register_metric("jobs", "Jobs, again.", Arc::new(Counter::new()))
        .unwrap_err()
        .to_string();
    assert!(
        at_registration.starts_with("duplicate metric: `jobs_total` is exposed both by"),
        "{at_registration}"
    );
    let sends = registry.register(Sends("jobs")).unwrap();
    registry.gather();
    // The same sample named, as registration names it: one both families show.
    let at_scrape = registry.last_failure(sends).unwrap();
    assert_eq!(
        at_scrape,
        "duplicate metric: `jobs_total` is exposed both by a family sent earlier in this scrape and by Sends; rename one of them or register them in different registries"
    );
}

#[derive(Clone, PartialEq, Eq, Hash, LabelValue)]
enum Level {
    Low,
    High,
}

#[derive(Clone, PartialEq, Eq, Hash, LabelSet)]
struct ByLevel {
    le: Level,
}

#[test]
fn a_reserved_label_has_the_same_reason_at_compile_time_and_registration() {
    let family: Arc<Family<ByLevel, Histogram>> = Arc::new(Family::new());
    let at_registration = Registry::new()
        .register_metric("job_duration_seconds", "Time to run a job.", family)
        .unwrap_err()
        .to_string();
    let reason = "`le` is reserved for a histogram's bucket bounds";
    assert_eq!(
        at_registration,
        format!("invalid label name \"le\": {reason}; rename that label")
    );
    // The const check names the field too: `invalid label name "le" in the label set of
    // histogram field `job_duration_seconds`: <reason>; <fix>`.
    let stderr = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../ui-tests/fail/metrics/le-label-on-histogram.stderr"
    ))
    .unwrap();
    assert!(
        stderr.contains(&format!(
            "invalid label name \"le\" in the label set of histogram field `job_duration_seconds`: {reason}"
        )),
        "{stderr}"
    );
}

#[test]
fn a_bucket_list_has_the_same_rule_and_words_in_the_derive_the_attributes_and_buckets_new() {
    let at_run_time = Buckets::new([0.1, 1.0, 0.5]).unwrap_err().to_string();
    assert_eq!(
        at_run_time,
        "invalid histogram buckets: bounds must be strictly increasing, but `0.5` follows `1.0`; sort the bounds and remove duplicates"
    );
    assert_eq!(compile_time("metrics/unsorted-buckets"), at_run_time);
    assert_eq!(compile_time("timed/unsorted-buckets"), at_run_time);
    // NaN, an infinity before the end and an empty list, at run time.
    for bad in [vec![f64::NAN], vec![f64::INFINITY, 1.0], vec![]] {
        assert!(Buckets::new(bad.clone()).is_err(), "{bad:?}");
    }
    assert_eq!(
        Buckets::new([-1.0, 0.0, f64::INFINITY]).unwrap().bounds(),
        [-1.0, 0.0]
    );
}
