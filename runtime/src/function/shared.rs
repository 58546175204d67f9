//! The shared families of the bare function attributes, all labelled `function`,
//! `module`: `function_calls_total`, `function_errors_total{kind}`,
//! `function_in_progress`, `function_duration_seconds` and
//! `function_outcome_duration_seconds{outcome}`.
//!
//! Each bare call site is submitted through `inventory` ([`SiteRef`]); the default
//! registry registers each family that at least one site uses, with every site's series
//! at zero, so they are scraped before the first call.

use std::borrow::Cow;
use std::sync::LazyLock;

use super::outcome::Outcome;
use crate::family::Family;
use crate::metrics::{Counter, Histogram, IntGauge, MetricType};
use crate::registry::{AutoRegistration, CollectMetric, Collector, Descriptor, Registry, Sink};
use crate::Error;

/// `function_duration_seconds{function, module}`: bare `#[timed]`.
pub(crate) const FUNCTION_DURATION_NAME: &str = "function_duration_seconds";
/// `function_outcome_duration_seconds{function, module, outcome}`: bare `#[timed(outcome)]`
/// and `#[instrumented]`. A family of its own because a family's label set is fixed and
/// plain `#[timed]` does not know how a call ended.
pub(crate) const FUNCTION_OUTCOME_DURATION_NAME: &str = "function_outcome_duration_seconds";
/// `function_calls_total{function, module}`: bare `#[counted]` and `#[instrumented]`.
pub(crate) const FUNCTION_CALLS_NAME: &str = "function_calls_total";
/// `function_errors_total{function, module, kind}`: bare `#[counted_exceptions]` and
/// `#[instrumented]`.
pub(crate) const FUNCTION_ERRORS_NAME: &str = "function_errors_total";
/// `function_in_progress{function, module}`: bare `#[in_progress]` and `#[instrumented]`.
pub(crate) const FUNCTION_IN_PROGRESS_NAME: &str = "function_in_progress";

/// How many functions a shared family accepts; functions are written by hand, so this is
/// only a guard against generated code gone wild.
const FUNCTION_LIMIT: usize = 10_000;
/// Error kinds are finite per function, but a family holds every function's.
const ERROR_SERIES_LIMIT: usize = 50_000;

/// The labels of the shared families: the function's name and its module path.
///
/// Both are open: a shared family is bounded by its own limit instead.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, crate::LabelSet)]
#[label(crate = "crate")]
pub(crate) struct FunctionLabels {
    /// The function's name.
    #[label(unbounded)]
    pub function: &'static str,
    /// `module_path!()` where the function is defined.
    #[label(unbounded)]
    pub module: &'static str,
}

impl FunctionLabels {
    /// The labels of `function` in `module`.
    pub const fn new(function: &'static str, module: &'static str) -> Self {
        FunctionLabels { function, module }
    }
}

/// The labels of `function_outcome_duration_seconds`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, crate::LabelSet)]
#[label(crate = "crate")]
pub(crate) struct OutcomeLabels {
    #[label(flatten)]
    pub(super) function: FunctionLabels,
    pub(super) outcome: Outcome,
}

/// The labels of `function_errors_total`.
#[derive(Clone, PartialEq, Eq, Hash, Debug, crate::LabelSet)]
#[label(crate = "crate")]
pub(crate) struct ErrorLabels {
    #[label(flatten)]
    pub(super) function: FunctionLabels,
    #[label(unbounded)]
    pub(super) kind: Cow<'static, str>,
}

/// `function_duration_seconds{function, module}`, in the default registry.
pub(crate) static FUNCTION_DURATION: LazyLock<Family<FunctionLabels, Histogram>> =
    LazyLock::new(|| Family::with_limit(FUNCTION_LIMIT));
/// `function_outcome_duration_seconds{function, module, outcome}`.
pub(crate) static FUNCTION_OUTCOME_DURATION: LazyLock<Family<OutcomeLabels, Histogram>> =
    LazyLock::new(|| Family::with_limit(FUNCTION_LIMIT * Outcome::ALL.len()));
/// `function_calls_total{function, module}`.
pub(crate) static FUNCTION_CALLS: LazyLock<Family<FunctionLabels, Counter>> =
    LazyLock::new(|| Family::with_limit(FUNCTION_LIMIT));
/// `function_errors_total{function, module, kind}`.
pub(crate) static FUNCTION_ERRORS: LazyLock<Family<ErrorLabels, Counter>> =
    LazyLock::new(|| Family::with_limit(ERROR_SERIES_LIMIT));
/// `function_in_progress{function, module}`.
pub(crate) static FUNCTION_IN_PROGRESS: LazyLock<Family<FunctionLabels, IntGauge>> =
    LazyLock::new(|| Family::with_limit(FUNCTION_LIMIT));

/// Which shared family a call site records into.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SharedFamily {
    /// `function_duration_seconds`.
    Duration,
    /// `function_outcome_duration_seconds`.
    OutcomeDuration,
    /// `function_calls_total`.
    Calls,
    /// `function_errors_total`.
    Errors,
    /// `function_in_progress`.
    InProgress,
}

impl SharedFamily {
    const ALL: [SharedFamily; 5] = [
        SharedFamily::Duration,
        SharedFamily::OutcomeDuration,
        SharedFamily::Calls,
        SharedFamily::Errors,
        SharedFamily::InProgress,
    ];

    fn descriptor(self) -> Descriptor {
        let (name, help, metric_type) = match self {
            SharedFamily::Duration => (
                FUNCTION_DURATION_NAME,
                "Time spent in functions annotated with #[timed], in seconds.",
                MetricType::Histogram,
            ),
            SharedFamily::OutcomeDuration => (
                FUNCTION_OUTCOME_DURATION_NAME,
                "Time spent in functions annotated with #[timed(outcome)] or #[instrumented], in seconds, by how the call ended: ok, error (returned Err), panicked, cancelled (a future dropped unfinished).",
                MetricType::Histogram,
            ),
            SharedFamily::Calls => (
                FUNCTION_CALLS_NAME,
                "Calls of functions annotated with #[counted] or #[instrumented].",
                MetricType::Counter,
            ),
            SharedFamily::Errors => (
                FUNCTION_ERRORS_NAME,
                "Failed calls of functions annotated with #[counted_exceptions] or #[instrumented]: kind is the error's label value (or \"error\") for an Err return, \"panic\" for a panic.",
                MetricType::Counter,
            ),
            SharedFamily::InProgress => (
                FUNCTION_IN_PROGRESS_NAME,
                "Calls in flight of functions annotated with #[in_progress] or #[instrumented].",
                MetricType::Gauge,
            ),
        };
        Descriptor::new(
            name,
            help,
            metric_type,
            "a shared family of the function attributes",
        )
    }

    fn collect_points(self, sink: &mut dyn Sink) {
        match self {
            SharedFamily::Duration => FUNCTION_DURATION.collect_points(&(), sink),
            SharedFamily::OutcomeDuration => FUNCTION_OUTCOME_DURATION.collect_points(&(), sink),
            SharedFamily::Calls => FUNCTION_CALLS.collect_points(&(), sink),
            SharedFamily::Errors => FUNCTION_ERRORS.collect_points(&(), sink),
            SharedFamily::InProgress => FUNCTION_IN_PROGRESS.collect_points(&(), sink),
        }
    }

    fn overflow_count(self) -> Option<u64> {
        match self {
            SharedFamily::Duration => CollectMetric::overflow_count(&*FUNCTION_DURATION),
            SharedFamily::OutcomeDuration => {
                CollectMetric::overflow_count(&*FUNCTION_OUTCOME_DURATION)
            }
            SharedFamily::Calls => CollectMetric::overflow_count(&*FUNCTION_CALLS),
            SharedFamily::Errors => CollectMetric::overflow_count(&*FUNCTION_ERRORS),
            SharedFamily::InProgress => CollectMetric::overflow_count(&*FUNCTION_IN_PROGRESS),
        }
    }
}

/// A call site of a bare attribute, as submitted to `inventory`.
pub trait SharedSite: Sync {
    /// The family the site records into.
    fn family(&self) -> SharedFamily;
    /// Creates the site's series (at zero), so they are scraped before the first call.
    fn precreate(&self);
}

/// A reference to a site, as submitted to `inventory`.
pub struct SiteRef(pub &'static dyn SharedSite);

inventory::collect!(SiteRef);

inventory::submit! {
    AutoRegistration { register: register_shared_families }
}

/// Registers each shared family that at least one function uses, with every known site's
/// series at zero. Each family is registered on its own, so a clash of one with a user's
/// metric leaves the others in.
fn register_shared_families(registry: &Registry) -> Result<(), Error> {
    let mut first_error = None;
    for family in SharedFamily::ALL {
        let mut used = false;
        for site in inventory::iter::<SiteRef> {
            if site.0.family() == family {
                site.0.precreate();
                used = true;
            }
        }
        if used {
            if let Err(e) = registry.register(SharedCollector(family)) {
                first_error.get_or_insert(e);
            }
        }
    }
    first_error.map_or(Ok(()), Err)
}

struct SharedCollector(SharedFamily);

impl Collector for SharedCollector {
    fn may_block(&self) -> bool {
        false
    }
    fn describe(&self) -> Vec<Descriptor> {
        vec![self.0.descriptor()]
    }
    fn collect(&self, sink: &mut dyn Sink) {
        sink.family(&self.0.descriptor());
        self.0.collect_points(sink);
    }
    fn overflows(&self, report: &mut dyn FnMut(&str, u64)) {
        if let Some(n) = self.0.overflow_count() {
            report(&self.0.descriptor().name, n);
        }
    }
}
