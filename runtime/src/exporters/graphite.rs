//! A bridge to Graphite: the registry's samples as plaintext lines sent to carbon's line
//! receiver, once or periodically from a background thread.
//!
//! Each sample becomes one line, in the format of the Python client's `GraphiteBridge`:
//!
//! ```text
//! <prefix>.<name>.<label1>.<value1>.<label2>.<value2> <value> <unix seconds>
//! <prefix>.<name>;<label1>=<value1>;<label2>=<value2> <value> <unix seconds>   (tags)
//! ```
//!
//! Labels are sorted by name; every character of the prefix, names and values outside
//! `[a-zA-Z0-9_-]` becomes `_` (so `le="+Inf"` is `le._Inf`). A label with an empty value
//! is left out (Prometheus treats an empty label as absent, and Graphite paths and tags
//! cannot hold empty components). Samples that are NaN or infinite are skipped: Graphite
//! has no way to store them.
//!
//! Every push opens a new connection, writes all lines and closes it, so a carbon that
//! restarted or went away is simply reached again on the next push.
//!
//! ```no_run
//! use promenade::graphite::GraphiteBridge;
//! use std::time::Duration;
//!
//! let bridge = GraphiteBridge::new("127.0.0.1:2003").prefix("myapp");
//! bridge.push(promenade::default_registry())?; // once
//! let running = bridge.start(promenade::default_registry(), Duration::from_secs(60))?;
//! // … later, to stop pushing (dropping `running` would leave the thread pushing):
//! running.shutdown();
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Dropping the handle
//! The background pusher is detached like a [`std::thread::JoinHandle`]'s thread: dropping
//! its [`GraphiteHandle`] leaves it pushing until the process exits (the Python bridge's
//! daemon thread does the same). Call [`GraphiteHandle::shutdown`] to stop it. The
//! stand-alone server behaves alike ([`ServerHandle`](crate::serve::ServerHandle)).

use std::fmt::Write as _;
use std::io::{self, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::ops::Deref;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::Registry;

/// The timeout for connecting and writing, unless [`GraphiteBridge::timeout`] says
/// otherwise (the Python bridge's default, 30 s).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Where and how to send: carbon's address, a prefix, tags or path components. The Python
/// client's `GraphiteBridge`.
#[derive(Debug, Clone)]
pub struct GraphiteBridge {
    address: String,
    prefix: String,
    tags: bool,
    timeout: Duration,
}

impl GraphiteBridge {
    /// A bridge to carbon's plaintext line receiver at `address` (`host:port`, usually
    /// port 2003). Nothing is resolved or connected until a push.
    pub fn new(address: impl Into<String>) -> Self {
        GraphiteBridge {
            address: address.into(),
            prefix: String::new(),
            tags: false,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Puts `prefix.` before every metric path. Dots separate path components and are
    /// kept; every other character outside `[a-zA-Z0-9_-]` becomes `_`.
    pub fn prefix(mut self, prefix: &str) -> Self {
        self.prefix = prefix
            .split('.')
            .filter(|part| !part.is_empty())
            .map(sanitize)
            .collect::<Vec<_>>()
            .join(".");
        self
    }

    /// Sends labels as Graphite tags (`name;k=v;k2=v2`, Graphite 1.1 and later) instead of
    /// path components (`name.k.v.k2.v2`, the default).
    pub fn tags(mut self, enabled: bool) -> Self {
        self.tags = enabled;
        self
    }

    /// How long connecting and each write may take (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// The lines a push at `unix_seconds` would send, each ending in `\n`.
    ///
    /// ```
    /// use promenade::graphite::GraphiteBridge;
    /// use promenade::{Counter, Family, LabelSet, LabelValue, Registry};
    /// use std::sync::Arc;
    ///
    /// #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
    /// enum Kind { Full, Incremental }
    /// #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelSet)]
    /// struct Backup { kind: Kind }
    ///
    /// let registry = Registry::new();
    /// let runs = Arc::new(Family::<Backup, Counter>::new());
    /// registry.register_metric("backups", "Backups run.", runs.clone()).unwrap();
    /// runs.labels(Backup { kind: Kind::Full }).inc_by(2);
    ///
    /// let bridge = GraphiteBridge::new("127.0.0.1:2003").prefix("host-1.app");
    /// assert_eq!(
    ///     bridge.lines(&registry, 1700000000),
    ///     "host-1.app.backups_total.kind.full 2.0 1700000000\n\
    ///      host-1.app.backups_total.kind.incremental 0.0 1700000000\n"
    /// );
    /// assert_eq!(
    ///     bridge.tags(true).lines(&registry, 1700000000),
    ///     "host-1.app.backups_total;kind=full 2.0 1700000000\n\
    ///      host-1.app.backups_total;kind=incremental 0.0 1700000000\n"
    /// );
    /// ```
    pub fn lines(&self, registry: &Registry, unix_seconds: u64) -> String {
        let mut out = String::new();
        for family in registry.gather() {
            for sample in family.samples {
                if !sample.value.is_finite() {
                    continue;
                }
                if !self.prefix.is_empty() {
                    out.push_str(&self.prefix);
                    out.push('.');
                }
                out.push_str(&sanitize(&sample.name));
                let mut labels = sample.labels;
                labels.retain(|(_, v)| !v.is_empty());
                labels.sort();
                for (name, value) in &labels {
                    let (sep, eq) = if self.tags { (';', '=') } else { ('.', '.') };
                    out.push(sep);
                    out.push_str(&sanitize(name));
                    out.push(eq);
                    out.push_str(&sanitize(value));
                }
                let _ = writeln!(out, " {:?} {unix_seconds}", sample.value);
            }
        }
        out
    }

    /// Sends every sample of `registry` now, over a new connection, stamped with the
    /// current time (whole Unix seconds).
    pub fn push(&self, registry: &Registry) -> io::Result<()> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let lines = self.lines(registry, now);
        let mut stream = self.connect()?;
        stream.set_write_timeout(Some(self.timeout))?;
        stream.write_all(lines.as_bytes())?;
        stream.flush()?;
        // A clean close (FIN after the data) so carbon reads every line.
        stream.shutdown(Shutdown::Write)
    }

    fn connect(&self) -> io::Result<TcpStream> {
        let mut last = None;
        for addr in self.address.to_socket_addrs()? {
            match TcpStream::connect_timeout(&addr, self.timeout) {
                Ok(s) => return Ok(s),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("`{}` resolved to no address", self.address),
            )
        }))
    }

    /// Pushes `registry` now and then every `interval` from a background thread, until
    /// [`GraphiteHandle::shutdown`]. Dropping the handle does not stop the thread: it goes
    /// on pushing until the process exits, like a detached [`std::thread::JoinHandle`] (the
    /// Python bridge's daemon thread). Ticks missed because a push was slow are skipped,
    /// not caught up; a failed push is counted and retried at the next tick.
    ///
    /// `registry` is anything that derefs to a [`Registry`] and can move to the thread:
    /// `promenade::default_registry()`, an `Arc<Registry>`, a leaked `&'static Registry`.
    pub fn start<R>(self, registry: R, interval: Duration) -> io::Result<GraphiteHandle>
    where
        R: Deref<Target = Registry> + Send + 'static,
    {
        let interval = interval.max(Duration::from_millis(1));
        let shared = Arc::new(Shared::default());
        let theirs = shared.clone();
        let thread = std::thread::Builder::new()
            .name("promenade-graphite".into())
            .spawn(move || {
                let mut next = Instant::now();
                loop {
                    let result = self.push(&registry);
                    {
                        let mut s = theirs.lock();
                        match result {
                            Ok(()) => s.pushed += 1,
                            Err(e) => {
                                s.failed += 1;
                                s.last_error = Some(e.to_string());
                            }
                        }
                    }
                    let now = Instant::now();
                    while next <= now {
                        next += interval;
                    }
                    if theirs.wait_for_stop(next) {
                        break;
                    }
                }
            })?;
        Ok(GraphiteHandle {
            thread: Some(thread),
            shared,
        })
    }
}

/// `_` for every character outside `[a-zA-Z0-9_-]`.
fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[derive(Debug, Default, Clone)]
struct Status {
    pushed: u64,
    failed: u64,
    last_error: Option<String>,
    stop: bool,
}

/// What the handle and the thread share: the counts, and the stop flag the thread waits on.
#[derive(Debug, Default)]
struct Shared {
    status: Mutex<Status>,
    stopped: Condvar,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Status> {
        self.status.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until `deadline` or a stop; whether to stop.
    fn wait_for_stop(&self, deadline: Instant) -> bool {
        let mut status = self.lock();
        while !status.stop {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            status = match self.stopped.wait_timeout(status, deadline - now) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        true
    }
}

/// The background pusher of [`GraphiteBridge::start`]: its counts, and
/// [`shutdown`](Self::shutdown), which stops it.
///
/// Dropping the handle detaches the pusher: it keeps pushing until the process exits, as a
/// [`std::thread::JoinHandle`]'s thread keeps running (and as
/// [`ServerHandle`](crate::serve::ServerHandle) keeps serving). Keep the handle and call
/// `shutdown` to stop it.
///
/// ```
/// use promenade::graphite::GraphiteBridge;
/// use std::time::Duration;
///
/// let carbon = std::net::TcpListener::bind("127.0.0.1:0")?; // accepts, never reads
/// let handle = GraphiteBridge::new(carbon.local_addr()?.to_string())
///     .start(std::sync::Arc::new(promenade::Registry::new()), Duration::from_secs(3600))?;
/// handle.shutdown(); // returns at once, even in the middle of the hour
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct GraphiteHandle {
    thread: Option<JoinHandle<()>>,
    shared: Arc<Shared>,
}

impl GraphiteHandle {
    /// How many pushes succeeded so far.
    pub fn pushes(&self) -> u64 {
        self.shared.lock().pushed
    }

    /// How many pushes failed so far.
    pub fn failures(&self) -> u64 {
        self.shared.lock().failed
    }

    /// The error of the most recent failed push.
    pub fn last_error(&self) -> Option<String> {
        self.shared.lock().last_error.clone()
    }

    /// Stops the background thread and waits for it; a push in progress completes first.
    /// Nothing is pushed after this returns.
    pub fn shutdown(mut self) {
        self.shared.lock().stop = true;
        self.shared.stopped.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_keeps_only_graphite_safe_characters() {
        assert_eq!(sanitize("a.b c/d+Inf-é_9"), "a_b_c_d_Inf-__9");
        let b = GraphiteBridge::new("x:1").prefix(".my app..host-1/a.");
        assert_eq!(b.prefix, "my_app.host-1_a");
    }
}
