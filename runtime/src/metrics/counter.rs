use super::cell::Value;
use super::{created, CreatedAt, ExemplarCell, ExemplarLabels, Metric};
use crate::metrics::Exemplar;
use crate::Error;

/// A monotonically increasing integer total: one 8-byte atomic, one relaxed
/// `fetch_add` per increment.
///
/// Exposed with `_total` appended to its name (once: a name that already ends in `_total`
/// is not doubled). It takes no exemplars ([`CounterWithExemplar`], 64 bytes, does).
///
/// # `_created`
/// To stay one atomic, a counter keeps no creation time itself; OpenMetrics' `_created`
/// sample comes from where it lives: for a series of a [`Family`](crate::Family), when the
/// family created it; for an unlabelled counter, when it was registered (a
/// `#[derive(Metrics)]` struct's `global()`: when it was built). [`reset`](Self::reset)
/// renews it, as in the Python client, for a counter that stays where it is — as every
/// counter promenade registers does (in a family, a `static`, an `Arc`, a registered
/// struct). A counter a hand-written collector moves after resetting it (in a `Vec` that
/// grows) shows its family's or registration's time again.
///
/// ```
/// static JOBS: promenade::Counter = promenade::Counter::new();
/// JOBS.inc();
/// JOBS.inc_by(2);
/// assert_eq!(JOBS.get(), 3);
/// ```
#[derive(Debug, Default)]
pub struct Counter {
    value: Value<1>,
}

impl Counter {
    /// A counter at zero. `const`, so it can initialise a `static`.
    pub const fn new() -> Self {
        Counter {
            value: Value::new(0),
        }
    }

    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        self.value.add(1);
    }

    /// Adds `v`, a whole number (`u64`): the Python client's `inc(amount)`.
    ///
    /// A `Counter` counts whole numbers (one relaxed `fetch_add`); for fractional
    /// amounts (`inc_by(1.6)`, bytes as `f64`, seconds) use a [`FloatCounter`], whose
    /// `inc_by` takes an `f64`. Passing a float here is a compile error that says so.
    ///
    /// ```
    /// let c = promenade::Counter::new();
    /// c.inc_by(2);
    /// c.inc_by(u64::from(3u32));
    /// assert_eq!(c.get(), 5);
    /// ```
    ///
    /// ```compile_fail
    /// promenade::Counter::new().inc_by(1.6); // a `Counter` counts whole numbers: use a `FloatCounter`
    /// ```
    #[doc(alias = "inc")]
    #[inline]
    pub fn inc_by(&self, v: impl CounterIncrement) {
        self.value.add(v.amount());
    }

    /// The current total.
    #[inline]
    pub fn get(&self) -> u64 {
        self.value.load()
    }

    /// Sets the total back to zero and renews the creation time (`_created`).
    pub fn reset(&self) {
        self.value.store(0);
        created::note_reset(self.addr());
    }

    /// When this counter was last [`reset`](Self::reset), if it was.
    pub(crate) fn reset_time(&self) -> Option<f64> {
        created::reset_time(self.addr())
    }

    fn addr(&self) -> usize {
        self as *const Self as usize
    }
}

impl Drop for Counter {
    #[inline]
    fn drop(&mut self) {
        created::forget_reset(self.addr());
    }
}

impl Metric for Counter {
    type Config = ();
    fn with_config(_: &()) -> Self {
        Counter::new()
    }
    fn reset(&self) {
        Counter::reset(self)
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

/// What an integer counter's `inc_by` takes: a `u64`, and nothing else.
///
/// It exists for its error: `Counter::inc_by(1.6)` is a compile error that says a
/// `Counter` counts whole numbers and points at [`FloatCounter`], where a plain `u64`
/// parameter would only say "expected `u64`, found floating-point number". It is
/// implemented for `u64` alone, so an integer literal, `x.into()` and `n as _` still
/// become `u64`, and `inc_by` compiles to the same single `fetch_add`. It is sealed.
#[diagnostic::on_unimplemented(
    message = "a `Counter` counts whole numbers, and `{Self}` is not a `u64`",
    label = "not a `u64`",
    note = "for fractional amounts (`inc_by(1.6)`, seconds, bytes as `f64`), use a `FloatCounter`: its `inc_by` takes an `f64`",
    note = "for another integer type, convert it: `inc_by(u64::from(n))` or `inc_by(n as u64)`"
)]
pub trait CounterIncrement: sealed::Sealed {
    /// The amount, as the counter adds it.
    fn amount(self) -> u64;
}

impl CounterIncrement for u64 {
    #[inline(always)]
    fn amount(self) -> u64 {
        self
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for u64 {}
}

/// An integer counter with a creation time (`_created` in OpenMetrics) and the latest
/// exemplar: 64 bytes — 8 of total, 8 of creation time, 48 for the exemplar slot (a mutex
/// held only to swap the shared exemplar labels in or out).
///
/// `inc` and `inc_by` are one relaxed `fetch_add`, as on [`Counter`]; only
/// `inc_with_exemplar` takes the exemplar lock.
///
/// ```
/// use promenade::metrics::{CounterWithExemplar, ExemplarLabels};
/// let c = CounterWithExemplar::new();
/// let trace = ExemplarLabels::new([("trace_id", "abc123")]).unwrap();
/// c.inc_with_exemplar(2, &trace);
/// assert_eq!(c.get(), 2);
/// assert_eq!(c.exemplar().unwrap().value(), 2.0);
/// let created = c.created();
/// c.reset(); // zero, no exemplar, a new creation time
/// assert_eq!(c.get(), 0);
/// assert!(c.exemplar().is_none() && c.created() >= created);
/// ```
#[derive(Debug)]
pub struct CounterWithExemplar {
    value: Value<1>,
    created: CreatedAt,
    exemplar: ExemplarCell,
    /// Multiprocess mode: the exemplar's slot in this process' file.
    #[cfg(feature = "multiprocess")]
    shared_exemplar: super::exemplar::SharedExemplars,
}

impl CounterWithExemplar {
    /// A counter at zero, created now.
    pub fn new() -> Self {
        CounterWithExemplar {
            value: Value::new(0),
            created: CreatedAt::now(),
            exemplar: ExemplarCell::default(),
            #[cfg(feature = "multiprocess")]
            shared_exemplar: Default::default(),
        }
    }

    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        self.value.add(1);
    }

    /// Adds `v`, a whole number (`u64`; as [`Counter::inc_by`], a float is a compile
    /// error that points at [`FloatCounter`]).
    #[doc(alias = "inc")]
    #[inline]
    pub fn inc_by(&self, v: impl CounterIncrement) {
        self.value.add(v.amount());
    }

    /// Adds `v` and keeps `labels` (with `v` and the current time) as the exemplar,
    /// replacing the previous one.
    pub fn inc_with_exemplar(&self, v: u64, labels: &ExemplarLabels) {
        self.value.add(v);
        self.exemplar.store(labels, v as f64);
        #[cfg(feature = "multiprocess")]
        self.shared_exemplar.store(0, labels, v as f64);
    }

    /// The current total.
    #[inline]
    pub fn get(&self) -> u64 {
        self.value.load()
    }

    /// When the counter was created or last reset, in seconds since the epoch.
    pub fn created(&self) -> f64 {
        self.created.get()
    }

    /// The latest exemplar.
    pub fn exemplar(&self) -> Option<Exemplar> {
        self.exemplar.get()
    }

    /// Sets the total back to zero, forgets the exemplar and records a new creation time.
    pub fn reset(&self) {
        self.value.store(0);
        self.exemplar.clear();
        self.created.reset();
    }

    pub(crate) fn read_exemplar(&self, out: &mut Option<Exemplar>) {
        self.exemplar.read_into(out)
    }
}

impl Default for CounterWithExemplar {
    fn default() -> Self {
        Self::new()
    }
}

impl Metric for CounterWithExemplar {
    type Config = ();
    fn with_config(_: &()) -> Self {
        CounterWithExemplar::new()
    }
    fn reset(&self) {
        CounterWithExemplar::reset(self)
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

/// A monotonically increasing total that also takes fractional increments
/// (`inc_by(1.6)`), stored as the bits of an `f64` in one atomic. Its `_created` works as
/// [`Counter`'s](Counter#_created).
///
/// ```
/// let bytes = promenade::FloatCounter::new();
/// bytes.inc_by(1.5).unwrap();
/// assert!(bytes.inc_by(-1.0).is_err()); // a counter never goes down
/// assert_eq!(bytes.get(), 1.5);
/// ```
#[derive(Debug, Default)]
pub struct FloatCounter {
    bits: Value<1>,
}

impl FloatCounter {
    /// A counter at zero.
    pub const fn new() -> Self {
        FloatCounter {
            bits: Value::new(0),
        }
    }

    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        self.bits.add_f64(1.0);
    }

    /// Adds `v`. A negative or NaN `v` is refused with [`Error::InvalidValue`]: a counter
    /// only goes up.
    #[doc(alias = "inc")]
    #[inline]
    pub fn inc_by(&self, v: f64) -> Result<(), Error> {
        if v >= 0.0 {
            self.bits.add_f64(v);
            Ok(())
        } else {
            Err(Error::InvalidValue(
                format!("a counter can only increase, but it was asked to add {v}").into(),
            ))
        }
    }

    /// The current total.
    pub fn get(&self) -> f64 {
        f64::from_bits(self.bits.load())
    }

    /// Sets the total back to zero and renews the creation time (`_created`, see
    /// [`Counter`'s](Counter#_created)).
    pub fn reset(&self) {
        self.bits.store(0);
        created::note_reset(self.addr());
    }

    /// When this counter was last [`reset`](Self::reset), if it was.
    pub(crate) fn reset_time(&self) -> Option<f64> {
        created::reset_time(self.addr())
    }

    fn addr(&self) -> usize {
        self as *const Self as usize
    }
}

impl Drop for FloatCounter {
    #[inline]
    fn drop(&mut self) {
        created::forget_reset(self.addr());
    }
}

impl Metric for FloatCounter {
    type Config = ();
    fn with_config(_: &()) -> Self {
        FloatCounter::new()
    }
    fn reset(&self) {
        FloatCounter::reset(self)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlabelled_counter_is_one_atomic() {
        // With the `multiprocess` feature, and the pointer to its cell in the file.
        let mp = if cfg!(feature = "multiprocess") { 8 } else { 0 };
        assert_eq!(size_of::<Counter>(), 8 + mp);
        assert_eq!(size_of::<FloatCounter>(), 8 + mp);
        // total + creation time + the exemplar slot (a futex mutex, poison flag, Option).
        #[cfg(feature = "multiprocess")]
        let slots = size_of::<super::super::exemplar::SharedExemplars>();
        #[cfg(not(feature = "multiprocess"))]
        let slots = 0;
        assert_eq!(size_of::<CounterWithExemplar>(), 64 + mp + slots);
    }

    #[test]
    fn float_counter_rejects_nan_and_negative() {
        let c = FloatCounter::new();
        assert!(c.inc_by(f64::NAN).is_err());
        assert!(c.inc_by(-0.5).is_err());
        c.inc_by(0.25).unwrap();
        c.inc();
        assert_eq!(c.get(), 1.25);
    }
}

#[cfg(feature = "multiprocess")]
mod bind {
    use super::*;
    use crate::labels::EncodeLabels;
    use crate::multiprocess::{format::ValueKind, FamilyBinding, SeriesCells};

    impl Counter {
        pub(crate) fn bind_cells(
            &self,
            family: &FamilyBinding,
            labels: &dyn EncodeLabels,
        ) -> Option<SeriesCells> {
            self.value.bind_series(ValueKind::Int, family, labels)
        }
    }
    impl CounterWithExemplar {
        pub(crate) fn bind_cells(
            &self,
            family: &FamilyBinding,
            labels: &dyn EncodeLabels,
        ) -> Option<SeriesCells> {
            let cells = self.value.bind_series(ValueKind::Int, family, labels)?;
            self.shared_exemplar.bind(cells.offset, 1);
            Some(cells)
        }
    }
    impl FloatCounter {
        pub(crate) fn bind_cells(
            &self,
            family: &FamilyBinding,
            labels: &dyn EncodeLabels,
        ) -> Option<SeriesCells> {
            self.bits.bind_series(ValueKind::Float, family, labels)
        }
    }
}
