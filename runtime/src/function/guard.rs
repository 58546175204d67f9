//! The guards of the attributes that look at how a call ended: [`OutcomeTimer`] and
//! [`ErrorGuard`]. Both record in `Drop` when the call did not return (a panic, or a
//! cancelled future), so no exit is missed.

use std::time::Instant;

use super::outcome::Outcome;
use super::returned::{ErrorKind, Returned};
use super::target::{ErrorCounter, OutcomeHistograms};

/// Times a call and labels the duration with how it ended. [`finish`](Self::finish) on a
/// return; in `Drop` without `finish`, the call panicked or (async) was cancelled.
#[must_use = "the duration is observed when the timer finishes or is dropped"]
pub struct OutcomeTimer<'a> {
    metric: &'a (dyn OutcomeHistograms + Sync + 'a),
    start: Instant,
    is_async: bool,
    done: bool,
}

impl<'a> OutcomeTimer<'a> {
    /// Starts the clock; `is_async` says whether a drop without `finish` can be a
    /// cancellation.
    #[inline]
    pub(super) fn start(metric: &'a (dyn OutcomeHistograms + Sync + 'a), is_async: bool) -> Self {
        OutcomeTimer {
            metric,
            start: Instant::now(),
            is_async,
            done: false,
        }
    }

    /// The call returned `returned`.
    #[inline]
    pub fn finish(mut self, returned: &Returned<'_>) {
        self.done = true;
        self.metric
            .observe_outcome(returned.outcome(), self.start.elapsed().as_secs_f64());
    }
}

impl Drop for OutcomeTimer<'_> {
    #[inline]
    fn drop(&mut self) {
        if self.done {
            return;
        }
        // A sync call only leaves without returning by unwinding. A future dropped
        // unfinished was cancelled, unless it is being dropped by a panic in its poll.
        let outcome = if self.is_async && !std::thread::panicking() {
            Outcome::Cancelled
        } else {
            Outcome::Panicked
        };
        self.metric
            .observe_outcome(outcome, self.start.elapsed().as_secs_f64());
    }
}

/// Counts a failed call: an error when [`finish`](Self::finish) is given one, a panic when
/// dropped during unwinding without `finish`. Nothing is caught: the panic goes on.
#[must_use = "panics are counted when the guard is dropped"]
pub struct ErrorGuard<'a> {
    metric: &'a (dyn ErrorCounter + Sync + 'a),
    armed: bool,
}

impl<'a> ErrorGuard<'a> {
    /// A guard that counts a panic when `counts_panics`.
    #[inline]
    pub(super) fn arm(metric: &'a (dyn ErrorCounter + Sync + 'a), counts_panics: bool) -> Self {
        ErrorGuard {
            metric,
            armed: counts_panics,
        }
    }

    /// The call returned `returned`.
    #[inline]
    pub fn finish(mut self, returned: &Returned<'_>) {
        self.armed = false;
        if let Returned::Err(kind) = returned {
            self.metric.count_error(kind);
        }
    }
}

impl Drop for ErrorGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        // Without `finish`: a panic, or a cancelled future (not an error).
        if self.armed && std::thread::panicking() {
            self.metric.count_error(&ErrorKind::Panic);
        }
    }
}
