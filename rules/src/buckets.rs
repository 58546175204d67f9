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

/// One piece of a message: words, or the bound at a position, which each caller spells its
/// own way (as written, at compile time; as Prometheus spells numbers, at run time; as
/// `CONST[i]`, in a const check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece {
    /// Words, as they are.
    Words(&'static str),
    /// The bound at this position in the list.
    Bound(usize),
}

impl BucketError {
    /// The [`reason`](Self::reason) as pieces (a const check cannot format, but it can
    /// append each piece); unused pieces at the end are empty words.
    pub const fn pieces(self) -> [Piece; 5] {
        use Piece::{Bound, Words};
        match self {
            BucketError::NoFiniteBound => [
                Words("at least one finite bound is needed (the `+Inf` bucket is implied), like `[0.1, 0.5, 1.0]`"),
                Words(""),
                Words(""),
                Words(""),
                Words(""),
            ],
            BucketError::NotFinite { at } => [
                Words("`"),
                Bound(at),
                Words("` is not a bucket bound: bounds are finite numbers (the `+Inf` bucket is implied)"),
                Words(""),
                Words(""),
            ],
            BucketError::InfinityNotLast { at } => [
                Words("`"),
                Bound(at),
                Words("` can only be the last bound (the `+Inf` bucket is always there, so you may leave it out)"),
                Words(""),
                Words(""),
            ],
            BucketError::NotIncreasing { at, after } => [
                Words("bounds must be strictly increasing, but `"),
                Bound(at),
                Words("` follows `"),
                Bound(after),
                Words("`; sort the bounds and remove duplicates"),
            ],
        }
    }
}

struct Message<'a, S> {
    error: BucketError,
    show: &'a S,
    prefixed: bool,
}

impl<S: Fn(usize, &mut fmt::Formatter<'_>) -> fmt::Result> fmt::Display for Message<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.prefixed {
            write!(f, "{INVALID}: ")?;
        }
        for piece in self.error.pieces() {
            match piece {
                Piece::Words(w) => f.write_str(w)?,
                Piece::Bound(i) => (self.show)(i, f)?,
            }
        }
        Ok(())
    }
}

/// The mistake of the bound at `at`, if it has one, given the position of the last finite
/// bound before it (`previous`). The one step of [`errors`] and [`first_error`].
const fn error_at(bounds: &[f64], at: usize, previous: Option<usize>) -> Option<BucketError> {
    let b = bounds[at];
    if b == f64::INFINITY {
        if at + 1 != bounds.len() {
            return Some(BucketError::InfinityNotLast { at });
        }
        return None;
    }
    if !b.is_finite() {
        return Some(BucketError::NotFinite { at });
    }
    match previous {
        Some(after) if bounds[after] >= b => Some(BucketError::NotIncreasing { at, after }),
        _ => None,
    }
}

/// The first mistake in `bounds` (`None`: the list is valid), usable in const context, so
/// the derive checks a `buckets = SOME_CONST` at compile time by the same rule.
///
/// ```
/// use promenade_rules::buckets::{first_error, BucketError};
/// const BAD: Option<BucketError> = first_error(&[1.0, 0.5]);
/// assert_eq!(BAD, Some(BucketError::NotIncreasing { at: 1, after: 0 }));
/// assert_eq!(first_error(&[0.1, f64::INFINITY]), None);
/// ```
pub const fn first_error(bounds: &[f64]) -> Option<BucketError> {
    let mut previous = None;
    let mut i = 0;
    while i < bounds.len() {
        if let Some(e) = error_at(bounds, i, previous) {
            return Some(e);
        }
        if bounds[i].is_finite() {
            previous = Some(i);
        }
        i += 1;
    }
    match previous {
        None => Some(BucketError::NoFiniteBound),
        Some(_) => None,
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
    let mut previous: Option<usize> = None;
    let mut i = 0usize;
    let mut done = false;
    core::iter::from_fn(move || loop {
        if i == bounds.len() {
            if done {
                return None;
            }
            done = true;
            return previous.is_none().then_some(BucketError::NoFiniteBound);
        }
        let at = i;
        i += 1;
        let error = error_at(bounds, at, previous);
        if bounds[at].is_finite() {
            previous = Some(at);
        }
        if error.is_some() {
            return error;
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

/// The most bounds `linear(..)` and `exponential(..)` generate: every bound is a series per
/// label set, so a count beyond this is a mistake (a typo, an overflowed computation)
/// rather than a histogram anyone can scrape.
pub const MAX_GENERATED: usize = 1024;

/// How generated bounds are spaced: `linear(start, width, count)` or
/// `exponential(start, factor, count)`, as `#[metric(buckets = ...)]` writes them and
/// `Buckets::linear`/`Buckets::exponential` take them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spacing {
    /// `start, start + width, start + 2 × width, …`.
    Linear,
    /// `start, start × factor, start × factor², …`.
    Exponential,
}

impl Spacing {
    /// How the form is written: `linear`, `exponential`.
    pub const fn name(self) -> &'static str {
        match self {
            Spacing::Linear => "linear",
            Spacing::Exponential => "exponential",
        }
    }

    /// What the second argument is called: `width`, `factor`.
    pub const fn step_name(self) -> &'static str {
        match self {
            Spacing::Linear => "width",
            Spacing::Exponential => "factor",
        }
    }

    /// The bound at position `i`: `start + width × i`, or `start × factorⁱ` with `factorⁱ`
    /// multiplied out (no `powi`, whose result may differ between a compile-time and a
    /// run-time evaluation), so the macros and the runtime compute the same values.
    ///
    /// ```
    /// use promenade_rules::buckets::Spacing;
    /// assert_eq!(Spacing::Exponential.bound(0.01, 2.0, 3), 0.08);
    /// assert_eq!(Spacing::Linear.bound(1.0, 0.5, 2), 2.0);
    /// ```
    pub fn bound(self, start: f64, step: f64, i: usize) -> f64 {
        match self {
            Spacing::Linear => start + step * i as f64,
            Spacing::Exponential => {
                let mut power = 1.0;
                for _ in 0..i {
                    power *= step;
                }
                start * power
            }
        }
    }

    /// What is wrong with these arguments, if anything: a count of 0 or above
    /// [`MAX_GENERATED`], a non-finite start or step, a width that is not positive, an
    /// exponential start that is not positive or a factor not above 1, or bounds that grow
    /// past the largest `f64`. (Bounds that rounding makes equal are the list rule's, see
    /// [`errors`].)
    pub fn check(self, start: f64, step: f64, count: usize) -> Option<GeneratedError> {
        let e = |reason| {
            Some(GeneratedError {
                spacing: self,
                reason,
                start,
                step,
                count,
            })
        };
        if count == 0 {
            return e(GeneratedReason::NoCount);
        }
        if count > MAX_GENERATED {
            return e(GeneratedReason::TooMany);
        }
        if !start.is_finite() {
            return e(GeneratedReason::StartNotFinite);
        }
        if !step.is_finite() {
            return e(GeneratedReason::StepNotFinite);
        }
        match self {
            Spacing::Linear if step <= 0.0 => return e(GeneratedReason::Step),
            Spacing::Exponential if start <= 0.0 => return e(GeneratedReason::Start),
            Spacing::Exponential if step <= 1.0 => return e(GeneratedReason::Step),
            _ => {}
        }
        if !self.bound(start, step, count - 1).is_finite() {
            return e(GeneratedReason::Overflow);
        }
        None
    }
}

/// Why generated bounds cannot be made (see [`Spacing::check`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeneratedError {
    /// The form.
    pub spacing: Spacing,
    /// What is wrong.
    pub reason: GeneratedReason,
    /// The arguments as given.
    pub start: f64,
    /// The width or factor as given.
    pub step: f64,
    /// The count as given.
    pub count: usize,
}

/// What is wrong with the arguments of generated bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeneratedReason {
    /// A count of 0.
    NoCount,
    /// A count above [`MAX_GENERATED`].
    TooMany,
    /// The start is NaN or infinite.
    StartNotFinite,
    /// The width or factor is NaN or infinite.
    StepNotFinite,
    /// An exponential start that is not positive.
    Start,
    /// A width that is not positive, or a factor not above 1.
    Step,
    /// The last bound is past the largest `f64`.
    Overflow,
}

impl GeneratedError {
    /// Which argument is wrong: 0 the start, 1 the width or factor, 2 the count (where a
    /// macro shows the message).
    pub const fn argument(&self) -> usize {
        match self.reason {
            GeneratedReason::NoCount | GeneratedReason::TooMany | GeneratedReason::Overflow => 2,
            GeneratedReason::StartNotFinite | GeneratedReason::Start => 0,
            GeneratedReason::StepNotFinite | GeneratedReason::Step => 1,
        }
    }
}

impl fmt::Display for GeneratedError {
    /// The reason, without the `invalid histogram buckets: ` start (each caller's error
    /// type adds it): `` `exponential` buckets need a factor greater than 1, got `1` ``.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (form, step) = (self.spacing.name(), self.spacing.step_name());
        match self.reason {
            GeneratedReason::NoCount => {
                write!(f, "`{form}` buckets need a count of at least 1")
            }
            GeneratedReason::TooMany => write!(
                f,
                "`{form}` buckets take at most {MAX_GENERATED} bounds, not {} (each bound is one more series per label set); use a smaller count",
                self.count
            ),
            GeneratedReason::StartNotFinite => {
                write!(f, "`{form}` buckets need a finite start")
            }
            GeneratedReason::StepNotFinite => {
                write!(f, "`{form}` buckets need a finite {step}")
            }
            GeneratedReason::Start => write!(
                f,
                "`{form}` buckets need a positive start, got `{}`",
                self.start
            ),
            GeneratedReason::Step if self.spacing == Spacing::Linear => write!(
                f,
                "`{form}` buckets need a positive {step}, got `{}`",
                self.step
            ),
            GeneratedReason::Step => write!(
                f,
                "`{form}` buckets need a {step} greater than 1, got `{}`",
                self.step
            ),
            GeneratedReason::Overflow => write!(
                f,
                "`{form}` buckets with these arguments grow past the largest `f64` before the last of their {} bounds; use a smaller start, {step} or count",
                self.count
            ),
        }
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
        // The const form finds the first of the same mistakes.
        for list in [
            &[0.1][..],
            &[f64::INFINITY],
            &[f64::INFINITY, 1.0],
            &[f64::NAN],
            &[1.0, 1.0, 0.5],
            &[],
        ] {
            assert_eq!(first_error(list), errors(list).next(), "{list:?}");
        }
        assert_eq!(finite(&[1.0]), [1.0]);
    }

    #[test]
    fn generated_bounds() {
        use GeneratedReason::*;
        let reason = |s: Spacing, a: f64, b: f64, n: usize| s.check(a, b, n).map(|e| e.reason);
        assert_eq!(reason(Spacing::Linear, 0.0, 1.0, 1), None);
        assert_eq!(reason(Spacing::Linear, -5.0, 1.0, MAX_GENERATED), None);
        assert_eq!(reason(Spacing::Linear, 0.0, 1.0, 0), Some(NoCount));
        assert_eq!(
            reason(Spacing::Linear, 0.0, 1.0, MAX_GENERATED + 1),
            Some(TooMany)
        );
        assert_eq!(reason(Spacing::Linear, 0.0, 1.0, usize::MAX), Some(TooMany));
        assert_eq!(
            reason(Spacing::Linear, f64::NAN, 1.0, 3),
            Some(StartNotFinite)
        );
        assert_eq!(
            reason(Spacing::Linear, 0.0, f64::INFINITY, 3),
            Some(StepNotFinite)
        );
        assert_eq!(reason(Spacing::Linear, 0.0, 0.0, 3), Some(Step));
        assert_eq!(reason(Spacing::Linear, 1e308, 1e308, 3), Some(Overflow));
        assert_eq!(reason(Spacing::Exponential, 0.0, 2.0, 3), Some(Start));
        assert_eq!(reason(Spacing::Exponential, 1.0, 1.0, 3), Some(Step));
        assert_eq!(
            reason(Spacing::Exponential, 1e300, 10.0, 10),
            Some(Overflow)
        );
        let e = Spacing::Exponential.check(0.01, 1.0, 11).unwrap();
        assert_eq!(
            e.to_string(),
            "`exponential` buckets need a factor greater than 1, got `1`"
        );
        assert_eq!(e.argument(), 1);
        // factor^i multiplied out: exact for powers of two.
        let b: Vec<f64> = (0..11)
            .map(|i| Spacing::Exponential.bound(0.01, 2.0, i))
            .collect();
        assert_eq!(b[10], 10.24);
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
