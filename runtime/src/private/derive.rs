//! Support for the derives (`LabelValue`, `LabelSet`, `Metrics`): everything their
//! generated code needs at run time or const time.
//!
//! Three small traits let `#[derive(Metrics)]` build and inspect a field without knowing
//! its type syntactically (a type alias or a path like `promenade::Counter` must work):
//! - [`MetricField`]: every type a field may have (`Counter`, `FloatCounter`, `Gauge`,
//!   `IntGauge`, `Histogram`, `Family<L, M>` of them). It names the field's label set (`()`
//!   for a plain metric) and builds the field from a configuration.
//! - [`WithBuckets`]: the fields `buckets = [...]` applies to (histograms and families of
//!   histograms). The derive calls it spanned at the field type, so `buckets` on a counter
//!   reads "`Counter` takes no buckets".
//! - [`TakesLimit`]: the fields `limit = N` applies to (families), built with that limit.
//!
//! The const fns are the compile-time checks the derive generates where only the type
//! system knows the answer (a label set's names and cardinality, a field's metric type).

pub use std::sync::OnceLock;
pub use std::vec::Vec;

pub use crate::labels::{LabelSet, LabelValueWriter, LabelWriter};
pub use crate::metrics::{Buckets, MetricType};
pub use crate::registry::{CollectMetric, Descriptor, Registry, Sink};
pub use crate::Error;

use crate::family::Family;
use crate::metrics::{Counter, FloatCounter, Gauge, Histogram, IntGauge, Metric};
use crate::Collector;

use super::str_eq;

// ---- LabelSet -------------------------------------------------------------------------

/// The radix of one field in a label set's mixed-radix index: its cardinality (0 for an
/// open field, whose set never uses the index).
#[inline]
pub const fn label_radix(cardinality: Option<usize>) -> usize {
    match cardinality {
        Some(n) => n,
        None => 0,
    }
}

/// Whether a cardinality is finite.
#[inline]
pub const fn is_finite(cardinality: Option<usize>) -> bool {
    cardinality.is_some()
}

/// Whether `index` is a valid dense index for a set of this cardinality.
#[inline]
pub const fn index_in(index: usize, cardinality: Option<usize>) -> bool {
    match cardinality {
        Some(n) => index < n,
        None => false,
    }
}

// ---- Metrics: building fields ---------------------------------------------------------

/// A type a `#[derive(Metrics)]` field may have.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a field of a `#[derive(Metrics)]` struct",
    label = "not a metric",
    note = "metric fields must be `Counter`, `FloatCounter`, `Gauge`, `IntGauge`, `Histogram`, or a `Family<L, M>` of them"
)]
pub trait MetricField: CollectMetric + Sized + 'static {
    /// The label set of each series: `()` for a plain metric.
    type Labels: LabelSet;
    /// What every series shares (the buckets of a histogram).
    type Config: Default;
    /// The family type (the derive reads it here rather than from [`CollectMetric`], so a
    /// field of the wrong type gets one message, about this trait).
    const FIELD_TYPE: MetricType = <Self as CollectMetric>::TYPE;

    /// A fresh field at zero. For a family, without a series limit: the derive has checked
    /// that its label set is finite.
    fn build(config: Self::Config) -> Self;

    /// Sends the field's series to `sink` (after the derive sent its descriptor).
    fn collect_field(&self, sink: &mut dyn Sink) {
        self.collect_points(&(), sink)
    }

    /// How many lookups landed on the overflow series, for an open family.
    fn field_overflows(&self) -> Option<u64> {
        self.overflow_count()
    }
}

/// A field that takes `#[metric(buckets = [...])]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` takes no buckets",
    label = "`buckets` only applies to histograms",
    note = "remove `buckets = [...]` from `#[metric(...)]`, or make the field a `Histogram` or a `Family<L, Histogram>`"
)]
pub trait WithBuckets: MetricField {
    /// The configuration for these (already validated) buckets.
    fn bucket_config(buckets: Buckets) -> Self::Config;
}

/// A field that takes `#[metric(limit = N)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` takes no series limit",
    label = "`limit` only applies to families",
    note = "a plain metric is exactly one series; remove `limit = ...` from `#[metric(...)]`"
)]
pub trait TakesLimit: MetricField {
    /// A fresh family holding at most `limit` series (more share the overflow series).
    fn build_limited(config: Self::Config, limit: usize) -> Self;
}

macro_rules! plain_metric_field {
    ($($ty:ty),*) => {$(
        impl MetricField for $ty {
            type Labels = ();
            type Config = <$ty as Metric>::Config;
            fn build(config: Self::Config) -> Self {
                <$ty as Metric>::with_config(&config)
            }
        }
    )*};
}
plain_metric_field!(Counter, FloatCounter, Gauge, IntGauge, Histogram);

impl<L: LabelSet, M: Metric + CollectMetric> MetricField for Family<L, M> {
    type Labels = L;
    type Config = M::Config;
    fn build(config: M::Config) -> Self {
        // `with_limit_and_config(usize::MAX, _)` is what `Family::with_config` builds. Not
        // `with_config` itself: its "open label set" assertion would be instantiated for
        // open families too, and the derive reports that mistake at the field, with the fix.
        Family::with_limit_and_config(usize::MAX, config)
    }
}

impl WithBuckets for Histogram {
    fn bucket_config(buckets: Buckets) -> Buckets {
        buckets
    }
}

impl<L: LabelSet> WithBuckets for Family<L, Histogram> {
    fn bucket_config(buckets: Buckets) -> Buckets {
        buckets
    }
}

impl<L: LabelSet, M: Metric + CollectMetric> TakesLimit for Family<L, M> {
    fn build_limited(config: M::Config, limit: usize) -> Self {
        Family::with_limit_and_config(limit, config)
    }
}

/// Buckets the derive has already validated (finite, strictly increasing, at least one).
pub fn buckets(bounds: &'static [f64]) -> Buckets {
    match Buckets::new(bounds.iter().copied()) {
        Ok(b) => b,
        // Unreachable: the derive rejects every list `Buckets::new` rejects.
        Err(e) => panic!("promenade: the derive accepted buckets the runtime rejects: {e}"),
    }
}

/// Registers a derived struct's process-wide instance (what its `AutoRegistration` does).
pub fn register_global<C: Collector>(registry: &Registry, global: &'static C) -> Result<(), Error> {
    registry.register(global).map(drop)
}

// ---- Metrics: compile-time checks -----------------------------------------------------

/// How many series (sample lines) a field can expose, for a struct's `max_series` budget:
/// its label sets (the cardinality, capped by `limit`, plus the overflow series when the
/// limit can be reached) times the samples of each (a histogram's buckets, `+Inf`, `_sum`
/// and `_count`; one otherwise). `buckets` is the number of finite bounds when given.
pub const fn field_series(
    ty: MetricType,
    cardinality: Option<usize>,
    limit: Option<usize>,
    buckets: Option<usize>,
) -> usize {
    let label_sets = match (cardinality, limit) {
        (Some(n), Some(limit)) if limit < n => limit.saturating_add(1),
        (Some(n), _) => n,
        (None, Some(limit)) => limit.saturating_add(1),
        (None, None) => usize::MAX,
    };
    let per_label_set = match ty {
        MetricType::Histogram => {
            let bounds = match buckets {
                Some(n) => n,
                None => crate::metrics::DEFAULT_BUCKETS.len(),
            };
            bounds.saturating_add(3)
        }
        _ => 1,
    };
    label_sets.saturating_mul(per_label_set)
}

/// Whether the fields' series add up to more than `budget`.
pub const fn over_budget(series: &[usize], budget: usize) -> bool {
    let mut total: usize = 0;
    let mut i = 0;
    while i < series.len() {
        total = total.saturating_add(series[i]);
        i += 1;
    }
    total > budget
}

/// Whether `names` contains `name`.
pub const fn contains_label(names: &[&str], name: &str) -> bool {
    let mut i = 0;
    while i < names.len() {
        if str_eq(names[i], name) {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether a family of type `ty` reserves the label `label` for itself: `le` for
/// histogram buckets (and `quantile` for summaries, once they exist).
pub const fn reserves_label(ty: MetricType, label: &str) -> bool {
    match ty {
        MetricType::Histogram => str_eq(label, "le"),
        _ => false,
    }
}

/// The name a family is exposed under: a counter's `_total` is stripped (the encoders add
/// it back), as [`Descriptor::new`] does, but without allocating at every scrape.
pub const fn family_name(ty: MetricType, name: &'static str) -> &'static str {
    const TOTAL: &[u8] = b"_total";
    let bytes = name.as_bytes();
    if !matches!(ty, MetricType::Counter) || bytes.len() < TOTAL.len() {
        return name;
    }
    let (base, tail) = bytes.split_at(bytes.len() - TOTAL.len());
    let mut i = 0;
    while i < TOTAL.len() {
        if tail[i] != TOTAL[i] {
            return name;
        }
        i += 1;
    }
    match std::str::from_utf8(base) {
        Ok(base) => base,
        Err(_) => name,
    }
}


/// Whether `a ++ a_suffix == b ++ b_suffix`, without building either string.
const fn concat_eq(a: &str, a_suffix: &str, b: &str, b_suffix: &str) -> bool {
    let (a, sa, b, sb) = (
        a.as_bytes(),
        a_suffix.as_bytes(),
        b.as_bytes(),
        b_suffix.as_bytes(),
    );
    if a.len() + sa.len() != b.len() + sb.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() + sa.len() {
        let x = if i < a.len() { a[i] } else { sa[i - a.len()] };
        let y = if i < b.len() { b[i] } else { sb[i - b.len()] };
        if x != y {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether two families (names as given to [`family_name`]) would expose a common sample
/// name: a counter `x` (`x_total`) and a gauge `x_total` do, for example.
pub const fn families_clash(
    a: &'static str,
    a_ty: MetricType,
    b: &'static str,
    b_ty: MetricType,
) -> bool {
    let (a, b) = (family_name(a_ty, a), family_name(b_ty, b));
    let (sa, sb) = (a_ty.sample_suffixes(), b_ty.sample_suffixes());
    let mut i = 0;
    while i < sa.len() {
        let mut j = 0;
        while j < sb.len() {
            if concat_eq(a, sa[i], b, sb[j]) {
                return true;
            }
            j += 1;
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_names_lose_total_once() {
        assert_eq!(family_name(MetricType::Counter, "jobs_total"), "jobs");
        assert_eq!(family_name(MetricType::Counter, "jobs"), "jobs");
        assert_eq!(family_name(MetricType::Counter, "_total"), "");
        assert_eq!(family_name(MetricType::Gauge, "jobs_total"), "jobs_total");
    }

    #[test]
    fn clashes_follow_sample_names() {
        use MetricType::*;
        assert!(families_clash("x", Counter, "x_total", Gauge));
        assert!(families_clash("x_total", Counter, "x", Counter));
        assert!(families_clash("x", Histogram, "x_count", Gauge));
        assert!(!families_clash("x", Gauge, "x_total", Gauge));
        assert!(!families_clash("x", Histogram, "x_total", Gauge));
    }

    #[test]
    fn series_budget() {
        use MetricType::*;
        assert_eq!(field_series(Counter, Some(1), None, None), 1);
        assert_eq!(field_series(Counter, Some(15), None, None), 15);
        assert_eq!(field_series(Counter, Some(15), Some(4), None), 5);
        assert_eq!(field_series(Counter, None, Some(100), None), 101);
        assert_eq!(field_series(Histogram, Some(2), None, Some(3)), 12);
        assert_eq!(field_series(Histogram, Some(1), None, None), 17);
        assert!(over_budget(&[10, 7], 16));
        assert!(!over_budget(&[10, 6], 16));
        assert!(over_budget(&[usize::MAX, 1], usize::MAX - 1));
    }

    #[test]
    fn reserved_labels() {
        assert!(reserves_label(MetricType::Histogram, "le"));
        assert!(!reserves_label(MetricType::Counter, "le"));
        assert!(contains_label(&["a", "le"], "le"));
        assert!(!contains_label(&["a"], "le"));
    }
}
