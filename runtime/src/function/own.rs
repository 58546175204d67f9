//! A function's own metric, for the named forms (`#[timed(name = "...")]` and the like):
//! [`OwnMetric<M>`], a `static` that builds its metric at first use and registers it in
//! the default registry under its own name.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use super::error_kind::KindCounter;
use super::outcome::Outcome;
use super::returned::ErrorKind;
use super::target::{
    CallCounter, DurationMetric, DurationRef, ErrorCounter, InFlightGauge, OutcomeHistograms,
};
use crate::__private::Global;
use crate::family::Family;
use crate::metrics::{Buckets, Counter, Histogram, IntGauge};
use crate::registry::{CollectMetric, Collector, Descriptor, Registry, Sink};
use crate::Error;

/// The most kinds a function's own error counter keeps.
const OWN_KIND_LIMIT: usize = 1_000;

/// A metric a named attribute can create: `name = "...", help = "..."`.
pub trait OwnKind: CollectMetric + Sized + 'static {
    /// A fresh metric; `bounds` are a histogram's buckets (validated by the macro; empty
    /// for the defaults).
    fn build(bounds: &[f64]) -> Self;
}

/// The buckets of `bounds`; the defaults for an empty list.
pub(super) fn buckets(bounds: &[f64]) -> Buckets {
    if bounds.is_empty() {
        Buckets::default()
    } else {
        // The macro validated the list; should that ever disagree with the runtime, fall
        // back to the defaults rather than fail a user's call.
        Buckets::new(bounds.iter().copied()).unwrap_or_default()
    }
}

impl OwnKind for Counter {
    fn build(_: &[f64]) -> Self {
        Counter::new()
    }
}
impl OwnKind for IntGauge {
    fn build(_: &[f64]) -> Self {
        IntGauge::new()
    }
}
impl OwnKind for Histogram {
    fn build(bounds: &[f64]) -> Self {
        Histogram::new(buckets(bounds))
    }
}
impl OwnKind for Family<Outcome, Histogram> {
    fn build(bounds: &[f64]) -> Self {
        Family::with_config(buckets(bounds))
    }
}

impl OwnKind for KindCounter {
    fn build(_: &[f64]) -> Self {
        KindCounter::with_limit(OWN_KIND_LIMIT)
    }
}

/// The metric of one named attribute (`#[timed(name = "...")]` and the like), registered
/// in the default registry under its own name.
pub struct OwnMetric<M> {
    name: &'static str,
    help: &'static str,
    bounds: &'static [f64],
    defined_at: &'static str,
    metric: OnceLock<Global<M>>,
}

impl<M: OwnKind> OwnMetric<M> {
    /// A metric. `bounds` were validated by the macro (finite, strictly increasing); an
    /// empty list means the default buckets (and is what non-histograms get).
    pub const fn new(
        name: &'static str,
        help: &'static str,
        bounds: &'static [f64],
        defined_at: &'static str,
    ) -> Self {
        OwnMetric {
            name,
            help,
            bounds,
            defined_at,
            metric: OnceLock::new(),
        }
    }

    /// The metric, created on first use.
    #[inline]
    pub fn get(&self) -> &M {
        &self.built().value
    }

    fn built(&self) -> &Global<M> {
        self.metric
            .get_or_init(|| Global::new(M::build(self.bounds)))
    }

    /// Registers this metric into `registry`; an unlabelled counter's `_created` is when
    /// the metric was created (its first call, or this registration).
    pub fn register(&'static self, registry: &Registry) -> Result<(), Error> {
        let created = self.built().created;
        registry.register_created(Arc::new(self), created).map(drop)
    }
}

impl<M: OwnKind> Collector for OwnMetric<M> {
    fn may_block(&self) -> bool {
        false
    }
    fn describe(&self) -> Vec<Descriptor> {
        vec![Descriptor::new(
            self.name,
            self.help,
            M::TYPE,
            Cow::Borrowed(self.defined_at),
        )]
    }
    fn collect(&self, sink: &mut dyn Sink) {
        for d in self.describe() {
            sink.family(&d);
        }
        if let Some(m) = self.metric.get() {
            m.value.collect_points(&(), sink);
        }
    }
    fn overflows(&self, report: &mut dyn FnMut(&str, u64)) {
        if let Some(n) = self
            .metric
            .get()
            .and_then(|m| CollectMetric::overflow_count(&m.value))
        {
            report(self.name, n);
        }
    }
}

#[diagnostic::do_not_recommend]
impl<M: OwnKind + CallCounter> CallCounter for OwnMetric<M> {
    #[inline]
    fn count_call(&self) {
        self.get().count_call()
    }
}
#[diagnostic::do_not_recommend]
impl<M: OwnKind + InFlightGauge> InFlightGauge for OwnMetric<M> {
    type Gauge = M::Gauge;
    #[inline]
    fn gauge(&self) -> &M::Gauge {
        self.get().gauge()
    }
}
#[diagnostic::do_not_recommend]
impl<M: OwnKind + DurationMetric> DurationMetric for OwnMetric<M> {
    #[inline]
    fn duration_metric(&self) -> DurationRef<'_> {
        self.get().duration_metric()
    }
}
#[diagnostic::do_not_recommend]
impl<M: OwnKind + OutcomeHistograms> OutcomeHistograms for OwnMetric<M> {
    #[inline]
    fn observe_outcome(&self, outcome: Outcome, seconds: f64) {
        self.get().observe_outcome(outcome, seconds)
    }
}
#[diagnostic::do_not_recommend]
impl<M: OwnKind + ErrorCounter> ErrorCounter for OwnMetric<M> {
    #[inline]
    fn count_error(&self, kind: &ErrorKind<'_>) {
        self.get().count_error(kind)
    }
}
