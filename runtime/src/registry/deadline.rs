//! Collectors that may block ([`Collector::may_block`]) are collected on threads of their
//! own, so that the scrape waits for each at most until its deadline and then goes on
//! without it.
//!
//! - A scrape first hands every such collector to a worker thread (an idle one, or a new
//!   one), then walks the collectors in registration order: the others are collected on
//!   the scraping thread as always, and for a blocking one it waits for the worker's
//!   recording until the collector's deadline (the collector timeout, within the
//!   scrape's deadline). The recording is replayed into the scrape's sink at the
//!   collector's place, so the exposition is the same as if it had run inline.
//! - A collector still running when its deadline passes is left out of that scrape, and
//!   counted in `promenade_collector_timeouts_total{collector}`. Its worker keeps running
//!   it (a thread cannot be stopped from outside); until it returns, later scrapes leave
//!   it out at once (and count it) instead of starting it again, so a collector that hangs
//!   for good holds one thread, whatever the number of scrapes.
//! - The recording keeps every sample as recorded (the protobuf flattening: creation
//!   times and exemplars included, no value left out), so each encoder applies its own
//!   rules on replay.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use super::collect::CheckedSink;
use super::point::DataValue;
use super::samples::SampleSink;
use super::{Collector, MetricFamily, Number, Point, PointData, Sink};
use crate::format::Format;

/// Default of [`Registry::set_collector_timeout`](super::Registry::set_collector_timeout).
pub const DEFAULT_COLLECTOR_TIMEOUT: Duration = Duration::from_secs(5);
/// Default of [`Registry::set_scrape_timeout`](super::Registry::set_scrape_timeout).
pub const DEFAULT_SCRAPE_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a collector that sent nothing invalid by name still corrupted its output.
pub(super) const CORRUPT: &str = "the collector sent what would corrupt the exposition (a point before any family or of another type than its family, a non-finite creation time, or a state set series with a label named like its family)";

/// Most idle workers kept for the next scrape; more exit when they finish.
const MAX_IDLE: usize = 8;

type Job = Box<dyn FnOnce() + Send>;

/// The idle workers, each waiting on its channel.
static IDLE: Mutex<Vec<mpsc::Sender<Job>>> = Mutex::new(Vec::new());

/// Runs `job` on an idle worker, or on a new one. `Err` when no thread could be started.
fn dispatch(job: Job) -> Result<(), ()> {
    let mut job = job;
    loop {
        let idle = IDLE.lock().unwrap_or_else(|e| e.into_inner()).pop();
        match idle {
            // A worker that exited meanwhile gives the job back.
            Some(worker) => match worker.send(job) {
                Ok(()) => return Ok(()),
                Err(mpsc::SendError(back)) => job = back,
            },
            None => break,
        }
    }
    let (tx, rx) = mpsc::channel::<Job>();
    tx.send(job).map_err(|_| ())?;
    std::thread::Builder::new()
        .name("promenade-collect".into())
        .spawn(move || {
            while let Ok(job) = rx.recv() {
                job();
                let mut idle = IDLE.lock().unwrap_or_else(|e| e.into_inner());
                if idle.len() >= MAX_IDLE {
                    return;
                }
                idle.push(tx.clone());
            }
        })
        .map(drop)
        .map_err(|_| ())
}

/// What a worker hands back: what the collector sent, or why it failed.
pub(super) type Recording = Result<Recorded, Failure>;

/// The families a collector sent, with their gauge and unknown values as collected.
pub(super) struct Recorded {
    families: Vec<MetricFamily>,
    numbers: Vec<Vec<Number>>,
    descriptors: Vec<super::Descriptor>,
}

impl Recorded {
    /// Sends what was recorded to `sink`, as the collector sent it.
    pub(super) fn replay(&self, sink: &mut dyn Sink) -> Result<(), crate::Error> {
        let recorded = self
            .families
            .iter()
            .zip(&self.numbers)
            .zip(&self.descriptors);
        for ((family, numbers), descriptor) in recorded {
            family.collect_into(&mut Exact {
                inner: sink,
                descriptor,
                numbers: numbers.iter(),
            })?;
        }
        Ok(())
    }
}

/// Gives a replayed family back its descriptor, and a gauge or unknown series the number it was collected as (a
/// gauge or unknown family has one sample per series, in the order replayed).
struct Exact<'a, 's> {
    inner: &'s mut dyn Sink,
    /// The family's descriptor as the collector sent it.
    descriptor: &'a super::Descriptor,
    numbers: std::slice::Iter<'a, Number>,
}

impl Sink for Exact<'_, '_> {
    fn family(&mut self, _: &super::Descriptor) {
        self.inner.family(self.descriptor);
    }
    fn point(&mut self, labels: &dyn crate::labels::EncodeLabels, point: Point<'_>) {
        if let Point::Data(d) = point {
            let value = match d.value {
                DataValue::Gauge(_) => self.numbers.next().map(|n| DataValue::Gauge(*n)),
                DataValue::Unknown(_) => self.numbers.next().map(|n| DataValue::Unknown(*n)),
                _ => None,
            };
            if let Some(value) = value {
                let exact = PointData {
                    value,
                    timestamp: d.timestamp,
                };
                return self.inner.point(labels, Point::Data(&exact));
            }
        }
        self.inner.point(labels, point);
    }
    fn registered_at(&self) -> Option<f64> {
        self.inner.registered_at()
    }
}

/// Why a collector's recording is missing.
pub(super) enum Failure {
    /// It returned this error.
    Error(String),
    /// It sent what would corrupt the exposition (why).
    Fault(String),
    /// It panicked.
    Panic,
}

/// A blocking collector handed to a worker, or why it was not.
pub(super) enum Pending {
    /// Running; the recording arrives here.
    Running(mpsc::Receiver<Recording>),
    /// Still running since an earlier scrape: left out of this one.
    Busy,
    /// No thread could be started: collected on the scraping thread after all.
    Inline,
}

/// The per-collector state a scrape needs to dispatch it.
pub(super) struct Slot {
    /// Set while a worker runs the collector.
    pub(super) busy: Arc<AtomicBool>,
    /// Scrapes that left it out because it ran past its deadline (or still ran).
    pub(super) timeouts: Arc<AtomicU64>,
}

impl Default for Slot {
    fn default() -> Self {
        Slot {
            busy: Arc::new(AtomicBool::new(false)),
            timeouts: Arc::new(AtomicU64::new(0)),
        }
    }
}

/// Clears `busy` however the job ends.
struct Release(Arc<AtomicBool>);

impl Drop for Release {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// Hands `collector` to a worker, which records what it sends (with `created` as the
/// registration time its counters see).
pub(super) fn start(
    collector: &Arc<dyn Collector>,
    created: f64,
    busy: &Arc<AtomicBool>,
) -> Pending {
    if busy
        .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
        .is_err()
    {
        return Pending::Busy;
    }
    let (tx, rx) = mpsc::sync_channel::<Recording>(1);
    let (collector, release) = (collector.clone(), Release(busy.clone()));
    let job: Job = Box::new(move || {
        let _release = release;
        let mut sink = SampleSink::recording(created);
        // Checked here as on the scraping thread (what would corrupt the exposition is a
        // fault); the replay is checked again for clashes with the other collectors.
        let mut checked = CheckedSink::new(&mut sink, &[]);
        checked.begin(created);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            crate::metrics::with_reset_snapshot(|| collector.try_collect(&mut checked))
        }));
        let clean = checked.end(matches!(outcome, Ok(Ok(()))));
        let fault = checked.take_fault();
        let recording = match (outcome, fault) {
            (_, Some(fault)) => Err(Failure::Fault(fault.to_string())),
            (Ok(Ok(())), None) if clean => Ok(Recorded {
                numbers: sink.numbers.take().unwrap_or_default(),
                families: std::mem::take(&mut sink.families),
                descriptors: std::mem::take(&mut sink.descriptors),
            }),
            (Ok(Ok(())), None) => Err(Failure::Fault(CORRUPT.to_owned())),
            (Ok(Err(e)), None) => Err(Failure::Error(e.to_string())),
            (Err(_), None) => Err(Failure::Panic),
        };
        // Free before the answer, so the scrape after the one that gets it finds the
        // collector free. The scrape may have stopped waiting: then nobody reads it.
        drop(_release);
        let _ = tx.send(recording);
    });
    match dispatch(job) {
        Ok(()) => Pending::Running(rx),
        Err(()) => {
            busy.store(false, Ordering::Release);
            Pending::Inline
        }
    }
}

/// Waits for a recording until `deadline`; `None` when it did not come in time.
pub(super) fn wait(rx: &mpsc::Receiver<Recording>, deadline: Instant) -> Option<Recording> {
    let left = deadline.saturating_duration_since(Instant::now());
    rx.recv_timeout(left).ok()
}

/// A duration kept in an atomic as nanoseconds, 0 meaning `default`.
pub(super) fn load(nanos: &AtomicU64, default: Duration) -> Duration {
    match nanos.load(Ordering::Relaxed) {
        0 => default,
        n => Duration::from_nanos(n),
    }
}

/// Stores `d` (at least 1 ns, at most ~584 years) for [`load`].
pub(super) fn store(nanos: &AtomicU64, d: Duration) {
    let n = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX).max(1);
    nanos.store(n, Ordering::Relaxed);
}

impl SampleSink {
    /// A sink that records every sample as collected, for replay (see the module docs).
    pub(super) fn recording(created: f64) -> Self {
        let mut sink = SampleSink::default();
        sink.format = Format::Protobuf;
        sink.registered_at = Some(created);
        sink.numbers = Some(Vec::new());
        sink
    }
}
