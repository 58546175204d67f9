//! [`Registry`]: what a scrape collects, with duplicate detection, and the default
//! registry that every `#[derive(Metrics)]` struct and `#[timed]` function joins by itself.

mod collect;
mod deadline;
mod default;
pub mod families;
mod filter;
mod point;
mod replay;
mod samples;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

pub use crate::number::Number;
use collect::CheckedSink;
pub use collect::{CollectError, CollectMetric, Collector, Descriptor, Named, Sink};
pub use deadline::{DEFAULT_COLLECTOR_TIMEOUT, DEFAULT_SCRAPE_TIMEOUT};
pub use default::{
    default_registry, default_registry_errors, default_registry_unchecked, try_default_registry,
    AutoRegistration,
};
pub use filter::NameFilter;
pub use point::{ExtraLabel, Point, PointData, SampleView, Scratch};
pub use samples::{MetricFamily, Sample, Timestamp};

use crate::labels::{EncodeLabels, LabelWriter};
use crate::metrics::MetricType;
use crate::Error;

/// The name of the family in which every registry reports, per family name, how many
/// lookups landed on an open family's overflow series. Only families that overflowed at
/// least once have a series there, and the family is left out of a scrape while none has.
pub const OVERFLOW_FAMILY: &str = "promenade_family_overflow";

/// The name of the family in which every registry counts, per collector, the scrapes at
/// which the collector panicked or returned an error (its output was left out).
pub const COLLECTOR_FAILURES_FAMILY: &str = "promenade_collector_failures";

/// The name of the family in which every registry counts, per collector, the scrapes that
/// left a [blocking](Collector::may_block) collector out because it had not finished by
/// its deadline (see [`Registry::set_collector_timeout`]).
pub const COLLECTOR_TIMEOUTS_FAMILY: &str = "promenade_collector_timeouts";

/// A set of collectors that is scraped as one exposition.
///
/// Registration checks every sample name the new collector can expose (`x`, `x_total`,
/// `x_bucket`, …) against those already registered and refuses a clash with an error that
/// names both definitions.
///
/// ```
/// use promenade::{Counter, Registry};
/// use std::sync::Arc;
///
/// let registry = Registry::new();
/// let jobs = Arc::new(Counter::new());
/// registry.register_metric("jobs", "Jobs processed.", jobs.clone()).unwrap();
/// jobs.inc();
/// assert_eq!(registry.get_sample_value("jobs_total", &[]), Some(1.0));
///
/// // `jobs_total` is taken: a counter with that name would clash.
/// let err = registry.register_metric("jobs_total", "Oops.", Arc::new(Counter::new()));
/// assert!(err.unwrap_err().to_string().contains("duplicate metric: `jobs_total`"));
/// ```
///
/// # Testing your metrics
/// Cargo runs a binary's tests in parallel threads, and the
/// [`default_registry`] is one per process: tests that assert on
/// it see each other's counts. Give each test its own: write the code under test against
/// the metrics it records into (a `&AppMetrics` it is handed, rather than
/// `AppMetrics::global()`), pass `AppMetrics::global()` in `main`, and in each test build a
/// fresh instance with the derive's `new()` (which registers nowhere), register it in a
/// `Registry::new()` of the test's own, and read values back with
/// [`get_sample_value`](Self::get_sample_value), the Python client's
/// `registry.get_sample_value(...)`. Nothing global is touched, so the tests run in
/// parallel.
///
/// ```
/// use promenade::{Counter, Family, LabelValue, Metrics, Registry};
/// use std::sync::Arc;
///
/// #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
/// enum Outcome { Paid, Declined }
///
/// #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, promenade::LabelSet)]
/// struct Order { outcome: Outcome }
///
/// #[derive(Metrics)]
/// struct ShopMetrics {
///     /// Orders placed.
///     orders: Family<Order, Counter>,
/// }
///
/// // The code under test records into the metrics it is given.
/// fn checkout(metrics: &ShopMetrics, card_ok: bool) {
///     let outcome = if card_ok { Outcome::Paid } else { Outcome::Declined };
///     metrics.orders.labels(Order { outcome }).inc();
/// }
/// // In `main`: `checkout(ShopMetrics::global(), ...)`.
///
/// // A test (`#[test] fn declined_cards_are_counted()`): its own registry and metrics.
/// let registry = Registry::new();
/// let metrics = Arc::new(ShopMetrics::new());
/// registry.register(metrics.clone())?;
/// checkout(&metrics, false);
/// assert_eq!(registry.get_sample_value("orders_total", &[("outcome", "declined")]), Some(1.0));
/// assert_eq!(registry.get_sample_value("orders_total", &[("outcome", "paid")]), Some(0.0));
/// // The default registry's `orders_total` (the `global()` instance) did not move.
/// assert_eq!(
///     promenade::default_registry().get_sample_value("orders_total", &[("outcome", "declined")]),
///     Some(0.0)
/// );
/// # Ok::<(), promenade::Error>(())
/// ```
///
/// A metric of its own works the same way: `Registry::new()` and
/// [`register_metric`](Self::register_metric) in the test, the metric handed to the code.
#[derive(Default)]
#[doc(alias = "CollectorRegistry")]
pub struct Registry {
    entries: RwLock<Vec<Entry>>,
    next_id: AtomicU64,
    /// The size of the last exposition, so the next buffer is allocated once.
    pub(crate) size_hint: std::sync::atomic::AtomicUsize,
    /// Whether this is the default registry, whose metrics multiprocess mode binds.
    #[cfg(feature = "multiprocess")]
    pub(crate) is_default: std::sync::atomic::AtomicBool,
    /// [`set_collector_timeout`](Self::set_collector_timeout), in ns; 0 for the default.
    collector_timeout: AtomicU64,
    /// [`set_scrape_timeout`](Self::set_scrape_timeout), in ns; 0 for the default.
    scrape_timeout: AtomicU64,
}

struct Entry {
    id: u64,
    descriptors: Vec<Descriptor>,
    collector: Arc<dyn Collector>,
    failures: Arc<AtomicU64>,
    /// Why its latest failed scrape failed.
    last_failure: Arc<Mutex<Option<String>>>,
    /// When it was registered (or built, for a derived struct's `global()`), in seconds
    /// since the epoch: the `_created` of its unlabelled counters.
    created: f64,
    /// Multiprocess mode: the families whose values are in this process' file, which
    /// the aggregate of every process' file replaces in a scrape.
    #[cfg(feature = "multiprocess")]
    hidden: Arc<Mutex<Vec<String>>>,
    /// Whether it runs on a worker now, and how often it ran past its deadline.
    slot: deadline::Slot,
}

/// Proof of a registration; give it back to [`Registry::unregister`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Registration(u64);

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a collector, unless one of the sample names it can expose is already exposed by
    /// a registered collector (or twice by itself), or one of its names is invalid.
    pub fn register(&self, collector: impl Collector) -> Result<Registration, Error> {
        self.register_arc(Arc::new(collector))
    }

    /// [`register`](Self::register) for a collector already behind an `Arc`.
    pub fn register_arc(&self, collector: Arc<dyn Collector>) -> Result<Registration, Error> {
        self.register_created(collector, crate::metrics::unix_now())
    }

    /// [`register_arc`](Self::register_arc) for a collector built at `created` (seconds
    /// since the epoch), the creation time of its unlabelled counters.
    pub(crate) fn register_created(
        &self,
        collector: Arc<dyn Collector>,
        created: f64,
    ) -> Result<Registration, Error> {
        let descriptors = collector.describe();
        for d in &descriptors {
            crate::validate::utf8_metric_name(&d.name)?;
        }
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        let mut taken: HashMap<String, &Descriptor> = HashMap::new();
        let reserved = [
            Descriptor::new(
                OVERFLOW_FAMILY,
                "",
                MetricType::Counter,
                "promenade's own overflow self-metric",
            ),
            Descriptor::new(
                COLLECTOR_FAILURES_FAMILY,
                "",
                MetricType::Counter,
                "promenade's own collector-failure self-metric",
            ),
        ];
        let existing = entries.iter().flat_map(|e| e.descriptors.iter());
        // Names as the default escaping writes them: `a.b` and `a_b` are one name to a
        // scraper that asks for no escaping.
        let escaped = |d: &Descriptor| -> Vec<String> {
            d.sample_names()
                .map(|s| {
                    crate::encoding::Escaping::Underscores
                        .escape(&s)
                        .into_owned()
                })
                .collect()
        };
        for d in reserved.iter().chain(existing) {
            for sample in escaped(d) {
                taken.insert(sample, d);
            }
        }
        for d in &descriptors {
            // Name the clash by a sample both families show (`x_total` of two counters,
            // rather than the bare family name they share), else one either shows.
            let clashes: Vec<(&String, &Descriptor)> = escaped(d)
                .into_iter()
                .filter_map(|sample| taken.get_key_value(&sample).map(|(k, o)| (k, *o)))
                .collect();
            // Counters, histograms and info metrics never show their bare family name.
            let shown = |sample: &str, by: &Descriptor| {
                promenade_rules::samples::is_shown(sample, &by.name, by.metric_type.rule())
            };
            let pick = clashes
                .iter()
                .find(|(s, o)| shown(s, d) && shown(s, o))
                .or_else(|| clashes.iter().find(|(s, o)| shown(s, d) || shown(s, o)))
                .or(clashes.first());
            if let Some(&(sample, other)) = pick {
                let sample = sample.clone();
                return Err(Error::DuplicateMetric {
                    sample,
                    existing: other.defined_at.to_string(),
                    new: d.defined_at.to_string(),
                });
            }
            for sample in escaped(d) {
                taken.insert(sample, d);
            }
        }
        let id = self.next_id.fetch_add(1, Relaxed);
        entries.push(Entry {
            id,
            descriptors,
            collector,
            failures: Arc::new(AtomicU64::new(0)),
            last_failure: Arc::default(),
            created,
            #[cfg(feature = "multiprocess")]
            hidden: Arc::default(),
            slot: deadline::Slot::default(),
        });
        #[cfg(feature = "multiprocess")]
        if let Some(mp) = self.binds_multiprocess() {
            let hidden = entries.last().map(|e| e.hidden.clone()).unwrap_or_default();
            let collector = entries.last().map(|e| e.collector.clone());
            drop(entries);
            if let Some(c) = collector {
                *hidden.lock().unwrap_or_else(|e| e.into_inner()) = bind_collector(mp, &*c);
            }
        }
        Ok(Registration(id))
    }

    /// Registers one metric under `name` with `help`. `metric` is anything exposable:
    /// `Arc<Counter>`, `&'static Histogram`, `Arc<Family<L, M>>`, …
    #[track_caller]
    pub fn register_metric<M: CollectMetric + 'static>(
        &self,
        name: impl Into<std::borrow::Cow<'static, str>>,
        help: impl Into<std::borrow::Cow<'static, str>>,
        metric: M,
    ) -> Result<Registration, Error> {
        self.register(Named::new(name, help, metric)?)
    }

    /// Removes a collector; `false` if it was not (or no longer) registered here.
    pub fn unregister(&self, registration: Registration) -> bool {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        let before = entries.len();
        entries.retain(|e| e.id != registration.0);
        entries.len() != before
    }

    /// Sends every registered family to `sink`, in registration order, then the overflow
    /// self-metric `promenade_family_overflow_total{family="…"}` with a series for each
    /// open family that ever overflowed (none, and no family line, while none has), then
    /// the collector-failure self-metric if any collector ever failed.
    ///
    /// Each collector runs between [`Sink::begin_collector`] and, if it panics or returns
    /// an error, [`Sink::abort_collector`]: its partial output is dropped and the other
    /// collectors are still served.
    ///
    /// Collectors do not write to `sink` directly but through a checking adapter, so a
    /// hand-written collector cannot break the exposition either: one that sends a family
    /// with an invalid name or unit, a family whose sample names clash with one already
    /// sent in this scrape (by itself or another collector; this also catches a collector
    /// registered twice whose `describe` says nothing), a point before any family, or a
    /// point of another type than its family's, fails like one that panicked. The adapter
    /// also leaves out an info label that repeats one of its series' labels (see
    /// [`Info`](crate::Info)).
    ///
    /// A collector that [may block](Collector::may_block) runs on a thread of its own and
    /// is waited for until the [collector timeout](Self::set_collector_timeout) (5 s by
    /// default) has passed since the scrape began, or the [scrape
    /// timeout](Self::set_scrape_timeout) (10 s), whichever comes first; one that has not
    /// finished by then is left out and counted in
    /// `promenade_collector_timeouts_total{collector="…"}`, and later scrapes leave it
    /// out at once until it returns. [`collect_until`](Self::collect_until) takes the
    /// scrape's deadline (the HTTP endpoints pass Prometheus'
    /// `X-Prometheus-Scrape-Timeout-Seconds`).
    pub fn collect(&self, sink: &mut dyn Sink) {
        self.collect_until(sink, Instant::now() + self.scrape_timeout());
    }

    /// [`collect`](Self::collect), waiting for blocking collectors until `deadline` at
    /// the latest.
    pub fn collect_until(&self, sink: &mut dyn Sink, deadline: Instant) {
        let collectors: Vec<Collecting> = {
            let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
            entries
                .iter()
                .map(|e| Collecting {
                    collector: e.collector.clone(),
                    failed: e.failures.clone(),
                    created: e.created,
                    last_failure: e.last_failure.clone(),
                    #[cfg(feature = "multiprocess")]
                    hidden: e.hidden.clone(),
                    #[cfg(not(feature = "multiprocess"))]
                    hidden: (),
                    busy: e.slot.busy.clone(),
                    timeouts: e.slot.timeouts.clone(),
                })
                .collect()
        };
        // The blocking collectors start first, so they run while the others are
        // collected; each has the collector timeout from now, within the scrape's deadline.
        let timeout = self.collector_timeout();
        let collector_deadline = (Instant::now() + timeout).min(deadline);
        let mut pending: Vec<Option<deadline::Pending>> = collectors
            .iter()
            .map(|c| {
                c.collector
                    .may_block()
                    .then(|| deadline::start(&c.collector, c.created, &c.busy))
            })
            .collect();
        let mut overflows: Vec<(String, u64)> = Vec::new();
        let mut failures: Vec<(String, u64)> = Vec::new();
        let mut timeouts: Vec<(String, u64)> = Vec::new();
        let reserved = [
            (OVERFLOW_FAMILY, MetricType::Counter),
            (COLLECTOR_FAILURES_FAMILY, MetricType::Counter),
            (COLLECTOR_TIMEOUTS_FAMILY, MetricType::Counter),
        ];
        let mut checked = CheckedSink::new(sink, &reserved);
        // One look at the counters' reset times for the whole scrape.
        crate::metrics::with_reset_snapshot(|| {
            for (c, pending) in collectors.iter().zip(pending.iter_mut()) {
                checked.begin(c.created);
                let outcome = match pending.take() {
                    None | Some(deadline::Pending::Inline) => {
                        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            c.with_sink(&mut checked, |c, sink| c.try_collect(sink))
                        })) {
                            Ok(Ok(())) => Outcome::Done,
                            Ok(Err(e)) => Outcome::Error(e.to_string()),
                            Err(_) => Outcome::Panic,
                        }
                    }
                    Some(deadline::Pending::Busy) => Outcome::TimedOut { earlier: true },
                    Some(deadline::Pending::Running(rx)) => {
                        match deadline::wait(&rx, collector_deadline) {
                            None => Outcome::TimedOut { earlier: false },
                            Some(Err(deadline::Failure::Error(e))) => Outcome::Error(e),
                            Some(Err(deadline::Failure::Fault(why))) => Outcome::Fault(why),
                            Some(Err(deadline::Failure::Panic)) => Outcome::Panic,
                            Some(Ok(families)) => {
                                let replayed =
                                    c.with_sink(&mut checked, |_, sink| families.replay(sink));
                                match replayed {
                                    Ok(()) => Outcome::Done,
                                    Err(e) => Outcome::Error(e.to_string()),
                                }
                            }
                        }
                    }
                };
                if !checked.end(matches!(outcome, Outcome::Done)) {
                    let why = match (checked.take_fault(), outcome) {
                        (_, Outcome::TimedOut { earlier }) => {
                            c.timeouts.fetch_add(1, Relaxed);
                            if earlier {
                                format!("the collector was still running since an earlier scrape that it ran past its deadline ({timeout:?}); left out")
                            } else {
                                format!("the collector did not finish by its deadline ({timeout:?}, within the scrape's); left out")
                            }
                        }
                        (Some(fault), _) => {
                            c.failed.fetch_add(1, Relaxed);
                            fault.to_string()
                        }
                        (None, Outcome::Fault(why)) => {
                            c.failed.fetch_add(1, Relaxed);
                            why
                        }
                        (None, Outcome::Error(e)) => {
                            c.failed.fetch_add(1, Relaxed);
                            format!("the collector returned an error: {e}")
                        }
                        (None, Outcome::Panic) => {
                            c.failed.fetch_add(1, Relaxed);
                            "the collector panicked".to_owned()
                        }
                        (None, Outcome::Done) => {
                            c.failed.fetch_add(1, Relaxed);
                            deadline::CORRUPT.to_owned()
                        }
                    };
                    *c.last_failure.lock().unwrap_or_else(|e| e.into_inner()) = Some(why);
                }
                let n = c.failed.load(Relaxed);
                if n > 0 {
                    failures.push((c.collector.collector_name().into_owned(), n));
                }
                let n = c.timeouts.load(Relaxed);
                if n > 0 {
                    timeouts.push((c.collector.collector_name().into_owned(), n));
                }
                // Only families that did overflow: the self-metric is a warning, not a
                // permanent extra series per open family.
                c.collector.overflows(&mut |name, n| {
                    if n > 0 {
                        overflows.push((name.to_owned(), n))
                    }
                });
            }
        });
        let sink = checked.inner();
        if !overflows.is_empty() {
            sink.family(&Descriptor::new(
                OVERFLOW_FAMILY,
                "Lookups of a new label set in a family that had reached its series limit (they share the overflow series).",
                MetricType::Counter,
                "promenade",
            ));
            for (family, n) in overflows {
                sink.point(
                    &FamilyLabel("family", &family),
                    Point::Counter {
                        value: Number::Int(n),
                        created: None,
                    },
                );
            }
        }
        for (family, help, counts) in [
            (
                COLLECTOR_FAILURES_FAMILY,
                "Scrapes at which a collector panicked or returned an error (its families were left out).",
                failures,
            ),
            (
                COLLECTOR_TIMEOUTS_FAMILY,
                "Scrapes that left out a collector that had not finished by its deadline.",
                timeouts,
            ),
        ] {
            if counts.is_empty() {
                continue;
            }
            sink.family(&Descriptor::new(
                family,
                help,
                MetricType::Counter,
                "promenade",
            ));
            for (collector, n) in counts {
                sink.point(
                    &FamilyLabel("collector", &collector),
                    Point::Counter {
                        value: Number::Int(n),
                        created: None,
                    },
                );
            }
        }
    }

    /// Why the collector of `registration` was left out of its latest failed scrape (see
    /// [`collect`](Self::collect)): what the checking sink refused, in the words
    /// registration uses for the same mistake (`invalid metric name "__x": …`), the error
    /// it returned, or that it panicked. `None` if it never failed here.
    ///
    /// ```
    /// use promenade::registry::{Collector, Descriptor, Sink};
    /// use promenade::{MetricType, Registry};
    /// struct Bad;
    /// impl Collector for Bad {
    ///     fn describe(&self) -> Vec<Descriptor> { Vec::new() }
    ///     fn collect(&self, sink: &mut dyn Sink) {
    ///         sink.family(&Descriptor::new("__x", "Bad.", MetricType::Gauge, "Bad"));
    ///     }
    /// }
    /// let r = Registry::new();
    /// let bad = r.register(Bad)?;
    /// assert_eq!(r.last_failure(bad), None);
    /// r.gather();
    /// assert_eq!(
    ///     r.last_failure(bad).as_deref(),
    ///     Some("invalid metric name \"__x\": names starting with `__` are reserved for Prometheus' own use")
    /// );
    /// # Ok::<(), promenade::Error>(())
    /// ```
    pub fn last_failure(&self, registration: Registration) -> Option<String> {
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        let entry = entries.iter().find(|e| e.id == registration.0)?;
        let why = entry.last_failure.lock().unwrap_or_else(|e| e.into_inner());
        why.clone()
    }

    /// How long a scrape waits for a collector that [may block](Collector::may_block)
    /// (default [`DEFAULT_COLLECTOR_TIMEOUT`], 5 s): after that it is left out of the
    /// scrape and counted in `promenade_collector_timeouts_total{collector="…"}`, and
    /// [`last_failure`](Self::last_failure) says so. At least 1 ns.
    ///
    /// ```
    /// use promenade::registry::{Collector, Descriptor, Sink};
    /// use promenade::{MetricType, Registry};
    /// use std::time::Duration;
    ///
    /// /// Asks a service that is down and never answers (here: sleeps).
    /// struct Stuck;
    /// impl Collector for Stuck {
    ///     fn describe(&self) -> Vec<Descriptor> { Vec::new() }
    ///     fn collect(&self, sink: &mut dyn Sink) {
    ///         std::thread::sleep(Duration::from_secs(2));
    ///         sink.family(&Descriptor::new("queue_depth", "Depth.", MetricType::Gauge, "Stuck"));
    ///     }
    /// }
    /// let registry = Registry::new();
    /// registry.set_collector_timeout(Duration::from_millis(50));
    /// let stuck = registry.register(Stuck)?;
    /// let text = promenade::encoding::text::encode_to_string(&registry);
    /// assert!(!text.contains("queue_depth"));
    /// assert!(text.contains("promenade_collector_timeouts_total{collector="), "{text}");
    /// assert!(registry.last_failure(stuck).unwrap().contains("did not finish by its deadline"));
    /// # Ok::<(), promenade::Error>(())
    /// ```
    pub fn set_collector_timeout(&self, timeout: Duration) {
        deadline::store(&self.collector_timeout, timeout);
    }

    /// See [`set_collector_timeout`](Self::set_collector_timeout).
    pub fn collector_timeout(&self) -> Duration {
        deadline::load(&self.collector_timeout, DEFAULT_COLLECTOR_TIMEOUT)
    }

    /// The deadline of a scrape through [`collect`](Self::collect) (and so of every
    /// encoder and of [`gather`](Self::gather)), from its start (default
    /// [`DEFAULT_SCRAPE_TIMEOUT`], 10 s, Prometheus' default `scrape_timeout`): no blocking
    /// collector is waited for past it. At least 1 ns.
    pub fn set_scrape_timeout(&self, timeout: Duration) {
        deadline::store(&self.scrape_timeout, timeout);
    }

    /// See [`set_scrape_timeout`](Self::set_scrape_timeout).
    pub fn scrape_timeout(&self) -> Duration {
        deadline::load(&self.scrape_timeout, DEFAULT_SCRAPE_TIMEOUT)
    }

    /// Every family with its samples, flattened as the text format shows them (no
    /// `_created`, no exemplars; a counter family named without `_total`, its samples
    /// with it), in the same [`MetricFamily`] the parser reads.
    pub fn gather(&self) -> Vec<MetricFamily> {
        let mut sink = samples::SampleSink::default();
        self.collect(&mut sink);
        sink.families
    }

    /// The value of the sample `name` (a full sample name like `http_requests_total` or
    /// `latency_seconds_bucket`) with exactly these labels, if it exists. Meant for tests.
    ///
    /// Histogram buckets are found with their `le` label spelled as in the exposition
    /// (`("le", "0.5")`, `("le", "+Inf")`).
    pub fn get_sample_value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        self.gather()
            .into_iter()
            .flat_map(|f| f.samples)
            .find(|s| s.name == name && s.has_labels(labels))
            .map(|s| s.value)
    }
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        f.debug_struct("Registry")
            .field("collectors", &entries.len())
            .finish()
    }
}

/// What [`Collector::describe`] sends a collector through by default: it keeps each
/// family's descriptor and drops the series.
#[derive(Default)]
pub(crate) struct DescriptorSink {
    pub(crate) descriptors: Vec<Descriptor>,
}

impl Sink for DescriptorSink {
    fn family(&mut self, descriptor: &Descriptor) {
        self.descriptors.push(descriptor.clone());
    }
    fn point(&mut self, _: &dyn EncodeLabels, _: Point<'_>) {}
}

/// Where [`Registry::collect`] keeps why a collector last failed.
type FailureSlot = Arc<Mutex<Option<String>>>;

/// One registered collector, as a scrape walks it.
struct Collecting {
    collector: Arc<dyn Collector>,
    failed: Arc<AtomicU64>,
    created: f64,
    last_failure: FailureSlot,
    #[cfg_attr(not(feature = "multiprocess"), allow(dead_code))]
    hidden: Hidden,
    busy: Arc<std::sync::atomic::AtomicBool>,
    timeouts: Arc<AtomicU64>,
}

impl Collecting {
    /// Runs `f` with the sink this collector writes to: `checked`, behind the filter of
    /// the families multiprocess mode serves from the aggregate when there are any.
    fn with_sink<T>(
        &self,
        checked: &mut CheckedSink<'_>,
        f: impl FnOnce(&dyn Collector, &mut dyn Sink) -> T,
    ) -> T {
        #[cfg(feature = "multiprocess")]
        {
            let hidden = self.hidden.lock().unwrap_or_else(|e| e.into_inner());
            if !hidden.is_empty() {
                return f(&*self.collector, &mut HideFamilies::new(checked, &hidden));
            }
        }
        f(&*self.collector, checked)
    }
}

/// How one collector's part of a scrape went.
enum Outcome {
    Done,
    Error(String),
    Panic,
    /// Sent what would corrupt the exposition, found on the worker (why).
    Fault(String),
    /// Not finished by its deadline; `earlier`: still running since an earlier scrape.
    TimedOut {
        earlier: bool,
    },
}

struct FamilyLabel<'a>(&'static str, &'a str);

impl EncodeLabels for FamilyLabel<'_> {
    fn encode_labels(&self, out: &mut LabelWriter<'_>) {
        out.label_str(self.0, self.1);
    }
}

#[cfg(feature = "multiprocess")]
type Hidden = Arc<Mutex<Vec<String>>>;
#[cfg(not(feature = "multiprocess"))]
type Hidden = ();

#[cfg(feature = "multiprocess")]
impl Registry {
    /// Multiprocess mode, if it is started and this is the default registry.
    fn binds_multiprocess(&self) -> Option<&'static crate::multiprocess::Multiprocess> {
        if self.is_default.load(Relaxed) {
            crate::multiprocess::active()
        } else {
            None
        }
    }
}

/// Runs `collector` once through the binding sink: its metrics move to this process'
/// file; the names of the families that did.
#[cfg(feature = "multiprocess")]
fn bind_collector(
    mp: &'static crate::multiprocess::Multiprocess,
    collector: &dyn Collector,
) -> Vec<String> {
    let mut sink = crate::multiprocess::bind::BindingSink::new(mp);
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        collector.try_collect(&mut sink)
    }));
    sink.into_bound()
}

/// Multiprocess mode was started: bind the default registry's metrics to this process'
/// file (those registered later are bound as they are), and serve the aggregate of every
/// process' file in place of the families bound.
#[cfg(feature = "multiprocess")]
pub(crate) fn enter_multiprocess(mp: &'static crate::multiprocess::Multiprocess) {
    let registry = default_registry_unchecked();
    let entries: Vec<(Arc<dyn Collector>, Hidden)> = registry
        .entries
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .map(|e| (e.collector.clone(), e.hidden.clone()))
        .collect();
    for (c, hidden) in entries {
        let mut hidden = hidden.lock().unwrap_or_else(|e| e.into_inner());
        if hidden.is_empty() {
            *hidden = bind_collector(mp, &*c);
        }
    }
    let _ = registry.register(crate::multiprocess::collector(mp.dir().to_owned()));
}

/// Leaves out of a scrape the families whose values the multiprocess aggregate shows.
#[cfg(feature = "multiprocess")]
struct HideFamilies<'a> {
    inner: &'a mut dyn Sink,
    hidden: &'a [String],
    hiding: bool,
}

#[cfg(feature = "multiprocess")]
impl<'a> HideFamilies<'a> {
    fn new(inner: &'a mut dyn Sink, hidden: &'a [String]) -> Self {
        HideFamilies {
            inner,
            hidden,
            hiding: false,
        }
    }
}

#[cfg(feature = "multiprocess")]
impl Sink for HideFamilies<'_> {
    fn family(&mut self, d: &Descriptor) {
        self.hiding = self.hidden.iter().any(|h| *h == d.name);
        if !self.hiding {
            self.inner.family(d);
        }
    }
    fn point(&mut self, labels: &dyn EncodeLabels, point: Point<'_>) {
        if !self.hiding {
            self.inner.point(labels, point);
        }
    }
    fn registered_at(&self) -> Option<f64> {
        self.inner.registered_at()
    }
}
