//! Support for the function attributes (`#[timed]`).
//!
//! Every annotated function owns one `static` call site. The site resolves its histogram
//! once (a `OnceLock`), so a call costs one atomic load, two clock reads and one
//! `observe`. Sites are also submitted through `inventory`, so the default registry
//! creates their series (at zero) before the first scrape.

use std::borrow::Cow;
use std::sync::{LazyLock, OnceLock};

use crate::family::{Family, Series};
use crate::labels::{LabelSet, LabelWriter};
use crate::metrics::{Buckets, Histogram, HistogramTimer, MetricType};
use crate::registry::{AutoRegistration, CollectMetric, Collector, Descriptor, Registry, Sink};
use crate::Error;

/// The name of the histogram family shared by every bare `#[timed]` function.
pub const FUNCTION_DURATION_NAME: &str = "function_duration_seconds";
const FUNCTION_DURATION_HELP: &str = "Time spent in functions annotated with #[timed], in seconds.";
/// How many functions the shared family accepts; functions are written by hand, so this
/// is only a guard against generated code gone wild.
const FUNCTION_DURATION_LIMIT: usize = 10_000;

/// The labels of the shared family: the function's name and its module path.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct FunctionLabels {
    /// The function's name.
    pub function: &'static str,
    /// `module_path!()` where the function is defined.
    pub module: &'static str,
}

impl LabelSet for FunctionLabels {
    const NAMES: &'static [&'static str] = &["function", "module"];
    const CARDINALITY: Option<usize> = None;
    fn index(&self) -> usize {
        0
    }
    fn from_index(_: usize) -> Option<Self> {
        None
    }
    fn encode(&self, out: &mut LabelWriter<'_>) {
        out.label("function", &self.function);
        out.label("module", &self.module);
    }
}

/// `function_duration_seconds{function, module}`, in the default registry.
pub static FUNCTION_DURATION: LazyLock<Family<FunctionLabels, Histogram>> =
    LazyLock::new(|| Family::with_limit(FUNCTION_DURATION_LIMIT));

/// The call site of one bare `#[timed]` function.
pub struct TimedSite {
    labels: FunctionLabels,
    series: OnceLock<Series<'static, Histogram>>,
}

impl TimedSite {
    /// A site for `function` in `module`.
    pub const fn new(function: &'static str, module: &'static str) -> Self {
        TimedSite {
            labels: FunctionLabels { function, module },
            series: OnceLock::new(),
        }
    }

    /// This function's series of the shared family.
    #[inline]
    pub fn histogram(&'static self) -> &'static Histogram {
        self.series
            .get_or_init(|| FUNCTION_DURATION.labels(self.labels))
    }

    /// Starts timing one call.
    #[inline]
    pub fn start(&'static self) -> HistogramTimer<&'static Histogram> {
        HistogramTimer::new(self.histogram())
    }
}

/// A reference to a site, as submitted to `inventory`.
pub struct TimedSiteRef(pub &'static TimedSite);

inventory::collect!(TimedSiteRef);

inventory::submit! {
    AutoRegistration { register: register_function_duration }
}

/// Registers the shared family, with every known site's series at zero, if any function
/// is timed at all.
fn register_function_duration(registry: &Registry) -> Result<(), Error> {
    let mut sites = inventory::iter::<TimedSiteRef>.into_iter().peekable();
    if sites.peek().is_none() {
        return Ok(());
    }
    for site in sites {
        site.0.histogram();
    }
    registry.register(SharedFamily).map(drop)
}

struct SharedFamily;

impl Collector for SharedFamily {
    fn describe(&self) -> Vec<Descriptor> {
        vec![Descriptor::new(
            FUNCTION_DURATION_NAME,
            FUNCTION_DURATION_HELP,
            MetricType::Histogram,
            "the shared family of bare `#[timed]` functions",
        )]
    }
    fn collect(&self, sink: &mut dyn Sink) {
        for d in self.describe() {
            sink.family(&d);
        }
        FUNCTION_DURATION.collect_points(&(), sink);
    }
    fn overflows(&self, report: &mut dyn FnMut(&str, u64)) {
        if let Some(n) = CollectMetric::overflow_count(&*FUNCTION_DURATION) {
            report(FUNCTION_DURATION_NAME, n);
        }
    }
}

/// The histogram of one `#[timed(name = "...")]` function.
pub struct NamedTimer {
    name: &'static str,
    help: &'static str,
    bounds: &'static [f64],
    defined_at: &'static str,
    histogram: OnceLock<Histogram>,
}

impl NamedTimer {
    /// A timer metric. `bounds` were validated by the macro (finite, strictly increasing);
    /// an empty list means the default buckets.
    pub const fn new(
        name: &'static str,
        help: &'static str,
        bounds: &'static [f64],
        defined_at: &'static str,
    ) -> Self {
        NamedTimer {
            name,
            help,
            bounds,
            defined_at,
            histogram: OnceLock::new(),
        }
    }

    /// The histogram.
    #[inline]
    pub fn histogram(&'static self) -> &'static Histogram {
        self.histogram.get_or_init(|| {
            let buckets = if self.bounds.is_empty() {
                Buckets::default()
            } else {
                // The macro validated the list; should that ever disagree with the
                // runtime, fall back to the defaults rather than fail a user's call.
                Buckets::new(self.bounds.iter().copied()).unwrap_or_default()
            };
            Histogram::new(buckets)
        })
    }

    /// Starts timing one call.
    #[inline]
    pub fn start(&'static self) -> HistogramTimer<&'static Histogram> {
        HistogramTimer::new(self.histogram())
    }

    /// Registers this timer's histogram into `registry`.
    pub fn register(&'static self, registry: &Registry) -> Result<(), Error> {
        self.histogram();
        registry.register(self).map(drop)
    }
}

impl Collector for NamedTimer {
    fn describe(&self) -> Vec<Descriptor> {
        vec![Descriptor::new(
            self.name,
            self.help,
            MetricType::Histogram,
            Cow::Borrowed(self.defined_at),
        )]
    }
    fn collect(&self, sink: &mut dyn Sink) {
        for d in self.describe() {
            sink.family(&d);
        }
        if let Some(h) = self.histogram.get() {
            h.collect_points(&(), sink);
        }
    }
}
