use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use super::{atomic_f64_add, Metric};
use crate::Error;

/// A monotonically increasing integer total: one 8-byte atomic, one relaxed
/// `fetch_add` per increment.
///
/// Exposed with `_total` appended to its name (once: a name that already ends in `_total`
/// is not doubled).
///
/// ```
/// static JOBS: promenade::Counter = promenade::Counter::new();
/// JOBS.inc();
/// JOBS.inc_by(2);
/// assert_eq!(JOBS.get(), 3);
/// ```
#[derive(Debug, Default)]
pub struct Counter {
    value: AtomicU64,
}

impl Counter {
    /// A counter at zero. `const`, so it can initialise a `static`.
    pub const fn new() -> Self {
        Counter {
            value: AtomicU64::new(0),
        }
    }

    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        self.value.fetch_add(1, Relaxed);
    }

    /// Adds `v`.
    #[inline]
    pub fn inc_by(&self, v: u64) {
        self.value.fetch_add(v, Relaxed);
    }

    /// The current total.
    #[inline]
    pub fn get(&self) -> u64 {
        self.value.load(Relaxed)
    }
}

impl Metric for Counter {
    type Config = ();
    fn with_config(_: &()) -> Self {
        Counter::new()
    }
}

/// A monotonically increasing total that also takes fractional increments
/// (`inc_by(1.6)`), stored as the bits of an `f64` in one atomic.
///
/// ```
/// let bytes = promenade::FloatCounter::new();
/// bytes.inc_by(1.5).unwrap();
/// assert!(bytes.inc_by(-1.0).is_err()); // a counter never goes down
/// assert_eq!(bytes.get(), 1.5);
/// ```
#[derive(Debug, Default)]
pub struct FloatCounter {
    bits: AtomicU64,
}

impl FloatCounter {
    /// A counter at zero.
    pub const fn new() -> Self {
        FloatCounter {
            bits: AtomicU64::new(0),
        }
    }

    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        atomic_f64_add(&self.bits, 1.0);
    }

    /// Adds `v`. A negative or NaN `v` is refused with [`Error::InvalidValue`]: a counter
    /// only goes up.
    #[inline]
    pub fn inc_by(&self, v: f64) -> Result<(), Error> {
        if v >= 0.0 {
            atomic_f64_add(&self.bits, v);
            Ok(())
        } else {
            Err(Error::InvalidValue(
                format!("a counter can only increase, but it was asked to add {v}").into(),
            ))
        }
    }

    /// The current total.
    pub fn get(&self) -> f64 {
        f64::from_bits(self.bits.load(Relaxed))
    }
}

impl Metric for FloatCounter {
    type Config = ();
    fn with_config(_: &()) -> Self {
        FloatCounter::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlabelled_counter_is_one_atomic() {
        assert_eq!(size_of::<Counter>(), 8);
        assert_eq!(size_of::<FloatCounter>(), 8);
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
