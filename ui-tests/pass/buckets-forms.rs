//! Every form `buckets = ...` takes, in the derive and in the function attributes: a list,
//! `exponential(..)`, `linear(..)`, a constant array, a constant slice behind a path.

use promenade::{Histogram, Metrics};

const LATENCY: [f64; 3] = [0.05, 0.5, 5.0];

mod config {
    pub const SIZES: &[f64] = &[100.0, 1000.0];
}

#[derive(Metrics)]
struct JobMetrics {
    /// Listed.
    #[metric(buckets = [0.1, 1.0])]
    listed_seconds: Histogram,
    /// Exponential.
    #[metric(buckets = exponential(0.01, 2, 11))]
    exponential_seconds: Histogram,
    /// Linear.
    #[metric(buckets = linear(0.5, 0.5, 4))]
    linear_seconds: Histogram,
    /// An array constant.
    #[metric(buckets = LATENCY)]
    latency_seconds: Histogram,
    /// A slice constant.
    #[metric(buckets = config::SIZES)]
    size_bytes: Histogram,
}

/// Time to work.
#[promenade::timed(name = "work_seconds", buckets = exponential(0.001, 10, 5))]
fn work() {}

/// Time to rest.
#[promenade::timed(name = "rest_seconds", buckets = config::SIZES)]
fn rest() {}

/// Backups.
#[promenade::instrumented(name = "backup", buckets = linear(1, 1, 3))]
fn backup() {}

fn main() {
    work();
    rest();
    backup();
    JobMetrics::global().latency_seconds.observe(1.0);
}
