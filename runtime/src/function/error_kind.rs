//! Error kinds: the `kind` label of the error counters. [`ErrorKindLabels<E>`] (the label
//! set of a user's `Family<_, Counter>`), the spelling rule that keeps an error value
//! apart from `panic` and `error`, the per-site cache of a kind's series ([`KindCache`]),
//! and [`KindCounter`], the error counter of a function's own metrics.

use std::any::TypeId;
use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use super::returned::{DynLabelValue, ErrorKind};
use super::target::ErrorCounter;
use crate::family::{Family, Series};
use crate::labels::{LabelSet, LabelValue, LabelValueWriter, LabelWriter};
use crate::metrics::{Counter, MetricType};
use crate::registry::{CollectMetric, Sink};

/// The label set of an error counter that `#[counted_exceptions(metric = ...)]` records
/// into by kind: `Family<ErrorKindLabels<E>, Counter>`, where `E` is the function's error
/// type (a [`LabelValue`], such as an enum deriving it). One label, `kind`: the error's
/// value, `panic` for a call that panicked, or `error` for an `Err` of another type.
///
/// With a finite `E` the family is finite too (`E`'s values plus two), so it needs no limit
/// in a `#[derive(Metrics)]` struct, and `E`'s values can be declared at zero up front.
///
/// An `E` value whose label is `panic` or `error` is written with one more `_`
/// (`kind="panic_"`), and so is one spelled like them followed by underscores
/// (`panic_` becomes `panic__`): every series keeps a label of its own, and `kind="panic"`
/// is always a panic. To choose the spelling yourself, rename the variant
/// (`#[label(rename = "...")]`).
///
/// ```
/// use promenade::{counted_exceptions, ErrorKindLabels, Counter, Family, LabelValue};
///
/// #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
/// #[label(rename_all = "snake_case")]
/// enum StoreError {
///     NotFound,
///     Timeout,
/// }
///
/// static ERRORS: std::sync::LazyLock<Family<ErrorKindLabels<StoreError>, Counter>> =
///     std::sync::LazyLock::new(Family::new);
///
/// #[counted_exceptions(metric = *ERRORS)]
/// fn get(key: &str) -> Result<u32, StoreError> {
///     match key {
///         "slow" => Err(StoreError::Timeout),
///         "one" => Ok(1),
///         _ => Err(StoreError::NotFound),
///     }
/// }
///
/// let _ = get("one");
/// let _ = get("two");
/// let _ = get("three");
/// let _ = get("slow");
/// assert_eq!(ERRORS.labels(ErrorKindLabels::Kind(StoreError::NotFound)).get(), 2);
/// assert_eq!(ERRORS.labels(ErrorKindLabels::Kind(StoreError::Timeout)).get(), 1);
/// assert_eq!(ERRORS.labels(ErrorKindLabels::Panic).get(), 0);
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum ErrorKindLabels<E> {
    /// `kind="panic"`: the call panicked.
    Panic,
    /// `kind="error"`: the call returned an `Err` that is not an `E`.
    Error,
    /// The error's own value.
    Kind(E),
}

// Not offered as a candidate when some other type is not a label set.
#[diagnostic::do_not_recommend]
impl<E: LabelValue> LabelSet for ErrorKindLabels<E> {
    const NAMES: &'static [&'static str] = &["kind"];
    const CARDINALITY: Option<usize> = match E::CARDINALITY {
        Some(n) => n.checked_add(2),
        None => None,
    };
    fn index(&self) -> usize {
        match self {
            ErrorKindLabels::Panic => 0,
            ErrorKindLabels::Error => 1,
            ErrorKindLabels::Kind(e) => 2 + e.index(),
        }
    }
    fn from_index(index: usize) -> Option<Self> {
        match index {
            0 => Some(ErrorKindLabels::Panic),
            1 => Some(ErrorKindLabels::Error),
            n => E::from_index(n - 2).map(ErrorKindLabels::Kind),
        }
    }
    fn encode(&self, out: &mut LabelWriter<'_>) {
        match self {
            ErrorKindLabels::Panic => out.label("kind", &PANIC_KIND),
            ErrorKindLabels::Error => out.label("kind", &ERROR_KIND),
            ErrorKindLabels::Kind(e) => out.label_with("kind", |w| write_error_kind(e, w)),
        }
    }
}

/// The label of a function's own error counter (`#[counted_exceptions(name = "...")]`).
#[derive(Clone, PartialEq, Eq, Hash, Debug, crate::LabelSet)]
#[label(crate = "crate")]
struct KindLabel {
    #[label(unbounded)]
    kind: Cow<'static, str>,
}

/// The series of one error counter, by kind: `panic` and `error` resolved once, the
/// values of a finite [`LabelValue`] error type by their dense index, other values looked
/// up in the family.
pub(super) struct KindCache {
    pub(super) panic: OnceLock<Arc<Counter>>,
    error: OnceLock<Arc<Counter>>,
    typed: OnceLock<TypedKinds>,
}

/// The error type whose values are cached, and a cell per value (by dense index).
type TypedKinds = (TypeId, Box<[OnceLock<Arc<Counter>>]>);

pub(super) const PANIC_KIND: &str = "panic";
/// Error types with more values than this are looked up in the family at each error
/// instead of getting a cache slot per value.
const MAX_CACHED_KINDS: usize = 1_024;
pub(super) const ERROR_KIND: &str = "error";

/// Whether an error's label value needs a trailing `_` to stay apart from the kinds
/// promenade writes itself: `panic` and `error`, and (so that the mapping is one-to-one)
/// either of them already followed by underscores. `Err(E::Panic)` is `kind="panic_"`,
/// a value `panic_` is `kind="panic__"`, and no error value is ever `panic` or `error`.
fn needs_kind_mark(value: &str) -> bool {
    [PANIC_KIND, ERROR_KIND].iter().any(|kind| {
        value
            .strip_prefix(kind)
            .is_some_and(|rest| rest.bytes().all(|b| b == b'_'))
    })
}

/// The `kind` an error value is counted under: its label value, marked by
/// [`needs_kind_mark`].
fn error_kind_value(value: &dyn DynLabelValue) -> Cow<'static, str> {
    let mut kind = value.value_string();
    if needs_kind_mark(&kind) {
        kind.push('_');
    }
    Cow::Owned(kind)
}

/// Writes `value` as the `kind` label of an [`ErrorKindLabels::Kind`]: as the value
/// writes itself, with the mark of [`needs_kind_mark`] (read from what it wrote).
fn write_error_kind<E: LabelValue>(value: &E, out: &mut LabelValueWriter<'_>) {
    let start = out.buffer().len();
    value.encode(out);
    if needs_kind_mark(&out.buffer()[start..]) {
        out.write_str("_");
    }
}

impl KindCache {
    pub(super) const fn new() -> Self {
        KindCache {
            panic: OnceLock::new(),
            error: OnceLock::new(),
            typed: OnceLock::new(),
        }
    }

    /// Counts `kind`; `lookup` finds the series of a kind's value in the family, and
    /// `overflowed` reads the family's overflow count.
    ///
    /// A series is cached only when the lookup did not land on the overflow series (the
    /// overflow count did not move): a kind past the family's limit is looked up at each
    /// error, so that each one is counted in `promenade_family_overflow_total` as in any
    /// family, and a kind that gets a series of its own later is not stuck in the overflow.
    /// A concurrent overflow of another kind only costs this one its cache entry for now.
    pub(super) fn count<'f>(
        &self,
        kind: &ErrorKind<'_>,
        lookup: impl Fn(Cow<'static, str>) -> Series<'f, Counter>,
        overflowed: impl Fn() -> u64,
    ) {
        let cached =
            |cell: &OnceLock<Arc<Counter>>, value: &dyn Fn() -> Cow<'static, str>| match cell.get()
            {
                Some(c) => c.inc(),
                None => cache_unless_overflow(cell, &overflowed, || lookup(value())).inc(),
            };
        match kind {
            ErrorKind::Panic => cached(&self.panic, &|| Cow::Borrowed(PANIC_KIND)),
            ErrorKind::Error => cached(&self.error, &|| Cow::Borrowed(ERROR_KIND)),
            ErrorKind::Labelled(value) => {
                // An open type (`String`, say) would make a series per message: such
                // errors are counted as `error`, like any other.
                let Some(n) = value.cardinality() else {
                    return cached(&self.error, &|| Cow::Borrowed(ERROR_KIND));
                };
                if n <= MAX_CACHED_KINDS {
                    let (ty, cells) = self.typed.get_or_init(|| {
                        (
                            value.value_type(),
                            (0..n).map(|_| OnceLock::new()).collect(),
                        )
                    });
                    // A generic function may return several error types: only the first
                    // is cached, the others take the lookup.
                    if *ty == value.value_type() {
                        if let Some(cell) = cells.get(value.value_index()) {
                            return cached(cell, &|| error_kind_value(*value));
                        }
                    }
                }
                lookup(error_kind_value(*value)).inc();
            }
        }
    }
}

/// Looks a series up with `lookup` and keeps it in `cell`, unless it is the family's
/// overflow series (see [`KindCache::count`]); returns the series either way.
pub(super) fn cache_unless_overflow<'f>(
    cell: &OnceLock<Arc<Counter>>,
    overflowed: &dyn Fn() -> u64,
    lookup: impl FnOnce() -> Series<'f, Counter>,
) -> Series<'f, Counter> {
    let before = overflowed();
    let series = lookup();
    if let Series::Shared(c) = &series {
        if overflowed() == before {
            let _ = cell.set(c.clone());
        }
    }
    series
}

/// A function's own error counter: `Family<KindLabel, Counter>` with its kind cache.
pub struct KindCounter {
    family: Family<KindLabel, Counter>,
    kinds: KindCache,
}

impl KindCounter {
    /// A counter keeping at most `limit` kinds apart (then the overflow series).
    pub(super) fn with_limit(limit: usize) -> Self {
        KindCounter {
            family: Family::with_limit(limit),
            kinds: KindCache::new(),
        }
    }

    /// How many calls failed with `kind`; 0 for a kind never seen.
    pub(super) fn get(&self, kind: &str) -> u64 {
        let labels = KindLabel {
            kind: Cow::Owned(kind.to_owned()),
        };
        self.family.get(&labels).map_or(0, |c| c.get())
    }

    /// Creates the `panic` series at zero: every call can panic, so that kind exists
    /// before the first failure.
    pub(super) fn count_zero_panics(&self) {
        self.family.labels(KindLabel {
            kind: Cow::Borrowed(PANIC_KIND),
        });
    }
}

impl CollectMetric for KindCounter {
    const TYPE: MetricType = MetricType::Counter;
    fn collect_points(&self, labels: &dyn crate::labels::EncodeLabels, sink: &mut dyn Sink) {
        self.family.collect_points(labels, sink)
    }
    fn overflow_count(&self) -> Option<u64> {
        CollectMetric::overflow_count(&self.family)
    }
}

#[diagnostic::do_not_recommend]
impl ErrorCounter for KindCounter {
    #[inline]
    fn count_error(&self, kind: &ErrorKind<'_>) {
        self.kinds.count(
            kind,
            |kind| self.family.labels(KindLabel { kind }),
            || self.family.overflow_count(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_values_spelled_like_promenade_kinds_get_one_more_underscore() {
        for (value, kind) in [
            ("panic", "panic_"),
            ("error", "error_"),
            ("panic_", "panic__"),
            ("error___", "error____"),
            ("panicked", "panicked"),
            ("_panic", "_panic"),
            ("panic_x", "panic_x"),
            ("Panic", "Panic"),
            ("", ""),
        ] {
            assert_eq!(error_kind_value(&value.to_owned()), kind, "{value}");
            let mut written = String::new();
            write_error_kind(&value, &mut LabelValueWriter::new(&mut written));
            assert_eq!(written, kind, "{value}");
        }
        // Values are written as they are (the encoders escape them).
        let mut written = String::new();
        write_error_kind(&"say \"hi\"\n\\", &mut LabelValueWriter::new(&mut written));
        assert_eq!(written, "say \"hi\"\n\\");
    }
}
