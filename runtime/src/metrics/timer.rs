use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use super::Histogram;

/// Observes the seconds since it was created into a histogram when dropped.
///
/// Because the observation happens in `Drop`, an early return, a `?`, a panic that
/// unwinds, and a future dropped before completion are all recorded. `H` is whatever
/// dereferences to the histogram: `&Histogram`, a family's series handle, an `Arc`.
#[must_use = "the duration is observed when the timer is dropped; dropping it at once records ~0"]
pub struct HistogramTimer<H: Deref<Target = Histogram>> {
    histogram: Option<H>,
    start: Instant,
}

impl<H: Deref<Target = Histogram>> HistogramTimer<H> {
    /// Starts timing now.
    #[inline]
    pub fn new(histogram: H) -> Self {
        HistogramTimer {
            histogram: Some(histogram),
            start: Instant::now(),
        }
    }

    /// Observes now and returns the seconds observed.
    pub fn observe_duration(mut self) -> f64 {
        self.record().unwrap_or(0.0)
    }

    /// Drops the timer without observing anything.
    pub fn discard(mut self) {
        self.histogram = None;
    }

    fn record(&mut self) -> Option<f64> {
        let h = self.histogram.take()?;
        let secs = self.start.elapsed().as_secs_f64();
        h.observe(secs);
        Some(secs)
    }
}

impl<H: Deref<Target = Histogram>> Drop for HistogramTimer<H> {
    #[inline]
    fn drop(&mut self) {
        self.record();
    }
}

impl<H: Deref<Target = Histogram>> fmt::Debug for HistogramTimer<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HistogramTimer")
            .field("start", &self.start)
            .finish()
    }
}

/// A future that times another from its first poll until it completes or is dropped.
///
/// Made by [`TimedFuture::new`]; the clock starts at the first poll, so time spent
/// waiting to be spawned is not counted.
pub struct TimedFuture<F, H: Deref<Target = Histogram>> {
    future: Pin<Box<F>>,
    histogram: Option<H>,
    timer: Option<HistogramTimer<H>>,
}

impl<F: Future, H: Deref<Target = Histogram>> TimedFuture<F, H> {
    /// Wraps `future`; its duration goes to `histogram`.
    pub fn new(future: F, histogram: H) -> Self {
        TimedFuture {
            future: Box::pin(future),
            histogram: Some(histogram),
            timer: None,
        }
    }
}

impl<F: Future, H: Deref<Target = Histogram> + Unpin> Future for TimedFuture<F, H> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // Every field is Unpin (the inner future is boxed), so this is safe code.
        let this = self.get_mut();
        if let Some(h) = this.histogram.take() {
            this.timer = Some(HistogramTimer::new(h));
        }
        let out = this.future.as_mut().poll(cx);
        if out.is_ready() {
            this.timer.take();
        }
        out
    }
}

impl Histogram {
    /// Times `future` from its first poll until it completes, or until it is dropped
    /// unfinished (a cancelled future is still observed).
    pub fn time_future<F: Future>(&self, future: F) -> TimedFuture<F, &Self> {
        TimedFuture::new(future, self)
    }
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
