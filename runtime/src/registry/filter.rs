//! [`NameFilter`]: a sink adapter that passes on only the families asked for by name
//! (the Python client's restricted registry, `?name[]=…` in a scrape URL).

use super::{Descriptor, Point, Sink};
use crate::labels::EncodeLabels;

/// Passes to `inner` only the families that can expose one of `names` as a sample name
/// (`http_requests_total`, `latency_seconds_bucket`, or the family name itself). Unlike
/// the Python client, a matching family is passed whole, so the output stays a valid
/// exposition (OpenMetrics wants `_count` with `_sum`, every bucket, …).
///
/// ```
/// use promenade::registry::NameFilter;
/// use promenade::{Counter, Gauge, Registry};
/// use std::sync::Arc;
///
/// let registry = Registry::new();
/// registry.register_metric("jobs", "Jobs.", Arc::new(Counter::new())).unwrap();
/// registry.register_metric("queue", "Queue.", Arc::new(Gauge::new())).unwrap();
/// let mut out = String::new();
/// let mut encoder = promenade::encoding::text::TextEncoder::new(&mut out);
/// let names = ["jobs_total".to_owned()];
/// registry.collect(&mut NameFilter::new(&mut encoder, &names));
/// encoder.finish();
/// assert_eq!(out, "# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total 0\n");
/// ```
#[doc(alias = "restricted_registry")]
pub struct NameFilter<'a, S: Sink + ?Sized> {
    inner: &'a mut S,
    names: &'a [String],
    pass: bool,
}

impl<'a, S: Sink + ?Sized> NameFilter<'a, S> {
    /// A filter in front of `inner` letting through the families that can expose one of
    /// `names`.
    pub fn new(inner: &'a mut S, names: &'a [String]) -> Self {
        NameFilter {
            inner,
            names,
            pass: false,
        }
    }

    fn wanted(&self, d: &Descriptor) -> bool {
        let base = &*d.name;
        d.metric_type.sample_suffixes().iter().any(|suffix| {
            self.names.iter().any(|n| {
                n.len() == base.len() + suffix.len() && n.starts_with(base) && n.ends_with(suffix)
            })
        })
    }
}

impl<S: Sink + ?Sized> Sink for NameFilter<'_, S> {
    fn family(&mut self, descriptor: &Descriptor) {
        self.pass = self.wanted(descriptor);
        if self.pass {
            self.inner.family(descriptor);
        }
    }

    fn point(&mut self, labels: &dyn EncodeLabels, point: Point<'_>) {
        if self.pass {
            self.inner.point(labels, point);
        }
    }

    fn begin_collector(&mut self) {
        self.pass = false;
        self.inner.begin_collector();
    }

    fn registered_at(&self) -> Option<f64> {
        self.inner.registered_at()
    }

    fn abort_collector(&mut self) {
        self.pass = false;
        self.inner.abort_collector();
    }
}
