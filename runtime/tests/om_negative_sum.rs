//! Regression: a histogram over non-negative bounds that observed a negative value (or
//! NaN) wrote a negative (or NaN) `_sum` in OpenMetrics, which the spec forbids and strict
//! parsers reject. Now `_sum` and `_count` are left out together; `+Inf` keeps the count.

#[path = "om_validator.rs"]
mod om_validator;

use std::sync::Arc;

use promenade::encoding::{openmetrics, text};
use promenade::parse::{parse, Format};
use promenade::{Buckets, Histogram, Registry};

fn registry_with(values: &[f64]) -> Registry {
    let r = Registry::new();
    let h = Arc::new(Histogram::new(Buckets::new([1.0]).unwrap()));
    for v in values {
        h.observe(*v);
    }
    r.register_metric("temperature_delta", "Deltas.", h)
        .unwrap();
    r
}

fn om_samples(r: &Registry) -> Vec<String> {
    let mut out = String::new();
    openmetrics::encode(r, &mut out);
    om_validator::check(&out).unwrap_or_else(|e| panic!("invalid OpenMetrics: {e}\n{out}"));
    parse(&out, Format::OpenMetrics).unwrap_or_else(|e| panic!("strict parser: {e}\n{out}"));
    out.lines()
        .filter(|l| l.starts_with("temperature_delta_") && !l.contains("_created"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn negative_or_nan_sum_leaves_out_sum_and_count_in_openmetrics() {
    let cases: [(&[f64], u64); 2] = [(&[-3.0, 0.5], 2), (&[f64::NAN, 0.5], 1)];
    for (values, first_bucket) in cases {
        let r = registry_with(values);
        assert_eq!(
            om_samples(&r),
            [
                format!("temperature_delta_bucket{{le=\"1.0\"}} {first_bucket}"),
                "temperature_delta_bucket{le=\"+Inf\"} 2".to_owned(),
            ],
            "{values:?}"
        );
        // Text 0.0.4 has no such rule and keeps both.
        let mut t = String::new();
        text::encode(&r, &mut t);
        assert!(t.contains("temperature_delta_count 2\n"), "{t}");
    }
}

#[test]
fn non_negative_sum_keeps_sum_and_count() {
    let r = registry_with(&[0.0, 0.5, 3.0]);
    assert_eq!(
        om_samples(&r),
        [
            "temperature_delta_bucket{le=\"1.0\"} 2",
            "temperature_delta_bucket{le=\"+Inf\"} 3",
            "temperature_delta_sum 3.5",
            "temperature_delta_count 3",
        ]
    );
}
