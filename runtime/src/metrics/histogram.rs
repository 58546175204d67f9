use super::cell::Counts;
use std::fmt;
use std::sync::{Arc, OnceLock};

use super::{CreatedAt, Exemplar, ExemplarCell, ExemplarLabels, Metric};
use crate::Error;

/// The Python client's default bucket bounds (seconds, for request latencies); `+Inf` is
/// implied.
pub const DEFAULT_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// A validated list of histogram bucket upper bounds: finite (negative ones too),
/// strictly increasing, at least one; NaN and `-Inf` are refused. The `+Inf` bucket is
/// implied and never listed (a trailing `+Inf` given to [`Buckets::new`] is accepted and
/// dropped). The same rule, in the same words, checks `buckets = [...]` of
/// `#[derive(Metrics)]` and the function attributes at compile time.
///
/// Cheap to clone (shared).
#[derive(Clone, PartialEq)]
pub struct Buckets {
    bounds: Arc<[f64]>,
}

impl Buckets {
    /// Validates `bounds`.
    ///
    /// ```
    /// use promenade::Buckets;
    /// assert!(Buckets::new([0.1, 0.5, 1.0]).is_ok());
    /// assert!(Buckets::new([0.1, 0.5, f64::INFINITY]).is_ok()); // +Inf is implied anyway
    /// assert_eq!(
    ///     Buckets::new([1.0, 0.5]).unwrap_err().to_string(),
    ///     "invalid histogram buckets: bounds must be strictly increasing, but `0.5` follows `1.0`; sort the bounds and remove duplicates"
    /// );
    /// assert_eq!(
    ///     Buckets::new([0.1, f64::NAN]).unwrap_err().to_string(),
    ///     "invalid histogram buckets: `NaN` is not a bucket bound: bounds are finite numbers (the `+Inf` bucket is implied)"
    /// );
    /// ```
    pub fn new(bounds: impl IntoIterator<Item = f64>) -> Result<Self, Error> {
        let list: Vec<f64> = bounds.into_iter().collect();
        check_bounds(&list)?;
        Ok(Buckets {
            bounds: promenade_rules::buckets::finite(&list).into(),
        })
    }

    /// The most bounds [`linear`](Self::linear) and [`exponential`](Self::exponential)
    /// make (each bound is one more series per label set); a larger count is an `Err`. The
    /// derive's `buckets = linear(..)` and `exponential(..)` have the same limit.
    pub const MAX_GENERATED: usize = promenade_rules::buckets::MAX_GENERATED;

    /// `count` bounds `start, start + width, …` (`start + width × i`, as
    /// `#[metric(buckets = linear(start, width, count))]` computes them).
    ///
    /// An `Err` for a count of 0 or above [`MAX_GENERATED`](Self::MAX_GENERATED), a width
    /// that is not positive, non-finite arguments, or bounds past the largest `f64`.
    ///
    /// ```
    /// let b = promenade::Buckets::linear(1.0, 0.5, 3).unwrap();
    /// assert_eq!(b.bounds(), &[1.0, 1.5, 2.0]);
    /// assert_eq!(
    ///     promenade::Buckets::linear(0.0, 1.0, usize::MAX).unwrap_err().to_string(),
    ///     "invalid histogram buckets: `linear` buckets take at most 1024 bounds, not 18446744073709551615 (each bound is one more series per label set); use a smaller count"
    /// );
    /// ```
    pub fn linear(start: f64, width: f64, count: usize) -> Result<Self, Error> {
        Buckets::generated(
            promenade_rules::buckets::Spacing::Linear,
            start,
            width,
            count,
        )
    }

    /// `count` bounds `start, start × factor, start × factor², …` (each power multiplied
    /// out, as `#[metric(buckets = exponential(start, factor, count))]` computes them, so
    /// both give the same bounds).
    ///
    /// An `Err` for a count of 0 or above [`MAX_GENERATED`](Self::MAX_GENERATED), a start
    /// that is not positive, a factor not above 1, non-finite arguments, or bounds past
    /// the largest `f64`.
    ///
    /// ```
    /// let b = promenade::Buckets::exponential(0.01, 2.0, 4).unwrap();
    /// assert_eq!(b.bounds(), &[0.01, 0.02, 0.04, 0.08]);
    /// assert_eq!(
    ///     promenade::Buckets::exponential(0.01, 1.0, 4).unwrap_err().to_string(),
    ///     "invalid histogram buckets: `exponential` buckets need a factor greater than 1, got `1`"
    /// );
    /// assert!(promenade::Buckets::exponential(0.0, 2.0, 3).is_err());
    /// ```
    pub fn exponential(start: f64, factor: f64, count: usize) -> Result<Self, Error> {
        Buckets::generated(
            promenade_rules::buckets::Spacing::Exponential,
            start,
            factor,
            count,
        )
    }

    /// The bounds of `linear` or `exponential`, by the rule the derive applies.
    fn generated(
        spacing: promenade_rules::buckets::Spacing,
        start: f64,
        step: f64,
        count: usize,
    ) -> Result<Self, Error> {
        if let Some(e) = spacing.check(start, step, count) {
            return Err(Error::InvalidBuckets(e.to_string().into()));
        }
        Buckets::new((0..count).map(|i| spacing.bound(start, step, i)))
    }

    /// The finite upper bounds, ascending.
    pub fn bounds(&self) -> &[f64] {
        &self.bounds
    }
}

/// The shared bucket rule (`promenade_rules::buckets`) over `bounds` as given: the first
/// mistake, each bound spelled as the exposition spells numbers.
pub(crate) fn check_bounds(bounds: &[f64]) -> Result<(), Error> {
    match promenade_rules::buckets::errors(bounds).next() {
        None => Ok(()),
        Some(e) => Err(Error::InvalidBuckets(bucket_reason(e, bounds).into())),
    }
}

/// `e`'s reason, each bound spelled as the exposition spells numbers (`0.5`, `+Inf`, `NaN`).
pub(crate) fn bucket_reason(e: promenade_rules::buckets::BucketError, bounds: &[f64]) -> String {
    let show = |i: usize, f: &mut fmt::Formatter<'_>| {
        let mut s = String::new();
        crate::number::write_f64(&mut s, bounds[i]);
        f.write_str(&s)
    };
    let reason = e.reason(&show).to_string();
    reason
}

impl Default for Buckets {
    /// [`DEFAULT_BUCKETS`].
    fn default() -> Self {
        Buckets {
            bounds: DEFAULT_BUCKETS.into(),
        }
    }
}

impl fmt::Debug for Buckets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.bounds.iter()).finish()
    }
}

/// Observations counted in buckets, with their sum.
///
/// `observe` is lock-free: a search for the bucket, one `fetch_add` on it, and a
/// compare-and-swap loop adding to the sum. The count is not stored separately: it is the
/// sum of the buckets, read in one pass, so an exposition never shows a `+Inf` bucket that
/// differs from `_count`, however many threads observe meanwhile.
///
/// ```
/// use promenade::{Buckets, Histogram};
/// let h = Histogram::new(Buckets::new([1.0, 5.0]).unwrap());
/// h.observe(0.5);
/// h.observe(3.0);
/// let s = h.snapshot();
/// assert_eq!(s.cumulative_counts(), &[1, 2, 2]); // le=1, le=5, le=+Inf
/// assert_eq!((s.count(), s.sum()), (2, 3.5));
/// ```
///
/// It records its creation time (`_created` in OpenMetrics). Exemplars
/// ([`observe_with_exemplar`](Self::observe_with_exemplar)) keep the latest one per bucket;
/// their slots are allocated at the first exemplar, so a histogram that never gets one
/// pays only for an empty `OnceLock`.
pub struct Histogram {
    buckets: Buckets,
    /// One counter per bound plus one for `+Inf` (not cumulative), and the sum.
    counts: Counts,
    created: CreatedAt,
    exemplars: OnceLock<Box<[ExemplarCell]>>,
    /// Multiprocess mode: the exemplars' slots in this process' file.
    #[cfg(feature = "multiprocess")]
    shared_exemplars: super::exemplar::SharedExemplars,
}

impl Histogram {
    /// An empty histogram with these buckets.
    pub fn new(buckets: Buckets) -> Self {
        let counts = Counts::new(buckets.bounds.len() + 1);
        Histogram {
            buckets,
            counts,
            created: CreatedAt::now(),
            exemplars: OnceLock::new(),
            #[cfg(feature = "multiprocess")]
            shared_exemplars: Default::default(),
        }
    }

    #[inline]
    fn bucket_of(&self, v: f64) -> usize {
        let bounds = self.buckets.bounds();
        // Buckets are upper-inclusive (`le`): the first bound >= v. NaN compares false
        // everywhere, so it lands past the end, in +Inf.
        bounds.iter().position(|b| v <= *b).unwrap_or(bounds.len())
    }

    /// Records one observation. NaN is counted in the `+Inf` bucket (and makes the sum NaN).
    #[inline]
    pub fn observe(&self, v: f64) {
        self.counts.record(self.bucket_of(v), v);
    }

    /// Records one observation and keeps `labels` (with `v` and the current time) as the
    /// exemplar of its bucket, replacing the bucket's previous one.
    ///
    /// An exemplar's value must be finite and fall inside its bucket (OpenMetrics): for
    /// NaN or an infinite `v` the observation is counted but no exemplar is kept (the
    /// bucket keeps its previous one).
    pub fn observe_with_exemplar(&self, v: f64, labels: &ExemplarLabels) {
        let index = self.bucket_of(v);
        self.counts.record(index, v);
        if !v.is_finite() {
            return;
        }
        let cells = self.exemplars.get_or_init(|| {
            (0..self.counts.len())
                .map(|_| ExemplarCell::default())
                .collect()
        });
        cells[index].store(labels, v);
        #[cfg(feature = "multiprocess")]
        self.shared_exemplars.store(index, labels, v);
    }

    /// The latest exemplar of each bucket (one per bound, then `+Inf`).
    pub fn exemplars(&self) -> Vec<Option<Exemplar>> {
        let mut out = Vec::new();
        self.exemplars_into(&mut out);
        out.resize(self.counts.len(), None);
        out
    }

    /// Copies the buckets' exemplars into `out`, reusing its strings; leaves `out` empty
    /// when no exemplar was ever recorded.
    pub(crate) fn exemplars_into(&self, out: &mut Vec<Option<Exemplar>>) {
        match self.exemplars.get() {
            None => out.clear(),
            Some(cells) => {
                out.resize(cells.len(), None);
                for (cell, slot) in cells.iter().zip(out.iter_mut()) {
                    cell.read_into(slot);
                }
            }
        }
    }

    /// When the histogram was created or last reset, in seconds since the epoch.
    pub fn created(&self) -> f64 {
        self.created.get()
    }

    /// Empties every bucket, zeroes the sum, forgets the exemplars and records a new
    /// creation time. Observations racing with a reset may land on either side of it.
    pub fn reset(&self) {
        self.counts.reset();
        if let Some(cells) = self.exemplars.get() {
            cells.iter().for_each(ExemplarCell::clear);
        }
        self.created.reset();
    }

    /// The buckets.
    pub fn buckets(&self) -> &Buckets {
        &self.buckets
    }

    /// A consistent reading: cumulative bucket counts whose last (`+Inf`) entry is the count.
    pub fn snapshot(&self) -> HistogramSnapshot<'_> {
        let mut cumulative = Vec::with_capacity(self.counts.len());
        self.cumulative_into(&mut cumulative);
        HistogramSnapshot {
            bounds: self.buckets.bounds(),
            cumulative,
            sum: self.sum(),
        }
    }

    /// Writes the cumulative counts (one per bound, then `+Inf`) into `out`, replacing its
    /// contents; lets encoders reuse one buffer across series.
    pub fn cumulative_into(&self, out: &mut Vec<u64>) {
        out.clear();
        let mut total = 0u64;
        for i in 0..self.counts.len() {
            total += self.counts.count(i);
            out.push(total);
        }
    }

    /// The sum of all observations.
    pub fn sum(&self) -> f64 {
        self.counts.sum()
    }

    /// Multiprocess mode: the counts and sum move to `cells`.
    #[cfg(feature = "multiprocess")]
    pub(crate) fn bind_cells(
        &self,
        family: &crate::multiprocess::FamilyBinding,
        labels: &dyn crate::labels::EncodeLabels,
    ) -> Option<crate::multiprocess::SeriesCells> {
        let (cells, bound) = self
            .counts
            .bind_series(self.buckets.bounds(), family, labels)?;
        if bound {
            self.shared_exemplars.bind(cells.offset, self.counts.len());
        }
        Some(cells)
    }
}

impl Metric for Histogram {
    type Config = Buckets;
    fn with_config(config: &Buckets) -> Self {
        Histogram::new(config.clone())
    }
    fn reset(&self) {
        Histogram::reset(self)
    }
    #[cfg(feature = "multiprocess")]
    fn bind_series(
        &self,
        family: &Arc<crate::multiprocess::FamilyBinding>,
        labels: &dyn crate::labels::EncodeLabels,
    ) -> Option<crate::multiprocess::SeriesCells> {
        self.bind_cells(family, labels)
    }
}

impl fmt::Debug for Histogram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.snapshot();
        f.debug_struct("Histogram")
            .field("buckets", &self.buckets)
            .field("cumulative", &s.cumulative)
            .field("sum", &s.sum)
            .finish()
    }
}

/// A reading of a [`Histogram`] taken in one pass.
#[derive(Debug, Clone, PartialEq)]
pub struct HistogramSnapshot<'a> {
    bounds: &'a [f64],
    cumulative: Vec<u64>,
    sum: f64,
}

impl HistogramSnapshot<'_> {
    /// The finite bounds.
    pub fn bounds(&self) -> &[f64] {
        self.bounds
    }
    /// Cumulative counts, one per bound and a last one for `+Inf`.
    pub fn cumulative_counts(&self) -> &[u64] {
        &self.cumulative
    }
    /// The number of observations (equal to the `+Inf` bucket).
    pub fn count(&self) -> u64 {
        self.cumulative.last().copied().unwrap_or(0)
    }
    /// The sum of the observations.
    pub fn sum(&self) -> f64 {
        self.sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_validation() {
        assert!(Buckets::new([]).is_err());
        assert!(Buckets::new([f64::INFINITY]).is_err());
        assert!(Buckets::new([f64::NAN]).is_err());
        assert!(Buckets::new([f64::NEG_INFINITY, 1.0]).is_err());
        assert!(Buckets::new([1.0, 1.0]).is_err());
        assert!(Buckets::new([-1.0, 0.0, 1.0]).is_ok());
        assert!(Buckets::linear(0.0, 0.0, 3).is_err());
        assert!(Buckets::linear(0.0, f64::NAN, 3).is_err());
        assert!(Buckets::linear(0.0, 1.0, 0).is_err());
        assert!(Buckets::exponential(1.0, 1.0, 3).is_err());
        assert!(
            Buckets::exponential(1.0, 2.0, 2000).is_err(),
            "overflows to +Inf"
        );
        assert_eq!(Buckets::default().bounds(), DEFAULT_BUCKETS);
    }

    #[test]
    fn observations_land_in_upper_inclusive_buckets() {
        let h = Histogram::new(Buckets::new([1.0, 2.0]).unwrap());
        for v in [0.0, 1.0, 1.5, 2.0, 2.5, f64::NAN, f64::INFINITY, -5.0] {
            h.observe(v);
        }
        let s = h.snapshot();
        assert_eq!(s.cumulative_counts(), &[3, 5, 8]);
        assert_eq!(s.count(), 8);
        assert!(s.sum().is_nan());
    }
}
