//! The kinds of metric an attribute records into, one trait each ([`CallCounter`],
//! [`InFlightGauge`], [`DurationMetric`], [`OutcomeHistograms`], [`ErrorCounter`]),
//! and the probes generated code calls with them. `metric = PATH` is checked against the
//! same traits, spanned at the path, so the wrong kind of metric is a compile error that
//! says which kind is needed.

use std::sync::Arc;

use super::error_kind::ErrorKindLabels;
use super::guard::{ErrorGuard, OutcomeTimer};
use super::outcome::Outcome;
use super::returned::ErrorKind;
use crate::family::{Family, Series};
use crate::labels::LabelValue;
use crate::metrics::{
    Counter, FloatCounter, Gauge, Histogram, InProgress, IntGauge, RecordDuration, Summary, Timer,
    UpDown,
};

/// What `#[counted]` records into: a counter.
#[diagnostic::on_unimplemented(
    message = "`#[counted(metric = ...)]` needs a counter, and `{Self}` is not one",
    label = "not a `Counter` or `FloatCounter`",
    note = "give the path of a `Counter` or `FloatCounter` (a static, or a field such as `MyMetrics::global().calls`)"
)]
pub trait CallCounter {
    /// Counts one call.
    fn count_call(&self);
}

/// What `#[in_progress]` records into: a gauge that goes up on entry and down on exit.
#[diagnostic::on_unimplemented(
    message = "`#[in_progress(metric = ...)]` needs a gauge, and `{Self}` is not one",
    label = "not a `Gauge` or `IntGauge`",
    note = "give the path of a `Gauge` or `IntGauge` (a static, or a field such as `MyMetrics::global().in_flight`)"
)]
pub trait InFlightGauge {
    /// The gauge's type.
    type Gauge: UpDown + Sync;
    /// The gauge.
    fn gauge(&self) -> &Self::Gauge;
}

/// What `#[timed]` records into: a histogram or a summary of seconds, or a gauge set to
/// the last call's duration (as the Python client's `@gauge.time()`).
#[diagnostic::on_unimplemented(
    message = "`#[timed(metric = ...)]` needs a histogram, a summary or a gauge, and `{Self}` is not one",
    label = "not a `Histogram`, `Summary` or `Gauge`",
    note = "give the path of a `Histogram` or a `Summary` (a static, or a field such as `MyMetrics::global().duration_seconds`), or of a `Gauge` to hold the last call's duration; with `outcome`, a `Family<promenade::Outcome, Histogram>`"
)]
pub trait DurationMetric {
    /// The metric the duration goes to.
    fn duration_metric(&self) -> DurationRef<'_>;
}

/// The metric a `#[timed]` call records into. One concrete type for every kind of
/// metric, so a wrong kind is one error (at `metric = ...`) and the timer's call is a
/// match, not a virtual call.
#[derive(Clone, Copy, Debug)]
pub enum DurationRef<'a> {
    /// Observes into a histogram.
    Histogram(&'a Histogram),
    /// Observes into a summary.
    Summary(&'a Summary),
    /// Sets a gauge.
    Gauge(&'a Gauge),
}

impl RecordDuration for DurationRef<'_> {
    #[inline]
    fn record_duration(&self, seconds: f64) {
        match self {
            DurationRef::Histogram(h) => h.observe(seconds),
            DurationRef::Summary(s) => s.observe(seconds),
            DurationRef::Gauge(g) => g.set(seconds),
        }
    }
}

/// What `#[timed(outcome)]` records into: one histogram per [`Outcome`].
#[diagnostic::on_unimplemented(
    message = "`#[timed(outcome, metric = ...)]` needs a histogram family labelled by outcome, and `{Self}` is not one",
    label = "not a `Family<promenade::Outcome, Histogram>`",
    note = "declare the field as `Family<promenade::Outcome, Histogram>`, or drop `outcome` to time into a plain `Histogram`"
)]
pub trait OutcomeHistograms {
    /// Observes `seconds` for a call that ended with `outcome`.
    fn observe_outcome(&self, outcome: Outcome, seconds: f64);
}

/// What `#[counted_exceptions]` records into: a counter, labelled by kind where it can be.
#[diagnostic::on_unimplemented(
    message = "`#[counted_exceptions(metric = ...)]` needs a counter, and `{Self}` is not one",
    label = "not a `Counter`, `FloatCounter` or `Family<promenade::ErrorKindLabels<E>, Counter>`",
    note = "give the path of a `Counter` or `FloatCounter` (a static, or a field such as `MyMetrics::global().errors`); to count by kind, a `Family<promenade::ErrorKindLabels<E>, Counter>` where `E` is the error type"
)]
pub trait ErrorCounter {
    /// Counts one failed call.
    fn count_error(&self, kind: &ErrorKind<'_>);
}

impl CallCounter for Counter {
    #[inline]
    fn count_call(&self) {
        self.inc();
    }
}
impl CallCounter for FloatCounter {
    #[inline]
    fn count_call(&self) {
        self.inc();
    }
}
impl InFlightGauge for Gauge {
    type Gauge = Gauge;
    #[inline]
    fn gauge(&self) -> &Gauge {
        self
    }
}
impl InFlightGauge for IntGauge {
    type Gauge = IntGauge;
    #[inline]
    fn gauge(&self) -> &IntGauge {
        self
    }
}
impl DurationMetric for Histogram {
    #[inline]
    fn duration_metric(&self) -> DurationRef<'_> {
        DurationRef::Histogram(self)
    }
}
impl DurationMetric for Summary {
    #[inline]
    fn duration_metric(&self) -> DurationRef<'_> {
        DurationRef::Summary(self)
    }
}
impl DurationMetric for Gauge {
    #[inline]
    fn duration_metric(&self) -> DurationRef<'_> {
        DurationRef::Gauge(self)
    }
}
impl OutcomeHistograms for Family<Outcome, Histogram> {
    #[inline]
    fn observe_outcome(&self, outcome: Outcome, seconds: f64) {
        self.labels(outcome).observe(seconds);
    }
}
impl ErrorCounter for Counter {
    #[inline]
    fn count_error(&self, _: &ErrorKind<'_>) {
        self.inc();
    }
}
impl ErrorCounter for FloatCounter {
    #[inline]
    fn count_error(&self, _: &ErrorKind<'_>) {
        self.inc();
    }
}
impl<E: LabelValue> ErrorCounter for Family<ErrorKindLabels<E>, Counter> {
    fn count_error(&self, kind: &ErrorKind<'_>) {
        let labels = match kind {
            ErrorKind::Panic => ErrorKindLabels::Panic,
            ErrorKind::Error => ErrorKindLabels::Error,
            // An error of another type than `E` (a generic function's) is an `error`.
            ErrorKind::Labelled(value) => match value.as_any().downcast_ref::<E>() {
                Some(e) => ErrorKindLabels::Kind(e.clone()),
                None => ErrorKindLabels::Error,
            },
        };
        self.labels(labels).inc();
    }
}

/// Each kind of metric also works through a reference, an `Arc` and a family's series.
macro_rules! forward {
    ($($tr:ident { $($body:tt)* })*) => {$(
        #[diagnostic::do_not_recommend]
        impl<T: $tr + ?Sized> $tr for &T { $($body)* }
        #[diagnostic::do_not_recommend]
        impl<T: $tr + ?Sized> $tr for Arc<T> { $($body)* }
        #[diagnostic::do_not_recommend]
        impl<T: $tr> $tr for Series<'_, T> { $($body)* }
    )*};
}
forward! {
    CallCounter {
        #[inline]
        fn count_call(&self) { (**self).count_call() }
    }
    InFlightGauge {
        type Gauge = T::Gauge;
        #[inline]
        fn gauge(&self) -> &T::Gauge { (**self).gauge() }
    }
    DurationMetric {
        #[inline]
        fn duration_metric(&self) -> DurationRef<'_> { (**self).duration_metric() }
    }
    OutcomeHistograms {
        #[inline]
        fn observe_outcome(&self, outcome: Outcome, seconds: f64) {
            (**self).observe_outcome(outcome, seconds)
        }
    }
    ErrorCounter {
        #[inline]
        fn count_error(&self, kind: &ErrorKind<'_>) { (**self).count_error(kind) }
    }
}

// The probes generated code calls for `metric = PATH`, spanned at the path: an unsatisfied
// bound is reported there, with the trait's `on_unimplemented` message.

/// Counts one call into `metric`.
#[inline]
pub fn count_call<C: CallCounter + ?Sized>(metric: &C) {
    metric.count_call();
}

/// Enters `metric`: +1 now, −1 when the guard is dropped. The guard holds a trait object,
/// so a wrong kind of metric is one error (here), not a second one in the guard's type.
#[inline]
pub fn enter<G: InFlightGauge + ?Sized>(metric: &G) -> InProgress<&(dyn UpDown + Sync)> {
    InProgress::new(metric.gauge())
}

/// Starts timing a call into `metric`.
#[inline]
pub fn start_timer<H: DurationMetric + ?Sized>(metric: &H) -> Timer<DurationRef<'_>> {
    Timer::new(metric.duration_metric())
}

/// Starts timing a call into `metric`, labelled with how it ends. The timer holds a trait
/// object, so a wrong kind of metric is one error (here), not a second one at `finish`.
#[inline]
pub fn start_outcome_timer<H: OutcomeHistograms + Sync>(
    metric: &H,
    is_async: bool,
) -> OutcomeTimer<'_> {
    OutcomeTimer::start(metric, is_async)
}

/// Arms a panic counter on `metric` (a trait object, as for [`start_outcome_timer`]).
#[inline]
pub fn watch_errors<E: ErrorCounter + Sync>(metric: &E, counts_panics: bool) -> ErrorGuard<'_> {
    ErrorGuard::arm(metric, counts_panics)
}

/// Runs a sync body moved into a closure, so its value can be seen before it is returned.
/// The `FnOnce` bound makes the closure `FnOnce`, so a body may return a borrow of what it
/// captured mutably (`&mut self.field`).
#[inline(always)]
pub fn call_once<R>(body: impl FnOnce() -> R) -> R {
    body()
}
