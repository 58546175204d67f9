//! One timer for every metric that takes a duration: [`RecordDuration`] says how a metric
//! takes one (a histogram or a summary observes it, a gauge is set to it), [`Timer`]
//! records it when dropped and [`TimedFuture`] times a future. A family's series gets
//! `start_timer` and `time_future` that hold a copy of the handle, so a timer does not
//! borrow a temporary: `let _timer = FAMILY.labels(l).start_timer();`.

use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use super::{Gauge, Histogram, Summary};
use crate::family::Series;

/// A metric that takes a duration in seconds: what a [`Timer`] records into.
///
/// A [`Histogram`] and a [`Summary`] observe it; a [`Gauge`] is set to it (the Python
/// client's `Gauge.time()`: the gauge shows the last duration). Anything that dereferences
/// to one of them records into it too: `&Histogram`, `Arc<Summary>`, a family's
/// [`Series`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot record a duration",
    label = "not a `Histogram`, `Summary` or `Gauge`",
    note = "time into a `Histogram` or a `Summary` (each duration observed), or a `Gauge` (set to the last duration); a reference, an `Arc` or a family's `Series` of one works too"
)]
pub trait RecordDuration {
    /// Records `seconds`.
    fn record_duration(&self, seconds: f64);
}

impl RecordDuration for Histogram {
    #[inline]
    fn record_duration(&self, seconds: f64) {
        self.observe(seconds);
    }
}

impl RecordDuration for Summary {
    #[inline]
    fn record_duration(&self, seconds: f64) {
        self.observe(seconds);
    }
}

impl RecordDuration for Gauge {
    #[inline]
    fn record_duration(&self, seconds: f64) {
        self.set(seconds);
    }
}

#[diagnostic::do_not_recommend]
impl<D: Deref> RecordDuration for D
where
    D::Target: RecordDuration,
{
    #[inline]
    fn record_duration(&self, seconds: f64) {
        (**self).record_duration(seconds);
    }
}

/// Records the seconds since it was started into a histogram, a summary or a gauge
/// ([`RecordDuration`]) when dropped.
///
/// Because the recording happens in `Drop`, an early return, a `?`, a panic that
/// unwinds, and a future dropped before completion are all recorded. `R` is what records:
/// `&Histogram`, `&Summary`, `&Gauge`, a family's series handle, an `Arc`.
///
/// Made by `start_timer` on each of them:
///
/// ```
/// use promenade::{Family, Gauge, Histogram, Summary};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, promenade::LabelSet)]
/// # struct Route { route: Path }
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, promenade::LabelValue)]
/// # enum Path { Home }
/// let latency = Summary::new();
/// let last_run = Gauge::new();
/// let by_route: Family<Route, Histogram> = Family::new();
/// {
///     let _timer = latency.start_timer();
///     let _last = last_run.start_timer(); // sets the gauge to the duration
///     let _route = by_route.labels(Route { route: Path::Home }).start_timer();
///     // … the work being timed …
/// } // all three record here
/// assert_eq!(latency.count(), 1);
/// assert!(last_run.get() >= 0.0);
/// assert_eq!(by_route.labels(Route { route: Path::Home }).snapshot().count(), 1);
/// ```
///
/// # `let _ = …` records nothing useful
/// `let _ = histogram.start_timer();` drops the timer at once, so it records ~0 seconds;
/// rustc's own hint for an unused value suggests exactly that line. Bind the timer to a
/// name that starts with an underscore, `let _timer = …`, which lives to the end of the
/// scope, or time a closure with `.time(|| …)`.
#[must_use = "the timer records when it is dropped: bind it with `let _timer = ...` (not `let _ = ...`, which drops it at once and records ~0 seconds), or time a closure with `.time(|| ...)`"]
pub struct Timer<R: RecordDuration> {
    metric: Option<R>,
    start: Instant,
}

/// The timer of a [`Histogram`]: a [`Timer`] by its former name, kept so code that names
/// `HistogramTimer<&Histogram>` or `HistogramTimer::new(…)` still compiles.
pub type HistogramTimer<H> = Timer<H>;

impl<R: RecordDuration> Timer<R> {
    /// Starts timing now; the duration goes to `metric` when the timer is dropped.
    #[inline]
    pub fn new(metric: R) -> Self {
        Timer {
            metric: Some(metric),
            start: Instant::now(),
        }
    }

    /// Records now and returns the seconds recorded.
    pub fn observe_duration(mut self) -> f64 {
        self.record().unwrap_or(0.0)
    }

    /// Drops the timer without recording anything.
    pub fn discard(mut self) {
        self.metric = None;
    }

    fn record(&mut self) -> Option<f64> {
        let metric = self.metric.take()?;
        let secs = self.start.elapsed().as_secs_f64();
        metric.record_duration(secs);
        Some(secs)
    }
}

impl<R: RecordDuration> Drop for Timer<R> {
    #[inline]
    fn drop(&mut self) {
        self.record();
    }
}

impl<R: RecordDuration> fmt::Debug for Timer<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timer").field("start", &self.start).finish()
    }
}

/// A future that times another from its first poll until it completes or is dropped.
///
/// Made by `time_future` on a [`Histogram`], a [`Summary`], a [`Gauge`] or a family's
/// series of one, or by [`TimedFuture::new`]; the clock starts at the first poll, so time
/// spent waiting to be spawned is not counted.
#[must_use = "a future does nothing unless it is polled: `.await` it or spawn it"]
pub struct TimedFuture<F, R: RecordDuration> {
    future: Pin<Box<F>>,
    metric: Option<R>,
    timer: Option<Timer<R>>,
}

impl<F: Future, R: RecordDuration> TimedFuture<F, R> {
    /// Wraps `future`; its duration goes to `metric`.
    pub fn new(future: F, metric: R) -> Self {
        TimedFuture {
            future: Box::pin(future),
            metric: Some(metric),
            timer: None,
        }
    }
}

impl<F: Future, R: RecordDuration + Unpin> Future for TimedFuture<F, R> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // Every field is Unpin (the inner future is boxed), so this is safe code.
        let this = self.get_mut();
        if let Some(m) = this.metric.take() {
            this.timer = Some(Timer::new(m));
        }
        let out = this.future.as_mut().poll(cx);
        if out.is_ready() {
            this.timer.take();
        }
        out
    }
}

impl<F, R: RecordDuration> fmt::Debug for TimedFuture<F, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimedFuture")
            .field("started", &self.timer.is_some())
            .finish_non_exhaustive()
    }
}

/// `start_timer`, `time` and `time_future` on each metric that takes a duration, and
/// `start_timer` and `time_future` on its series that hold a copy of the handle.
macro_rules! timers {
    ($($metric:ident: $records:literal, $example:literal;)*) => {$(
        impl $metric {
            #[doc = concat!("Starts a timer that ", $records, " the elapsed seconds when it is dropped")]
            /// (on every exit path: an early return, a `?`, a panic).
            ///
            /// The Python client's `with metric.time():`.
            ///
            /// # `let _ = …` records nothing useful
            /// `let _ = metric.start_timer();` drops the timer at once, so it records
            /// ~0 seconds (rustc's hint for an unused value suggests exactly that line).
            /// Bind it with `let _timer = …`, which lives to the end of the scope, or use
            /// [`time`](Self::time).
            ///
            /// ```
            #[doc = $example]
            /// {
            ///     let _timer = metric.start_timer();
            ///     // … the work being timed …
            /// }
            /// ```
            #[doc(alias = "time")]
            #[inline]
            pub fn start_timer(&self) -> Timer<&Self> {
                Timer::new(self)
            }

            #[doc = concat!("Runs `f` and ", $records, " how long it took, in seconds — also when `f` panics.")]
            ///
            /// The Python client's `@metric.time()` decorator, for a block.
            #[inline]
            pub fn time<T>(&self, f: impl FnOnce() -> T) -> T {
                let _timer = self.start_timer();
                f()
            }

            /// Times `future` from its first poll until it completes, or until it is
            /// dropped unfinished (a cancelled future is still timed).
            pub fn time_future<F: Future>(&self, future: F) -> TimedFuture<F, &Self> {
                TimedFuture::new(future, self)
            }
        }

        impl<'a> Series<'a, $metric> {
            #[doc = concat!("Starts a timer that ", $records, " the elapsed seconds into this series when it is dropped,")]
            /// holding a copy of the handle, so a lookup and its timer fit in one line:
            /// `let _timer = FAMILY.labels(l).start_timer();` (the timer does not borrow
            /// the temporary handle). The copy is a reference for a finite family's
            /// series, an `Arc` clone for an open family's.
            ///
            /// Bind the timer with `let _timer = …`: `let _ = …` drops it at once.
            #[doc(alias = "time")]
            #[inline]
            pub fn start_timer(&self) -> Timer<Self> {
                Timer::new(self.clone())
            }

            /// Times `future` into this series from its first poll until it completes or
            /// is dropped; the future holds a copy of the handle, so it can be spawned.
            pub fn time_future<F: Future>(&self, future: F) -> TimedFuture<F, Self> {
                TimedFuture::new(future, self.clone())
            }
        }
    )*};
}

timers! {
    Histogram: "observes", "let metric = promenade::Histogram::new(promenade::Buckets::default());";
    Summary: "observes", "let metric = promenade::Summary::new();";
    Gauge: "sets the gauge to", "let metric = promenade::Gauge::new();";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Buckets;

    #[test]
    fn records_on_panic_and_discard_does_not() {
        let h = Histogram::new(Buckets::default());
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            h.time(|| panic!("boom"));
        }));
        assert!(r.is_err());
        assert_eq!(h.snapshot().count(), 1);
        h.start_timer().discard();
        assert_eq!(h.snapshot().count(), 1);
        assert!(h.start_timer().observe_duration() >= 0.0);
        assert_eq!(h.snapshot().count(), 2);
    }
}
