//! Support for the derives (`LabelValue`, `LabelSet`, `Metrics`): everything their
//! generated code needs at run time or const time.
//!
//! Three small traits let `#[derive(Metrics)]` build and inspect a field without knowing
//! its type syntactically (a type alias or a path like `promenade::Counter` must work):
//! - [`MetricField`]: every type a field may have (every metric type, `Family<L, M>` of
//!   them). It names the field's label set (`()` for a plain metric) and builds the field
//!   from a configuration.
//! - [`WithBuckets`]: the fields `buckets = [...]` applies to (histograms and families of
//!   histograms). The derive calls it spanned at the field type, so `buckets` on a counter
//!   reads "`Counter` takes no buckets".
//! - [`TakesLimit`]: the fields `limit = N` applies to (families), built with that limit.
//! - [`TakesCallback`]: the field `callback = path` applies to (`CallbackGauge`), built
//!   from that function.
//!
//! The const fns are the compile-time checks the derive generates where only the type
//! system knows the answer (a label set's names and cardinality, a field's metric type).

pub use std::sync::OnceLock;
pub use std::vec::Vec;

pub use crate::labels::{EncodeLabels, LabelSet, LabelValueWriter, LabelWriter, OutOfRange};
pub use crate::metrics::{Buckets, MetricType};
pub use crate::registry::{CollectMetric, Descriptor, Point, Registry, Sink};
pub use crate::Error;

use crate::family::Family;
use crate::metrics::{
    CallbackGauge, Counter, CounterWithExemplar, Enum, FloatCounter, Gauge, GaugeHistogram,
    Histogram, Info, IntGauge, Metric, StateSet, Summary,
};
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
    note = "a metric field is a `Counter`, `FloatCounter`, `CounterWithExemplar`, `Gauge`, `IntGauge`, `CallbackGauge`, `Histogram`, `Summary`, `Info`, `StateSet`, `Enum`, `GaugeHistogram`, or a `Family<L, M>` of them; a struct deriving `Metrics` is nested with `#[metric(nested)]`"
)]
//
// It has no supertraits: a field type that is not one is then exactly one unsatisfied
// obligation (`T: MetricField`, or for a family `M: SeriesField`) wherever the derive
// uses it, which rustc reports once.
pub trait MetricField: Sized + 'static {
    /// The label set of each series: `()` for a plain metric.
    type Labels: LabelSet;
    /// What every series shares (the buckets of a histogram).
    type Config: Default;
    /// The family type (the derive reads it here rather than from [`CollectMetric`], so a
    /// field of the wrong type gets one message, about this trait).
    const FIELD_TYPE: MetricType;
    /// The label names of each series: `<Self::Labels as LabelSet>::NAMES`. The derive
    /// reads the label set through this trait only, so a field of the wrong type is one
    /// unsatisfied obligation at one span.
    const LABEL_NAMES: &'static [&'static str] = <Self::Labels as LabelSet>::NAMES;
    /// `<Self::Labels as LabelSet>::CARDINALITY`.
    const LABEL_CARDINALITY: Option<usize> = <Self::Labels as LabelSet>::CARDINALITY;
    /// `<Self::Labels as LabelSet>::MAX_SERIES`.
    const LABEL_MAX_SERIES: Option<usize> = <Self::Labels as LabelSet>::MAX_SERIES;
    /// Samples per series beyond what the type implies (a state set writes one per
    /// state), for the `max_series` budget.
    const SAMPLES_PER_SERIES: usize = 1;
    /// Whether the field can only be built from a function (`#[metric(callback = ...)]`):
    /// the derive refuses the field without one, at compile time.
    const NEEDS_CALLBACK: bool = false;

    /// A fresh field at zero. For a family, limited to its label set's `MAX_SERIES`: the
    /// derive has checked that there is one (or that the field has a `limit` of its own).
    fn build(config: Self::Config) -> Self;

    /// [`build`](Self::build) with the default configuration. The derive calls this
    /// rather than `build(Default::default())`, which would name `Self::Config` in the
    /// user's crate: a field `#[promenade::families]` rewrote whose `labels = L` is not a
    /// `LabelSet` would then be reported at its metric type besides at `L`.
    fn build_default() -> Self {
        Self::build(Self::Config::default())
    }

    /// Sends the field's series to `sink` (after the derive sent its descriptor).
    fn collect_field(&self, sink: &mut dyn Sink);

    /// How many lookups landed on the overflow series, for an open family.
    fn field_overflows(&self) -> Option<u64> {
        None
    }
}

/// A field that takes `#[metric(buckets = [...])]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` takes no buckets",
    label = "`buckets` only applies to histograms",
    note = "remove `buckets = [...]` from `#[metric(...)]`, or make the field a `Histogram`, a `GaugeHistogram` or a `Family` of them"
)]
pub trait WithBuckets: MetricField {
    /// The configuration for these (already validated) buckets.
    fn bucket_config(buckets: Buckets) -> Self::Config;

    /// A fresh field with these buckets (see [`MetricField::build_default`] for why the
    /// derive does not build the configuration itself).
    fn build_with_buckets(buckets: Buckets) -> Self {
        Self::build(Self::bucket_config(buckets))
    }

    /// A fresh family with these buckets, holding at most `limit` series.
    fn build_limited_with_buckets(buckets: Buckets, limit: usize) -> Self
    where
        Self: TakesLimit,
    {
        <Self as TakesLimit>::build_limited(Self::bucket_config(buckets), limit)
    }
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

    /// [`build_limited`](Self::build_limited) with the default configuration (see
    /// [`MetricField::build_default`]).
    fn build_limited_default(limit: usize) -> Self {
        Self::build_limited(Self::Config::default(), limit)
    }
}

/// A field that takes `#[metric(callback = path::to_fn)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` takes no callback",
    label = "`callback` only applies to `CallbackGauge`",
    note = "remove `callback = ...` from `#[metric(...)]`, or make the field a `CallbackGauge` to read its value from that function at each scrape"
)]
pub trait TakesCallback: MetricField {
    /// The field, reading `f()` at each scrape.
    fn build_with_callback(f: fn() -> f64) -> Self;
}

impl MetricField for CallbackGauge {
    type Labels = ();
    type Config = ();
    const FIELD_TYPE: MetricType = <Self as CollectMetric>::TYPE;
    const NEEDS_CALLBACK: bool = true;
    fn collect_field(&self, sink: &mut dyn Sink) {
        self.collect_points(&(), sink)
    }
    /// Never called by the derive: `NEEDS_CALLBACK` makes a `CallbackGauge` field without
    /// `callback` a compile error. Reads NaN ("no value") if called by hand.
    fn build(_: ()) -> Self {
        CallbackGauge::new(|| f64::NAN)
    }
}

impl TakesCallback for CallbackGauge {
    fn build_with_callback(f: fn() -> f64) -> Self {
        CallbackGauge::new(f)
    }
}

/// A metric a family field can hold: every [`Metric`] the derive knows as a field.
///
/// It is the one bound `Family<L, M>`'s field impls put on `M`, so a family of a
/// non-metric (`Family<Job, u32>`) is this trait's one message rather than one for each of
/// `Metric`, `CollectMetric` and `MetricField`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a metric a `Family` can hold",
    label = "not a metric",
    note = "a family holds one metric per label set: `Counter`, `FloatCounter`, `CounterWithExemplar`, `Gauge`, `IntGauge`, `Histogram`, `Summary`, `Info`, `StateSet<S>`, `Enum<S>` or `GaugeHistogram`, as in `Family<Request, Counter>`; a `CallbackGauge` is one value read from a function, so it cannot be in a family"
)]
pub trait SeriesField: MetricField + Metric + CollectMetric {}

macro_rules! plain_metric_field {
    ($($ty:ty),*) => {$(
        impl MetricField for $ty {
            type Labels = ();
            type Config = <$ty as Metric>::Config;
            const FIELD_TYPE: MetricType = <Self as CollectMetric>::TYPE;
            fn build(config: Self::Config) -> Self {
                <$ty as Metric>::with_config(&config)
            }
            fn collect_field(&self, sink: &mut dyn Sink) {
                self.collect_points(&(), sink)
            }
        }
        impl SeriesField for $ty {}
    )*};
}
plain_metric_field!(Counter, FloatCounter, Gauge, IntGauge, Histogram);
plain_metric_field!(CounterWithExemplar, Summary, Info, GaugeHistogram);

impl<S: crate::labels::LabelValue> MetricField for StateSet<S> {
    type Labels = ();
    type Config = ();
    const FIELD_TYPE: MetricType = <Self as CollectMetric>::TYPE;
    fn collect_field(&self, sink: &mut dyn Sink) {
        self.collect_points(&(), sink)
    }
    const SAMPLES_PER_SERIES: usize = match S::CARDINALITY {
        Some(n) => n,
        None => usize::MAX,
    };
    fn build(_: ()) -> Self {
        StateSet::new()
    }
}

impl<S: crate::labels::LabelValue> SeriesField for StateSet<S> {}
impl<S: crate::labels::LabelValue> SeriesField for Enum<S> {}

impl<S: crate::labels::LabelValue> MetricField for Enum<S> {
    type Labels = ();
    type Config = ();
    const FIELD_TYPE: MetricType = <Self as CollectMetric>::TYPE;
    fn collect_field(&self, sink: &mut dyn Sink) {
        self.collect_points(&(), sink)
    }
    const SAMPLES_PER_SERIES: usize = match S::CARDINALITY {
        Some(n) => n,
        None => usize::MAX,
    };
    fn build(_: ()) -> Self {
        Enum::new()
    }
}

impl<L: LabelSet, M: SeriesField> MetricField for Family<L, M> {
    type Labels = L;
    type Config = <M as Metric>::Config;
    const FIELD_TYPE: MetricType = <M as MetricField>::FIELD_TYPE;
    fn collect_field(&self, sink: &mut dyn Sink) {
        self.collect_points(&(), sink)
    }
    fn field_overflows(&self) -> Option<u64> {
        CollectMetric::overflow_count(self)
    }
    /// Each label set's series writes what one `M` writes (a state set, one per state).
    const SAMPLES_PER_SERIES: usize = M::SAMPLES_PER_SERIES;
    fn build(config: <M as Metric>::Config) -> Self {
        // The label set's declared bound (its cardinality, or the product of its
        // `#[label(limit = N)]`s); the derive has checked that there is one.
        let limit = match L::MAX_SERIES {
            Some(n) => n,
            None => usize::MAX,
        };
        Family::with_limit_and_config(limit, config)
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

impl WithBuckets for GaugeHistogram {
    fn bucket_config(buckets: Buckets) -> Buckets {
        buckets
    }
}

impl<L: LabelSet> WithBuckets for Family<L, GaugeHistogram> {
    fn bucket_config(buckets: Buckets) -> Buckets {
        buckets
    }
}

impl<L: LabelSet, M: SeriesField> TakesLimit for Family<L, M> {
    fn build_limited(config: <M as Metric>::Config, limit: usize) -> Self {
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

/// A derived struct's process-wide instance (what `global()` returns) with when it was
/// built: the creation time (`_created`) of its unlabelled counters, which may count
/// before the default registry exists.
pub struct Global<T> {
    /// The instance.
    pub value: T,
    /// When it was built, in seconds since the epoch.
    pub created: f64,
}

impl<T> Global<T> {
    /// `value`, built now.
    pub fn new(value: T) -> Self {
        Global {
            value,
            created: crate::metrics::unix_now(),
        }
    }
}

/// Registers a derived struct's process-wide instance (what its `AutoRegistration` does),
/// unless the struct is nested in another one: its parent exposes it then, under the
/// parent's names, and registering it too would expose it twice.
pub fn register_global<C: Collector>(
    registry: &Registry,
    global: &'static Global<C>,
) -> Result<(), Error> {
    let me = std::any::TypeId::of::<C>();
    if inventory::iter::<NestedIn>
        .into_iter()
        .any(|n| (n.child)() == me)
    {
        return Ok(());
    }
    registry
        .register_created(std::sync::Arc::new(&global.value), global.created)
        .map(drop)
}

/// Submitted by a `#[derive(Metrics)]` struct for each struct it nests.
pub struct NestedIn {
    /// The nested struct's type.
    pub child: fn() -> std::any::TypeId,
}

inventory::collect!(NestedIn);

/// `TypeId::of::<T>` as a function pointer (for [`NestedIn`]).
pub fn type_id_of<T: 'static>() -> std::any::TypeId {
    std::any::TypeId::of::<T>()
}

// ---- Metrics: compile-time checks -----------------------------------------------------

/// How many series (sample lines) a field can expose, for a struct's `max_series` budget:
/// its label sets times the samples of each (a histogram's buckets, `+Inf`, `_sum` and
/// `_count`; one otherwise). The label sets are the cardinality when the family holds them
/// all; otherwise its limit (the field's `limit`, else the label set's declared
/// `MAX_SERIES`) plus the overflow series. `buckets` is the number of finite bounds when
/// given.
pub const fn field_series(
    ty: MetricType,
    cardinality: Option<usize>,
    max_series: Option<usize>,
    limit: Option<usize>,
    buckets: Option<usize>,
    samples: usize,
) -> usize {
    let limit = match limit {
        Some(l) => Some(l),
        None => max_series,
    };
    let label_sets = match (cardinality, limit) {
        (Some(n), Some(limit)) if limit < n => limit.saturating_add(1),
        (Some(n), _) => n,
        (None, Some(limit)) => limit.saturating_add(1),
        (None, None) => usize::MAX,
    };
    let bounds = match buckets {
        Some(n) => n,
        None => crate::metrics::DEFAULT_BUCKETS.len(),
    };
    // By name, so a type added to `MetricType` later needs no change here.
    let per_label_set = match ty.as_str().as_bytes() {
        // Each bound, `+Inf`, and the sum and count.
        b"histogram" | b"gaugehistogram" => bounds.saturating_add(3),
        b"summary" => 2,
        _ => samples,
    };
    label_sets.saturating_mul(per_label_set)
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

/// Whether a family of type `ty` exposed as `name` reserves the label `label` for its own
/// samples (`promenade_rules::reserved_label`: `le`, `quantile`, a state set's own name).
/// The registry refuses the same labels at run time, with the same reason.
pub const fn reserves_label(ty: MetricType, name: &str, label: &str) -> bool {
    promenade_rules::reserved_label(ty.rule(), name, label).is_some()
}

/// The first of `labels` (a family's label set) that a family of type `ty` exposed as
/// `name` reserves (see [`reserves_label`]).
pub const fn first_reserved(
    ty: MetricType,
    name: &str,
    labels: &[&'static str],
) -> Option<&'static str> {
    let mut i = 0;
    while i < labels.len() {
        if reserves_label(ty, name, labels[i]) {
            return Some(labels[i]);
        }
        i += 1;
    }
    None
}

/// Why field `member`, a family of type `ty` exposed as `name`, cannot have the label
/// `label` in its label set (one [`first_reserved`] found), and the fix: the registry's
/// message (`invalid label name "le": <reason>`) with the field and the fix added.
pub const fn reserved_label_message(
    ty: MetricType,
    name: &str,
    member: &str,
    label: &str,
) -> ConstMessage {
    let reason = match promenade_rules::reserved_label(ty.rule(), name, label) {
        Some(reason) => reason,
        None => "",
    };
    let kind = match ty {
        MetricType::StateSet => "state set",
        MetricType::GaugeHistogram => "gauge histogram",
        _ => ty.as_str(),
    };
    let m = ConstMessage::new()
        .str(promenade_rules::names::NameKind::Label.invalid())
        .str(" \"")
        .str(label)
        .str("\" in the label set of ")
        .str(kind)
        .str(" field `")
        .str(member)
        .str("`: ")
        .str(reason)
        .str("; rename that field of the label set with `#[label(rename = \"...\")]`");
    match ty {
        MetricType::StateSet => m.str(", or rename the metric with `#[metric(name = \"...\")]`"),
        _ => m,
    }
}

/// The name a family is exposed under: without a counter's `_total` or an info metric's
/// `_info` (the encoders add them back), as [`Descriptor::new`] stores it, but without
/// allocating at every scrape.
pub const fn family_name(ty: MetricType, name: &'static str) -> &'static str {
    promenade_rules::samples::family_name(ty.rule(), name)
}

/// Whether two families (names as exposed, from [`family_name`]) would expose a common
/// sample name: a counter `x` (`x_total`) and a gauge `x_total` do, for example. The
/// registry and its checking sink apply the same rule (`promenade_rules::samples`).
pub const fn families_clash(
    a: &'static str,
    a_ty: MetricType,
    b: &'static str,
    b_ty: MetricType,
) -> bool {
    promenade_rules::samples::families_clash(a, a_ty.rule(), b, b_ty.rule())
}

/// Why a field of type `ty` cannot be exposed as `name` (`promenade_rules::names::
/// type_suffix_error`: `_total` on a gauge, histogram, summary or state set), as the
/// registry words it at run time: `invalid metric name "jobs_total": <reason>`.
pub const fn type_suffix_message(ty: MetricType, name: &str) -> Option<ConstMessage> {
    match promenade_rules::names::type_suffix_error(ty.rule(), name) {
        Some(reason) => Some(
            ConstMessage::new()
                .str(promenade_rules::names::NameKind::Metric.invalid())
                .str(" \"")
                .str(name)
                .str("\": ")
                .str(reason),
        ),
        None => None,
    }
}

/// The first mistake in a `buckets = SOME_CONST` list (`promenade_rules::buckets`, the
/// rule `Buckets::new` applies at run time).
pub const fn first_bucket_error(bounds: &[f64]) -> Option<promenade_rules::buckets::BucketError> {
    promenade_rules::buckets::first_error(bounds)
}

/// The message of a mistake in the constant written `written`, in the rule's words, each
/// bound spelled by its position in it: for a constant `B`, "invalid histogram buckets in
/// \`B\`: bounds must be strictly increasing, but \`B\[1\]\` follows \`B\[0\]\`; …".
pub const fn bucket_message(
    written: &str,
    e: promenade_rules::buckets::BucketError,
) -> ConstMessage {
    let mut m = ConstMessage::new()
        .str(promenade_rules::buckets::INVALID)
        .str(" in `")
        .str(written)
        .str("`: ");
    let pieces = e.pieces();
    let mut i = 0;
    while i < pieces.len() {
        m = match pieces[i] {
            promenade_rules::buckets::Piece::Words(w) => m.str(w),
            promenade_rules::buckets::Piece::Bound(at) => m.str(written).str("[").num(at).str("]"),
        };
        i += 1;
    }
    m
}

// ---- LabelSet: declared limits and flattening -------------------------------------------

/// The most values one label of a derived set contributes to its `MAX_SERIES`: its
/// cardinality, capped by a declared `#[label(limit = N)]`; the limit alone for an open
/// type; `None` when neither bounds it (`#[label(unbounded)]`).
pub const fn label_max_series(cardinality: Option<usize>, limit: Option<usize>) -> Option<usize> {
    match (cardinality, limit) {
        (Some(n), Some(limit)) if limit < n => Some(limit),
        (Some(n), _) => Some(n),
        (None, limit) => limit,
    }
}

/// The label names of several sets end to end (a set with flattened fields, or every label
/// a metrics struct can write). `N` is the sum of the parts' lengths.
pub const fn concat_names<const N: usize>(parts: &[&[&'static str]]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut at = 0;
    let mut p = 0;
    while p < parts.len() {
        let mut i = 0;
        while i < parts[p].len() {
            out[at] = parts[p][i];
            at += 1;
            i += 1;
        }
        p += 1;
    }
    out
}

/// The sum of the parts' lengths (the `N` of [`concat_names`]).
pub const fn names_len(parts: &[&[&'static str]]) -> usize {
    let mut n = 0;
    let mut p = 0;
    while p < parts.len() {
        n += parts[p].len();
        p += 1;
    }
    n
}

/// The first name that `names` holds twice.
pub const fn first_duplicate(names: &[&'static str]) -> Option<&'static str> {
    let mut i = 0;
    while i < names.len() {
        let mut j = i + 1;
        while j < names.len() {
            if str_eq(names[i], names[j]) {
                return Some(names[i]);
            }
            j += 1;
        }
        i += 1;
    }
    None
}

/// The first name of `a` that `b` holds too.
pub const fn first_common(a: &[&'static str], b: &[&'static str]) -> Option<&'static str> {
    let mut i = 0;
    while i < a.len() {
        if contains_label(b, a[i]) {
            return Some(a[i]);
        }
        i += 1;
    }
    None
}

// ---- Messages built at const time ----------------------------------------------------------

/// A message composed during const evaluation (a const panic can print a `&str`, not
/// format), so a compile-time check can name what it found. Longer text is cut.
pub struct ConstMessage {
    buf: [u8; 1024],
    len: usize,
}

impl ConstMessage {
    /// An empty message.
    pub const fn new() -> Self {
        ConstMessage {
            buf: [0; 1024],
            len: 0,
        }
    }

    /// Appends `s`, as many whole characters of it as fit.
    pub const fn str(mut self, s: &str) -> Self {
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let width = match bytes[i] {
                b if b < 0x80 => 1,
                b if b >= 0xF0 => 4,
                b if b >= 0xE0 => 3,
                _ => 2,
            };
            if self.len + width > self.buf.len() {
                break;
            }
            let mut k = 0;
            while k < width {
                self.buf[self.len] = bytes[i + k];
                self.len += 1;
                k += 1;
            }
            i += width;
        }
        self
    }

    /// Appends `n` in decimal, `unbounded` for `usize::MAX`.
    pub const fn num(self, n: usize) -> Self {
        if n == usize::MAX {
            return self.str("unbounded");
        }
        let mut digits = [0u8; 20];
        let mut len = 0;
        let mut rest = n;
        loop {
            digits[len] = b'0' + (rest % 10) as u8;
            len += 1;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        let mut me = self;
        while len > 0 && me.len < me.buf.len() {
            len -= 1;
            me.buf[me.len] = digits[len];
            me.len += 1;
        }
        me
    }

    /// The text so far.
    pub const fn as_str(&self) -> &str {
        let (text, _) = self.buf.split_at(self.len);
        match std::str::from_utf8(text) {
            Ok(s) => s,
            Err(_) => "",
        }
    }
}

impl Default for ConstMessage {
    fn default() -> Self {
        Self::new()
    }
}

/// One field's share of a struct's `max_series` budget, for the message naming the
/// biggest contributors.
#[derive(Clone, Copy)]
pub struct SeriesShare {
    /// How the field is shown: its metric name, or `nested Type` for a nested struct.
    pub what: &'static str,
    /// The series it can expose (`usize::MAX` when unbounded).
    pub series: usize,
}

/// The total of the shares, saturating.
pub const fn total_series(shares: &[SeriesShare]) -> usize {
    let mut total: usize = 0;
    let mut i = 0;
    while i < shares.len() {
        total = total.saturating_add(shares[i].series);
        i += 1;
    }
    total
}

/// "`S` can expose N series, more than its `max_series = B`; the biggest contributors:
/// `a` (x), `b` (y), `c` (z); …" — the three largest shares, largest first.
pub const fn budget_message(ident: &str, budget: usize, shares: &[SeriesShare]) -> ConstMessage {
    let mut m = ConstMessage::new()
        .str("`")
        .str(ident)
        .str("` can expose ")
        .num(total_series(shares))
        .str(" series, more than its `max_series = ")
        .num(budget)
        .str("` allows; the biggest contributors: ");
    // Three passes picking the largest share not yet shown (ties: declaration order).
    let mut shown = [usize::MAX; 3];
    let mut k = 0;
    while k < 3 && k < shares.len() {
        let mut best = usize::MAX;
        let mut i = 0;
        while i < shares.len() {
            let taken = shown[0] == i || shown[1] == i || shown[2] == i;
            if !taken && (best == usize::MAX || shares[i].series > shares[best].series) {
                best = i;
            }
            i += 1;
        }
        shown[k] = best;
        if k > 0 {
            m = m.str(", ");
        }
        m = m
            .str(shares[best].what)
            .str(" (")
            .num(shares[best].series)
            .str(")");
        k += 1;
    }
    m.str(
        "; shrink the label sets or their declared limits, use fewer buckets, or raise the budget",
    )
}

/// "label `x` ..." messages: `before` + the name + `after`.
pub const fn name_message(before: &str, name: Option<&str>, after: &str) -> ConstMessage {
    let name = match name {
        Some(n) => n,
        None => "",
    };
    ConstMessage::new().str(before).str(name).str(after)
}

// ---- Metrics: nested structs and constant labels -----------------------------------------

/// A `#[derive(Metrics)]` struct seen as a field of another one (`#[metric(nested)]`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be nested in a `#[derive(Metrics)]` struct",
    label = "not a `#[derive(Metrics)]` struct",
    note = "`#[metric(nested)]` is for a field whose type derives `Metrics`; a single metric needs no attribute"
)]
pub trait MetricGroup: Collector + Sized {
    /// Every series the struct can expose (nested structs included), for a parent's
    /// `max_series` budget; `usize::MAX` when unbounded.
    const SERIES: usize;
    /// Every label name its series can carry (constant labels and every family's label
    /// set, nested structs included), so a parent's constant labels cannot clash.
    const LABEL_NAMES: &'static [&'static str];
    /// Whether collecting it may block: a callback field, here or in a nested struct.
    const MAY_BLOCK: bool = false;
    /// A fresh instance at zero (the derived `new()`).
    fn build_group() -> Self;

    /// The descriptors renamed for a parent (`prefix` + name), computed once per parent
    /// field.
    fn nested_descriptors(
        &self,
        prefix: &'static str,
        defined_in: &'static str,
    ) -> Vec<Descriptor> {
        self.describe()
            .into_iter()
            .map(|d| {
                let name = format!("{prefix}{}", d.name).into();
                let defined_at = format!("{}, nested in {defined_in}", d.defined_at).into();
                Descriptor {
                    name,
                    defined_at,
                    ..d
                }
            })
            .collect()
    }

    /// Collects through a parent: the families are announced under the parent's names
    /// (the `k`-th family sent gets the `k`-th renamed descriptor: the derive sends
    /// families in `describe` order).
    fn collect_nested(&self, renamed: &[Descriptor], sink: &mut dyn Sink) {
        struct Renaming<'a> {
            inner: &'a mut dyn Sink,
            renamed: &'a [Descriptor],
            next: usize,
        }
        impl Sink for Renaming<'_> {
            fn family(&mut self, descriptor: &Descriptor) {
                let d = self.renamed.get(self.next).unwrap_or(descriptor);
                self.next += 1;
                self.inner.family(d);
            }
            fn point(&mut self, labels: &dyn EncodeLabels, point: Point<'_>) {
                self.inner.point(labels, point);
            }
            fn registered_at(&self) -> Option<f64> {
                self.inner.registered_at()
            }
            #[cfg(feature = "multiprocess")]
            fn multiprocess_binder(&mut self) -> Option<&mut crate::multiprocess::Binder> {
                self.inner.multiprocess_binder()
            }
        }
        self.collect(&mut Renaming {
            inner: sink,
            renamed,
            next: 0,
        });
    }

    /// Reports overflows under the parent's names.
    fn nested_overflows(&self, prefix: &str, report: &mut dyn FnMut(&str, u64)) {
        self.overflows(&mut |name, n| report(&format!("{prefix}{name}"), n));
    }
}

/// A struct's constant labels (`#[metrics(const_labels(env = "prod"))]`), written before
/// each series' own labels.
pub type ConstLabels = &'static [(&'static str, &'static str)];

/// Collects with every series carrying `labels` first.
pub fn with_const_labels(
    labels: ConstLabels,
    sink: &mut dyn Sink,
    collect: impl FnOnce(&mut dyn Sink),
) {
    struct Prepend<'a> {
        inner: &'a mut dyn Sink,
        labels: ConstLabels,
    }
    struct Both<'a> {
        first: ConstLabels,
        rest: &'a dyn EncodeLabels,
    }
    impl EncodeLabels for Both<'_> {
        fn encode_labels(&self, out: &mut LabelWriter<'_>) {
            for (name, value) in self.first {
                out.label_str(name, value);
            }
            self.rest.encode_labels(out);
        }
    }
    impl Sink for Prepend<'_> {
        fn family(&mut self, descriptor: &Descriptor) {
            self.inner.family(descriptor);
        }
        fn point(&mut self, labels: &dyn EncodeLabels, point: Point<'_>) {
            let both = Both {
                first: self.labels,
                rest: labels,
            };
            self.inner.point(&both, point);
        }
        fn registered_at(&self) -> Option<f64> {
            self.inner.registered_at()
        }
        #[cfg(feature = "multiprocess")]
        fn multiprocess_binder(&mut self) -> Option<&mut crate::multiprocess::Binder> {
            let labels = self.labels;
            let binder = self.inner.multiprocess_binder()?;
            binder.set_const_labels(labels);
            Some(binder)
        }
    }
    collect(&mut Prepend {
        inner: sink,
        labels,
    });
}

/// A family name with its unit: `name` is the composed name without the unit; the
/// derive passes both spellings (a counter's unit goes before `_total`).
pub const fn unit_name(
    ty: MetricType,
    counter_name: &'static str,
    other_name: &'static str,
) -> &'static str {
    match ty {
        MetricType::Counter => counter_name,
        _ => other_name,
    }
}

/// Whether a field of this type takes `multiprocess = "..."`: gauges only.
pub const fn is_gauge(ty: MetricType) -> bool {
    matches!(ty, MetricType::Gauge)
}

/// Whether a family of type `ty` can carry a unit (OpenMetrics forbids it on info and
/// stateset families).
pub const fn takes_unit(ty: MetricType) -> bool {
    let t = ty.as_str();
    !(str_eq(t, "info") || str_eq(t, "stateset"))
}

/// What `#[metric(labels = L)]` checks: the field is a `Family<L, M>` over that `L`
/// (implemented for nothing else, so a mismatch is this trait's one message).
#[diagnostic::on_unimplemented(
    message = "`labels = {L}` does not name the label set of this field's family `{Self}`",
    label = "the field's family is over another label set",
    note = "a `Family<L, M>` field's labels are its `L`: make `labels = ...` and the field's type name the same label set (or remove `labels = ...`, the type says it)"
)]
pub trait FamilyOver<L> {}

impl<L, M> FamilyOver<L> for Family<L, M> {}

/// Type-checks only when `F` is a family over `L` (see [`FamilyOver`]).
pub const fn same_labels<F: FamilyOver<L>, L>() {}

/// The label set `labels = L` names. The derive reads a field `#[promenade::families]`
/// made a `Family<L, M>` as `Family<<L as LabelsOf>::Set, M>` (the same type), spanned at
/// `L` in the attribute: when `L` is not a [`LabelSet`], that is the one error, there
/// (the field's other uses then see an error type and add none).
pub trait LabelsOf {
    /// `L` itself.
    type Set;
}

impl<L: LabelSet> LabelsOf for L {
    type Set = L;
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
        assert_eq!(family_name(MetricType::Info, "build_info"), "build");
    }

    #[test]
    fn clashes_follow_sample_names() {
        use MetricType::*;
        assert!(families_clash("x", Counter, "x_total", Gauge));
        assert!(families_clash("x_total", Counter, "x", Counter));
        assert!(families_clash("x", Histogram, "x_count", Gauge));
        assert!(families_clash("x", GaugeHistogram, "x_gsum", Gauge));
        assert!(!families_clash("x", Gauge, "x_total", Gauge));
        assert!(!families_clash("x", Histogram, "x_total", Gauge));
    }

    #[test]
    fn series_budget() {
        use MetricType::*;
        assert_eq!(field_series(Counter, Some(1), Some(1), None, None, 1), 1);
        assert_eq!(field_series(StateSet, Some(2), Some(2), None, None, 3), 6);
        assert_eq!(field_series(Counter, Some(15), Some(15), None, None, 1), 15);
        assert_eq!(
            field_series(Counter, Some(15), Some(15), Some(4), None, 1),
            5
        );
        assert_eq!(field_series(Counter, None, None, Some(100), None, 1), 101);
        assert_eq!(field_series(Counter, None, Some(500), None, None, 1), 501);
        assert_eq!(
            field_series(Counter, None, Some(500), Some(10), None, 1),
            11
        );
        assert_eq!(field_series(Counter, None, None, None, None, 1), usize::MAX);
        assert_eq!(
            field_series(Histogram, Some(2), Some(2), None, Some(3), 1),
            12
        );
        assert_eq!(field_series(Histogram, Some(1), Some(1), None, None, 1), 17);
        let share = |what, series| SeriesShare { what, series };
        assert_eq!(total_series(&[share("a", 10), share("b", 7)]), 17);
        assert_eq!(
            total_series(&[share("a", usize::MAX), share("b", 1)]),
            usize::MAX
        );
        let shares = [
            share("`small`", 2),
            share("`big`", 300),
            share("nested `Db`", 40),
            share("`mid`", 40),
        ];
        assert_eq!(
            budget_message("M", 100, &shares).as_str(),
            "`M` can expose 382 series, more than its `max_series = 100` allows; the biggest \
             contributors: `big` (300), nested `Db` (40), `mid` (40); shrink the label sets or \
             their declared limits, use fewer buckets, or raise the budget"
        );
        assert_eq!(
            budget_message("M", 1, &[share("`open`", usize::MAX)]).as_str(),
            "`M` can expose unbounded series, more than its `max_series = 1` allows; the \
             biggest contributors: `open` (unbounded); shrink the label sets or their declared \
             limits, use fewer buckets, or raise the budget"
        );
    }

    #[test]
    fn const_messages_cut_at_a_character() {
        let long = "é".repeat(600);
        let m = ConstMessage::new().str("x").str(&long);
        assert_eq!(m.as_str().len(), 1023);
        assert_eq!(m.as_str().chars().count(), 1 + 511);
        assert!(m.as_str().ends_with('é'));
        assert_eq!(ConstMessage::new().num(0).num(1234567).as_str(), "01234567");
    }

    #[test]
    fn names_concatenate_and_repeat() {
        const PARTS: &[&[&str]] = &[&["a"], &["b", "c"], &[]];
        const ALL: [&str; names_len(PARTS)] = concat_names(PARTS);
        assert_eq!(ALL, ["a", "b", "c"]);
        assert_eq!(first_duplicate(&["a", "b", "a"]), Some("a"));
        assert_eq!(first_duplicate(&ALL), None);
        assert_eq!(first_common(&["x", "c"], &ALL), Some("c"));
        assert_eq!(first_common(&["x"], &ALL), None);
        assert_eq!(label_max_series(Some(2), None), Some(2));
        assert_eq!(label_max_series(Some(256), Some(10)), Some(10));
        assert_eq!(label_max_series(None, Some(500)), Some(500));
        assert_eq!(label_max_series(None, None), None);
    }

    #[test]
    fn reserved_labels() {
        assert!(reserves_label(MetricType::Histogram, "x", "le"));
        assert!(!reserves_label(MetricType::Counter, "x", "le"));
        assert!(reserves_label(MetricType::StateSet, "lights", "lights"));
        assert!(!reserves_label(MetricType::StateSet, "lights", "le"));
        assert!(!reserves_label(MetricType::Gauge, "lights", "lights"));
        assert_eq!(
            first_reserved(MetricType::StateSet, "lights", &["method", "lights"]),
            Some("lights")
        );
        assert_eq!(first_reserved(MetricType::Summary, "s", &["le"]), None);
        assert_eq!(
            reserved_label_message(MetricType::StateSet, "lights", "lights", "lights").as_str(),
            "invalid label name \"lights\" in the label set of state set field `lights`: a state set writes its states as a label named after the metric, so each series would carry that label twice; rename that field of the label set with `#[label(rename = \"...\")]`, or rename the metric with `#[metric(name = \"...\")]`"
        );
        assert_eq!(
            reserved_label_message(MetricType::GaugeHistogram, "wait", "wait", "le").as_str(),
            "invalid label name \"le\" in the label set of gauge histogram field `wait`: `le` is reserved for a histogram's bucket bounds; rename that field of the label set with `#[label(rename = \"...\")]`"
        );
        assert!(contains_label(&["a", "le"], "le"));
        assert!(!contains_label(&["a"], "le"));
    }
}
