use super::cell::Counts;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{CreatedAt, Metric};
use crate::Error;

/// What a [`Summary`] computes quantiles over: the objectives (`0.5`, `0.9`, `0.99`…), a
/// sliding time window of `max_age` split into `age_buckets` slices, and at most
/// `max_samples` observations kept per slice.
///
/// # Memory bound
/// A summary with quantiles keeps at most `age_buckets × max_samples` observations
/// (8 bytes each, plus a few words per slice), whatever the observation rate: with the
/// defaults (10 minutes, 5 slices, 500 samples) that is 20 000 bytes per series. Below
/// `max_samples` observations per slice the quantiles are exact over the window; above
/// it each slice keeps a uniform random sample (reservoir sampling) and every kept
/// observation stands for `seen / kept` of them, so quantiles are estimates whose error
/// shrinks with `max_samples`.
///
/// ```
/// use promenade::metrics::Quantiles;
/// use std::time::Duration;
/// let q = Quantiles::new([0.5, 0.9, 0.99]).unwrap()
///     .max_age(Duration::from_secs(60)).unwrap()
///     .age_buckets(3).unwrap()
///     .max_samples(1000).unwrap();
/// assert_eq!(q.objectives(), &[0.5, 0.9, 0.99]);
/// assert!(Quantiles::new([1.5]).is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Quantiles {
    objectives: Arc<[f64]>,
    max_age: Duration,
    age_buckets: usize,
    max_samples: usize,
}

impl Quantiles {
    /// Quantiles for these objectives, each in `[0, 1]`, strictly increasing; a window of
    /// 10 minutes in 5 slices, 500 samples per slice.
    pub fn new(objectives: impl IntoIterator<Item = f64>) -> Result<Self, Error> {
        let list: Vec<f64> = objectives.into_iter().collect();
        if list.is_empty() {
            return Err(Error::InvalidValue(
                "a summary's quantiles need at least one objective".into(),
            ));
        }
        for (i, q) in list.iter().enumerate() {
            if !(0.0..=1.0).contains(q) {
                return Err(Error::InvalidValue(
                    format!("quantile objective {q} is not between 0 and 1").into(),
                ));
            }
            if i > 0 && list[i - 1] >= *q {
                return Err(Error::InvalidValue(
                    format!(
                        "quantile objectives must be strictly increasing, but {q} follows {}",
                        list[i - 1]
                    )
                    .into(),
                ));
            }
        }
        Ok(Quantiles {
            objectives: list.into(),
            max_age: Duration::from_secs(600),
            age_buckets: 5,
            max_samples: 500,
        })
    }

    /// How long an observation counts towards the quantiles (at least 1 ms).
    ///
    /// The window moves a slice at a time, so an observation counts for between
    /// `(age_buckets - 1) / age_buckets × max_age` and `max_age`: with 5 age buckets
    /// and 10 minutes, for 8 to 10 minutes, depending on where in its slice it fell.
    pub fn max_age(mut self, max_age: Duration) -> Result<Self, Error> {
        if max_age < Duration::from_millis(1) {
            return Err(Error::InvalidValue(
                format!("a summary's max_age must be at least 1ms, got {max_age:?}").into(),
            ));
        }
        self.max_age = max_age;
        Ok(self)
    }

    /// How many slices the window moves by (1 to 1000): the window forgets a slice at a
    /// time, every `max_age / age_buckets`.
    pub fn age_buckets(mut self, age_buckets: usize) -> Result<Self, Error> {
        if !(1..=1000).contains(&age_buckets) {
            return Err(Error::InvalidValue(
                format!("a summary needs 1 to 1000 age buckets, got {age_buckets}").into(),
            ));
        }
        self.age_buckets = age_buckets;
        Ok(self)
    }

    /// How many observations each slice keeps at most (1 to 1 000 000).
    pub fn max_samples(mut self, max_samples: usize) -> Result<Self, Error> {
        if !(1..=1_000_000).contains(&max_samples) {
            return Err(Error::InvalidValue(
                format!("a summary keeps 1 to 1000000 samples per age bucket, got {max_samples}")
                    .into(),
            ));
        }
        self.max_samples = max_samples;
        Ok(self)
    }

    /// The quantiles reported, ascending.
    pub fn objectives(&self) -> &[f64] {
        &self.objectives
    }
}

/// Observations counted with their sum (the Python client's `Summary`) and, when built
/// with [`Quantiles`], quantiles over a sliding time window.
///
/// Without quantiles `observe` is two atomic operations, like a histogram's. With them it
/// also takes the window's lock for a push into a vector (never while other code runs).
///
/// # Negative and NaN observations
/// Any value can be observed, and [`count`](Self::count), [`sum`](Self::sum) and
/// [`quantile_values`](Self::quantile_values) report what was recorded; text 0.0.4 shows
/// it as is. OpenMetrics forbids a negative or NaN `_sum` (it is a counter), wants
/// `_count` exactly when `_sum`, and forbids negative quantile values (NaN means "no
/// data"), so its exposition leaves out:
/// - `_sum` and `_count` together while the sum is negative or NaN;
/// - each quantile whose value is negative (the others stay; a NaN quantile stays).
///
/// ```
/// use promenade::{metrics::Quantiles, Summary};
/// let s = Summary::with_quantiles(Quantiles::new([0.5, 1.0]).unwrap());
/// for v in 1..=9 {
///     s.observe(f64::from(v));
/// }
/// assert_eq!((s.count(), s.sum()), (9, 45.0));
/// assert_eq!(s.quantile_values(), vec![(0.5, 5.0), (1.0, 9.0)]);
/// ```
pub struct Summary {
    /// The count (one "bucket") and the sum.
    counts: Counts,
    created: CreatedAt,
    window: Option<Box<Window>>,
}

impl Summary {
    /// A summary of count and sum only.
    pub fn new() -> Self {
        Summary {
            counts: Counts::new(1),
            created: CreatedAt::now(),
            window: None,
        }
    }

    /// A summary that also reports `quantiles`.
    pub fn with_quantiles(quantiles: Quantiles) -> Self {
        Summary {
            window: Some(Box::new(Window::new(quantiles))),
            ..Summary::new()
        }
    }

    /// Records one observation.
    #[inline]
    pub fn observe(&self, v: f64) {
        self.counts.record(0, v);
        if let Some(w) = &self.window {
            w.observe(v);
        }
    }

    /// The number of observations.
    pub fn count(&self) -> u64 {
        self.counts.count(0)
    }

    /// The sum of the observations.
    pub fn sum(&self) -> f64 {
        self.counts.sum()
    }

    /// Multiprocess mode: the count and sum move to `cells` (the quantiles stay in the
    /// process: they cannot be summed).
    #[cfg(feature = "multiprocess")]
    pub(crate) fn bind_cells(
        &self,
        family: &crate::multiprocess::FamilyBinding,
        labels: &dyn crate::labels::EncodeLabels,
    ) -> Option<crate::multiprocess::SeriesCells> {
        self.counts
            .bind_series(&[], family, labels)
            .map(|(cells, _)| cells)
    }

    /// When the summary was created or last reset, in seconds since the epoch.
    pub fn created(&self) -> f64 {
        self.created.get()
    }

    /// The quantile objectives, if the summary has any.
    pub fn quantiles(&self) -> Option<&Quantiles> {
        self.window.as_deref().map(|w| &w.config)
    }

    /// `(objective, value)` for each objective over the current window; NaN values when
    /// the window is empty, nothing when the summary has no quantiles.
    pub fn quantile_values(&self) -> Vec<(f64, f64)> {
        let (mut weighted, mut out) = (Vec::new(), Vec::new());
        self.quantiles_into(&mut weighted, &mut out);
        out
    }

    /// [`quantile_values`](Self::quantile_values) into caller-owned buffers.
    pub(crate) fn quantiles_into(&self, weighted: &mut Vec<(f64, f64)>, out: &mut Vec<(f64, f64)>) {
        out.clear();
        if let Some(w) = &self.window {
            w.quantiles_into(weighted, out);
        }
    }

    /// Zeroes count and sum, empties the window and records a new creation time.
    pub fn reset(&self) {
        self.counts.reset();
        if let Some(w) = &self.window {
            w.clear();
        }
        self.created.reset();
    }
}

impl Default for Summary {
    fn default() -> Self {
        Summary::new()
    }
}

impl fmt::Debug for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Summary")
            .field("count", &self.count())
            .field("sum", &self.sum())
            .field("quantiles", &self.quantiles())
            .finish()
    }
}

impl Metric for Summary {
    /// `None`: count and sum only.
    type Config = Option<Quantiles>;
    fn with_config(config: &Option<Quantiles>) -> Self {
        match config {
            Some(q) => Summary::with_quantiles(q.clone()),
            None => Summary::new(),
        }
    }
    fn reset(&self) {
        Summary::reset(self)
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

/// The sliding window: a ring of slices, each covering `max_age / age_buckets`.
struct Window {
    config: Quantiles,
    start: Instant,
    slice_nanos: u128,
    state: Mutex<Ring>,
}

struct Ring {
    slices: Vec<Slice>,
    /// A xorshift state for reservoir sampling.
    rng: u64,
}

#[derive(Default)]
struct Slice {
    /// The slice number (time since `start` divided by the slice length) it holds.
    epoch: u64,
    /// Observations offered to this slice.
    seen: u64,
    samples: Vec<f64>,
}

impl Window {
    fn new(config: Quantiles) -> Self {
        let slice_nanos = (config.max_age.as_nanos() / config.age_buckets as u128).max(1);
        let slices = (0..config.age_buckets).map(|_| Slice::default()).collect();
        Window {
            start: Instant::now(),
            slice_nanos,
            state: Mutex::new(Ring {
                slices,
                rng: 0x9E37_79B9_7F4A_7C15,
            }),
            config,
        }
    }

    fn epoch_now(&self) -> u64 {
        (self.start.elapsed().as_nanos() / self.slice_nanos) as u64
    }

    fn observe(&self, v: f64) {
        let epoch = self.epoch_now();
        let max = self.config.max_samples;
        let mut ring = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let n = ring.slices.len();
        let rng = next_random(&mut ring.rng);
        let slice = &mut ring.slices[(epoch % n as u64) as usize];
        if slice.epoch != epoch {
            // The slot holds an older slice: it has left the window.
            slice.epoch = epoch;
            slice.seen = 0;
            slice.samples.clear();
        }
        slice.seen += 1;
        if slice.samples.len() < max {
            slice.samples.push(v);
        } else {
            // Reservoir sampling (Algorithm R): keep v with probability max / seen.
            let j = (rng % slice.seen) as usize;
            if j < max {
                slice.samples[j] = v;
            }
        }
    }

    fn clear(&self) {
        let mut ring = self.state.lock().unwrap_or_else(|e| e.into_inner());
        for s in &mut ring.slices {
            s.seen = 0;
            s.samples.clear();
        }
    }

    fn quantiles_into(&self, weighted: &mut Vec<(f64, f64)>, out: &mut Vec<(f64, f64)>) {
        weighted.clear();
        let now = self.epoch_now();
        let window = self.config.age_buckets as u64;
        {
            let ring = self.state.lock().unwrap_or_else(|e| e.into_inner());
            for s in &ring.slices {
                // A slice is in the window when it is one of the last `age_buckets`.
                if s.samples.is_empty() || now.saturating_sub(s.epoch) >= window {
                    continue;
                }
                let weight = s.seen as f64 / s.samples.len() as f64;
                weighted.extend(s.samples.iter().map(|v| (*v, weight)));
            }
        }
        weighted.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let total: f64 = weighted.iter().map(|(_, w)| w).sum();
        for &q in self.config.objectives.iter() {
            out.push((q, weighted_quantile(weighted, total, q)));
        }
    }
}

/// The smallest value whose cumulative weight reaches `q × total` (nearest rank).
fn weighted_quantile(sorted: &[(f64, f64)], total: f64, q: f64) -> f64 {
    let Some(last) = sorted.last() else {
        return f64::NAN;
    };
    let target = q * total;
    let mut acc = 0.0;
    for (v, w) in sorted {
        acc += w;
        if acc >= target && acc > 0.0 {
            return *v;
        }
    }
    last.0
}

fn next_random(state: &mut u64) -> u64 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_below_the_sample_limit() {
        let s = Summary::with_quantiles(Quantiles::new([0.0, 0.25, 0.5, 0.9, 1.0]).unwrap());
        assert!(s.quantile_values().iter().all(|(_, v)| v.is_nan()));
        for v in (1..=100).rev() {
            s.observe(f64::from(v));
        }
        assert_eq!(
            s.quantile_values(),
            vec![
                (0.0, 1.0),
                (0.25, 25.0),
                (0.5, 50.0),
                (0.9, 90.0),
                (1.0, 100.0)
            ]
        );
        s.reset();
        assert_eq!(s.count(), 0);
        assert!(s.quantile_values()[0].1.is_nan());
    }

    #[test]
    fn memory_stays_bounded_and_estimates_hold() {
        let q = Quantiles::new([0.5])
            .unwrap()
            .max_samples(200)
            .unwrap()
            .age_buckets(2)
            .unwrap();
        let s = Summary::with_quantiles(q);
        for i in 0..100_000u32 {
            s.observe(f64::from(i % 1000));
        }
        let w = s.window.as_ref().unwrap();
        let kept: usize = w
            .state
            .lock()
            .unwrap()
            .slices
            .iter()
            .map(|s| s.samples.len())
            .sum();
        assert!(kept <= 400, "{kept}");
        let median = s.quantile_values()[0].1;
        assert!((350.0..650.0).contains(&median), "{median}");
    }

    #[test]
    fn old_observations_leave_the_window() {
        let q = Quantiles::new([1.0])
            .unwrap()
            .max_age(Duration::from_millis(40))
            .unwrap()
            .age_buckets(2)
            .unwrap();
        let s = Summary::with_quantiles(q);
        s.observe(100.0);
        std::thread::sleep(Duration::from_millis(90));
        s.observe(1.0);
        assert_eq!(s.quantile_values(), vec![(1.0, 1.0)]);
        assert_eq!(s.count(), 2);
    }

    #[test]
    fn objectives_are_validated() {
        assert!(Quantiles::new([]).is_err());
        assert!(Quantiles::new([0.5, 0.5]).is_err());
        assert!(Quantiles::new([f64::NAN]).is_err());
        assert!(Quantiles::new([0.5]).unwrap().age_buckets(0).is_err());
        assert!(Quantiles::new([0.5]).unwrap().max_samples(0).is_err());
        assert!(Quantiles::new([0.5])
            .unwrap()
            .max_age(Duration::ZERO)
            .is_err());
    }
}
