//! [`Family`]: one metric per label set.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::ops::Deref;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, OnceLock, RwLock};

use crate::__private::ConstMessage;
use crate::labels::{EncodeLabels, LabelSet, LabelWriter};
use crate::metrics::{unix_now, Metric};
use crate::Error;

/// The label value every label of the overflow series carries.
pub const OVERFLOW_LABEL_VALUE: &str = "__overflow__";

/// A metric per label set: `Family<Request, Counter>` is one counter for each `Request`.
///
/// # Storage
/// - **Finite label sets** (every field a finite [`LabelValue`](crate::LabelValue), so
///   `L::CARDINALITY` is `Some(n)`): the `n` series live in one boxed array, allocated once
///   at first use, and `labels(l)` is `&array[l.index()]` — no hash, no lock, no allocation.
///   Every series exists (at zero) from the first scrape.
/// - **Open label sets** (a `String` or other unbounded field): series live in a map
///   behind a read-write lock that is held for the lookup (and, read, while a scrape
///   encodes the family), never handed out. The
///   limit comes from the label set's declared limits (`#[label(limit = N)]`, i.e.
///   [`LabelSet::MAX_SERIES`]) or from [`Family::with_limit`]. Once `limit` series exist, further
///   new label sets all share one **overflow series**, exposed with every label set to
///   [`OVERFLOW_LABEL_VALUE`]; each lookup that lands there is counted (see
///   [`overflow_count`](Self::overflow_count), exposed by the registry as
///   `promenade_family_overflow_total{family="…"}`, a series that appears once the family
///   has overflowed: a scrape of families that never did has no such line). Existing
///   series keep working.
///
/// # Series order
/// A scrape (and [`for_each`](Self::for_each)) sees the series in a fixed order, so two
/// expositions of the same family diff line by line: a finite family in index order (a
/// derived set's fields as declared, each enum's variants as declared, the first field
/// slowest); an open family in the order its label sets were first seen, then the
/// overflow series. Removing a series keeps the order of the others; a label set seen
/// again after its removal comes last.
///
/// # Label names given once: tuples
/// As with the Python client's `Counter('requests', '…', ['method', 'path'])`, the label
/// set can be a tuple of label values, named once where the family is built
/// ([`with_label_names`](Self::with_label_names)), each lookup passing the values in
/// that order. A tuple of enums is as fast as a derived struct of them (a dense array).
///
/// ```
/// use promenade::{Counter, Family, LabelValue};
///
/// #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
/// enum Method { Get, Post }
///
/// // Python: Counter('requests', 'Requests.', ['method', 'path'], ...).labels('get', '/')
/// let requests: Family<(Method, String), Counter> =
///     Family::with_label_names_and_limit(["method", "path"], 1000)?;
/// requests.labels((Method::Get, "/".to_owned())).inc();
/// assert_eq!(requests.get(&(Method::Get, "/".to_owned())).map(|c| c.get()), Some(1));
///
/// // Finite values only: stored densely, no limit to give.
/// let by_method: Family<(Method, bool), Counter> = Family::with_label_names(["method", "ok"])?;
/// by_method.labels((Method::Post, true)).inc();
/// assert_eq!(by_method.len(), 4);
///
/// // Names are checked when the family is built.
/// let twice = Family::<(Method, Method), Counter>::with_label_names(["method", "method"]);
/// assert_eq!(
///     twice.unwrap_err().to_string(),
///     "invalid label name \"method\": it is given twice; give each label of the family its own name"
/// );
/// # Ok::<(), promenade::Error>(())
/// ```
///
/// The number of names is checked against the tuple at compile time, and a tuple family
/// must be built with its names:
///
/// ```compile_fail
/// # use promenade::{Counter, Family};
/// let f: Family<(String, String), Counter> = Family::with_label_names_and_limit(["path"], 10).unwrap();
/// ```
/// ```compile_fail
/// # use promenade::{Counter, Family};
/// let f: Family<(bool,), Counter> = Family::new(); // which name? use `with_label_names`
/// ```
///
/// ```
/// use promenade::{Counter, Family, LabelSet};
///
/// #[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
/// struct Peer {
///     #[label(limit = 2)] // at most two hosts: `Family::new()` takes the limit from here
///     host: String,
/// }
///
/// let errors: Family<Peer, Counter> = Family::new();
/// assert_eq!(errors.limit(), 2);
/// let peer = |h: &str| Peer { host: h.to_owned() };
/// errors.labels(peer("a")).inc();
/// errors.labels(peer("b")).inc();
/// errors.labels(peer("c")).inc(); // a third distinct value: the overflow series
/// errors.labels(peer("a")).inc(); // existing series still count
/// assert_eq!(errors.get(&peer("a")).map(|c| c.get()), Some(2));
/// assert_eq!(errors.overflow_count(), 1);
/// ```
///
/// # Creation times
/// A series' creation time (OpenMetrics' `_created`, for the metrics that have none of
/// their own: [`Counter`](crate::Counter) and [`FloatCounter`](crate::FloatCounter)) is
/// when the family allocated its dense array, or when an open family first saw the
/// label set; [`Counter::reset`](crate::Counter::reset) (and so `remove`/`clear` on a finite
/// family) renews it.
//
// The struct itself carries no bounds (they are on the impls), so that naming a
// `Family<L, NotAMetric>` is one error at the use that needs `M: Metric`, not one at every
// mention of the type; the configuration is kept type-erased for the same reason.
pub struct Family<L, M> {
    config: Box<dyn Any + Send + Sync>,
    /// The label names of a tuple label set (empty for sets that name their own labels).
    names: Box<[&'static str]>,
    dense: OnceLock<Dense<M>>,
    open: RwLock<Open<L, M>>,
    limit: usize,
    overflow: OnceLock<OpenSeries<M>>,
    overflowed: AtomicU64,
    /// Multiprocess mode: the family's record in this process' file, once the default
    /// registry bound it; every series created from then on is bound at creation.
    #[cfg(feature = "multiprocess")]
    binding: OnceLock<Arc<crate::multiprocess::FamilyBinding>>,
}

/// The series of an open family: a map for lookups, a list in insertion order for
/// scrapes (read front to back, without hashing, in an order that does not change from
/// scrape to scrape).
struct Open<L, M> {
    /// Label set → metric: a hit is one hash and one probe, as in a plain map.
    index: HashMap<Arc<L>, Arc<M>>,
    /// The same series, in the order their label sets were first seen.
    order: Vec<(Arc<L>, OpenSeries<M>)>,
}

impl<L, M> Default for Open<L, M> {
    fn default() -> Self {
        Open {
            index: HashMap::new(),
            order: Vec::new(),
        }
    }
}

/// The series of a finite family, created together.
struct Dense<M> {
    series: Box<[M]>,
    created: f64,
}

/// One series of an open family, with when it was created.
struct OpenSeries<M> {
    metric: Arc<M>,
    created: f64,
    /// Multiprocess mode: its record, marked removed when the series is.
    #[cfg(feature = "multiprocess")]
    record: OnceLock<crate::multiprocess::SeriesCells>,
}

impl<M> OpenSeries<M> {
    fn new(metric: M) -> Self {
        OpenSeries {
            metric: Arc::new(metric),
            created: unix_now(),
            #[cfg(feature = "multiprocess")]
            record: OnceLock::new(),
        }
    }

    /// Multiprocess mode: the series leaves the aggregate.
    fn forget(&self) {
        #[cfg(feature = "multiprocess")]
        if let Some(r) = self.record.get() {
            r.mark_removed();
        }
    }
}

/// A handle to one series of a [`Family`]; dereferences to the metric.
///
/// It borrows the family for finite label sets and shares ownership of the series
/// (an `Arc`) for open ones. It is not a lock guard: hold it as long as you like, across
/// `.await`s and threads.
pub enum Series<'a, M> {
    /// A series in the dense array.
    Borrowed(&'a M),
    /// A series of an open family.
    Shared(Arc<M>),
}

impl<M> Deref for Series<'_, M> {
    type Target = M;
    #[inline]
    fn deref(&self) -> &M {
        match self {
            Series::Borrowed(m) => m,
            Series::Shared(m) => m,
        }
    }
}

impl<M> Clone for Series<'_, M> {
    fn clone(&self) -> Self {
        match self {
            Series::Borrowed(m) => Series::Borrowed(m),
            Series::Shared(m) => Series::Shared(m.clone()),
        }
    }
}

impl<M: fmt::Debug> fmt::Debug for Series<'_, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl<L: LabelSet, M: Metric> Family<L, M> {
    /// A family with the metric's default configuration, over a finite label set or one
    /// whose open fields declare their limits (`#[label(limit = N)]`).
    ///
    /// A label set that nothing bounds (a field declared `#[label(unbounded)]`, or an open
    /// set written by hand) is a compile error here: use [`Family::with_limit`] and say
    /// how many series you accept. So is a tuple of label values, which has no names: use
    /// [`Family::with_label_names`].
    pub fn new() -> Self {
        // Each public constructor checks at compile time itself, so the error's note
        // points at the caller's line.
        const {
            if let Some(m) = named_by_type_error::<L>() {
                panic!("{}", m)
            }
            if let Some(m) = unbounded_error::<L>() {
                panic!("{}", m)
            }
        };
        Self::bounded(M::Config::default())
    }

    /// [`new`](Self::new) with a configuration every series shares (for histograms: the
    /// buckets). A finite label set is stored densely; an open one with declared limits
    /// holds at most [`LabelSet::MAX_SERIES`] series before the overflow series.
    pub fn with_config(config: M::Config) -> Self {
        const {
            if let Some(m) = named_by_type_error::<L>() {
                panic!("{}", m)
            }
            if let Some(m) = unbounded_error::<L>() {
                panic!("{}", m)
            }
        };
        Self::bounded(config)
    }

    /// A family whose limit its label set gives.
    fn bounded(config: M::Config) -> Self {
        let limit = match (L::CARDINALITY, L::MAX_SERIES) {
            (Some(_), _) => usize::MAX,
            (None, Some(max)) => max,
            (None, None) => usize::MAX,
        };
        Self::build(config, limit, Box::default())
    }

    /// A family that holds at most `limit` series (for finite label sets, at most the
    /// cardinality); label sets beyond it share the overflow series.
    pub fn with_limit(limit: usize) -> Self {
        const {
            if let Some(m) = named_by_type_error::<L>() {
                panic!("{}", m)
            }
        };
        Self::build(M::Config::default(), limit, Box::default())
    }

    /// [`with_limit`](Self::with_limit) with a metric configuration.
    pub fn with_limit_and_config(limit: usize, config: M::Config) -> Self {
        const {
            if let Some(m) = named_by_type_error::<L>() {
                panic!("{}", m)
            }
        };
        Self::build(config, limit, Box::default())
    }

    /// A family over a tuple of label values, named `names` in order: `Family<(Method,
    /// bool), Counter>::with_label_names(["method", "ok"])`, then
    /// `family.labels((Method::Get, true))` (see [the type's docs](Self#label-names-given-once-tuples)).
    ///
    /// The number of names must be the tuple's length (a compile error otherwise); every
    /// value must be finite (an enum, `bool`, …), else give a limit with
    /// [`with_label_names_and_limit`](Self::with_label_names_and_limit) (a compile error
    /// says so). Each name must be a valid label name, not starting with `__`, given once:
    /// an [`Error::InvalidLabelName`] otherwise. Names a metric type reserves (`le` in a
    /// histogram, `quantile` in a summary) are refused when the family is registered, as
    /// for every label set.
    pub fn with_label_names<const N: usize>(names: [&'static str; N]) -> Result<Self, Error> {
        const {
            if let Some(m) = positional_error::<L>(N, true) {
                panic!("{}", m.as_str())
            }
        };
        Self::named(names, usize::MAX, M::Config::default())
    }

    /// [`with_label_names`](Self::with_label_names) with a configuration every series
    /// shares (for histograms: the buckets).
    pub fn with_label_names_and_config<const N: usize>(
        names: [&'static str; N],
        config: M::Config,
    ) -> Result<Self, Error> {
        const {
            if let Some(m) = positional_error::<L>(N, true) {
                panic!("{}", m.as_str())
            }
        };
        Self::named(names, usize::MAX, config)
    }

    /// [`with_label_names`](Self::with_label_names) for a family that keeps at most
    /// `limit` series (needed when a value is open, such as a `String` path); label sets
    /// beyond it share the overflow series.
    pub fn with_label_names_and_limit<const N: usize>(
        names: [&'static str; N],
        limit: usize,
    ) -> Result<Self, Error> {
        const {
            if let Some(m) = positional_error::<L>(N, false) {
                panic!("{}", m.as_str())
            }
        };
        Self::named(names, limit, M::Config::default())
    }

    /// [`with_label_names_and_limit`](Self::with_label_names_and_limit) with a metric
    /// configuration.
    pub fn with_label_names_limit_and_config<const N: usize>(
        names: [&'static str; N],
        limit: usize,
        config: M::Config,
    ) -> Result<Self, Error> {
        const {
            if let Some(m) = positional_error::<L>(N, false) {
                panic!("{}", m.as_str())
            }
        };
        Self::named(names, limit, config)
    }

    /// A tuple family named `names` (their number checked at compile time by the caller).
    fn named(
        names: impl Into<Box<[&'static str]>>,
        limit: usize,
        config: M::Config,
    ) -> Result<Self, Error> {
        let names = names.into();
        for (i, name) in names.iter().enumerate() {
            crate::validate::utf8_label_name(name)?;
            if names[..i].contains(name) {
                return Err(Error::InvalidLabelName {
                    name: (*name).to_owned(),
                    reason: "it is given twice; give each label of the family its own name".into(),
                });
            }
        }
        Ok(Self::build(config, limit, names))
    }

    fn build(config: M::Config, limit: usize, names: Box<[&'static str]>) -> Self {
        Family {
            config: Box::new(config),
            names,
            dense: OnceLock::new(),
            open: RwLock::new(Open::default()),
            limit,
            overflow: OnceLock::new(),
            overflowed: AtomicU64::new(0),
            #[cfg(feature = "multiprocess")]
            binding: OnceLock::new(),
        }
    }

    /// The label names, in the order every series writes them: the label set's
    /// [`NAMES`](LabelSet::NAMES), or a tuple's names given at construction.
    #[inline]
    pub fn label_names(&self) -> &[&'static str] {
        if L::POSITIONAL_LABELS == 0 {
            L::NAMES
        } else {
            &self.names
        }
    }

    /// Whether this family keeps its series in the dense array.
    #[inline]
    pub(crate) fn is_dense(&self) -> bool {
        // A finite family with a limit below its cardinality is stored as an open one, so
        // the limit holds.
        matches!(L::CARDINALITY, Some(n) if n <= self.limit)
    }

    #[inline]
    fn dense(&self) -> &[M] {
        &self.dense_series().series
    }

    #[inline]
    fn dense_series(&self) -> &Dense<M> {
        self.dense.get_or_init(|| {
            let n = L::CARDINALITY.unwrap_or(0);
            let config = self.config();
            let dense = Dense {
                series: (0..n).map(|_| M::with_config(config)).collect(),
                created: unix_now(),
            };
            #[cfg(feature = "multiprocess")]
            if let Some(fb) = self.binding.get() {
                self.bind_dense(fb, &dense.series);
            }
            dense
        })
    }

    /// The metric for `labels`, created (at zero) if it does not exist yet.
    #[inline]
    pub fn labels(&self, labels: L) -> Series<'_, M> {
        if self.is_dense() {
            return Series::Borrowed(&self.dense()[labels.index()]);
        }
        self.open_series(labels)
    }

    /// The metric for `labels` if it exists; never creates one.
    pub fn get(&self, labels: &L) -> Option<Series<'_, M>> {
        if self.is_dense() {
            return Some(Series::Borrowed(&self.dense()[labels.index()]));
        }
        let open = self.open.read().unwrap_or_else(|e| e.into_inner());
        open.index.get(labels).map(|m| Series::Shared(m.clone()))
    }

    #[cold]
    fn open_series(&self, labels: L) -> Series<'_, M> {
        {
            let open = self.open.read().unwrap_or_else(|e| e.into_inner());
            if let Some(m) = open.index.get(&labels) {
                return Series::Shared(m.clone());
            }
        }
        let mut open = self.open.write().unwrap_or_else(|e| e.into_inner());
        if let Some(m) = open.index.get(&labels) {
            return Series::Shared(m.clone());
        }
        if open.order.len() >= self.limit {
            drop(open);
            return self.overflow_series();
        }
        let s = OpenSeries::new(M::with_config(self.config()));
        #[cfg(feature = "multiprocess")]
        if let Some(fb) = self.binding.get() {
            match s
                .metric
                .bind_series(fb, &Named(self.label_names(), &labels))
            {
                Some(record) => {
                    let _ = s.record.set(record);
                }
                // No room in the file (a full disk): the overflow series, which is.
                None => {
                    drop(open);
                    return self.overflow_series();
                }
            }
        }
        let m = s.metric.clone();
        let labels = Arc::new(labels);
        open.index.insert(labels.clone(), m.clone());
        open.order.push((labels, s));
        Series::Shared(m)
    }

    #[cold]
    fn overflow_series(&self) -> Series<'_, M> {
        self.overflowed.fetch_add(1, Relaxed);
        let s = self.overflow.get_or_init(|| self.new_overflow_series());
        // Multiprocess mode: its record was reserved, hidden, when the family was bound
        // (so a full disk still has room for it); now it shows.
        #[cfg(feature = "multiprocess")]
        if let Some(r) = s.record.get() {
            r.mark_live();
        }
        Series::Shared(s.metric.clone())
    }

    fn new_overflow_series(&self) -> OpenSeries<M> {
        let s = OpenSeries::new(M::with_config(self.config()));
        #[cfg(feature = "multiprocess")]
        if let Some(fb) = self.binding.get() {
            if let Some(record) = s
                .metric
                .bind_series(fb, &OverflowLabels(self.label_names()))
            {
                let _ = s.record.set(record);
            }
        }
        s
    }

    /// Multiprocess mode: binds every series of a dense array.
    #[cfg(feature = "multiprocess")]
    fn bind_dense(&self, fb: &Arc<crate::multiprocess::FamilyBinding>, series: &[M]) {
        let names = self.label_names();
        for (i, m) in series.iter().enumerate() {
            if let Some(l) = L::from_index(i) {
                m.bind_series(fb, &Named(names, &l));
            }
        }
    }

    /// Multiprocess mode: the default registry binds this family (at registration): the
    /// series that exist now move to this process' file, and later ones are bound as
    /// they are created.
    #[cfg(feature = "multiprocess")]
    pub(crate) fn bind(&self, fb: Arc<crate::multiprocess::FamilyBinding>) {
        if self.binding.set(fb.clone()).is_err() {
            return; // bound already (registered twice)
        }
        if self.is_dense() {
            if let Some(dense) = self.dense.get() {
                self.bind_dense(&fb, &dense.series);
            }
            return;
        }
        let names = self.label_names();
        let open = self.open.read().unwrap_or_else(|e| e.into_inner());
        for (l, s) in &open.order {
            if let Some(record) = s.metric.bind_series(&fb, &Named(names, &**l)) {
                let _ = s.record.set(record);
            }
        }
        drop(open);
        match self.overflow.get() {
            Some(s) => {
                if let Some(record) = s.metric.bind_series(&fb, &OverflowLabels(names)) {
                    let _ = s.record.set(record);
                }
            }
            // Its record now, hidden until it is first used: when the file cannot grow
            // any more, new label sets still have a series in it to go to.
            None => {
                let s = self.new_overflow_series();
                if let Some(r) = s.record.get() {
                    r.mark_removed();
                }
                let _ = self.overflow.set(s);
            }
        }
    }

    /// Removes the series of `labels`; `true` if there was one.
    ///
    /// A finite family always exposes every label set, so there the series is reset to
    /// its fresh state (zero, a new creation time) instead. In an open family the series
    /// disappears from the exposition (the others keep their order; this takes time in
    /// proportion to the family's size); handles to it still work but are no longer
    /// scraped.
    pub fn remove(&self, labels: &L) -> bool {
        if self.is_dense() {
            self.dense()[labels.index()].reset();
            return true;
        }
        let mut open = self.open.write().unwrap_or_else(|e| e.into_inner());
        let Some((key, _)) = open.index.remove_entry(labels) else {
            return false;
        };
        if let Some(at) = open.order.iter().position(|(l, _)| Arc::ptr_eq(l, &key)) {
            open.order.remove(at).1.forget();
        }
        true
    }

    /// Removes every series whose label set satisfies `matches` (the Python client's
    /// `remove_by_labels`, typed: `|l: &Request| l.method == Method::Get` matches on a
    /// subset of the labels); returns how many. Finite families reset them, as in
    /// [`remove`](Self::remove).
    ///
    /// ```
    /// use promenade::{Counter, Family, LabelSet, LabelValue};
    ///
    /// #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
    /// enum Method { Get, Post }
    /// #[derive(Clone, PartialEq, Eq, Hash, Debug, LabelSet)]
    /// struct Request { method: Method, #[label(unbounded)] path: String }
    ///
    /// let requests: Family<Request, Counter> = Family::with_limit(100);
    /// for (method, path) in [(Method::Get, "/a"), (Method::Get, "/b"), (Method::Post, "/a")] {
    ///     requests.labels(Request { method, path: path.to_owned() }).inc();
    /// }
    /// assert_eq!(requests.remove_matching(|r| r.method == Method::Get), 2);
    /// assert_eq!(requests.len(), 1);
    /// requests.clear();
    /// assert_eq!(requests.len(), 0);
    /// ```
    pub fn remove_matching(&self, mut matches: impl FnMut(&L) -> bool) -> usize {
        if self.is_dense() {
            let mut n = 0;
            for (i, m) in self.dense().iter().enumerate() {
                if L::from_index(i).is_some_and(|l| matches(&l)) {
                    m.reset();
                    n += 1;
                }
            }
            return n;
        }
        let mut open = self.open.write().unwrap_or_else(|e| e.into_inner());
        let Open { index, order } = &mut *open;
        let before = order.len();
        order.retain(|(l, s)| {
            let remove = matches(l);
            if remove {
                index.remove(&**l);
                s.forget();
            }
            !remove
        });
        before - order.len()
    }

    /// Removes every series: a finite family resets each to zero (they are still
    /// exposed), an open family drops them all (and resets its overflow series).
    pub fn clear(&self) {
        if self.is_dense() {
            self.dense().iter().for_each(M::reset);
            return;
        }
        let old = std::mem::take(&mut *self.open.write().unwrap_or_else(|e| e.into_inner()));
        old.order.iter().for_each(|(_, s)| s.forget());
        if let Some(s) = self.overflow.get() {
            s.metric.reset();
        }
    }

    /// How many series exist: the cardinality for a finite family, the label sets seen
    /// so far (without the overflow series) for an open one.
    pub fn len(&self) -> usize {
        if self.is_dense() {
            return self.dense().len();
        }
        self.open
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .order
            .len()
    }

    /// Whether the family has no series.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many lookups landed on the overflow series because the limit was reached.
    pub fn overflow_count(&self) -> u64 {
        self.overflowed.load(Relaxed)
    }

    /// The maximum number of series (`usize::MAX` when unbounded by a limit).
    pub fn limit(&self) -> usize {
        match L::CARDINALITY {
            Some(n) => n.min(self.limit),
            None => self.limit,
        }
    }

    /// The configuration every series shares.
    pub fn config(&self) -> &M::Config {
        // Only the constructors above store it, always as `M::Config`.
        self.config
            .downcast_ref()
            .expect("a family's configuration is its metric's `Config`")
    }

    /// Calls `f` with every series, in [the family's order](Self#series-order): for finite
    /// families every possible label set (zeros included), in index order; for open ones
    /// the series created so far, in the order they were first seen, then the overflow
    /// series if it was used. The map lock is released before `f` runs, so `f` may use
    /// the family (even create series).
    pub fn for_each(&self, mut f: impl FnMut(&dyn EncodeLabels, &M)) {
        if self.is_dense() {
            return self.for_each_created(|l, m, _| f(l, m));
        }
        // Shared, not cloned: the list is allocated, never a label set per series.
        let series: Vec<(Arc<L>, Arc<M>)> = {
            let open = self.open.read().unwrap_or_else(|e| e.into_inner());
            open.order
                .iter()
                .map(|(l, s)| (l.clone(), s.metric.clone()))
                .collect()
        };
        let names = self.label_names();
        for (l, m) in &series {
            f(&Named(names, &**l), m);
        }
        if let Some(s) = self.overflow.get().filter(|_| self.overflow_count() > 0) {
            f(&OverflowLabels(names), &s.metric);
        }
    }

    /// Every series with its creation time (seconds since the epoch; see
    /// [Creation times](Self#creation-times)), for a scrape. Unlike
    /// [`for_each`](Self::for_each), an open family's map stays read-locked while `f`
    /// runs (as client_golang's vectors do while they are collected): a scrape copies
    /// nothing per series, and a new label set waits for one family's encoding at most.
    /// Lookups of existing series take the read lock too and are not held up, unless a
    /// writer is already waiting. `f` must not create series in this family.
    pub(crate) fn for_each_created(&self, mut f: impl FnMut(&dyn EncodeLabels, &M, f64)) {
        let names = self.label_names();
        if self.is_dense() {
            let dense = self.dense_series();
            for (i, m) in dense.series.iter().enumerate() {
                if let Some(l) = L::from_index(i) {
                    f(&Named(names, &l), m, dense.created);
                }
            }
            return;
        }
        {
            let open = self.open.read().unwrap_or_else(|e| e.into_inner());
            for (l, s) in &open.order {
                f(&Named(names, &**l), &s.metric, s.created);
            }
        }
        if let Some(s) = self.overflow.get().filter(|_| self.overflow_count() > 0) {
            f(&OverflowLabels(names), &s.metric, s.created);
        }
    }
}

impl<L: LabelSet, M: Metric> Default for Family<L, M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<L: LabelSet + fmt::Debug, M: Metric + fmt::Debug> fmt::Debug for Family<L, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Family")
            .field("limit", &self.limit())
            .field("overflowed", &self.overflow_count())
            .finish_non_exhaustive()
    }
}

/// Why a family over `L` cannot be built without label names: `L` is a tuple.
const fn named_by_type_error<L: LabelSet>() -> Option<&'static str> {
    if L::POSITIONAL_LABELS == 0 {
        return None;
    }
    Some(
        "a tuple of label values has no label names of its own: build its family with \
         `Family::with_label_names([\"…\", …])` (one name per value, in order); in a \
         `#[derive(Metrics)]` struct, or to name the labels in the type, use a \
         `#[derive(LabelSet)]` struct instead, whose fields name them",
    )
}

/// Why a family over `L` needs a limit: nothing bounds it.
const fn unbounded_error<L: LabelSet>() -> Option<&'static str> {
    if L::MAX_SERIES.is_some() {
        return None;
    }
    Some(
        "nothing bounds this label set (an open field without `#[label(limit = N)]`): \
         declare limits on its open fields, or build the family with \
         `Family::with_limit(max_series)` instead of `Family::new()`",
    )
}

/// Why `names` names a family over `L` wrongly: `L` is not a tuple, `names` is not one
/// name per value, or (`finite`: no limit was given) a value is open.
const fn positional_error<L: LabelSet>(names: usize, finite: bool) -> Option<ConstMessage> {
    let m = ConstMessage::new();
    if L::POSITIONAL_LABELS == 0 {
        return Some(m.str(
            "this label set names its own labels (a `#[derive(LabelSet)]` struct or `()`): \
             build its family with `Family::new()` or `Family::with_limit(n)`; label names \
             are given to a family over a tuple of label values",
        ));
    }
    if names != L::POSITIONAL_LABELS {
        let m = m.str("the family got ").num(names);
        let m = m.str(if names == 1 {
            " label name"
        } else {
            " label names"
        });
        let m = m.str(" for a tuple of ").num(L::POSITIONAL_LABELS);
        return Some(m.str(" label values: give one name per value, in the tuple's order"));
    }
    if finite && L::CARDINALITY.is_none() {
        return Some(m.str(
            "a value of this tuple is open (a `String`, an integer, …), so the family could \
             grow without bound: say how many series it may keep with \
             `Family::with_label_names_and_limit([\"…\", …], max_series)`",
        ));
    }
    None
}

/// A series' label set with the family's label names (which only a tuple reads).
struct Named<'a, L>(&'a [&'static str], &'a L);

impl<L: LabelSet> EncodeLabels for Named<'_, L> {
    #[inline]
    fn encode_labels(&self, out: &mut LabelWriter<'_>) {
        self.1.encode_with_names(self.0, out)
    }
}

/// The labels of the overflow series: every name, each with [`OVERFLOW_LABEL_VALUE`].
struct OverflowLabels<'a>(&'a [&'static str]);

impl EncodeLabels for OverflowLabels<'_> {
    fn encode_labels(&self, out: &mut LabelWriter<'_>) {
        for name in self.0 {
            out.label_str(name, OVERFLOW_LABEL_VALUE);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Counter, LabelValue};

    /// A hand-written label set of one label, as `#[derive(LabelSet)]` would write it.
    #[derive(Clone, PartialEq, Eq, Hash, Debug)]
    struct One<V>(V);

    impl<V: LabelValue> LabelSet for One<V> {
        const NAMES: &'static [&'static str] = &["v"];
        const CARDINALITY: Option<usize> = V::CARDINALITY;
        fn index(&self) -> usize {
            self.0.index()
        }
        fn from_index(index: usize) -> Option<Self> {
            V::from_index(index).map(One)
        }
        fn encode(&self, out: &mut LabelWriter<'_>) {
            out.label("v", &self.0);
        }
    }

    fn text(l: &dyn EncodeLabels) -> String {
        crate::encoding::labels_text(l)
    }

    #[test]
    fn dense_family_has_every_series_at_zero() {
        let f: Family<One<bool>, Counter> = Family::new();
        f.labels(One(true)).inc();
        let mut seen = Vec::new();
        f.for_each(|l, m| seen.push((text(l), m.get())));
        assert_eq!(
            seen,
            vec![("v=\"false\"".to_owned(), 0), ("v=\"true\"".to_owned(), 1)]
        );
    }

    /// The numbers ARCHITECTURE.md quotes for memory per series.
    #[test]
    fn bytes_per_series() {
        use crate::{Gauge, Histogram, DEFAULT_BUCKETS};
        use std::mem::size_of;
        // With the `multiprocess` feature every value also carries the pointer to its
        // cells in the mapped file (null until bound): 8 bytes more, 16 for a histogram's
        // or summary's (pointer and length).
        let mp = if cfg!(feature = "multiprocess") { 8 } else { 0 };
        // … and a counter with exemplars or a histogram where its exemplars' slots go.
        #[cfg(feature = "multiprocess")]
        let slots = size_of::<crate::metrics::exemplar::SharedExemplars>();
        #[cfg(not(feature = "multiprocess"))]
        let slots = 0;
        assert_eq!(size_of::<Counter>(), 8 + mp);
        assert_eq!(size_of::<Gauge>(), 8 + mp);
        // The struct (buckets, counts, sum, creation time, the lazily allocated exemplar
        // slots), plus one 8-byte bucket counter per bound and one for +Inf on the heap.
        assert_eq!(size_of::<Histogram>(), 72 + 2 * mp + slots);
        // count, sum, creation time, and the quantile window's box (null without one);
        // the count lives on the heap, as a histogram's one bucket.
        assert_eq!(size_of::<crate::Summary>(), 40 + 2 * mp);
        assert_eq!(size_of::<crate::CounterWithExemplar>(), 64 + mp + slots);
        assert_eq!((DEFAULT_BUCKETS.len() + 1) * 8, 120);
    }

    #[test]
    fn finite_family_with_smaller_limit_overflows() {
        let f: Family<One<u8>, Counter> = Family::with_limit(1);
        f.labels(One(1)).inc();
        f.labels(One(2)).inc();
        f.labels(One(1)).inc();
        assert_eq!(f.overflow_count(), 1);
        assert_eq!(f.limit(), 1);
        let mut seen = Vec::new();
        f.for_each(|l, m| seen.push((text(l), m.get())));
        assert_eq!(
            seen,
            vec![
                ("v=\"1\"".to_owned(), 2),
                ("v=\"__overflow__\"".to_owned(), 1)
            ]
        );
    }

    #[test]
    fn open_family_overflows_past_its_limit() {
        let f: Family<One<String>, Counter> = Family::with_limit(2);
        for v in ["a", "b", "c", "d", "a"] {
            f.labels(One(v.to_owned())).inc();
        }
        assert_eq!(f.overflow_count(), 2);
        assert_eq!(f.get(&One("a".to_owned())).map(|c| c.get()), Some(2));
        assert!(f.get(&One("c".to_owned())).is_none());
    }

    #[test]
    fn remove_and_clear() {
        let dense: Family<One<bool>, Counter> = Family::new();
        dense.labels(One(true)).inc_by(3);
        dense.labels(One(false)).inc();
        assert!(dense.remove(&One(true)));
        assert_eq!(dense.get(&One(true)).map(|c| c.get()), Some(0));
        assert_eq!(dense.get(&One(false)).map(|c| c.get()), Some(1));
        dense.clear();
        assert_eq!(dense.get(&One(false)).map(|c| c.get()), Some(0));
        assert_eq!(dense.len(), 2);

        let open: Family<One<String>, Counter> = Family::with_limit(1);
        open.labels(One("a".to_owned())).inc();
        open.labels(One("b".to_owned())).inc(); // overflow
        assert!(open.remove(&One("a".to_owned())));
        assert!(!open.remove(&One("a".to_owned())));
        open.labels(One("c".to_owned())).inc(); // room again
        assert_eq!(open.remove_matching(|l| l.0 == "c"), 1);
        open.clear();
        let mut seen = Vec::new();
        open.for_each(|l, m| seen.push((text(l), m.get())));
        assert_eq!(seen, vec![("v=\"__overflow__\"".to_owned(), 0)]);
    }
}
