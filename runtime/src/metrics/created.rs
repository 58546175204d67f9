//! Creation times (`_created`) and the process-wide switch that hides them.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering::Relaxed};
use std::sync::{Arc, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

/// Whether `_created` samples are shown: [`UNSET`] until the environment was read or a
/// switch was called.
static CREATED_STATE: AtomicU8 = AtomicU8::new(UNSET);
const UNSET: u8 = 0;
const SHOWN: u8 = 1;
const HIDDEN: u8 = 2;

/// The environment variable the Python client reads to hide `_created` samples
/// (`true`, `1` or `t`, in any case); promenade honours it too.
pub const DISABLE_CREATED_ENV: &str = "PROMETHEUS_DISABLE_CREATED_SERIES";

/// Stops every encoder from exposing `_created` samples (the Python client's
/// `disable_created_metrics`). Creation times are still recorded, so
/// [`enable_created_metrics`] brings them back with their original values.
///
/// `_created` samples only exist in OpenMetrics; the text format 0.0.4 never shows them.
/// Without a call to either switch, the environment decides: `_created` is hidden when
/// [`PROMETHEUS_DISABLE_CREATED_SERIES`](DISABLE_CREATED_ENV) is `true`, `1` or `t`, as
/// in the Python client.
pub fn disable_created_metrics() {
    CREATED_STATE.store(HIDDEN, Relaxed);
}

/// Undoes [`disable_created_metrics`] (exposing `_created` is the default).
pub fn enable_created_metrics() {
    CREATED_STATE.store(SHOWN, Relaxed);
}

/// Whether `_created` samples are exposed (in OpenMetrics).
pub fn created_metrics_enabled() -> bool {
    match CREATED_STATE.load(Relaxed) {
        SHOWN => true,
        HIDDEN => false,
        _ => {
            let from_env = if env_disables(std::env::var(DISABLE_CREATED_ENV).ok().as_deref()) {
                HIDDEN
            } else {
                SHOWN
            };
            // A switch called meanwhile wins over the environment.
            match CREATED_STATE.compare_exchange(UNSET, from_env, Relaxed, Relaxed) {
                Ok(_) => from_env == SHOWN,
                Err(now) => now == SHOWN,
            }
        }
    }
}

/// Whether the value of [`DISABLE_CREATED_ENV`] hides `_created` (the Python client's
/// spellings: `true`, `1`, `t`, in any case).
fn env_disables(value: Option<&str>) -> bool {
    value.is_some_and(|v| {
        ["true", "1", "t"]
            .iter()
            .any(|y| v.trim().eq_ignore_ascii_case(y))
    })
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

/// When a counter without a creation time of its own ([`Counter`](crate::Counter),
/// [`FloatCounter`](crate::FloatCounter): one 8-byte atomic each) was last reset, by the
/// counter's address.
///
/// Such a counter's `_created` is its family's (or registration's) creation time, which
/// `reset()` renews through this table. An entry is removed when its counter is dropped.
/// Every counter promenade registers stays where it is (in a family's array or `Arc`, a
/// `static`, a registered struct); a counter moved after a reset (a `Vec` of counters that
/// grows, in a hand-written collector) leaves its entry behind at the old address. A counter
/// built there later was created after that reset, so taking the later of its own creation
/// time and the entry (see [`latest`]) still gives the right answer for it; the moved
/// counter shows its creation time again.
///
/// Copy on write behind an `Arc`: a scrape takes one snapshot (see [`with_reset_snapshot`])
/// and looks series up without a lock; a reset while no scrape holds a snapshot updates the
/// map in place.
static RESETS: RwLock<Option<Arc<ResetMap>>> = RwLock::new(None);
type ResetMap = HashMap<usize, f64, BuildHasherDefault<AddrHasher>>;
/// Whether [`RESETS`] ever held an entry: until then nothing takes its lock.
static ANY_RESET: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// The snapshot of [`RESETS`] the scrape running on this thread reads.
    static SNAPSHOT: RefCell<Option<Arc<ResetMap>>> = const { RefCell::new(None) };
}

/// Notes that the counter at `addr` was reset now.
pub(crate) fn note_reset(addr: usize) {
    let now = unix_now();
    let mut table = RESETS.write().unwrap_or_else(|e| e.into_inner());
    Arc::make_mut(table.get_or_insert_with(Arc::default)).insert(addr, now);
    ANY_RESET.store(true, Relaxed);
}

/// When the counter at `addr` was last reset, if it was: from the running scrape's
/// snapshot, or else from the table.
#[inline]
pub(crate) fn reset_time(addr: usize) -> Option<f64> {
    if !ANY_RESET.load(Relaxed) {
        return None;
    }
    let from_snapshot = SNAPSHOT.with(|s| s.borrow().as_ref().map(|map| map.get(&addr).copied()));
    match from_snapshot {
        Some(found) => found,
        None => {
            let table = RESETS.read().unwrap_or_else(|e| e.into_inner());
            table.as_ref()?.get(&addr).copied()
        }
    }
}

/// Runs `scrape` with one snapshot of the reset table for every counter it reads on this
/// thread (nothing when no counter was ever reset).
pub(crate) fn with_reset_snapshot<T>(scrape: impl FnOnce() -> T) -> T {
    if !ANY_RESET.load(Relaxed) || SNAPSHOT.with(|s| s.borrow().is_some()) {
        return scrape();
    }
    let snapshot = RESETS
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .unwrap_or_default();
    SNAPSHOT.with(|s| *s.borrow_mut() = Some(snapshot));
    /// Clears the snapshot however the scrape ends.
    struct Clear;
    impl Drop for Clear {
        fn drop(&mut self) {
            SNAPSHOT.with(|s| s.borrow_mut().take());
        }
    }
    let _clear = Clear;
    scrape()
}

/// Forgets the counter at `addr` (it is being dropped).
#[inline]
pub(crate) fn forget_reset(addr: usize) {
    if ANY_RESET.load(Relaxed) {
        let mut table = RESETS.write().unwrap_or_else(|e| e.into_inner());
        if let Some(map) = table.as_mut() {
            if map.contains_key(&addr) {
                Arc::make_mut(map).remove(&addr);
            }
        }
    }
}

/// The later of a creation time and a reset time, either of which may be unknown.
#[inline]
pub(crate) fn latest(created: Option<f64>, reset: Option<f64>) -> Option<f64> {
    match (created, reset) {
        (Some(c), Some(r)) => Some(c.max(r)),
        (c, r) => c.or(r),
    }
}

/// Hashes an address (a `usize`, a multiple of 8) by multiplication: no `SipHash` for a
/// table read at every scrape.
#[derive(Default)]
pub(crate) struct AddrHasher(u64);

impl Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64 >> 3).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_spellings_follow_the_python_client() {
        for yes in ["true", "TRUE", "1", "t", "T", " true "] {
            assert!(env_disables(Some(yes)), "{yes:?}");
        }
        for no in ["false", "0", "", "yes", "f"] {
            assert!(!env_disables(Some(no)), "{no:?}");
        }
        assert!(!env_disables(None));
    }

    #[test]
    fn a_scrape_reads_one_snapshot_and_leaves_none_behind() {
        // Boxed: dropped where it lives (a plain `drop(c)` would move it first).
        let c = Box::new(crate::Counter::new());
        c.reset();
        let first = c.reset_time().unwrap();
        with_reset_snapshot(|| {
            assert_eq!(c.reset_time(), Some(first));
            // Nested scrapes reuse the outer snapshot.
            with_reset_snapshot(|| assert_eq!(c.reset_time(), Some(first)));
        });
        let panicked = std::panic::catch_unwind(|| with_reset_snapshot(|| panic!("collector")));
        assert!(panicked.is_err());
        assert!(SNAPSHOT.with(|s| s.borrow().is_none()));
        // Resets after the snapshot are seen by the next scrape.
        std::thread::sleep(std::time::Duration::from_millis(2));
        c.reset();
        let second = with_reset_snapshot(|| c.reset_time()).unwrap();
        assert!(second > first);
        let addr = &*c as *const crate::Counter as usize;
        drop(c);
        assert_eq!(reset_time(addr), None, "dropping a counter forgets it");
    }

    #[test]
    fn latest_takes_the_later_known_time() {
        assert_eq!(latest(Some(1.0), Some(2.0)), Some(2.0));
        assert_eq!(latest(Some(3.0), Some(2.0)), Some(3.0));
        assert_eq!(latest(None, Some(2.0)), Some(2.0));
        assert_eq!(latest(Some(1.0), None), Some(1.0));
        assert_eq!(latest(None, None), None);
    }
}
