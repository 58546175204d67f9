//! A Pushgateway client, for batch jobs that end before anyone could scrape them.
//!
//! ```no_run
//! use promenade::push::Pushgateway;
//! use promenade::{Counter, Registry};
//! use std::sync::Arc;
//!
//! let registry = Registry::new();
//! let rows = Arc::new(Counter::new());
//! registry.register_metric("backup_rows", "Rows backed up.", rows.clone()).unwrap();
//! rows.inc_by(1200);
//!
//! let gateway = Pushgateway::new("http://127.0.0.1:9091")?;
//! // PUT /metrics/job/nightly_backup/instance/db-1
//! gateway.job("nightly_backup").instance("db-1").push(&registry)?;
//! # Ok::<(), promenade::push::PushError>(())
//! ```
//!
//! # The three requests
//! - [`push`](Group::push): `PUT` — the group's metrics become exactly these.
//! - [`push_add`](Group::push_add): `POST` — families with the same names are replaced,
//!   the group's other families stay.
//! - [`delete`](Group::delete): `DELETE` — the group is removed (the gateway answers
//!   202 Accepted, also for a group it does not hold).
//!
//! A group is the job plus its grouping key (`instance` and any other labels); each label
//! becomes part of the path, sorted by name. Values that are empty or contain `/` travel
//! as `<name>@base64/<URL-safe base64>` (`=` for the empty value), other values
//! percent-encoded (a space is `%20`, never `+`, which the gateway would keep as `+`).
//! [`Group::grouping_key`] adds several labels at once (the Python client's
//! `grouping_key={…}`); [`instance_ip_grouping_key`] is this host's IP address as
//! `instance`.
//!
//! # Format
//! The body is always the text format 0.0.4 ([`encoding::text`](crate::encoding::text)),
//! never OpenMetrics, which the gateway rejects or misreads. Gzip is optional (feature
//! `gzip`, [`Pushgateway::gzip`]; Pushgateway 1.5 and later).
//!
//! # Errors and retries
//! Nothing here panics. Every failure is a [`PushError`]; when the gateway refuses a push
//! (a type clashing with another group's family, say, or a sample with a timestamp) the
//! error carries its status and its message. `PUT` and `POST` are idempotent for the
//! gateway: retrying a push that failed on the network, timed out or got a 5xx is safe
//! (see [`PushError::is_transient`]); the group ends up as if one push had landed. The
//! gateway's `push_time_seconds` is the time of the last successful push.
//!
//! # Blocking and async
//! The `push*` and `delete` methods block the calling thread: batch jobs need no async
//! runtime, and the client is a small HTTP/1.1 client over `std::net::TcpStream` (plain
//! `http://`). The `*_async` methods return a `Send + 'static` future that works on any
//! executor (tokio, async-std, smol): the registry is encoded at once, and the network
//! round trip runs on a short-lived thread of its own when the future is first polled, so
//! it never blocks the executor.
//!
//! For the batch-job pattern (start time, duration, last success, last failure), see
//! [`BatchJob`].

mod batch;
mod http;
mod instance;
mod path;

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::encoding::text;
use crate::Registry;

pub use batch::{BatchJob, DURATION_SECONDS, LAST_FAILURE, LAST_SUCCESS, START_TIME};
pub use instance::{instance_ip_grouping_key, local_ip_toward};
use path::Endpoint;

/// How long connecting may take, unless [`Pushgateway::connect_timeout`] says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long each read or write may block, unless [`Pushgateway::timeout`] says otherwise
/// (the Python client's default, 30 s).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Headers the client sets itself; [`Pushgateway::header`] refuses them.
const RESERVED_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "content-type",
    "content-encoding",
    "transfer-encoding",
    "connection",
];

/// A Pushgateway: its address, credentials, extra headers and timeouts. Cheap to clone.
///
/// Build it once, then name a [`Group`] with [`job`](Self::job) for each push.
#[derive(Clone)]
pub struct Pushgateway {
    config: Arc<Config>,
}

#[derive(Clone)]
struct Config {
    endpoint: Endpoint,
    /// `Authorization`, set by `basic_auth` or `bearer_token`.
    authorization: Option<String>,
    headers: Vec<(String, String)>,
    connect_timeout: Duration,
    timeout: Duration,
    gzip: bool,
}

impl fmt::Debug for Pushgateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.config;
        f.debug_struct("Pushgateway")
            .field("host", &c.endpoint.host)
            .field("port", &c.endpoint.port)
            .field("prefix", &c.endpoint.prefix)
            // Credentials are never printed.
            .field(
                "authorization",
                &c.authorization.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "headers",
                &c.headers
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("connect_timeout", &c.connect_timeout)
            .field("timeout", &c.timeout)
            .field("gzip", &c.gzip)
            .finish()
    }
}

impl Pushgateway {
    /// The gateway at `url`: `http://host:port`, optionally with a path prefix
    /// (`http://proxy/pushgateway`). Without a scheme, `http://` is assumed; `https://` is
    /// refused (this client speaks plain HTTP).
    pub fn new(url: &str) -> Result<Self, PushError> {
        Ok(Pushgateway {
            config: Arc::new(Config {
                endpoint: Endpoint::parse(url)?,
                authorization: None,
                headers: Vec::new(),
                connect_timeout: DEFAULT_CONNECT_TIMEOUT,
                timeout: DEFAULT_TIMEOUT,
                gzip: false,
            }),
        })
    }

    fn config_mut(&mut self) -> &mut Config {
        Arc::make_mut(&mut self.config)
    }

    /// Sends `Authorization: Basic …` with every request.
    pub fn basic_auth(mut self, username: &str, password: &str) -> Self {
        let mut value = String::from("Basic ");
        crate::exporters::base64::standard(&mut value, format!("{username}:{password}").as_bytes());
        self.config_mut().authorization = Some(value);
        self
    }

    /// Sends `Authorization: Bearer <token>` with every request. A token with a line break
    /// or another control character is refused.
    pub fn bearer_token(mut self, token: &str) -> Result<Self, PushError> {
        check_header_value("Authorization", token)?;
        self.config_mut().authorization = Some(format!("Bearer {token}"));
        Ok(self)
    }

    /// Sends this header with every request (a proxy's API key, a tenant id, …). The name
    /// must be an HTTP token, the value free of line breaks and control characters, and
    /// neither one of the headers the client sets itself (`Host`, `Content-Length`,
    /// `Content-Type`, `Content-Encoding`, `Transfer-Encoding`, `Connection`).
    pub fn header(mut self, name: &str, value: &str) -> Result<Self, PushError> {
        let invalid = |reason: &str| PushError::InvalidHeader {
            name: name.to_owned(),
            reason: reason.to_owned(),
        };
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if name.is_empty() || !name.chars().all(token) {
            return Err(invalid("a header name is a non-empty HTTP token"));
        }
        if RESERVED_HEADERS
            .iter()
            .any(|r| r.eq_ignore_ascii_case(name))
        {
            return Err(invalid("this header is set by the client itself"));
        }
        check_header_value(name, value)?;
        self.config_mut()
            .headers
            .push((name.to_owned(), value.to_owned()));
        Ok(self)
    }

    /// How long connecting may take (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config_mut().connect_timeout = nonzero(timeout);
        self
    }

    /// How long each write of the request and each read of the response may block
    /// (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config_mut().timeout = nonzero(timeout);
        self
    }

    /// Gzip the body of `push` and `push_add` (`Content-Encoding: gzip`; understood by
    /// Pushgateway 1.5 and later).
    #[cfg(feature = "gzip")]
    pub fn gzip(mut self, enabled: bool) -> Self {
        self.config_mut().gzip = enabled;
        self
    }

    /// The group of `job`, with an empty grouping key so far; add labels with
    /// [`Group::instance`] and [`Group::label`].
    pub fn job(&self, job: impl Into<String>) -> Group {
        Group {
            gateway: self.clone(),
            job: job.into(),
            labels: BTreeMap::new(),
        }
    }
}

/// A zero timeout means "no timeout" to the standard library; take the smallest one instead.
fn nonzero(d: Duration) -> Duration {
    d.max(Duration::from_millis(1))
}

fn check_header_value(name: &str, value: &str) -> Result<(), PushError> {
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(PushError::InvalidHeader {
            name: name.to_owned(),
            reason: "a header value cannot contain line breaks or control characters".to_owned(),
        });
    }
    Ok(())
}

/// One group on the gateway: a job and its grouping key.
///
/// ```
/// use promenade::push::Pushgateway;
///
/// let group = Pushgateway::new("http://127.0.0.1:9091")?
///     .job("backup")
///     .label("path", "/var/lib")
///     .instance("");
/// assert_eq!(
///     group.path()?,
///     "/metrics/job/backup/instance@base64/=/path@base64/L3Zhci9saWI="
/// );
/// # Ok::<(), promenade::push::PushError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Group {
    gateway: Pushgateway,
    job: String,
    labels: BTreeMap<String, String>,
}

impl Group {
    /// Adds (or replaces) a grouping-key label. Names are checked when a request is built:
    /// they follow the label grammar, and `job` is the job's own.
    pub fn label(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.insert(name.into(), value.into());
        self
    }

    /// `label("instance", value)`.
    pub fn instance(self, value: impl Into<String>) -> Self {
        self.label("instance", value)
    }

    /// Adds (or replaces) every label of `key`: the Python client's `grouping_key={…}`,
    /// e.g. a map, an array of pairs, or [`instance_ip_grouping_key`]'s answer. Names are
    /// checked when a request is built, as for [`label`](Self::label).
    ///
    /// ```
    /// use promenade::push::Pushgateway;
    ///
    /// let group = Pushgateway::new("http://127.0.0.1:9091")?
    ///     .job("backup")
    ///     .grouping_key([("instance", "db-1"), ("zone", "b")]);
    /// assert_eq!(group.path()?, "/metrics/job/backup/instance/db-1/zone/b");
    /// # Ok::<(), promenade::push::PushError>(())
    /// ```
    pub fn grouping_key<K, V>(mut self, key: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        for (name, value) in key {
            self.labels.insert(name.into(), value.into());
        }
        self
    }

    /// The request path of this group: `/metrics/job/<job>{/<label>/<value>}`, labels
    /// sorted by name (without the gateway URL's path prefix).
    pub fn path(&self) -> Result<String, PushError> {
        path::group_path(
            &self.job,
            self.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        )
    }

    /// `PUT`: the group's metrics become exactly those of `registry` (the Python client's
    /// `push_to_gateway`).
    #[doc(alias = "push_to_gateway")]
    pub fn push(&self, registry: &Registry) -> Result<(), PushError> {
        self.prepare("PUT", Some(registry))?.run()
    }

    /// `POST`: families of `registry` replace the group's families of the same name; the
    /// group's other families stay (the Python client's `pushadd_to_gateway`).
    #[doc(alias = "pushadd_to_gateway")]
    pub fn push_add(&self, registry: &Registry) -> Result<(), PushError> {
        self.prepare("POST", Some(registry))?.run()
    }

    /// `DELETE`: removes the group from the gateway (the Python client's
    /// `delete_from_gateway`).
    #[doc(alias = "delete_from_gateway")]
    pub fn delete(&self) -> Result<(), PushError> {
        self.prepare("DELETE", None)?.run()
    }

    /// [`push`](Self::push) as a future for any executor. `registry` is encoded now; the
    /// request is made when the future is first polled (see the [module docs](self)).
    #[doc(alias = "push_to_gateway")]
    pub fn push_async(&self, registry: &Registry) -> PushFuture {
        PushFuture::new(self.prepare("PUT", Some(registry)))
    }

    /// [`push_add`](Self::push_add) as a future for any executor.
    #[doc(alias = "pushadd_to_gateway")]
    pub fn push_add_async(&self, registry: &Registry) -> PushFuture {
        PushFuture::new(self.prepare("POST", Some(registry)))
    }

    /// [`delete`](Self::delete) as a future for any executor.
    #[doc(alias = "delete_from_gateway")]
    pub fn delete_async(&self) -> PushFuture {
        PushFuture::new(self.prepare("DELETE", None))
    }

    fn prepare(
        &self,
        method: &'static str,
        registry: Option<&Registry>,
    ) -> Result<Prepared, PushError> {
        let path = self.path()?;
        let config = self.gateway.config.clone();
        let mut headers = vec![("Content-Type".to_owned(), text::CONTENT_TYPE.to_owned())];
        let mut body = Vec::new();
        if let Some(registry) = registry {
            body = text::encode_to_string_without_timestamps(registry).into_bytes();
            if config.gzip {
                body = gzip(&body)?;
                headers.push(("Content-Encoding".to_owned(), "gzip".to_owned()));
            }
        }
        if let Some(auth) = &config.authorization {
            headers.push(("Authorization".to_owned(), auth.clone()));
        }
        headers.extend(config.headers.iter().cloned());
        Ok(Prepared {
            method,
            path,
            headers,
            body,
            config,
        })
    }
}

#[cfg(feature = "gzip")]
fn gzip(body: &[u8]) -> Result<Vec<u8>, PushError> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(body)
        .and_then(|()| encoder.finish())
        .map_err(|source| PushError::Io {
            during: "compressing the body",
            source,
        })
}

#[cfg(not(feature = "gzip"))]
fn gzip(body: &[u8]) -> Result<Vec<u8>, PushError> {
    // `config.gzip` can only be set with the feature on.
    Ok(body.to_vec())
}

/// A request ready to send: everything owned, so it can move to another thread.
struct Prepared {
    method: &'static str,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    config: Arc<Config>,
}

impl Prepared {
    fn run(self) -> Result<(), PushError> {
        let response = http::send(
            &self.config.endpoint,
            &http::Request {
                method: self.method,
                path: &self.path,
                headers: &self.headers,
                body: &self.body,
            },
            self.config.connect_timeout,
            self.config.timeout,
        )?;
        if (200..300).contains(&response.status) {
            Ok(())
        } else {
            Err(PushError::Rejected {
                method: self.method,
                status: response.status,
                message: response.body.trim_end().to_owned(),
            })
        }
    }
}

/// The future of [`Group::push_async`], [`Group::push_add_async`] and
/// [`Group::delete_async`]. `Send + 'static`: it can be spawned. Dropping it before its
/// first poll sends nothing; once polled, the request completes even if the future is
/// dropped.
#[must_use = "a push future does nothing until it is awaited"]
pub struct PushFuture {
    state: FutureState,
}

enum FutureState {
    Ready(Option<Result<(), PushError>>),
    NotStarted(Prepared),
    Running(Arc<Mutex<Shared>>),
    Done,
}

#[derive(Default)]
struct Shared {
    result: Option<Result<(), PushError>>,
    waker: Option<Waker>,
}

impl fmt::Debug for PushFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            FutureState::Ready(_) => "ready",
            FutureState::NotStarted(_) => "not started",
            FutureState::Running(_) => "running",
            FutureState::Done => "done",
        };
        f.debug_struct("PushFuture").field("state", &state).finish()
    }
}

impl PushFuture {
    fn new(prepared: Result<Prepared, PushError>) -> Self {
        PushFuture {
            state: match prepared {
                Ok(p) => FutureState::NotStarted(p),
                Err(e) => FutureState::Ready(Some(Err(e))),
            },
        }
    }
}

impl Future for PushFuture {
    type Output = Result<(), PushError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match std::mem::replace(&mut self.state, FutureState::Done) {
            FutureState::Ready(result) => Poll::Ready(result.unwrap_or(Ok(()))),
            FutureState::NotStarted(prepared) => {
                let shared = Arc::new(Mutex::new(Shared {
                    result: None,
                    waker: Some(cx.waker().clone()),
                }));
                let theirs = shared.clone();
                let spawned = std::thread::Builder::new()
                    .name("promenade-push".into())
                    .spawn(move || {
                        let result = prepared.run();
                        let mut s = theirs.lock().unwrap_or_else(|e| e.into_inner());
                        s.result = Some(result);
                        if let Some(w) = s.waker.take() {
                            w.wake();
                        }
                    });
                if let Err(source) = spawned {
                    return Poll::Ready(Err(PushError::Io {
                        during: "starting the push thread",
                        source,
                    }));
                }
                self.state = FutureState::Running(shared);
                Poll::Pending
            }
            FutureState::Running(shared) => {
                let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(result) = s.result.take() {
                    return Poll::Ready(result);
                }
                s.waker = Some(cx.waker().clone());
                drop(s);
                self.state = FutureState::Running(shared);
                Poll::Pending
            }
            FutureState::Done => Poll::Ready(Err(PushError::Io {
                during: "polling",
                source: io::Error::other("the push future was polled after completion"),
            })),
        }
    }
}

/// Why a push, push_add or delete did not happen.
#[derive(Debug)]
#[non_exhaustive]
pub enum PushError {
    /// The gateway URL cannot be used.
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The job or a grouping-key label cannot be used.
    InvalidGroupingKey {
        /// The label (`job` for the job name).
        label: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A custom header or token cannot be sent.
    InvalidHeader {
        /// The header's name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The gateway could not be reached, or the connection failed or timed out.
    Io {
        /// What the client was doing (`connecting`, `sending the request`, …).
        during: &'static str,
        /// The underlying error.
        source: io::Error,
    },
    /// The gateway answered something that is not HTTP/1.x.
    MalformedResponse(String),
    /// The gateway refused the request: its status and its own message.
    Rejected {
        /// `PUT`, `POST` or `DELETE`.
        method: &'static str,
        /// The HTTP status (400 for a type clash, a timestamp or unparsable text).
        status: u16,
        /// The gateway's response body, trailing whitespace removed.
        message: String,
    },
    /// The batch-job helper's own metrics could not be registered.
    Registry(crate::Error),
}

impl PushError {
    /// The gateway's HTTP status, when it refused the request.
    pub fn status(&self) -> Option<u16> {
        match self {
            PushError::Rejected { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the request timed out (connecting, sending or waiting for the answer).
    pub fn is_timeout(&self) -> bool {
        matches!(self, PushError::Io { source, .. }
            if matches!(source.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock))
    }

    /// Whether trying again later may succeed: network failures, timeouts, 5xx and 429.
    /// Retrying is safe: pushes are idempotent on the gateway.
    pub fn is_transient(&self) -> bool {
        match self {
            PushError::Io { .. } | PushError::MalformedResponse(_) => true,
            PushError::Rejected { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }
}

impl fmt::Display for PushError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushError::InvalidUrl { url, reason } => {
                write!(f, "invalid Pushgateway URL {url:?}: {reason}")
            }
            PushError::InvalidGroupingKey { label, reason } => {
                write!(f, "invalid grouping key `{label}`: {reason}")
            }
            PushError::InvalidHeader { name, reason } => {
                write!(f, "invalid header `{name}`: {reason}")
            }
            PushError::Io { during, source } if self.is_timeout() => {
                write!(f, "Pushgateway timed out while {during}: {source}")
            }
            PushError::Io { during, source } => {
                write!(f, "Pushgateway request failed while {during}: {source}")
            }
            PushError::MalformedResponse(reason) => {
                write!(f, "malformed response from the Pushgateway: {reason}")
            }
            PushError::Rejected {
                method,
                status,
                message,
            } => write!(
                f,
                "the Pushgateway answered {method} with {status}: {}",
                if message.is_empty() {
                    "(no message)"
                } else {
                    message
                }
            ),
            PushError::Registry(e) => write!(f, "batch job metrics: {e}"),
        }
    }
}

impl std::error::Error for PushError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PushError::Io { source, .. } => Some(source),
            PushError::Registry(e) => Some(e),
            _ => None,
        }
    }
}
