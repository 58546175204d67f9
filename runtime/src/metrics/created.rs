//! Creation times (`_created`) and the process-wide switch that hides them.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::time::{SystemTime, UNIX_EPOCH};

static CREATED_DISABLED: AtomicBool = AtomicBool::new(false);

/// Stops every encoder from exposing `_created` samples (the Python client's
/// `disable_created_metrics`). Creation times are still recorded, so
/// [`enable_created_metrics`] brings them back with their original values.
///
/// `_created` samples only exist in OpenMetrics; the text format 0.0.4 never shows them.
pub fn disable_created_metrics() {
    CREATED_DISABLED.store(true, Relaxed);
}

/// Undoes [`disable_created_metrics`] (exposing `_created` is the default).
pub fn enable_created_metrics() {
    CREATED_DISABLED.store(false, Relaxed);
}

/// Whether `_created` samples are exposed (in OpenMetrics).
pub fn created_metrics_enabled() -> bool {
    !CREATED_DISABLED.load(Relaxed)
}

/// Seconds since the Unix epoch, negative before it.
pub(crate) fn unix_now() -> f64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs_f64(),
        Err(e) => -e.duration().as_secs_f64(),
    }
}

/// A creation time in seconds since the epoch, stored as `f64` bits.
#[derive(Debug)]
pub(crate) struct CreatedAt(AtomicU64);

impl CreatedAt {
    pub(crate) fn now() -> Self {
        CreatedAt(AtomicU64::new(unix_now().to_bits()))
    }

    pub(crate) fn get(&self) -> f64 {
        f64::from_bits(self.0.load(Relaxed))
    }

    pub(crate) fn reset(&self) {
        self.0.store(unix_now().to_bits(), Relaxed);
    }
}
