//! The rules of the Prometheus data model, written once for the two crates that apply
//! them: `promenade-macros` at compile time (a proc-macro crate cannot depend on the
//! runtime) and `promenade` at const time (the checks `#[derive(Metrics)]` emits), at
//! registration and at scrape time (the registry's checking sink).
//!
//! No dependencies, `no_std`, no allocation: each rule answers with a `&'static str`
//! reason or a small error value, and each caller wraps that in its own error type (a
//! `syn::Error` at the user's span, a `promenade::Error`, a const panic) without
//! changing the words. Use these rules through `promenade`; this crate has no API of
//! its own to keep stable.
//!
//! - [`names`]: the metric and label name grammar, how an invalid name is reported, and
//!   the suffix a type's name cannot end in (`_total` on anything but a counter);
//! - [`MetricType`] and [`samples`]: which sample names a family of each type exposes,
//!   and when two families clash;
//! - [`reserved_label`]: the labels a family reserves for its own samples;
//! - [`buckets`]: what a list of histogram bucket bounds must be, and how `linear(..)` and
//!   `exponential(..)` bounds are generated.

#![no_std]
#![warn(missing_docs)]

#[cfg(test)]
extern crate std;

pub mod buckets;
mod metric_type;
pub mod multiprocess;
pub mod names;
pub mod samples;

pub use metric_type::MetricType;

/// Why a family of type `ty` exposed as `family` cannot have a label named `label`, or
/// `None` if it can: `le` is a histogram's (and a gauge histogram's) bucket bound,
/// `quantile` a summary's quantile, and a state set writes its states as a label named
/// after itself.
///
/// ```
/// use promenade_rules::{reserved_label, MetricType};
/// assert!(reserved_label(MetricType::Histogram, "latency", "le").is_some());
/// assert!(reserved_label(MetricType::Counter, "jobs", "le").is_none());
/// assert!(reserved_label(MetricType::StateSet, "lights", "lights").is_some());
/// ```
pub const fn reserved_label(ty: MetricType, family: &str, label: &str) -> Option<&'static str> {
    match ty {
        MetricType::Histogram | MetricType::GaugeHistogram if str_eq(label, "le") => {
            Some("`le` is reserved for a histogram's bucket bounds")
        }
        MetricType::Summary if str_eq(label, "quantile") => {
            Some("`quantile` is reserved for a summary's quantiles")
        }
        MetricType::StateSet if str_eq(label, family) => Some(
            "a state set writes its states as a label named after the metric, so each series would carry that label twice",
        ),
        _ => None,
    }
}

/// String equality usable in const context.
pub const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
