//! The batch-job pattern: a job records when it started and how long it ran, pushes
//! everything when it succeeds, and only its failure time when it fails.

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use super::{Group, PushError};
use crate::registry::Registration;
use crate::{Gauge, Registry};

/// Gauge: when the last run that was pushed started (Unix seconds).
pub const START_TIME: &str = "job_start_timestamp_seconds";
/// Gauge: how long the last successful run took, in seconds.
pub const DURATION_SECONDS: &str = "job_duration_seconds";
/// Gauge: when the last successful run finished (Unix seconds). Alert on
/// `time() - job_last_success_timestamp_seconds > <period>`.
pub const LAST_SUCCESS: &str = "job_last_success_timestamp_seconds";
/// Gauge: when the last failed run finished (Unix seconds).
pub const LAST_FAILURE: &str = "job_last_failure_timestamp_seconds";

/// One run of a batch job, pushed to a Pushgateway when it ends.
///
/// [`start`](Self::start) registers three gauges in the job's registry —
/// [`START_TIME`], [`DURATION_SECONDS`], [`LAST_SUCCESS`] — and the names are the same for
/// every job (the `job` label tells them apart), so their types agree across groups.
///
/// - [`succeeded`](Self::succeeded) sets the duration and the success time and pushes the
///   whole registry with `PUT`: the group then holds exactly this run's metrics.
/// - [`failed`](Self::failed) pushes only [`LAST_FAILURE`] with `POST`: the metrics of the
///   last successful run, its success time included, stay on the gateway, so
///   `time() - job_last_success_timestamp_seconds` keeps growing until a run succeeds.
///
/// Both take `&self`, so a push that failed on the network can be retried (pushes are
/// idempotent on the gateway). Dropping the `BatchJob` removes its gauges from the
/// registry again.
///
/// ```no_run
/// use promenade::push::{BatchJob, Pushgateway};
/// use promenade::{Counter, Registry};
/// use std::sync::{Arc, OnceLock};
///
/// # fn backup(rows: &Counter) -> Result<(), std::io::Error> { rows.inc(); Ok(()) }
/// let registry = Registry::new();
/// let rows = Arc::new(Counter::new());
/// registry.register_metric("backup_rows", "Rows backed up.", rows.clone()).unwrap();
///
/// let group = Pushgateway::new("http://127.0.0.1:9091")?.job("nightly_backup");
/// let run = BatchJob::start(group, &registry)?;
/// match backup(&rows) {
///     Ok(()) => run.succeeded()?,
///     Err(e) => {
///         run.failed()?;
///         eprintln!("backup failed: {e}");
///     }
/// }
/// # Ok::<(), promenade::push::PushError>(())
/// ```
pub struct BatchJob<'r> {
    group: Group,
    registry: &'r Registry,
    started: Instant,
    duration: Arc<Gauge>,
    last_success: Arc<Gauge>,
    failed_at: OnceLock<f64>,
    registrations: Vec<Registration>,
}

impl<'r> BatchJob<'r> {
    /// Starts the clock and registers the job's gauges in `registry` (an error if one of
    /// their names is already taken there). The start time is recorded now.
    pub fn start(group: Group, registry: &'r Registry) -> Result<Self, PushError> {
        let start_time = Arc::new(Gauge::new());
        start_time.set(unix_now());
        let duration = Arc::new(Gauge::new());
        let last_success = Arc::new(Gauge::new());
        let mut job = BatchJob {
            group,
            registry,
            started: Instant::now(),
            duration: duration.clone(),
            last_success: last_success.clone(),
            failed_at: OnceLock::new(),
            registrations: Vec::with_capacity(3),
        };
        let gauges = [
            (
                START_TIME,
                "When the last pushed run started (Unix seconds).",
                start_time,
            ),
            (
                DURATION_SECONDS,
                "How long the last successful run took.",
                duration,
            ),
            (
                LAST_SUCCESS,
                "When the last successful run finished (Unix seconds).",
                last_success,
            ),
        ];
        for (name, help, gauge) in gauges {
            // On error, `job` is dropped and unregisters what it registered so far.
            let r = registry
                .register_metric(name, help, gauge)
                .map_err(PushError::Registry)?;
            job.registrations.push(r);
        }
        Ok(job)
    }

    /// The group the run pushes to.
    pub fn group(&self) -> &Group {
        &self.group
    }

    /// Records the duration and the success time, then pushes the registry (`PUT`).
    ///
    /// The times are recorded at the first call; calling it again (a retry after a
    /// [transient](PushError::is_transient) error) pushes the same values again.
    pub fn succeeded(&self) -> Result<(), PushError> {
        if self.last_success.get() == 0.0 {
            self.duration.set(self.started.elapsed().as_secs_f64());
            self.last_success.set(unix_now());
        }
        self.group.push(self.registry)
    }

    /// Pushes only the failure time (`POST`), leaving the last success on the gateway.
    ///
    /// The time is recorded at the first call; a retry pushes the same value again.
    pub fn failed(&self) -> Result<(), PushError> {
        let at = *self.failed_at.get_or_init(unix_now);
        let failure = Registry::new();
        let gauge = Arc::new(Gauge::new());
        gauge.set(at);
        failure
            .register_metric(
                LAST_FAILURE,
                "When the last failed run finished (Unix seconds).",
                gauge,
            )
            .map_err(PushError::Registry)?;
        self.group.push_add(&failure)
    }

    /// [`succeeded`](Self::succeeded) for `Ok`, [`failed`](Self::failed) for `Err`.
    pub fn finish<T, E>(&self, outcome: &Result<T, E>) -> Result<(), PushError> {
        match outcome {
            Ok(_) => self.succeeded(),
            Err(_) => self.failed(),
        }
    }
}

impl fmt::Debug for BatchJob<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchJob")
            .field("group", &self.group)
            .field("started", &self.started)
            .field("duration", &self.duration.get())
            .field("last_success", &self.last_success.get())
            .field("failed_at", &self.failed_at.get())
            .finish_non_exhaustive()
    }
}

impl Drop for BatchJob<'_> {
    fn drop(&mut self) {
        for r in self.registrations.drain(..) {
            self.registry.unregister(r);
        }
    }
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}
