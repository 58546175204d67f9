//! What a list of histogram bucket upper bounds must be, as the client libraries have it:
//! every bound a finite number (negative ones too), strictly increasing, at least one. The
//! `+Inf` bucket always exists, so it is never listed; a list may still end with `+Inf`,
//! which changes nothing. NaN and `-Inf` are never bounds.
//!
//! The same rule serves `#[derive(Metrics)]`'s and every function attribute's `buckets =
//! [...]` (at compile time) and `Buckets::new`, `linear` and `exponential` (at run time),
//! with the same words: `invalid histogram buckets: <reason>`.

use core::fmt;

/// The start of every message about a bucket list.
pub const INVALID: &str = "invalid histogram buckets";

/// One mistake in a bucket list; the `at` fields are positions in the list as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BucketError {
    /// No finite bound (an empty list, or only `+Inf`).
    NoFiniteBound,
    /// NaN or `-Inf`.
    NotFinite {
        /// Its position.
        at: usize,
    },
    /// `+Inf` before the end of the list.
    InfinityNotLast {
        /// Its position.
        at: usize,
    },
    /// A bound not greater than the finite bound before it.
    NotIncreasing {
        /// Its position.
        at: usize,
        /// The position of the bound it follows.
        after: usize,
    },
}

impl BucketError {
    /// The position the mistake is shown at (`None`: the whole list).
    pub const fn at(self) -> Option<usize> {
        match self {
            BucketError::NoFiniteBound => None,
            BucketError::NotFinite { at }
            | BucketError::InfinityNotLast { at }
            | BucketError::NotIncreasing { at, .. } => Some(at),
        }
    }

    /// The message, `invalid histogram buckets: …`, with each bound spelled by `show` (as
    /// the user wrote it, at compile time; as Prometheus spells numbers, at run time).
    pub fn message<'a, S>(self, show: &'a S) -> impl fmt::Display + 'a
    where
        S: Fn(usize, &mut fmt::Formatter<'_>) -> fmt::Result + 'a,
    {
        Message {
            error: self,
            show,
            prefixed: true,
        }
    }

    /// The [`message`](Self::message) without its `invalid histogram buckets: ` start (for
    /// an error type that adds it when shown).
    pub fn reason<'a, S>(self, show: &'a S) -> impl fmt::Display + 'a
    where
        S: Fn(usize, &mut fmt::Formatter<'_>) -> fmt::Result + 'a,
    {
        Message {
            error: self,
            show,
            prefixed: false,
        }
    }
}

struct Message<'a, S> {
    error: BucketError,
    show: &'a S,
    prefixed: bool,
}

/// One bound, spelled by the caller's function.
struct Bound<'a, S>(usize, &'a S);

impl<S: Fn(usize, &mut fmt::Formatter<'_>) -> fmt::Result> fmt::Display for Bound<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.1)(self.0, f)
    }
}

impl<S: Fn(usize, &mut fmt::Formatter<'_>) -> fmt::Result> fmt::Display for Message<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = self.show;
        if self.prefixed {
            write!(f, "{INVALID}: ")?;
        }
        match self.error {
            BucketError::NoFiniteBound => f.write_str(
                "at least one finite bound is needed (the `+Inf` bucket is implied), like `[0.1, 0.5, 1.0]`",
            ),
            BucketError::NotFinite { at } => write!(
                f,
                "`{}` is not a bucket bound: bounds are finite numbers (the `+Inf` bucket is implied)",
                Bound(at, show)
            ),
            BucketError::InfinityNotLast { at } => write!(
                f,
                "`{}` can only be the last bound (the `+Inf` bucket is always there, so you may leave it out)",
                Bound(at, show)
            ),
            BucketError::NotIncreasing { at, after } => write!(
                f,
                "bounds must be strictly increasing, but `{}` follows `{}`; sort the bounds and remove duplicates",
                Bound(at, show),
                Bound(after, show)
            ),
        }
    }
}

/// Every mistake in `bounds`, in order (an empty iterator: the list is valid).
///
/// ```
/// use promenade_rules::buckets::{errors, BucketError};
/// assert_eq!(errors(&[0.1, 0.5, f64::INFINITY]).next(), None);
/// assert_eq!(errors(&[]).next(), Some(BucketError::NoFiniteBound));
/// assert_eq!(
///     errors(&[1.0, 0.5, f64::NAN]).collect::<Vec<_>>(),
///     [BucketError::NotIncreasing { at: 1, after: 0 }, BucketError::NotFinite { at: 2 }]
/// );
/// ```
pub fn errors(bounds: &[f64]) -> impl Iterator<Item = BucketError> + '_ {
    let last = bounds.len().checked_sub(1);
    let mut previous: Option<usize> = None;
    let mut finite = 0usize;
    let mut i = 0usize;
    let mut done = false;
    core::iter::from_fn(move || loop {
        if i == bounds.len() {
            if done {
                return None;
            }
            done = true;
            if finite == 0 {
                return Some(BucketError::NoFiniteBound);
            }
            return None;
        }
        let (at, b) = (i, bounds[i]);
        i += 1;
        if b == f64::INFINITY {
            if Some(at) != last {
                return Some(BucketError::InfinityNotLast { at });
            }
            continue;
        }
        if !b.is_finite() {
            return Some(BucketError::NotFinite { at });
        }
        finite += 1;
        let after = previous.replace(at);
        if let Some(after) = after.filter(|&p| bounds[p] >= b) {
            return Some(BucketError::NotIncreasing { at, after });
        }
    })
}

/// The finite bounds of a valid list: the list without its final `+Inf`, if it has one.
pub fn finite(bounds: &[f64]) -> &[f64] {
    match bounds.split_last() {
        Some((last, rest)) if *last == f64::INFINITY => rest,
        _ => bounds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;
    use std::vec::Vec;

    fn all(bounds: &[f64]) -> Vec<BucketError> {
        errors(bounds).collect()
    }

    #[test]
    fn the_rule() {
        assert_eq!(all(&[0.1]), []);
        assert_eq!(all(&[-1.0, 0.0, 1.0]), []);
        assert_eq!(all(&[1.0, f64::INFINITY]), []);
        assert_eq!(all(&[f64::INFINITY]), [BucketError::NoFiniteBound]);
        assert_eq!(
            all(&[f64::INFINITY, 1.0]),
            [BucketError::InfinityNotLast { at: 0 }]
        );
        assert_eq!(
            all(&[f64::NEG_INFINITY, 1.0]),
            [BucketError::NotFinite { at: 0 }]
        );
        assert_eq!(
            all(&[1.0, 1.0, 0.5]),
            [
                BucketError::NotIncreasing { at: 1, after: 0 },
                BucketError::NotIncreasing { at: 2, after: 1 }
            ]
        );
        assert_eq!(finite(&[1.0, f64::INFINITY]), [1.0]);
        assert_eq!(finite(&[1.0]), [1.0]);
    }

    #[test]
    fn messages() {
        let bounds = ["1.0", "0.5"];
        let show = |i: usize, f: &mut fmt::Formatter<'_>| f.write_str(bounds[i]);
        let e = BucketError::NotIncreasing { at: 1, after: 0 };
        assert_eq!(
            e.message(&show).to_string(),
            "invalid histogram buckets: bounds must be strictly increasing, but `0.5` follows `1.0`; sort the bounds and remove duplicates"
        );
    }
}
