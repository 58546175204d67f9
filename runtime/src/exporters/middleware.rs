//! The RED metrics middleware, public through `promenade::axum` (its documentation is
//! there).

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};

use axum::extract::MatchedPath;
use axum::http::{Method, Request, Response, StatusCode};
use tower_layer::Layer;
use tower_service::Service;

use crate::labels::LabelValueWriter;
use crate::registry::{CollectMetric, Collector, Descriptor, Sink};
use crate::{
    default_registry, Buckets, Counter, Error, Family, Histogram, HistogramTimer, InProgress,
    IntGauge, LabelValue, MetricType, Registry, Series,
};

/// The `route` label of requests that no route matched.
pub const UNMATCHED_ROUTE: &str = "unmatched";
/// The default series limit of each of the two labelled families.
pub const DEFAULT_MAX_SERIES: usize = 1000;
/// The default name of the request counter (exposed as `http_requests_total`).
pub const DEFAULT_REQUESTS_NAME: &str = "http_requests_total";
/// The default name of the duration histogram.
pub const DEFAULT_DURATION_NAME: &str = "http_request_duration_seconds";
/// The default name of the in-flight gauge.
pub const DEFAULT_IN_FLIGHT_NAME: &str = "http_requests_in_flight";

/// The request method as a label value: the methods HTTP defines by name, and `other`
/// for any extension method (so a client cannot create series by inventing methods).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, crate::LabelValue)]
#[label(crate = "crate", rename_all = "UPPERCASE")]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `HEAD`
    Head,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
    /// `CONNECT`
    Connect,
    /// `OPTIONS`
    Options,
    /// `TRACE`
    Trace,
    /// `PATCH`
    Patch,
    /// Any other method.
    #[label(rename = "other")]
    Other,
}

impl HttpMethod {
    /// The label value: the method as spelled on the wire, or `other`.
    pub const fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Head => "HEAD",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Connect => "CONNECT",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Trace => "TRACE",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Other => "other",
        }
    }
}

impl From<&Method> for HttpMethod {
    fn from(m: &Method) -> Self {
        match *m {
            Method::GET => HttpMethod::Get,
            Method::HEAD => HttpMethod::Head,
            Method::POST => HttpMethod::Post,
            Method::PUT => HttpMethod::Put,
            Method::DELETE => HttpMethod::Delete,
            Method::CONNECT => HttpMethod::Connect,
            Method::OPTIONS => HttpMethod::Options,
            Method::TRACE => HttpMethod::Trace,
            Method::PATCH => HttpMethod::Patch,
            _ => HttpMethod::Other,
        }
    }
}

/// How the `status` label spells a response status.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub enum StatusGrouping {
    /// The three-digit code: `200`, `404`, … (at most 900 values). The default.
    #[default]
    Code,
    /// The class: `1xx` … `5xx` (fewer series; `404` and `401` become one).
    Class,
}

/// The `status` label value of one request.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum HttpStatus {
    /// A response code, `100..=999` (`http::StatusCode` guarantees the range).
    Code(u16),
    /// A response class: the first digit, `1..=9`, written `2xx`.
    Class(u8),
    /// The response future was dropped before a response existed (client disconnect).
    Cancelled,
    /// The inner service returned an error instead of a response.
    Error,
}

impl HttpStatus {
    fn of(code: StatusCode, grouping: StatusGrouping) -> Self {
        match grouping {
            StatusGrouping::Code => HttpStatus::Code(code.as_u16()),
            // `as_u16` is in 100..=999, so the class is one digit.
            StatusGrouping::Class => HttpStatus::Class((code.as_u16() / 100) as u8),
        }
    }
}

// Written by hand: `#[derive(LabelValue)]` takes fieldless enums and newtypes, and a
// status is a code, a class or one of two words.
impl LabelValue for HttpStatus {
    // Bounded (at most 900 codes + 9 classes + 2), but not dense: the label set it sits
    // in has an open `route` anyway.
    const CARDINALITY: Option<usize> = None;
    fn index(&self) -> usize {
        0
    }
    fn from_index(_: usize) -> Option<Self> {
        None
    }
    fn encode(&self, out: &mut LabelValueWriter<'_>) {
        use std::fmt::Write as _;
        // Writing into a String cannot fail.
        let _ = match self {
            HttpStatus::Code(c) => write!(out, "{c}"),
            HttpStatus::Class(c) => write!(out, "{c}xx"),
            HttpStatus::Cancelled => write!(out, "cancelled"),
            HttpStatus::Error => write!(out, "error"),
        };
    }
}

/// The labels of `http_requests_total`.
///
/// `route` and `status` are open label values: the families bound them with their series
/// limit ([`HttpMetricsBuilder::max_series`]).
#[derive(Clone, PartialEq, Eq, Hash, Debug, crate::LabelSet)]
#[label(crate = "crate")]
pub struct RequestLabels {
    /// The request method.
    pub method: HttpMethod,
    /// The matched route template, or the unmatched value.
    #[label(unbounded)]
    pub route: Arc<str>,
    /// The response status (code or class), `cancelled` or `error`.
    #[label(unbounded)]
    pub status: HttpStatus,
}

/// The labels of `http_request_duration_seconds`.
#[derive(Clone, PartialEq, Eq, Hash, Debug, crate::LabelSet)]
#[label(crate = "crate")]
pub struct RouteLabels {
    /// The request method.
    pub method: HttpMethod,
    /// The matched route template, or the unmatched value.
    #[label(unbounded)]
    pub route: Arc<str>,
}

/// Configures an [`HttpMetricsLayer`]: names, buckets, status grouping, limits, registry.
///
/// ```
/// use promenade::axum::{HttpMetricsLayer, StatusGrouping};
/// use promenade::{Buckets, Registry};
///
/// let registry = Registry::new();
/// let layer = HttpMetricsLayer::builder()
///     .requests_name("api_requests_total")
///     .duration_name("api_request_duration_seconds")
///     .in_flight_name("api_requests_in_flight")
///     .buckets(Buckets::new([0.01, 0.1, 1.0]).unwrap())
///     .status(StatusGrouping::Class)
///     .max_series(200)
///     .register_in(&registry)
///     .unwrap();
/// // The same names a second time are refused with an error, not a panic.
/// let again = HttpMetricsLayer::builder().requests_name("api_requests_total").register_in(&registry);
/// assert!(again.unwrap_err().to_string().contains("duplicate metric: `api_requests_total`"));
/// # drop(layer);
/// ```
#[derive(Debug, Clone)]
pub struct HttpMetricsBuilder {
    requests_name: String,
    duration_name: String,
    in_flight_name: String,
    buckets: Buckets,
    status: StatusGrouping,
    max_series: usize,
    unmatched_route: String,
}

impl Default for HttpMetricsBuilder {
    fn default() -> Self {
        HttpMetricsBuilder {
            requests_name: DEFAULT_REQUESTS_NAME.to_owned(),
            duration_name: DEFAULT_DURATION_NAME.to_owned(),
            in_flight_name: DEFAULT_IN_FLIGHT_NAME.to_owned(),
            buckets: Buckets::default(),
            status: StatusGrouping::Code,
            max_series: DEFAULT_MAX_SERIES,
            unmatched_route: UNMATCHED_ROUTE.to_owned(),
        }
    }
}

impl HttpMetricsBuilder {
    /// The counter's name (default `http_requests_total`; a name without `_total` gets it
    /// in the exposition).
    pub fn requests_name(mut self, name: impl Into<String>) -> Self {
        self.requests_name = name.into();
        self
    }

    /// The histogram's name (default `http_request_duration_seconds`).
    pub fn duration_name(mut self, name: impl Into<String>) -> Self {
        self.duration_name = name.into();
        self
    }

    /// The in-flight gauge's name (default `http_requests_in_flight`).
    pub fn in_flight_name(mut self, name: impl Into<String>) -> Self {
        self.in_flight_name = name.into();
        self
    }

    /// The duration histogram's bucket bounds, in seconds (default
    /// [`DEFAULT_BUCKETS`](crate::DEFAULT_BUCKETS)).
    pub fn buckets(mut self, buckets: Buckets) -> Self {
        self.buckets = buckets;
        self
    }

    /// Whether `status` is the code (`404`, the default) or the class (`4xx`).
    pub fn status(mut self, grouping: StatusGrouping) -> Self {
        self.status = grouping;
        self
    }

    /// The series limit of each labelled family (default [`DEFAULT_MAX_SERIES`]); it also
    /// bounds how many distinct routes are remembered. At least 1.
    pub fn max_series(mut self, limit: usize) -> Self {
        self.max_series = limit;
        self
    }

    /// The `route` value of requests no route matched (default [`UNMATCHED_ROUTE`]).
    /// Route templates start with `/`; a value that does not cannot be mistaken for one.
    pub fn unmatched_route(mut self, value: impl Into<String>) -> Self {
        self.unmatched_route = value.into();
        self
    }

    /// Builds the layer and registers its three families in the
    /// [default registry](crate::default_registry).
    #[track_caller]
    pub fn register(self) -> Result<HttpMetricsLayer, Error> {
        self.register_in(default_registry())
    }

    /// Builds the layer and registers its three families in `registry` (all three or,
    /// on error, none).
    #[track_caller]
    pub fn register_in(self, registry: &Registry) -> Result<HttpMetricsLayer, Error> {
        let at = std::panic::Location::caller();
        let layer = self.build_at(format!(
            "the HTTP metrics layer registered at {}:{}",
            at.file(),
            at.line()
        ))?;
        registry.register_arc(layer.metrics.clone())?;
        Ok(layer)
    }

    fn build_at(self, defined_at: String) -> Result<HttpMetricsLayer, Error> {
        if self.max_series == 0 {
            return Err(Error::InvalidValue(
                "max_series must be at least 1 (it bounds the series of each family)".into(),
            ));
        }
        for name in [
            &self.requests_name,
            &self.duration_name,
            &self.in_flight_name,
        ] {
            crate::validate::metric_name(name)?;
        }
        let descriptor = |name: String, help: &'static str, metric_type| {
            Descriptor::new(name, help, metric_type, defined_at.clone())
        };
        let metrics = HttpMetrics {
            requests_desc: descriptor(
                self.requests_name,
                "HTTP requests served, by method, matched route and status.",
                MetricType::Counter,
            ),
            duration_desc: descriptor(
                self.duration_name,
                "Time from receiving an HTTP request until its response is ready, in seconds.",
                MetricType::Histogram,
            ),
            in_flight_desc: descriptor(
                self.in_flight_name,
                "HTTP requests being served right now.",
                MetricType::Gauge,
            ),
            requests: Family::with_limit(self.max_series),
            duration: Family::with_limit_and_config(self.max_series, self.buckets),
            in_flight: Arc::new(IntGauge::new()),
            status: self.status,
            routes: RwLock::new(HashSet::new()),
            max_routes: self.max_series,
            unmatched: Arc::from(self.unmatched_route),
            overflow_route: Arc::from(crate::OVERFLOW_LABEL_VALUE),
        };
        Ok(HttpMetricsLayer {
            metrics: Arc::new(metrics),
        })
    }
}

/// The state the layer's services share: the three metrics and the interned routes.
struct HttpMetrics {
    requests_desc: Descriptor,
    duration_desc: Descriptor,
    in_flight_desc: Descriptor,
    requests: Family<RequestLabels, Counter>,
    duration: Family<RouteLabels, Histogram>,
    in_flight: Arc<IntGauge>,
    status: StatusGrouping,
    /// One `Arc<str>` per route template seen, so a request clones a pointer instead of
    /// allocating its label.
    routes: RwLock<HashSet<Arc<str>>>,
    max_routes: usize,
    unmatched: Arc<str>,
    overflow_route: Arc<str>,
}

impl HttpMetrics {
    /// The shared `Arc<str>` of a route template.
    fn route(&self, template: &str) -> Arc<str> {
        {
            let routes = self.routes.read().unwrap_or_else(|e| e.into_inner());
            if let Some(r) = routes.get(template) {
                return r.clone();
            }
        }
        self.new_route(template)
    }

    #[cold]
    fn new_route(&self, template: &str) -> Arc<str> {
        let mut routes = self.routes.write().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = routes.get(template) {
            return r.clone();
        }
        if routes.len() >= self.max_routes {
            // Only reachable with more routes than series: the families overflow anyway.
            return self.overflow_route.clone();
        }
        let r: Arc<str> = Arc::from(template);
        routes.insert(r.clone());
        r
    }

    fn start(self: &Arc<Self>, method: HttpMethod, route: Arc<str>) -> RequestGuard {
        let in_flight = InProgress::new(self.in_flight.clone());
        let series = self.duration.labels(RouteLabels {
            method,
            route: route.clone(),
        });
        // The route label is open, so the family hands out shared series (`Arc`s); the
        // `Borrowed` arm only exists for finite label sets and is never taken here.
        let timer = match series {
            Series::Shared(h) => Some(HistogramTimer::new(h)),
            Series::Borrowed(_) => None,
        };
        RequestGuard {
            metrics: self.clone(),
            method,
            route,
            status: HttpStatus::Cancelled,
            _timer: timer,
            _in_flight: in_flight,
        }
    }
}

impl Collector for HttpMetrics {
    fn may_block(&self) -> bool {
        false
    }
    fn describe(&self) -> Vec<Descriptor> {
        vec![
            self.requests_desc.clone(),
            self.duration_desc.clone(),
            self.in_flight_desc.clone(),
        ]
    }

    fn collect(&self, sink: &mut dyn Sink) {
        sink.family(&self.requests_desc);
        self.requests.collect_points(&(), sink);
        sink.family(&self.duration_desc);
        self.duration.collect_points(&(), sink);
        sink.family(&self.in_flight_desc);
        self.in_flight.collect_points(&(), sink);
    }

    fn overflows(&self, report: &mut dyn FnMut(&str, u64)) {
        report(&self.requests_desc.name, self.requests.overflow_count());
        report(&self.duration_desc.name, self.duration.overflow_count());
    }
}

/// Records one request: the in-flight gauge while it lives; on drop the duration (timer)
/// and the count with the status set so far (`cancelled` unless a response was seen).
struct RequestGuard {
    metrics: Arc<HttpMetrics>,
    method: HttpMethod,
    route: Arc<str>,
    status: HttpStatus,
    // Dropped after `drop` below ran, in this order: duration, then in-flight.
    _timer: Option<HistogramTimer<Arc<Histogram>>>,
    _in_flight: InProgress<Arc<IntGauge>>,
}

impl Drop for RequestGuard {
    fn drop(&mut self) {
        let route = std::mem::replace(&mut self.route, self.metrics.unmatched.clone());
        self.metrics
            .requests
            .labels(RequestLabels {
                method: self.method,
                route,
                status: self.status,
            })
            .inc();
    }
}

/// A tower [`Layer`] recording RED metrics for every request; see the
/// [module docs](crate::axum). Cloning it is cheap and shares the metrics.
#[derive(Clone)]
pub struct HttpMetricsLayer {
    metrics: Arc<HttpMetrics>,
}

impl HttpMetricsLayer {
    /// The layer with the default names and buckets, registered in the
    /// [default registry](crate::default_registry). Errors if the names are taken there
    /// (for instance by a second call: build the layer once and clone it).
    #[track_caller]
    pub fn new() -> Result<Self, Error> {
        HttpMetricsBuilder::default().register()
    }

    /// A builder to choose names, buckets, status grouping, limits and registry.
    pub fn builder() -> HttpMetricsBuilder {
        HttpMetricsBuilder::default()
    }

    /// The number of requests in flight right now (the gauge's value).
    pub fn in_flight(&self) -> i64 {
        self.metrics.in_flight.get()
    }
}

impl fmt::Debug for HttpMetricsLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpMetricsLayer")
            .field("requests", &self.metrics.requests_desc.name)
            .field("duration", &self.metrics.duration_desc.name)
            .field("in_flight", &self.metrics.in_flight_desc.name)
            .field("status", &self.metrics.status)
            .finish_non_exhaustive()
    }
}

impl<S> Layer<S> for HttpMetricsLayer {
    type Service = HttpMetricsService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        HttpMetricsService {
            inner,
            metrics: self.metrics.clone(),
        }
    }
}

/// The [`Service`] made by [`HttpMetricsLayer`].
#[derive(Clone)]
pub struct HttpMetricsService<S> {
    inner: S,
    metrics: Arc<HttpMetrics>,
}

impl<S> fmt::Debug for HttpMetricsService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpMetricsService").finish_non_exhaustive()
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for HttpMetricsService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<ReqBody>) -> Self::Future {
        let method = HttpMethod::from(req.method());
        let route = match req.extensions().get::<MatchedPath>() {
            Some(path) => self.metrics.route(path.as_str()),
            None => self.metrics.unmatched.clone(),
        };
        let guard = self.metrics.start(method, route);
        ResponseFuture {
            inner: self.inner.call(req),
            guard: Some(guard),
        }
    }
}

pin_project_lite::pin_project! {
    /// The response future of [`HttpMetricsService`]: records when the response is ready,
    /// or when it is dropped before that.
    pub struct ResponseFuture<F> {
        #[pin]
        inner: F,
        guard: Option<RequestGuard>,
    }
}

impl<F> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let out = std::task::ready!(this.inner.poll(cx));
        if let Some(mut guard) = this.guard.take() {
            guard.status = match &out {
                Ok(response) => HttpStatus::of(response.status(), guard.metrics.status),
                Err(_) => HttpStatus::Error,
            };
            // Dropping the guard records the count, the duration and the in-flight decrement.
            drop(guard);
        }
        Poll::Ready(out)
    }
}
