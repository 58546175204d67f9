use std::fmt;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};

use super::{atomic_f64_add, Buckets, Metric};

/// The current distribution of something that comes and goes — items in a queue by age,
/// open connections by size — in cumulative buckets whose counts go down as well as up,
/// with their sum (`_gsum`) and count (`_gcount`). OpenMetrics' `gaugehistogram`; the
/// text format shows it as a histogram followed by `_gcount` and `_gsum` gauges.
///
/// OpenMetrics allows a negative `_gsum` only when a bucket bound is negative, and never
/// a NaN one: while the sum is NaN, or negative over non-negative bounds (values below
/// zero added, or removed more often than added), the OpenMetrics exposition leaves out
/// `_gsum` and `_gcount` together; the `+Inf` bucket still carries the count. Text 0.0.4
/// shows the sum as it is.
///
/// ```
/// use promenade::{Buckets, GaugeHistogram};
/// let sizes = GaugeHistogram::new(Buckets::new([10.0, 100.0]).unwrap());
/// sizes.add(5.0);
/// sizes.add(50.0);
/// sizes.remove(5.0);
/// assert_eq!(sizes.cumulative_counts(), vec![0, 1, 1]);
/// assert_eq!(sizes.sum(), 50.0);
/// ```
pub struct GaugeHistogram {
    buckets: Buckets,
    counts: Box<[AtomicI64]>,
    sum: AtomicU64,
}

impl GaugeHistogram {
    /// An empty gauge histogram.
    pub fn new(buckets: Buckets) -> Self {
        GaugeHistogram {
            counts: (0..=buckets.bounds().len())
                .map(|_| AtomicI64::new(0))
                .collect(),
            buckets,
            sum: AtomicU64::new(0),
        }
    }

    fn bucket_of(&self, v: f64) -> usize {
        let bounds = self.buckets.bounds();
        bounds.iter().position(|b| v <= *b).unwrap_or(bounds.len())
    }

    /// Counts one more item of value `v`.
    pub fn add(&self, v: f64) {
        self.counts[self.bucket_of(v)].fetch_add(1, Relaxed);
        atomic_f64_add(&self.sum, v);
    }

    /// Counts one item of value `v` fewer (an item added with [`add`](Self::add) left).
    pub fn remove(&self, v: f64) {
        self.counts[self.bucket_of(v)].fetch_sub(1, Relaxed);
        atomic_f64_add(&self.sum, -v);
    }

    /// The buckets.
    pub fn buckets(&self) -> &Buckets {
        &self.buckets
    }

    /// Cumulative counts (one per bound, then `+Inf`). A bucket removed from more often
    /// than added to counts as empty.
    pub fn cumulative_counts(&self) -> Vec<u64> {
        let mut out = Vec::new();
        self.cumulative_into(&mut out);
        out
    }

    pub(crate) fn cumulative_into(&self, out: &mut Vec<u64>) {
        out.clear();
        let mut total = 0u64;
        for c in self.counts.iter() {
            total += c.load(Relaxed).max(0) as u64;
            out.push(total);
        }
    }

    /// The sum of the values counted now.
    pub fn sum(&self) -> f64 {
        f64::from_bits(self.sum.load(Relaxed))
    }
}

impl Metric for GaugeHistogram {
    type Config = Buckets;
    fn with_config(config: &Buckets) -> Self {
        GaugeHistogram::new(config.clone())
    }
    fn reset(&self) {
        self.counts.iter().for_each(|c| c.store(0, Relaxed));
        self.sum.store(0, Relaxed);
    }
}

impl fmt::Debug for GaugeHistogram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GaugeHistogram")
            .field("buckets", &self.buckets)
            .field("cumulative", &self.cumulative_counts())
            .field("sum", &self.sum())
            .finish()
    }
}
