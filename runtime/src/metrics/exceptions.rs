//! Counting the failures of a block into a [`Counter`]: the Python client's
//! `with counter.count_exceptions():`, where a Rust block fails by returning `Err` or by
//! panicking.
//!
//! - [`Counter::count_exceptions`] runs a closure returning a `Result` and counts one
//!   when it returns `Err` or panics (the panic goes on unwinding);
//! - [`Counter::count_exceptions_if`] counts only the errors a predicate accepts (the
//!   Python client's `count_exceptions(ValueError)`);
//! - [`Counter::exception_guard`] is the guard form for a body with `?` and early
//!   returns: it counts when dropped unless [`ExceptionGuard::success`] was called;
//! - [`Counter::count_exceptions_future`] is the async form.
//!
//! A family's series has `exception_guard` and `count_exceptions_future` that hold a copy
//! of the handle, so the guard or the future does not borrow a temporary:
//! `let guard = FAMILY.labels(l).exception_guard();`.

use std::fmt;
use std::future::Future;
use std::ops::Deref;

use super::Counter;
use crate::family::Series;

/// Counts one into a counter when it is dropped, unless [`success`](Self::success) was
/// called first: every exit that does not reach the end of the block — a `?`, an early
/// `return`, a panic that unwinds — is counted.
///
/// Made by [`Counter::exception_guard`] (or `exception_guard` on a family's series, which
/// the guard then holds). `C` is whatever dereferences to the counter: `&Counter`, a
/// family's [`Series`], an `Arc<Counter>`.
///
/// ```
/// use promenade::Counter;
/// static FAILURES: Counter = Counter::new();
///
/// fn parse_pair(s: &str) -> Result<(u32, u32), std::num::ParseIntError> {
///     let guard = FAILURES.exception_guard();
///     let (a, b) = s.split_once(',').unwrap_or((s, ""));
///     let pair = (a.parse()?, b.parse()?); // a `?` exit is counted
///     guard.success(); // reached the end: not counted
///     Ok(pair)
/// }
///
/// assert!(parse_pair("1,2").is_ok());
/// assert!(parse_pair("1,x").is_err());
/// assert_eq!(FAILURES.get(), 1);
/// ```
///
/// An early `return` of a *successful* value must call `success()` first; every exit that
/// does not is counted.
#[doc(alias = "ExceptionCounter")]
#[must_use = "the guard counts one when it is dropped without `success()`: bind it with `let guard = ...` and call `guard.success()` where the block succeeds (`let _ = ...` drops it at once and counts one)"]
pub struct ExceptionGuard<C: Deref<Target = Counter>> {
    counter: Option<C>,
}

impl<C: Deref<Target = Counter>> ExceptionGuard<C> {
    /// A guard on `counter`: armed, it counts one when dropped.
    #[inline]
    pub fn new(counter: C) -> Self {
        ExceptionGuard {
            counter: Some(counter),
        }
    }

    /// The block succeeded: drops the guard without counting.
    #[inline]
    pub fn success(mut self) {
        self.counter = None;
    }
}

impl<C: Deref<Target = Counter>> Drop for ExceptionGuard<C> {
    #[inline]
    fn drop(&mut self) {
        if let Some(counter) = self.counter.take() {
            counter.inc();
        }
    }
}

impl<C: Deref<Target = Counter>> fmt::Debug for ExceptionGuard<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExceptionGuard")
            .field("armed", &self.counter.is_some())
            .finish()
    }
}

impl Counter {
    /// Runs `f` and counts one when it returns `Err` or panics; returns what `f`
    /// returned, and a panic goes on unwinding after it is counted.
    ///
    /// The Python client's `with counter.count_exceptions():`. For a body with `?` or
    /// early returns that you would rather not move into a closure, use
    /// [`exception_guard`](Self::exception_guard); to count only some errors,
    /// [`count_exceptions_if`](Self::count_exceptions_if); for a future,
    /// [`count_exceptions_future`](Self::count_exceptions_future).
    ///
    /// ```
    /// let failures = promenade::Counter::new();
    /// let parsed = failures.count_exceptions(|| "42".parse::<u32>());
    /// assert_eq!(parsed, Ok(42));
    /// assert!(failures.count_exceptions(|| "x".parse::<u32>()).is_err());
    /// let panicked = std::panic::catch_unwind(|| {
    ///     failures.count_exceptions(|| -> Result<(), ()> { panic!("boom") })
    /// });
    /// assert!(panicked.is_err());
    /// assert_eq!(failures.get(), 2); // the `Err` and the panic
    /// ```
    #[inline]
    pub fn count_exceptions<T, E>(&self, f: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let guard = ExceptionGuard::new(self);
        let result = f();
        guard.success();
        if result.is_err() {
            self.inc();
        }
        result
    }

    /// Runs `f` and counts one when it returns an `Err` that `is_counted` accepts (the
    /// Python client's `count_exceptions(ValueError)`, with a predicate for the type).
    ///
    /// A panic is **not** counted here: it is not one of the chosen errors. (Use
    /// [`count_exceptions`](Self::count_exceptions) to count every error and every
    /// panic.) The predicate is read before `f`, so name the error type in it,
    /// `|e: &io::Error| …`, when it calls a method on the error.
    ///
    /// ```
    /// use std::io;
    /// let timeouts = promenade::Counter::new();
    /// let fetch = |kind: io::ErrorKind| -> io::Result<()> { Err(kind.into()) };
    /// let _ = timeouts.count_exceptions_if(
    ///     |e: &io::Error| e.kind() == io::ErrorKind::TimedOut,
    ///     || fetch(io::ErrorKind::TimedOut),
    /// );
    /// let _ = timeouts.count_exceptions_if(
    ///     |e: &io::Error| e.kind() == io::ErrorKind::TimedOut,
    ///     || fetch(io::ErrorKind::NotFound), // another error: not counted
    /// );
    /// assert_eq!(timeouts.get(), 1);
    /// ```
    #[inline]
    pub fn count_exceptions_if<T, E>(
        &self,
        is_counted: impl FnOnce(&E) -> bool,
        f: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        let result = f();
        if let Err(e) = &result {
            if is_counted(e) {
                self.inc();
            }
        }
        result
    }

    /// A guard that counts one when dropped, unless its
    /// [`success`](ExceptionGuard::success) is called first: the form of
    /// [`count_exceptions`](Self::count_exceptions) for a body with `?` and early returns.
    /// See [`ExceptionGuard`].
    #[doc(alias = "count_exceptions")]
    #[inline]
    pub fn exception_guard(&self) -> ExceptionGuard<&Self> {
        ExceptionGuard::new(self)
    }

    /// Awaits `future` and counts one when it resolves to `Err` or panics while polled
    /// (the panic goes on unwinding). A future dropped unfinished is not counted: it
    /// neither failed nor succeeded.
    ///
    /// ```
    /// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
    /// #     struct Noop;
    /// #     impl std::task::Wake for Noop { fn wake(self: std::sync::Arc<Self>) {} }
    /// #     let waker = std::task::Waker::from(std::sync::Arc::new(Noop));
    /// #     let mut f = std::pin::pin!(f);
    /// #     loop {
    /// #         if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut std::task::Context::from_waker(&waker)) { return v; }
    /// #     }
    /// # }
    /// let failures = promenade::Counter::new();
    /// let r = block_on(failures.count_exceptions_future(async { "x".parse::<u32>() }));
    /// assert!(r.is_err());
    /// assert_eq!(failures.get(), 1);
    /// ```
    pub fn count_exceptions_future<'a, F, T, E>(
        &'a self,
        future: F,
    ) -> impl Future<Output = Result<T, E>> + 'a
    where
        F: Future<Output = Result<T, E>> + 'a,
        T: 'a,
        E: 'a,
    {
        count_future(self, future)
    }
}

impl<'a> Series<'a, Counter> {
    /// [`Counter::exception_guard`] holding a copy of this handle, so a lookup and its
    /// guard fit in one line: `let guard = FAMILY.labels(l).exception_guard();` (the guard
    /// does not borrow the temporary handle). The copy is a reference for a finite
    /// family's series, an `Arc` clone for an open family's.
    #[doc(alias = "count_exceptions")]
    #[inline]
    pub fn exception_guard(&self) -> ExceptionGuard<Self> {
        ExceptionGuard::new(self.clone())
    }

    /// [`Counter::count_exceptions_future`] holding a copy of this handle, so the future
    /// can be spawned.
    pub fn count_exceptions_future<F, T, E>(
        &self,
        future: F,
    ) -> impl Future<Output = Result<T, E>> + 'a
    where
        F: Future<Output = Result<T, E>> + 'a,
        T: 'a,
        E: 'a,
    {
        count_future(self.clone(), future)
    }
}

/// Polls `future`, counting a panic of any poll (a guard armed around each poll) and an
/// `Err` at the end. Nothing is boxed: the future is pinned on the async fn's own state.
async fn count_future<C, F, T, E>(counter: C, future: F) -> Result<T, E>
where
    C: Deref<Target = Counter>,
    F: Future<Output = Result<T, E>>,
{
    let mut future = std::pin::pin!(future);
    let result = std::future::poll_fn(|cx| {
        let guard = ExceptionGuard::new(&*counter);
        let poll = future.as_mut().poll(cx);
        guard.success();
        poll
    })
    .await;
    if result.is_err() {
        counter.inc();
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guard_counts_unless_it_succeeded() {
        let c = Counter::new();
        c.exception_guard().success();
        assert_eq!(c.get(), 0);
        drop(c.exception_guard());
        assert_eq!(c.get(), 1);
    }
}
