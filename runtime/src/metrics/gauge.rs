use std::fmt;
use std::ops::Deref;
use std::time::{SystemTime, UNIX_EPOCH};

use super::cell::Value;
use super::Metric;
use crate::family::Series;

/// A value that goes up and down, an `f64` stored as bits in one atomic.
///
/// ```
/// let temperature = promenade::Gauge::new();
/// temperature.set(21.5);
/// temperature.dec_by(1.5);
/// assert_eq!(temperature.get(), 20.0);
/// {
///     let _guard = temperature.track_in_progress(); // +1 now, -1 when dropped
///     assert_eq!(temperature.get(), 21.0);
/// }
/// assert_eq!(temperature.get(), 20.0);
/// ```
#[derive(Debug, Default)]
pub struct Gauge {
    bits: Value<2>,
}

impl Gauge {
    /// A gauge at zero.
    pub const fn new() -> Self {
        Gauge {
            bits: Value::new(0),
        }
    }

    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        self.inc_by(1.0);
    }

    /// Subtracts one.
    #[inline]
    pub fn dec(&self) {
        self.inc_by(-1.0);
    }

    /// Adds `v` (which may be negative).
    #[inline]
    pub fn inc_by(&self, v: f64) {
        self.bits.add_f64(v);
    }

    /// Subtracts `v`.
    #[inline]
    pub fn dec_by(&self, v: f64) {
        self.bits.add_f64(-v);
    }

    /// Sets the value.
    #[inline]
    pub fn set(&self, v: f64) {
        self.bits.store(v.to_bits());
    }

    /// Sets the value to the current Unix time in seconds.
    pub fn set_to_current_time(&self) {
        self.set(unix_now_seconds());
    }

    /// The current value.
    #[inline]
    pub fn get(&self) -> f64 {
        f64::from_bits(self.bits.load())
    }

    /// Adds one now and subtracts it again when the returned guard is dropped — on every
    /// exit path, a panic or a cancelled future included. The Python client's
    /// `track_inprogress()`; bind the guard with `let _guard = …` (`let _ = …` drops it at
    /// once). On a family's series, `FAMILY.labels(l).track_in_progress()` holds the
    /// series.
    #[doc(alias = "track_inprogress")]
    pub fn track_in_progress(&self) -> InProgress<&Self> {
        InProgress::new(self)
    }
}

impl Metric for Gauge {
    type Config = ();
    fn with_config(_: &()) -> Self {
        Gauge::new()
    }
    fn reset(&self) {
        self.set(0.0)
    }
    #[cfg(feature = "multiprocess")]
    fn bind_series(
        &self,
        family: &std::sync::Arc<crate::multiprocess::FamilyBinding>,
        labels: &dyn crate::labels::EncodeLabels,
    ) -> Option<crate::multiprocess::SeriesCells> {
        self.bind_cells(family, labels)
    }
}

/// A gauge holding an `i64`: one atomic, `fetch_add` for inc/dec.
#[derive(Debug, Default)]
pub struct IntGauge {
    value: Value<2>,
}

impl IntGauge {
    /// A gauge at zero.
    pub const fn new() -> Self {
        IntGauge {
            value: Value::new(0),
        }
    }

    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        self.value.add(1);
    }

    /// Subtracts one.
    #[inline]
    pub fn dec(&self) {
        self.value.add(1u64.wrapping_neg());
    }

    /// Adds `v` (which may be negative).
    #[inline]
    pub fn inc_by(&self, v: i64) {
        self.value.add(v as u64);
    }

    /// Subtracts `v`.
    #[inline]
    pub fn dec_by(&self, v: i64) {
        self.value.add((v as u64).wrapping_neg());
    }

    /// Sets the value.
    #[inline]
    pub fn set(&self, v: i64) {
        self.value.store(v as u64);
    }

    /// Sets the value to the current Unix time in whole seconds.
    pub fn set_to_current_time(&self) {
        self.set(unix_now_seconds() as i64);
    }

    /// The current value.
    #[inline]
    pub fn get(&self) -> i64 {
        self.value.load() as i64
    }

    /// Adds one now and subtracts it again when the returned guard is dropped (the Python
    /// client's `track_inprogress()`; see [`Gauge::track_in_progress`]).
    #[doc(alias = "track_inprogress")]
    pub fn track_in_progress(&self) -> InProgress<&Self> {
        InProgress::new(self)
    }
}

impl Metric for IntGauge {
    type Config = ();
    fn with_config(_: &()) -> Self {
        IntGauge::new()
    }
    fn reset(&self) {
        self.set(0)
    }
    #[cfg(feature = "multiprocess")]
    fn bind_series(
        &self,
        family: &std::sync::Arc<crate::multiprocess::FamilyBinding>,
        labels: &dyn crate::labels::EncodeLabels,
    ) -> Option<crate::multiprocess::SeriesCells> {
        self.bind_cells(family, labels)
    }
}

impl<'a> Series<'a, Gauge> {
    /// [`Gauge::track_in_progress`] holding a copy of this handle, so a lookup and its
    /// guard fit in one line: `let _guard = FAMILY.labels(l).track_in_progress();` (the
    /// guard does not borrow the temporary handle). The copy is a reference for a finite
    /// family's series, an `Arc` clone for an open family's.
    #[doc(alias = "track_inprogress")]
    pub fn track_in_progress(&self) -> InProgress<Self> {
        InProgress::new(self.clone())
    }
}

impl<'a> Series<'a, IntGauge> {
    /// [`IntGauge::track_in_progress`] holding a copy of this handle, so
    /// `let _guard = FAMILY.labels(l).track_in_progress();` does not borrow the temporary
    /// handle.
    #[doc(alias = "track_inprogress")]
    pub fn track_in_progress(&self) -> InProgress<Self> {
        InProgress::new(self.clone())
    }
}

/// Something an [`InProgress`] guard can count up and down.
pub trait UpDown {
    /// Adds one.
    fn up(&self);
    /// Subtracts one.
    fn down(&self);
}

impl UpDown for Gauge {
    fn up(&self) {
        self.inc()
    }
    fn down(&self) {
        self.dec()
    }
}

impl UpDown for IntGauge {
    fn up(&self) {
        self.inc()
    }
    fn down(&self) {
        self.dec()
    }
}

/// A guard that incremented a gauge when created and decrements it when dropped.
///
/// `G` is anything that dereferences to the gauge (`&Gauge`, a family's series handle,
/// an `Arc<Gauge>`), so the guard can outlive a borrow where it has to.
#[doc(alias = "InprogressTracker")]
#[must_use = "the gauge goes down again when the guard is dropped: bind it with `let _guard = ...` (not `let _ = ...`, which drops it at once)"]
pub struct InProgress<G: Deref>
where
    G::Target: UpDown,
{
    gauge: G,
}

impl<G: Deref> InProgress<G>
where
    G::Target: UpDown,
{
    /// Increments the gauge and returns the guard that will decrement it.
    pub fn new(gauge: G) -> Self {
        gauge.up();
        InProgress { gauge }
    }
}

impl<G: Deref> Drop for InProgress<G>
where
    G::Target: UpDown,
{
    fn drop(&mut self) {
        self.gauge.down();
    }
}

impl<G: Deref> fmt::Debug for InProgress<G>
where
    G::Target: UpDown,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InProgress")
    }
}

/// A gauge whose value is computed by a function each time it is collected (the Python
/// client's `set_function`).
#[doc(alias = "set_function")]
///
/// ```
/// let queue = std::sync::Arc::new(std::sync::Mutex::new(vec![1, 2, 3]));
/// let q = queue.clone();
/// let depth = promenade::CallbackGauge::new(move || q.lock().map(|q| q.len() as f64).unwrap_or(f64::NAN));
/// assert_eq!(depth.get(), 3.0);
/// ```
pub struct CallbackGauge {
    f: Box<dyn Fn() -> f64 + Send + Sync>,
}

impl CallbackGauge {
    /// A gauge that reports `f()` at every scrape. Keep `f` quick: it runs on the
    /// scraping thread.
    pub fn new(f: impl Fn() -> f64 + Send + Sync + 'static) -> Self {
        CallbackGauge { f: Box::new(f) }
    }

    /// Calls the function.
    pub fn get(&self) -> f64 {
        (self.f)()
    }
}

impl fmt::Debug for CallbackGauge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackGauge").finish_non_exhaustive()
    }
}

pub(crate) fn unix_now_seconds() -> f64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs_f64(),
        Err(e) => -e.duration().as_secs_f64(),
    }
}

#[cfg(feature = "multiprocess")]
mod bind {
    use super::*;
    use crate::labels::EncodeLabels;
    use crate::multiprocess::{format::ValueKind, FamilyBinding, SeriesCells};

    impl Gauge {
        pub(crate) fn bind_cells(
            &self,
            family: &FamilyBinding,
            labels: &dyn EncodeLabels,
        ) -> Option<SeriesCells> {
            self.bits.bind_series(ValueKind::Float, family, labels)
        }
    }
    impl IntGauge {
        pub(crate) fn bind_cells(
            &self,
            family: &FamilyBinding,
            labels: &dyn EncodeLabels,
        ) -> Option<SeriesCells> {
            self.value.bind_series(ValueKind::Signed, family, labels)
        }
    }
}
