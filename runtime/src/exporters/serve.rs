//! A stand-alone HTTP server for programs that are not axum apps (the Python client's
//! `start_http_server`). It runs on threads of its own with the standard library only, so
//! it needs no async runtime.
//!
//! ```no_run
//! // Python's `start_http_server(9101)`: every IPv4 interface, port 9101.
//! let server = promenade::serve::serve(9101)?;
//! // Only this machine can scrape it:
//! let local = promenade::serve::serve("127.0.0.1:9102")?;
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Dropping a [`ServerHandle`] leaves the server running until the process exits, like a
//! detached [`std::thread::JoinHandle`] (and like the Python client's daemon thread);
//! [`ServerHandle::shutdown`] stops it. The Graphite bridge's pusher behaves alike.
//!
//! ```no_run
//! use promenade::serve::Server;
//!
//! let server = Server::builder()
//!     .addr("127.0.0.1:9100")
//!     .bearer_token("s3cret")
//!     .spawn()
//!     .unwrap();
//! println!("metrics at http://{}/metrics", server.local_addr());
//! server.shutdown(); // stop accepting, finish what is in flight, join the threads
//! ```
//!
//! # What it answers
//! - `GET` and `HEAD` on `/metrics` and `/`: the registry, negotiated like the axum route
//!   ([`negotiate::respond`]): OpenMetrics 1.0 when `Accept` prefers it (Prometheus
//!   does), text 0.0.4 otherwise; gzip when `Accept-Encoding` allows it (feature `gzip`);
//!   only the families named by `name[]=…` query parameters when there are any. Any other
//!   path: `404`. Any other method: `405` with `Allow: GET, HEAD`.
//! - With [`basic_auth`](ServerBuilder::basic_auth) or
//!   [`bearer_token`](ServerBuilder::bearer_token): `401` with `WWW-Authenticate` unless
//!   the `Authorization` header matches; the credentials are compared in constant time.
//! - HTTP/1.1 keep-alive (Prometheus reuses its connection), HTTP/1.0, pipelining.
//!
//! # Why a hostile client cannot pin it
//! One thread per connection, at most [`max_connections`](ServerBuilder::max_connections)
//! of them. When the table is full, a new connection takes the place of one that is not
//! answering a request: the oldest that has not yet delivered a complete request head
//! (TLS handshake included), or failing that the keep-alive connection idle the longest,
//! is closed. Only when every connection is busy answering a request does the newcomer get
//! `503` (with `Retry-After: 1`). So connections that send nothing, or half a request
//! line, never keep a scrape out: each new connection pushes the oldest of them out.
//!
//! Deadlines and limits bound what one connection costs. The first request head must
//! arrive completely within
//! [`first_request_timeout`](ServerBuilder::first_request_timeout) (5 s) of `accept`, the
//! TLS handshake included; a later one within [`read_timeout`](ServerBuilder::read_timeout)
//! (10 s) of its first byte, and its first byte within
//! [`idle_timeout`](ServerBuilder::idle_timeout) (30 s) of the previous answer. A head
//! is at most [`max_header_bytes`](ServerBuilder::max_header_bytes) (8 KiB; `431`
//! otherwise), a request body at most [`max_body_bytes`](ServerBuilder::max_body_bytes)
//! (1 KiB; `413`) and read within `read_timeout`; chunked request bodies are refused
//! (`400`). A response must be written within
//! [`write_timeout`](ServerBuilder::write_timeout) (10 s).
//!
//! # TLS
//! With the cargo feature `tls`, [`ServerBuilder::tls`] takes a [`TlsConfig`] (PEM
//! certificate chain and key, or your own `rustls::ServerConfig`); rustls with the `ring`
//! provider does the rest.

use std::io::{self, Read, Write};
use std::net::{
    IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, SocketAddrV4, SocketAddrV6, TcpListener,
    TcpStream, ToSocketAddrs,
};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::encoding::negotiate;
use crate::{default_registry, Registry};

/// Default for [`ServerBuilder::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 64;
/// Default for [`ServerBuilder::first_request_timeout`].
pub const DEFAULT_FIRST_REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// Default for [`ServerBuilder::read_timeout`].
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Default for [`ServerBuilder::write_timeout`].
pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Default for [`ServerBuilder::idle_timeout`].
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Default for [`ServerBuilder::max_header_bytes`].
pub const DEFAULT_MAX_HEADER_BYTES: usize = 8 * 1024;
/// Default for [`ServerBuilder::max_body_bytes`].
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024;

/// An address to listen on: what [`serve`], [`serve_registry`] and
/// [`ServerBuilder::addr`] take.
///
/// - A bare port, `u16`: `0.0.0.0:<port>`, every IPv4 interface, as the Python client's
///   `start_http_server(port)` binds by default (and node exporter's `:9100`). Prometheus
///   usually scrapes from another machine; to be reachable from this one only, name the
///   loopback address.
/// - Everything [`ToSocketAddrs`] takes: `"127.0.0.1:9100"`, `"[::]:9100"`,
///   `"localhost:9100"` (resolved now), a `SocketAddr`, `(IpAddr, u16)`, `("host", u16)`,
///   `&[SocketAddr]`, and a `Vec<SocketAddr>`; the first address that binds is used.
///
/// ```
/// use promenade::serve::ListenAddr;
/// use std::net::SocketAddr;
///
/// assert_eq!(9101.listen_addrs()?, ["0.0.0.0:9101".parse::<SocketAddr>().unwrap()]);
/// assert_eq!("127.0.0.1:9101".listen_addrs()?, [SocketAddr::from(([127, 0, 0, 1], 9101))]);
/// assert!("no port".listen_addrs().is_err());
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// A port of another integer type is not an address (a `u32` may not be a port):
///
/// ```compile_fail
/// let port: u32 = 9101;
/// let _ = promenade::serve::serve(port); // `u32` is not an address to listen on
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an address to listen on",
    label = "expected a port (`u16`) or an address",
    note = "write a port as a `u16` (`serve(9101)` listens on 0.0.0.0:9101, every interface, like the Python client's `start_http_server(9101)`; `u16::try_from(port)` converts a wider integer), or an address: `serve(\"127.0.0.1:9101\")`, a `SocketAddr`, `(ip, port)`",
    note = "a generic `impl ToSocketAddrs` is resolved first: `serve(addr.to_socket_addrs()?.collect::<Vec<_>>())`"
)]
pub trait ListenAddr {
    /// The addresses to try binding, in order (a name is resolved here).
    fn listen_addrs(&self) -> io::Result<Vec<SocketAddr>>;
}

/// A bare port: every IPv4 interface, as Python's `start_http_server(port)`.
impl ListenAddr for u16 {
    fn listen_addrs(&self) -> io::Result<Vec<SocketAddr>> {
        Ok(vec![SocketAddr::from((Ipv4Addr::UNSPECIFIED, *self))])
    }
}

impl<T: ListenAddr + ?Sized> ListenAddr for &T {
    fn listen_addrs(&self) -> io::Result<Vec<SocketAddr>> {
        (**self).listen_addrs()
    }
}

impl ListenAddr for [SocketAddr] {
    fn listen_addrs(&self) -> io::Result<Vec<SocketAddr>> {
        Ok(self.to_vec())
    }
}

impl ListenAddr for Vec<SocketAddr> {
    fn listen_addrs(&self) -> io::Result<Vec<SocketAddr>> {
        Ok(self.clone())
    }
}

/// Everything `ToSocketAddrs` takes, one impl each (a blanket impl would forbid `u16`).
macro_rules! listen_addr_via_to_socket_addrs {
    ($($t:ty),* $(,)?) => {$(
        impl ListenAddr for $t {
            fn listen_addrs(&self) -> io::Result<Vec<SocketAddr>> {
                Ok(self.to_socket_addrs()?.collect())
            }
        }
    )*};
}

listen_addr_via_to_socket_addrs!(
    str,
    String,
    SocketAddr,
    SocketAddrV4,
    SocketAddrV6,
    (IpAddr, u16),
    (Ipv4Addr, u16),
    (Ipv6Addr, u16),
    (&str, u16),
    (String, u16),
);

/// The entry point of the configurable server: [`Server::builder`].
#[derive(Debug)]
pub struct Server {
    _private: (),
}

impl Server {
    /// A builder with the defaults: the default registry, no authentication, no TLS (the
    /// Python client's `start_http_server(port, addr, registry, certfile, …)`).
    #[doc(alias = "start_http_server")]
    pub fn builder() -> ServerBuilder {
        ServerBuilder::default()
    }
}

/// Where the server reads its metrics from.
#[derive(Clone)]
enum Source {
    Static(&'static Registry),
    Shared(Arc<Registry>),
}

impl Source {
    fn get(&self) -> &Registry {
        match self {
            Source::Static(r) => r,
            Source::Shared(r) => r,
        }
    }
}

/// The `Authorization` header the server insists on.
#[derive(Clone)]
enum Auth {
    /// `Basic <credentials>`; holds the base64 of `user:password`.
    Basic(Vec<u8>),
    /// `Bearer <token>`.
    Bearer(Vec<u8>),
}

impl Auth {
    fn scheme(&self) -> &'static str {
        match self {
            Auth::Basic(_) => "Basic",
            Auth::Bearer(_) => "Bearer",
        }
    }

    /// Whether `header` (the `Authorization` value) carries the expected credentials.
    fn accepts(&self, header: Option<&str>) -> bool {
        let (expected, scheme) = match self {
            Auth::Basic(c) => (c, "Basic"),
            Auth::Bearer(t) => (t, "Bearer"),
        };
        let Some(header) = header else {
            // Still compare, so a missing header takes as long as a wrong one.
            let _ = constant_time_eq(expected, b"");
            return false;
        };
        let (given_scheme, given) = header.trim().split_once(' ').unwrap_or((header, ""));
        let scheme_ok = given_scheme.eq_ignore_ascii_case(scheme);
        let creds_ok = constant_time_eq(expected, given.trim().as_bytes());
        scheme_ok & creds_ok
    }
}

/// Whether `given` equals `expected`, taking a time that depends only on the length of
/// `expected` (the secret's length is not hidden; its content and the position of the
/// first difference are).
fn constant_time_eq(expected: &[u8], given: &[u8]) -> bool {
    let mut diff = u8::from(expected.len() != given.len());
    for (i, e) in expected.iter().enumerate() {
        let g = given.get(i).copied().unwrap_or(0);
        diff |= std::hint::black_box(e ^ g);
    }
    std::hint::black_box(diff) == 0
}

/// Standard base64 with padding (RFC 4648 §4), what HTTP Basic authentication sends.
fn base64(input: &[u8]) -> String {
    let mut out = String::new();
    super::base64::standard(&mut out, input);
    out
}

/// Configures and starts a [`ServerHandle`]. See the [module docs](self).
#[derive(Clone)]
pub struct ServerBuilder {
    addr: Option<Result<Vec<SocketAddr>, (io::ErrorKind, String)>>,
    source: Source,
    auth: Option<Auth>,
    #[cfg(feature = "tls")]
    tls: Option<TlsConfig>,
    max_connections: usize,
    first_request_timeout: Duration,
    read_timeout: Duration,
    write_timeout: Duration,
    idle_timeout: Duration,
    max_header_bytes: usize,
    max_body_bytes: usize,
}

impl Default for ServerBuilder {
    fn default() -> Self {
        ServerBuilder {
            addr: None,
            source: Source::Static(default_registry()),
            auth: None,
            #[cfg(feature = "tls")]
            tls: None,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            first_request_timeout: DEFAULT_FIRST_REQUEST_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_header_bytes: DEFAULT_MAX_HEADER_BYTES,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

impl std::fmt::Debug for ServerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerBuilder")
            .field("addr", &self.addr)
            .field("auth", &self.auth.as_ref().map(Auth::scheme))
            .field("max_connections", &self.max_connections)
            .field("first_request_timeout", &self.first_request_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("write_timeout", &self.write_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .finish_non_exhaustive()
    }
}

impl ServerBuilder {
    /// Where to listen (required), e.g. `"127.0.0.1:9100"`, or a bare port, `9100`, for
    /// `0.0.0.0:9100` (see [`ListenAddr`]); port 0 picks a free port (see
    /// [`ServerHandle::local_addr`]). A name that does not resolve is reported by
    /// [`spawn`](Self::spawn).
    pub fn addr(mut self, addr: impl ListenAddr) -> Self {
        self.addr = Some(match addr.listen_addrs() {
            Ok(addrs) => Ok(addrs),
            Err(e) => Err((e.kind(), e.to_string())),
        });
        self
    }

    /// Serves `registry` instead of the default registry.
    pub fn registry(mut self, registry: &'static Registry) -> Self {
        self.source = Source::Static(registry);
        self
    }

    /// Serves a shared `registry` instead of the default registry.
    pub fn shared_registry(mut self, registry: Arc<Registry>) -> Self {
        self.source = Source::Shared(registry);
        self
    }

    /// Requires HTTP Basic authentication with this user and password (use it with TLS:
    /// Basic credentials travel in clear text otherwise). Replaces a bearer token.
    pub fn basic_auth(mut self, user: &str, password: &str) -> Self {
        let credentials = base64(format!("{user}:{password}").as_bytes());
        self.auth = Some(Auth::Basic(credentials.into_bytes()));
        self
    }

    /// Requires `Authorization: Bearer <token>` (Prometheus: `authorization: {credentials:
    /// …}` in the scrape config). Replaces Basic authentication.
    pub fn bearer_token(mut self, token: &str) -> Self {
        self.auth = Some(Auth::Bearer(token.as_bytes().to_vec()));
        self
    }

    /// Serves HTTPS with this configuration (cargo feature `tls`).
    #[cfg(feature = "tls")]
    pub fn tls(mut self, config: TlsConfig) -> Self {
        self.tls = Some(config);
        self
    }

    /// The most connections open at once (default [`DEFAULT_MAX_CONNECTIONS`], at least
    /// 1), each with a thread of its own.
    ///
    /// When all are open, a new connection makes room by closing one that is not
    /// answering a request: the oldest connection still waiting for a complete request
    /// head (since `accept`, or since the first byte of a later request), else the
    /// keep-alive connection idle for the longest time. Its thread wakes and exits at
    /// once. Only when every connection is answering a request is the newcomer answered
    /// `503 Service Unavailable` with `Retry-After: 1` and closed.
    pub fn max_connections(mut self, n: usize) -> Self {
        self.max_connections = n.max(1);
        self
    }

    /// How long a new connection may take to deliver its first complete request head,
    /// counted from `accept` so that it bounds the TLS handshake too (default
    /// [`DEFAULT_FIRST_REQUEST_TIMEOUT`]; [`read_timeout`](Self::read_timeout) when that
    /// is shorter). A connection that sent part of a head by then is answered `408`; one
    /// that sent nothing is closed.
    pub fn first_request_timeout(mut self, timeout: Duration) -> Self {
        self.first_request_timeout = nonzero(timeout);
        self
    }

    /// How long a later request head on a keep-alive connection may take to arrive, from
    /// its first byte, and how long a request body may take (default
    /// [`DEFAULT_READ_TIMEOUT`]). It also caps
    /// [`first_request_timeout`](Self::first_request_timeout).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = nonzero(timeout);
        self
    }

    /// How long writing a response may take (default [`DEFAULT_WRITE_TIMEOUT`]).
    pub fn write_timeout(mut self, timeout: Duration) -> Self {
        self.write_timeout = nonzero(timeout);
        self
    }

    /// How long a keep-alive connection may wait for its next request (default
    /// [`DEFAULT_IDLE_TIMEOUT`]).
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = nonzero(timeout);
        self
    }

    /// The largest request head accepted, request line and headers (default
    /// [`DEFAULT_MAX_HEADER_BYTES`]); larger ones get `431`.
    pub fn max_header_bytes(mut self, n: usize) -> Self {
        self.max_header_bytes = n.max(64);
        self
    }

    /// The largest request body accepted and discarded (default
    /// [`DEFAULT_MAX_BODY_BYTES`]); larger ones get `413`.
    pub fn max_body_bytes(mut self, n: usize) -> Self {
        self.max_body_bytes = n;
        self
    }

    /// Binds the address and starts serving from a thread of its own.
    pub fn spawn(self) -> io::Result<ServerHandle> {
        let addrs = match &self.addr {
            None => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "no address to listen on: call ServerBuilder::addr",
                ))
            }
            Some(Err((kind, message))) => return Err(io::Error::new(*kind, message.clone())),
            Some(Ok(addrs)) => addrs.clone(),
        };
        let listener = TcpListener::bind(&addrs[..])?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            connections: Mutex::new(Vec::new()),
        });
        let config = Arc::new(self);
        let accept_shared = shared.clone();
        let thread = std::thread::Builder::new()
            .name("promenade-serve".into())
            .spawn(move || accept_loop(listener, accept_shared, config))?;
        Ok(ServerHandle {
            addr,
            shared,
            thread: Some(thread),
        })
    }
}

fn nonzero(d: Duration) -> Duration {
    d.max(Duration::from_millis(1))
}

/// What the accept thread and the connection threads share.
struct Shared {
    stop: AtomicBool,
    /// Every open connection: a clone of its socket, so that the accept thread can close
    /// one to make room and shutdown can end the ones waiting for a request, and what it
    /// is doing. Locked only when a connection starts, changes phase and ends.
    connections: Mutex<Vec<Slot>>,
}

/// What a connection is doing, as far as making room for a new one is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// A request head (or the TLS handshake before the first one) has not arrived
    /// completely yet: the first to be reclaimed.
    ReadingHead,
    /// A keep-alive connection between requests: reclaimed after the stalled heads.
    Idle,
    /// Reading a request body, collecting, writing the response: never reclaimed.
    Answering,
}

/// One open connection in [`Shared::connections`].
struct Slot {
    id: u64,
    stream: TcpStream,
    phase: Phase,
    /// When the connection entered `phase`.
    since: Instant,
}

impl Shared {
    fn table(&self) -> std::sync::MutexGuard<'_, Vec<Slot>> {
        self.connections.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records that connection `id` is now in `phase`; `false` when it is no longer in
    /// the table (closed to make room for another), so its thread must stop.
    fn set_phase(&self, id: u64, phase: Phase) -> bool {
        let mut table = self.table();
        match table.iter_mut().find(|s| s.id == id) {
            Some(slot) => {
                slot.phase = phase;
                slot.since = Instant::now();
                true
            }
            None => false,
        }
    }
}

/// The connection to close to make room for a new one: the oldest stalled head, else the
/// connection idle the longest; `None` when every connection is answering a request.
fn reclaimable(table: &[Slot]) -> Option<usize> {
    let oldest = |phase: Phase| {
        table
            .iter()
            .enumerate()
            .filter(|(_, s)| s.phase == phase)
            .min_by_key(|(_, s)| (s.since, s.id))
            .map(|(i, _)| i)
    };
    oldest(Phase::ReadingHead).or_else(|| oldest(Phase::Idle))
}

/// A running server.
///
/// Dropping the handle leaves the server running until the process exits, like a detached
/// [`std::thread::JoinHandle`] (and like the Python client's daemon thread, or the
/// Graphite bridge's [`GraphiteHandle`](crate::graphite::GraphiteHandle) when the feature
/// `graphite` is on); call [`shutdown`](Self::shutdown) to stop it.
///
/// ```
/// let server = promenade::serve::serve("127.0.0.1:0")?;
/// let addr = server.local_addr();
/// drop(server);
/// // still serving
/// assert!(std::net::TcpStream::connect(addr).is_ok());
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct ServerHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("stop", &self.stop)
            .finish_non_exhaustive()
    }
}

impl ServerHandle {
    /// The address the server listens on (useful after binding port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops gracefully: stops accepting connections, lets requests being answered
    /// finish, closes idle and half-received connections, and joins every thread.
    pub fn shutdown(mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Serves the [default registry](crate::default_registry) at `/metrics` (and at `/`) on
/// `addr`, from a background thread: the Python client's `start_http_server`.
/// [`Server::builder`] offers more.
///
/// `addr` is an address (`"127.0.0.1:9100"`) or a bare port: `serve(9100)` listens on
/// `0.0.0.0:9100`, every IPv4 interface, as `start_http_server(9100)` does (see
/// [`ListenAddr`]). The server runs until [`ServerHandle::shutdown`], or until the process
/// exits if the handle is dropped.
///
/// ```no_run
/// let server = promenade::serve::serve("127.0.0.1:9100").unwrap();
/// println!("metrics at http://{}/metrics", server.local_addr());
/// ```
#[doc(alias = "start_http_server")]
pub fn serve(addr: impl ListenAddr) -> io::Result<ServerHandle> {
    Server::builder().addr(addr).spawn()
}

/// Serves `registry` on `addr` from a background thread.
#[doc(alias = "start_http_server")]
pub fn serve_registry(
    addr: impl ListenAddr,
    registry: &'static Registry,
) -> io::Result<ServerHandle> {
    Server::builder().addr(addr).registry(registry).spawn()
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>, config: Arc<ServerBuilder>) {
    let mut workers: Vec<JoinHandle<()>> = Vec::new();
    let mut next_id = 0u64;
    for conn in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = conn else { continue };
        workers.retain(|w| !w.is_finished());
        let Ok(clone) = stream.try_clone() else {
            continue;
        };
        let id = next_id;
        next_id += 1;
        let evicted = {
            let mut table = shared.table();
            let evicted = if table.len() >= config.max_connections {
                match reclaimable(&table) {
                    Some(i) => Some(table.swap_remove(i).stream),
                    None => {
                        drop(table);
                        refuse_busy(stream);
                        continue;
                    }
                }
            } else {
                None
            };
            table.push(Slot {
                id,
                stream: clone,
                phase: Phase::ReadingHead,
                since: Instant::now(),
            });
            evicted
        };
        // The victim's thread wakes from its read (end-of-file), finds itself gone from
        // the table and exits.
        if let Some(victim) = evicted {
            let _ = victim.shutdown(Shutdown::Both);
        }
        let (worker_shared, worker_config) = (shared.clone(), config.clone());
        let spawned = std::thread::Builder::new()
            .name("promenade-serve-conn".into())
            .spawn(move || {
                connection(stream, id, &worker_shared, &worker_config);
                worker_shared.table().retain(|s| s.id != id);
            });
        match spawned {
            Ok(handle) => workers.push(handle),
            Err(_) => {
                // Out of threads: forget the connection (dropping it closes it).
                shared.table().retain(|s| s.id != id);
            }
        }
    }
    // Stop accepting, then end every connection that is not answering a request: a
    // reading thread sees end-of-file; one that is answering finishes and then sees
    // `stop`.
    drop(listener);
    for slot in shared.table().iter() {
        let _ = slot.stream.shutdown(Shutdown::Read);
    }
    for w in workers {
        let _ = w.join();
    }
}

/// Answers a connection beyond the limit without giving it a thread.
fn refuse_busy(mut stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(500)));
    let body = "too many connections; try again\n";
    let _ = write!(
        stream,
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.shutdown(Shutdown::Both);
}

/// The connection's byte stream: plain TCP or TLS over it.
enum Stream {
    Plain(TcpStream),
    #[cfg(feature = "tls")]
    Tls(Box<rustls::StreamOwned<rustls::ServerConnection, TcpStream>>),
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            #[cfg(feature = "tls")]
            Stream::Tls(s) => &s.sock,
        }
    }

    fn close(&mut self) {
        #[cfg(feature = "tls")]
        if let Stream::Tls(s) = self {
            // Send what rustls still holds (the close_notify, or the alert of a failed
            // handshake) without `flush`, which would first try to finish the handshake
            // and wait for the peer.
            if !s.conn.is_handshaking() {
                s.conn.send_close_notify();
            }
            let _ = s.sock.set_write_timeout(Some(Duration::from_millis(500)));
            while s.conn.wants_write() {
                if !matches!(s.conn.write_tls(&mut s.sock), Ok(n) if n > 0) {
                    break;
                }
            }
        }
        let _ = self.tcp().shutdown(Shutdown::Both);
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            #[cfg(feature = "tls")]
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            #[cfg(feature = "tls")]
            Stream::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            #[cfg(feature = "tls")]
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// Why a request could not be read.
enum ReadError {
    /// Answer with this status and close.
    Status(&'static str, &'static str),
    /// Just close (the peer went away, timed out before sending anything useful, or
    /// the connection broke).
    Close,
}

/// One parsed request head; the strings borrow the connection's buffer.
struct Head<'a> {
    method: &'a str,
    path: &'a str,
    keep_alive: bool,
    authorization: Option<&'a str>,
    accept: Option<&'a str>,
    accept_encoding: Option<&'a str>,
    content_length: usize,
    chunked: bool,
}

/// A connection: the stream and the bytes read but not consumed yet.
struct Conn<'c> {
    stream: Stream,
    buf: Vec<u8>,
    config: &'c ServerBuilder,
    /// Its entry in [`Shared::connections`].
    id: u64,
    shared: &'c Shared,
}

fn connection(tcp: TcpStream, id: u64, shared: &Shared, config: &ServerBuilder) {
    let accepted = Instant::now();
    let _ = tcp.set_nodelay(true);
    #[cfg(feature = "tls")]
    let stream = match &config.tls {
        Some(tls) => match rustls::ServerConnection::new(tls.config.clone()) {
            Ok(conn) => Stream::Tls(Box::new(rustls::StreamOwned::new(conn, tcp))),
            Err(_) => return,
        },
        None => Stream::Plain(tcp),
    };
    #[cfg(not(feature = "tls"))]
    let stream = Stream::Plain(tcp);
    let mut conn = Conn {
        stream,
        buf: Vec::with_capacity(1024),
        config,
        id,
        shared,
    };
    // The whole first head (TLS handshake included) within first_request_timeout of
    // accept; later ones must start within idle_timeout of the previous answer.
    let first_head_by = accepted + config.first_request_timeout.min(config.read_timeout);
    let mut first = true;
    loop {
        let head = if first {
            conn.read_head(first_head_by, true)
        } else {
            conn.read_head(Instant::now() + config.idle_timeout, false)
        };
        first = false;
        let keep_alive = match head {
            Ok(None) => break,
            // Closed to make room for another connection: stop here.
            Ok(Some(_)) if !shared.set_phase(id, Phase::Answering) => break,
            Ok(Some(head_len)) => conn.answer(head_len, shared),
            Err(ReadError::Close) => false,
            Err(ReadError::Status(status, message)) => {
                let _ = conn.respond(status, &[], "text/plain; charset=utf-8", message, false);
                false
            }
        };
        if !keep_alive || shared.stop.load(Ordering::SeqCst) {
            break;
        }
        // Pipelined bytes already here are the start of the next head.
        let phase = if conn.buf.is_empty() {
            Phase::Idle
        } else {
            Phase::ReadingHead
        };
        if !shared.set_phase(id, phase) {
            break;
        }
    }
    conn.stream.close();
}

impl Conn<'_> {
    /// Reads until `buf` holds a whole request head; returns its length. `Ok(None)` when
    /// the peer closed (or stayed silent until `first_byte_by`) before sending a byte.
    /// With `whole_head`, `first_byte_by` is the deadline of the whole head; otherwise
    /// the head has `read_timeout` from its first byte, when the connection becomes
    /// [`Phase::ReadingHead`] again.
    fn read_head(
        &mut self,
        first_byte_by: Instant,
        whole_head: bool,
    ) -> Result<Option<usize>, ReadError> {
        let max = self.config.max_header_bytes;
        // Pipelined bytes already here: the head has read_timeout from now.
        let mut deadline = if self.buf.is_empty() || whole_head {
            first_byte_by
        } else {
            Instant::now() + self.config.read_timeout
        };
        let mut started = !self.buf.is_empty();
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(end) = find_head_end(&self.buf) {
                if end > max {
                    return Err(ReadError::Status(
                        "431 Request Header Fields Too Large",
                        "request head too large\n",
                    ));
                }
                return Ok(Some(end));
            }
            if self.buf.len() > max {
                return Err(ReadError::Status(
                    "431 Request Header Fields Too Large",
                    "request head too large\n",
                ));
            }
            let now = Instant::now();
            if now >= deadline {
                return if started {
                    Err(ReadError::Status(
                        "408 Request Timeout",
                        "the request took too long to arrive\n",
                    ))
                } else {
                    Ok(None)
                };
            }
            if self
                .stream
                .tcp()
                .set_read_timeout(Some(deadline - now))
                .is_err()
            {
                return Err(ReadError::Close);
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => {
                    return if self.buf.is_empty() {
                        Ok(None)
                    } else {
                        Err(ReadError::Close)
                    }
                }
                Ok(n) => {
                    if !started && !whole_head {
                        // From the first byte on, the rest of the head has read_timeout,
                        // and the connection is a stalled head until it is complete.
                        deadline = Instant::now() + self.config.read_timeout;
                        if !self.shared.set_phase(self.id, Phase::ReadingHead) {
                            return Err(ReadError::Close);
                        }
                    }
                    started = true;
                    self.buf.extend_from_slice(&chunk[..n]);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => return Err(ReadError::Close),
            }
        }
    }

    /// Reads and discards `n` body bytes (some may already be in `buf` after the head).
    fn discard_body(&mut self, head_len: usize, n: usize) -> Result<(), ReadError> {
        let deadline = Instant::now() + self.config.read_timeout;
        let mut chunk = [0u8; 1024];
        while self.buf.len() < head_len + n {
            let now = Instant::now();
            if now >= deadline {
                return Err(ReadError::Status(
                    "408 Request Timeout",
                    "the request body took too long to arrive\n",
                ));
            }
            if self
                .stream
                .tcp()
                .set_read_timeout(Some(deadline - now))
                .is_err()
            {
                return Err(ReadError::Close);
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(ReadError::Close),
                Ok(k) => self.buf.extend_from_slice(&chunk[..k]),
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::Interrupted
                            | io::ErrorKind::WouldBlock
                            | io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => return Err(ReadError::Close),
            }
        }
        Ok(())
    }

    /// Answers the request whose head is `buf[..head_len]`; whether to keep the
    /// connection open.
    fn answer(&mut self, head_len: usize, shared: &Shared) -> bool {
        let head_bytes = self.buf[..head_len].to_vec();
        let head = match parse_head(&head_bytes) {
            Ok(h) => h,
            Err(message) => {
                let _ = self.respond("400 Bad Request", &[], TEXT, message, false);
                return false;
            }
        };
        let head_only = head.method == "HEAD";
        if head.method != "GET" && !head_only {
            // The body (if any) is not read: the connection closes.
            let _ = self.respond(
                "405 Method Not Allowed",
                &[("Allow", "GET, HEAD")],
                TEXT,
                "method not allowed: use GET or HEAD\n",
                false,
            );
            return false;
        }
        if head.chunked {
            let _ = self.respond(
                "400 Bad Request",
                &[],
                TEXT,
                "chunked request bodies are not accepted\n",
                false,
            );
            return false;
        }
        if head.content_length > self.config.max_body_bytes {
            let _ = self.respond(
                "413 Content Too Large",
                &[],
                TEXT,
                "request body too large\n",
                false,
            );
            return false;
        }
        if head.content_length > 0 {
            if let Err(e) = self.discard_body(head_len, head.content_length) {
                if let ReadError::Status(status, message) = e {
                    let _ = self.respond(status, &[], TEXT, message, false);
                }
                return false;
            }
        }
        // Keep what a pipelining client sent after this request.
        self.buf.drain(..head_len + head.content_length);
        let keep_alive = head.keep_alive && !shared.stop.load(Ordering::SeqCst);

        if let Some(auth) = &self.config.auth {
            if !auth.accepts(head.authorization) {
                let challenge = match auth {
                    Auth::Basic(_) => "Basic realm=\"metrics\", charset=\"UTF-8\"",
                    Auth::Bearer(_) => "Bearer realm=\"metrics\"",
                };
                return self
                    .respond_body(
                        "401 Unauthorized",
                        &[("WWW-Authenticate", challenge)],
                        TEXT,
                        b"unauthorized\n",
                        head_only,
                        keep_alive,
                    )
                    .is_ok()
                    && keep_alive;
            }
        }
        let (path, query) = match head.path.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (head.path, None),
        };
        let result = match path {
            "/metrics" | "/" => {
                let r = negotiate::respond(
                    self.config.source.get(),
                    head.accept,
                    head.accept_encoding,
                    query,
                );
                let vary = ("Vary", "Accept, Accept-Encoding");
                let encoding = r.content_encoding.map(|e| ("Content-Encoding", e));
                let headers: &[(&str, &str)] = match &encoding {
                    Some(e) => &[vary, *e],
                    None => &[vary],
                };
                self.respond_body(
                    "200 OK",
                    headers,
                    r.content_type,
                    &r.body,
                    head_only,
                    keep_alive,
                )
            }
            _ => self.respond_body(
                "404 Not Found",
                &[],
                TEXT,
                b"not found: metrics are at /metrics\n",
                head_only,
                keep_alive,
            ),
        };
        result.is_ok() && keep_alive
    }

    /// A short answer with a body (not for HEAD requests).
    fn respond(
        &mut self,
        status: &str,
        headers: &[(&str, &str)],
        content_type: &str,
        body: &str,
        keep_alive: bool,
    ) -> io::Result<()> {
        self.respond_body(
            status,
            headers,
            content_type,
            body.as_bytes(),
            false,
            keep_alive,
        )
    }

    fn respond_body(
        &mut self,
        status: &str,
        headers: &[(&str, &str)],
        content_type: &str,
        body: &[u8],
        head_only: bool,
        keep_alive: bool,
    ) -> io::Result<()> {
        use std::fmt::Write as _;
        let mut head = String::with_capacity(192);
        let _ = write!(
            head,
            "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            let _ = write!(head, "{name}: {value}\r\n");
        }
        head.push_str(if keep_alive {
            "Connection: keep-alive\r\n\r\n"
        } else {
            "Connection: close\r\n\r\n"
        });
        let deadline = Instant::now() + self.config.write_timeout;
        self.write_all_by(head.as_bytes(), deadline)?;
        if !head_only {
            self.write_all_by(body, deadline)?;
        }
        self.stream.flush()
    }

    /// Writes everything before `deadline`, in chunks so a client that reads slowly
    /// cannot stretch the time limit.
    fn write_all_by(&mut self, mut data: &[u8], deadline: Instant) -> io::Result<()> {
        while !data.is_empty() {
            let now = Instant::now();
            if now >= deadline {
                return Err(io::ErrorKind::TimedOut.into());
            }
            self.stream.tcp().set_write_timeout(Some(deadline - now))?;
            let n = data.len().min(64 * 1024);
            match self.stream.write(&data[..n]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(k) => data = &data[k..],
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

const TEXT: &str = "text/plain; charset=utf-8";

/// The length of the head (through the blank line) if `buf` holds a whole one.
fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4)
}

/// Parses a request head (request line and headers, ending in a blank line).
fn parse_head(bytes: &[u8]) -> Result<Head<'_>, &'static str> {
    let text = std::str::from_utf8(bytes).map_err(|_| "request head is not UTF-8\n")?;
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or("");
    let mut parts = request_line.split(' ');
    let (Some(method), Some(path), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("malformed request line\n");
    };
    if method.is_empty() || !path.starts_with('/') && path != "*" {
        return Err("malformed request line\n");
    }
    let http11 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        _ => return Err("unsupported HTTP version\n"),
    };
    let mut head = Head {
        method,
        path,
        keep_alive: http11,
        authorization: None,
        accept: None,
        accept_encoding: None,
        content_length: 0,
        chunked: false,
    };
    for line in lines {
        if line.is_empty() {
            continue;
        }
        let (name, value) = line.split_once(':').ok_or("malformed header line\n")?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("connection") {
            for token in value.split(',').map(str::trim) {
                if token.eq_ignore_ascii_case("close") {
                    head.keep_alive = false;
                } else if token.eq_ignore_ascii_case("keep-alive") {
                    head.keep_alive = true;
                }
            }
        } else if name.eq_ignore_ascii_case("content-length") {
            head.content_length = value.parse().map_err(|_| "bad Content-Length\n")?;
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            head.chunked = true;
        } else if name.eq_ignore_ascii_case("authorization") {
            head.authorization = Some(value);
        } else if name.eq_ignore_ascii_case("accept") {
            head.accept = Some(value);
        } else if name.eq_ignore_ascii_case("accept-encoding") {
            head.accept_encoding = Some(value);
        }
    }
    Ok(head)
}

/// TLS settings for [`ServerBuilder::tls`] (cargo feature `tls`): rustls with the `ring`
/// crypto provider, TLS 1.2 and 1.3, no client certificates.
#[cfg(feature = "tls")]
#[derive(Clone)]
pub struct TlsConfig {
    config: Arc<rustls::ServerConfig>,
}

#[cfg(feature = "tls")]
impl std::fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConfig").finish_non_exhaustive()
    }
}

#[cfg(feature = "tls")]
impl TlsConfig {
    /// From a PEM certificate chain (leaf first) and a PEM private key (PKCS#8, PKCS#1
    /// or SEC1).
    pub fn from_pem(cert_chain: &[u8], private_key: &[u8]) -> io::Result<Self> {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let invalid = |what: &str, e: &dyn std::fmt::Display| {
            io::Error::new(io::ErrorKind::InvalidData, format!("{what}: {e}"))
        };
        let certs = CertificateDer::pem_slice_iter(cert_chain)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| invalid("cannot read the certificate chain", &e))?;
        if certs.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "no certificate in the PEM certificate chain",
            ));
        }
        let key = PrivateKeyDer::from_pem_slice(private_key)
            .map_err(|e| invalid("cannot read the private key", &e))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| invalid("TLS configuration", &e))?
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .map_err(|e| invalid("certificate and key do not form a usable pair", &e))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(TlsConfig {
            config: Arc::new(config),
        })
    }

    /// [`from_pem`](Self::from_pem) with the two PEM files read from disk.
    pub fn from_pem_files(
        cert_chain: impl AsRef<std::path::Path>,
        private_key: impl AsRef<std::path::Path>,
    ) -> io::Result<Self> {
        let read = |p: &std::path::Path| {
            std::fs::read(p).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", p.display())))
        };
        Self::from_pem(&read(cert_chain.as_ref())?, &read(private_key.as_ref())?)
    }

    /// Your own rustls configuration (client certificates, other providers, …).
    pub fn from_rustls(config: Arc<rustls::ServerConfig>) -> Self {
        TlsConfig { config }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_is_equality() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret2"));
        assert!(!constant_time_eq(b"secret", b"secre"));
        assert!(!constant_time_eq(b"secret", b""));
        assert!(constant_time_eq(b"", b""));
        assert!(!constant_time_eq(b"", b"x"));
    }

    #[test]
    fn authorization_headers() {
        let basic = Auth::Basic(base64(b"Aladdin:open sesame").into_bytes());
        assert!(basic.accepts(Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")));
        assert!(basic.accepts(Some("basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")));
        assert!(!basic.accepts(Some("Bearer QWxhZGRpbjpvcGVuIHNlc2FtZQ==")));
        assert!(!basic.accepts(Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZR==")));
        assert!(!basic.accepts(Some("Basic")));
        assert!(!basic.accepts(None));
        let bearer = Auth::Bearer(b"tok".to_vec());
        assert!(bearer.accepts(Some("Bearer tok")));
        assert!(!bearer.accepts(Some("Bearer tok2")));
        assert!(!bearer.accepts(Some("tok")));
    }

    #[test]
    fn request_heads() {
        let h = parse_head(b"GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\nAuthorization: Bearer t\r\n\r\n").unwrap();
        assert_eq!(
            (h.method, h.path, h.keep_alive),
            ("GET", "/metrics?x=1", false)
        );
        assert_eq!(h.authorization, Some("Bearer t"));
        let h =
            parse_head(b"HEAD / HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\n")
                .unwrap();
        assert!(h.keep_alive);
        assert_eq!(h.content_length, 3);
        assert!(parse_head(b"GET /metrics\r\n\r\n").is_err());
        assert!(parse_head(b"GET /metrics HTTP/2\r\n\r\n").is_err());
        assert!(parse_head(b"GET /metrics HTTP/1.1\r\nno colon\r\n\r\n").is_err());
        assert!(parse_head(b"GET /metrics HTTP/1.1\r\nContent-Length: -1\r\n\r\n").is_err());
    }
}
