//! A `#[derive(Metrics)]` struct joins the default registry by itself: its series are
//! there, at zero, at the first scrape, though nothing in this test touches the struct
//! before scraping. (Its own test binary, so no other test shares the default registry.)

use promenade::{default_registry, Counter, Family, Histogram, LabelSet, LabelValue, Metrics};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Outcome {
    Ok,
    Failed,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
struct Run {
    outcome: Outcome,
}

#[derive(Metrics)]
#[metrics(namespace = "selfreg")]
struct BatchMetrics {
    /// Runs, by outcome.
    runs: Family<Run, Counter>,
    /// Time per run.
    #[metric(buckets = [1.0])]
    run_seconds: Histogram,
}

#[test]
fn derived_structs_are_in_the_default_registry_at_zero() {
    let mut out = String::new();
    promenade::encoding::text::encode(default_registry(), &mut out);
    let ours: String = out
        .lines()
        .filter(|l| l.contains("selfreg_"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        ours,
        "# HELP selfreg_runs_total Runs, by outcome.
# TYPE selfreg_runs_total counter
selfreg_runs_total{outcome=\"ok\"} 0
selfreg_runs_total{outcome=\"failed\"} 0
# HELP selfreg_run_seconds Time per run.
# TYPE selfreg_run_seconds histogram
selfreg_run_seconds_bucket{le=\"1.0\"} 0
selfreg_run_seconds_bucket{le=\"+Inf\"} 0
selfreg_run_seconds_sum 0.0
selfreg_run_seconds_count 0
"
    );
    assert!(promenade::registry::default_registry_errors().is_empty());

    // What the default registry exposes is `global()`.
    BatchMetrics::global()
        .runs
        .labels(Run {
            outcome: Outcome::Failed,
        })
        .inc();
    assert_eq!(
        default_registry().get_sample_value("selfreg_runs_total", &[("outcome", "failed")]),
        Some(1.0)
    );
}

/// A push job's metrics: registered in the job's own registry, never in the default one.
#[derive(Metrics)]
#[metrics(namespace = "pushjob", self_register = false)]
struct PushJobMetrics {
    /// Rows written.
    rows: Counter,
}

#[test]
fn a_struct_that_does_not_self_register_stays_out_of_the_default_registry() {
    let own = promenade::Registry::new();
    let metrics = std::sync::Arc::new(PushJobMetrics::new());
    own.register_arc(metrics.clone()).unwrap();
    metrics.rows.inc_by(3);
    assert_eq!(own.get_sample_value("pushjob_rows_total", &[]), Some(3.0));

    let mut out = String::new();
    promenade::encoding::text::encode(default_registry(), &mut out);
    assert!(!out.contains("pushjob_"), "{out}");
    assert!(out.contains("selfreg_runs_total"), "{out}");
    // And its name is free there: registering it by hand is no clash.
    assert!(promenade::try_default_registry().is_ok());
}
