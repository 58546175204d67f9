//! The call sites of the bare attributes: one `static` per attributed function and
//! attribute, submitted to `inventory` ([`SiteRef`]). A site resolves its series once (a
//! `OnceLock`), so a call costs one atomic load plus the metric's own operation.
//!
//! [`Site<M>`] serves `#[timed]` (`M` = [`Histogram`]), `#[counted]` ([`Counter`]) and
//! `#[in_progress]` ([`IntGauge`]): one series of one shared family each. How a call ended
//! needs more: [`OutcomeSite`] keeps a series per outcome, resolved at its first use (a
//! sync function never creates `cancelled`), and [`ErrorSite`] a cache of kinds that
//! leaves the overflow series uncached.

use std::borrow::Cow;
use std::sync::{LazyLock, OnceLock};

use super::error_kind::{cache_unless_overflow, KindCache, PANIC_KIND};
use super::outcome::Outcome;
use super::returned::ErrorKind;
#[cfg(doc)]
use super::shared::SiteRef;
use super::shared::{
    ErrorLabels, FunctionLabels, OutcomeLabels, SharedFamily, SharedSite, FUNCTION_CALLS,
    FUNCTION_DURATION, FUNCTION_ERRORS, FUNCTION_IN_PROGRESS, FUNCTION_OUTCOME_DURATION,
};
use super::target::{
    CallCounter, DurationMetric, DurationRef, ErrorCounter, InFlightGauge, OutcomeHistograms,
};
use crate::family::{Family, Series};
use crate::metrics::{Counter, Histogram, IntGauge, Metric};

/// A metric a shared family holds one series of per function (`Histogram`, `Counter`,
/// `IntGauge`): that family, and which one it is, for the registration.
pub(crate) trait SiteMetric: Metric + Sized {
    /// The family a site of this metric is registered with.
    const FAMILY: SharedFamily;
    /// The family's series, by function.
    fn family() -> &'static LazyLock<Family<FunctionLabels, Self>>;
}

impl SiteMetric for Histogram {
    const FAMILY: SharedFamily = SharedFamily::Duration;
    fn family() -> &'static LazyLock<Family<FunctionLabels, Self>> {
        &FUNCTION_DURATION
    }
}
impl SiteMetric for Counter {
    const FAMILY: SharedFamily = SharedFamily::Calls;
    fn family() -> &'static LazyLock<Family<FunctionLabels, Self>> {
        &FUNCTION_CALLS
    }
}
impl SiteMetric for IntGauge {
    const FAMILY: SharedFamily = SharedFamily::InProgress;
    fn family() -> &'static LazyLock<Family<FunctionLabels, Self>> {
        &FUNCTION_IN_PROGRESS
    }
}

/// The call site of one bare `#[timed]` (`Site<Histogram>`), `#[counted]`
/// (`Site<Counter>`) or `#[in_progress]` (`Site<IntGauge>`) function, and of
/// `#[instrumented]`'s calls and calls in flight: the function's series of the shared
/// family of `M`, resolved at the first call (or the first scrape).
pub struct Site<M: 'static> {
    labels: FunctionLabels,
    series: OnceLock<Series<'static, M>>,
}

impl<M> Site<M> {
    /// A site for `function` in `module`.
    pub const fn new(function: &'static str, module: &'static str) -> Self {
        Site {
            labels: FunctionLabels::new(function, module),
            series: OnceLock::new(),
        }
    }
}

/// The function's series of `site` (a free function: `SiteMetric` stays crate-private).
#[inline]
fn metric<M: SiteMetric>(site: &Site<M>) -> &M {
    site.series.get_or_init(|| M::family().labels(site.labels))
}

#[diagnostic::do_not_recommend]
impl DurationMetric for Site<Histogram> {
    #[inline]
    fn duration_metric(&self) -> DurationRef<'_> {
        DurationRef::Histogram(metric(self))
    }
}

#[diagnostic::do_not_recommend]
impl CallCounter for Site<Counter> {
    #[inline]
    fn count_call(&self) {
        metric(self).inc();
    }
}

#[diagnostic::do_not_recommend]
impl InFlightGauge for Site<IntGauge> {
    type Gauge = IntGauge;
    #[inline]
    fn gauge(&self) -> &IntGauge {
        metric(self)
    }
}

impl<M: SiteMetric> SharedSite for Site<M> {
    fn family(&self) -> SharedFamily {
        M::FAMILY
    }
    fn precreate(&self) {
        metric(self);
    }
}

/// The call site of one bare `#[timed(outcome)]` (or `#[instrumented]`) function.
pub struct OutcomeSite {
    labels: FunctionLabels,
    is_async: bool,
    // One cell per outcome, resolved at its first use, so a sync function never creates
    // a `cancelled` series.
    series: [OnceLock<Series<'static, Histogram>>; 4],
}

impl OutcomeSite {
    /// A site for `function` in `module`; an `async` one can be cancelled.
    pub const fn new(function: &'static str, module: &'static str, is_async: bool) -> Self {
        OutcomeSite {
            labels: FunctionLabels::new(function, module),
            is_async,
            series: [
                OnceLock::new(),
                OnceLock::new(),
                OnceLock::new(),
                OnceLock::new(),
            ],
        }
    }

    #[inline]
    fn histogram(&self, outcome: Outcome) -> &Histogram {
        self.series[outcome as usize].get_or_init(|| {
            FUNCTION_OUTCOME_DURATION.labels(OutcomeLabels {
                function: self.labels,
                outcome,
            })
        })
    }
}

#[diagnostic::do_not_recommend]
impl OutcomeHistograms for OutcomeSite {
    #[inline]
    fn observe_outcome(&self, outcome: Outcome, seconds: f64) {
        self.histogram(outcome).observe(seconds);
    }
}

impl SharedSite for OutcomeSite {
    fn family(&self) -> SharedFamily {
        SharedFamily::OutcomeDuration
    }
    fn precreate(&self) {
        // A sync function cannot be cancelled: its `cancelled` series is not exposed.
        for outcome in Outcome::ALL {
            if outcome != Outcome::Cancelled || self.is_async {
                self.histogram(outcome);
            }
        }
    }
}

/// The call site of one bare `#[counted_exceptions]` (or `#[instrumented]`) function.
pub struct ErrorSite {
    labels: FunctionLabels,
    counts_panics: bool,
    kinds: KindCache,
}

impl ErrorSite {
    /// A site for `function` in `module`; `counts_panics` is false with `only = [...]`.
    pub const fn new(function: &'static str, module: &'static str, counts_panics: bool) -> Self {
        ErrorSite {
            labels: FunctionLabels::new(function, module),
            counts_panics,
            kinds: KindCache::new(),
        }
    }

    fn series(&self, kind: Cow<'static, str>) -> Series<'static, Counter> {
        FUNCTION_ERRORS.labels(ErrorLabels {
            function: self.labels,
            kind,
        })
    }
}

#[diagnostic::do_not_recommend]
impl ErrorCounter for ErrorSite {
    #[inline]
    fn count_error(&self, kind: &ErrorKind<'_>) {
        self.kinds.count(
            kind,
            |k| self.series(k),
            || FUNCTION_ERRORS.overflow_count(),
        );
    }
}

impl SharedSite for ErrorSite {
    fn family(&self) -> SharedFamily {
        SharedFamily::Errors
    }
    fn precreate(&self) {
        // Error kinds are only known when they happen; `panic` is known now.
        if self.counts_panics {
            cache_unless_overflow(
                &self.kinds.panic,
                &|| FUNCTION_ERRORS.overflow_count(),
                || self.series(Cow::Borrowed(PANIC_KIND)),
            );
        }
    }
}
