//! `#[instrumented]`'s named and `metric = ...` forms add no lint of their own, on a
//! function, an async function and an impl block.
#![deny(missing_docs, unused_qualifications, unused_variables, unused_mut, unreachable_code)]

use promenade::{instrumented, FunctionMetrics, LabelValue, Metrics};

/// Why a job failed.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
pub enum JobError {
    /// Out of disk.
    Disk,
}

/// The jobs' metrics.
#[derive(Metrics)]
#[metrics(namespace = "lints")]
pub struct Jobs {
    #[metric(nested, prefix = "store")]
    store: FunctionMetrics,
}

/// Runs a job.
#[instrumented(name = "lints_run", buckets = [0.5, 5.0])]
pub fn run(fail: bool) -> Result<u8, JobError> {
    if fail {
        return Err(JobError::Disk);
    }
    Ok(1)
}

/// Fetches a job.
#[instrumented(metric = Jobs::global().store)]
pub async fn fetch(id: u8) -> Result<u8, JobError> {
    Ok(id)
}

/// A store.
pub struct Store;

#[instrumented(metric = Jobs::global().store)]
impl Store {
    /// Puts a job.
    pub fn put(&mut self, id: u8) -> Result<u8, JobError> {
        Ok(id)
    }
}

fn main() {
    let _ = run(false);
    let _ = fetch(1);
    let _ = Store.put(2);
}
