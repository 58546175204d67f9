//! `#[derive(Metrics)]` and the function attributes accept the same bucket lists (one
//! rule, `promenade_rules::buckets`): negative bounds, integers, a final `f64::INFINITY`.

use promenade::{Histogram, Metrics};

#[derive(Metrics)]
struct JobMetrics {
    /// Temperature of the job room.
    #[metric(buckets = [-10, -0.5, 0, 10.0, f64::INFINITY])]
    temperature_celsius: Histogram,
}

/// Time to work.
#[promenade::timed(name = "work_seconds", buckets = [-10, -0.5, 0, 10.0, f64::INFINITY])]
fn work() {}

/// Backups.
#[promenade::instrumented(name = "backup", buckets = [-10, -0.5, 0, 10.0, f64::INFINITY])]
fn backup() {}

fn main() {
    work();
    backup();
    JobMetrics::global().temperature_celsius.observe(1.0);
}
