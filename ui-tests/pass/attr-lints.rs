//! Every function attribute, in every form, inside `#![deny(...)]` of the lints users
//! turn on: the expansion adds no warning of its own.
#![deny(missing_docs, unused_qualifications, unused_variables, unused_mut, unreachable_code)]

use promenade::{counted, counted_exceptions, in_progress, instrumented, timed, LabelValue};

/// Why a job failed.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
pub enum JobError {
    /// Out of disk.
    Disk,
    /// Too slow.
    Timeout,
}

static RUNS: promenade::Counter = promenade::Counter::new();

/// Runs a job.
#[instrumented]
#[timed]
#[counted(metric = RUNS)]
#[counted_exceptions(only = [Disk])]
#[in_progress(name = "attr_lints_jobs_in_flight")]
pub fn run(fail: bool) -> Result<u8, JobError> {
    if fail {
        return Err(JobError::Disk);
    }
    Ok(1)
}

/// Fetches.
#[timed(outcome, name = "attr_lints_fetch_seconds", buckets = [0.1])]
pub async fn fetch() -> Result<u8, JobError> {
    Err(JobError::Timeout)
}

/// A service.
pub struct Service;

#[counted]
#[timed(outcome)]
impl Service {
    /// Handles.
    pub fn handle(&mut self) -> &mut Self {
        self
    }

    /// Skipped.
    #[timed(skip)]
    pub fn plain(&self) {}
}

fn main() {
    let _ = run(false);
    let _ = fetch();
    Service.handle().plain();
}
