//! Binding: how the metrics of the default registry come to live in this process' file.
//!
//! When a collector is registered in the default registry in multiprocess mode, the
//! registry runs it once through a [`BindingSink`]: each family it announces becomes a
//! [`FamilyBinding`] (its record is written with its first series), and each live metric
//! it reaches — through `CollectMetric::bind_multiprocess` — gets a series record and
//! points its cells there, moving in what it had recorded. A `Family` keeps its binding
//! and binds every series it creates later, at creation.
//!
//! How a metric moves to its cells without losing a write that races the move: the
//! metric's fast path reads its cell pointer (acquire) and records there. Unbound, it
//! records into its own atomic (sequentially consistent), then reads the pointer again
//! (sequentially consistent); if the pointer appeared in between, it moves its own value
//! over itself. The binder stores the pointer (sequentially consistent), then moves the
//! metric's own value. Either the writer's second read sees the pointer, or the binder's
//! move comes after the writer's write in the single order of those operations: the
//! value is moved exactly once, by whoever comes second.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::format::{FamilyRecord, ValueKind};
use super::store::SeriesCells;
use super::{GaugeMode, Multiprocess};
use crate::labels::{EncodeLabels, LabelWriter};
use crate::registry::{Descriptor, Point, Sink};
use crate::MetricType;

/// Series that could not be stored in the file (the disk full, a record too large): they
/// record in their family's overflow series, or in the process only.
pub(crate) static UNSTORED_SERIES: AtomicU64 = AtomicU64::new(0);

/// One family of the default registry, bound to this process' file.
#[doc(hidden)]
pub struct FamilyBinding {
    mp: &'static Multiprocess,
    name: String,
    help: String,
    unit: String,
    metric_type: MetricType,
    mode: GaugeMode,
    /// Labels every series of the family carries before its own (a derived struct's
    /// constant labels).
    const_labels: &'static [(&'static str, &'static str)],
    record: Mutex<Option<u32>>,
}

impl std::fmt::Debug for FamilyBinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FamilyBinding")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// What a metric's cells hold, for its family record.
pub(crate) struct Shape<'a> {
    pub(crate) value_kind: ValueKind,
    pub(crate) bounds: &'a [f64],
    /// Strings after the label values: an info metric's name/value pairs, state names.
    pub(crate) extra: &'a [String],
}

impl FamilyBinding {
    /// The family's gauge mode.
    pub(crate) fn mode(&self) -> GaugeMode {
        self.mode
    }

    /// A series record for `labels` with `initial` cells; `None` (counted, reported once)
    /// if the file has no room for it.
    pub(crate) fn series(
        &self,
        labels: &dyn EncodeLabels,
        shape: Shape<'_>,
        initial: &[u64],
    ) -> Option<SeriesCells> {
        let mut names = Vec::new();
        let mut values = Vec::new();
        for (n, v) in self.const_labels {
            names.push((*n).to_owned());
            values.push((*v).to_owned());
        }
        let mut visit = |n: &str, v: &str| {
            names.push(n.to_owned());
            values.push(v.to_owned());
        };
        labels.encode_labels(&mut LabelWriter::new(&mut visit, &mut String::new()));
        values.extend(shape.extra.iter().cloned());
        let result = (|| {
            let id = {
                let mut record = self.record.lock().unwrap_or_else(|e| e.into_inner());
                match *record {
                    Some(id) => id,
                    None => {
                        let id = self.mp.file().family(&FamilyRecord {
                            id: 0,
                            metric_type: self.metric_type,
                            mode: self.mode,
                            value_kind: shape.value_kind,
                            name: self.name.clone(),
                            help: self.help.clone(),
                            unit: self.unit.clone(),
                            label_names: names,
                            bounds: shape.bounds.to_vec(),
                        })?;
                        *record = Some(id);
                        id
                    }
                }
            };
            self.mp.file().series(id, &values, initial)
        })();
        match result {
            Ok(cells) => Some(cells),
            Err(e) => {
                self.mp.file().note_unstored();
                if UNSTORED_SERIES.fetch_add(1, Ordering::Relaxed) == 0 {
                    eprintln!(
                        "promenade: a series of {} is not in the multiprocess file: {e}",
                        self.name
                    );
                }
                None
            }
        }
    }
}

/// What the binding walk hands to metrics through [`Sink::multiprocess_binder`].
#[doc(hidden)]
pub struct Binder {
    mp: &'static Multiprocess,
    /// The family being walked, and its binding once something asked for it.
    descriptor: Option<Descriptor>,
    current: Option<Arc<FamilyBinding>>,
    const_labels: &'static [(&'static str, &'static str)],
    /// The families something was bound to.
    pub(crate) bound: Vec<String>,
}

impl std::fmt::Debug for Binder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Binder")
            .field("bound", &self.bound)
            .finish_non_exhaustive()
    }
}

impl Binder {
    /// The family being walked (with the constant labels in force when first asked).
    pub(crate) fn current(&mut self) -> Option<Arc<FamilyBinding>> {
        if self.current.is_none() {
            let d = self.descriptor.as_ref()?;
            self.current = Some(Arc::new(FamilyBinding {
                mp: self.mp,
                name: d.name.to_string(),
                help: d.help.to_string(),
                unit: d.unit.as_deref().unwrap_or("").to_owned(),
                metric_type: d.metric_type,
                mode: d.multiprocess_mode.unwrap_or_default(),
                const_labels: self.const_labels,
                record: Mutex::new(None),
            }));
        }
        self.current.clone()
    }

    /// Something of the family being walked is in the file from now on (so the registry
    /// hides it and serves the aggregate).
    pub(crate) fn mark_bound(&mut self) {
        if let Some(fb) = &self.current {
            if self.bound.last() != Some(&fb.name) {
                self.bound.push(fb.name.clone());
            }
        }
    }

    /// Series collected from here on carry these labels first (a derived struct's
    /// constant labels).
    pub(crate) fn set_const_labels(&mut self, labels: &'static [(&'static str, &'static str)]) {
        self.const_labels = labels;
    }
}

/// The sink of the binding walk.
pub(crate) struct BindingSink {
    binder: Binder,
}

impl BindingSink {
    pub(crate) fn new(mp: &'static Multiprocess) -> Self {
        BindingSink {
            binder: Binder {
                mp,
                descriptor: None,
                current: None,
                const_labels: &[],
                bound: Vec::new(),
            },
        }
    }

    /// The families bound.
    pub(crate) fn into_bound(self) -> Vec<String> {
        self.binder.bound
    }
}

impl Sink for BindingSink {
    fn family(&mut self, d: &Descriptor) {
        self.binder.descriptor = Some(d.clone());
        self.binder.current = None;
    }
    fn point(&mut self, _: &dyn EncodeLabels, _: Point<'_>) {}
    fn multiprocess_binder(&mut self) -> Option<&mut Binder> {
        Some(&mut self.binder)
    }
}

/// Moves a counter's own value into its cell (see the module docs).
#[inline]
pub(crate) fn move_in(own: &AtomicU64, cell: &AtomicU64) {
    let v = own.swap(0, Ordering::SeqCst);
    if v != 0 {
        cell.fetch_add(v, Ordering::Relaxed);
    }
}

/// Moves an `f64` sum's own value into its cell.
#[inline]
pub(crate) fn move_in_f64(own: &AtomicU64, cell: &AtomicU64) {
    let v = f64::from_bits(own.swap(0f64.to_bits(), Ordering::SeqCst));
    if v != 0.0 {
        crate::metrics::atomic_f64_add(cell, v);
    }
}

/// The time of a gauge write, for the `mostrecent` modes.
#[inline]
pub(crate) fn now_nanos() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}
