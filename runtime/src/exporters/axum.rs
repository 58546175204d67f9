//! Serving metrics from an axum app, and measuring it: the `/metrics` route ([`metrics`],
//! [`metrics_for`], [`handler`], [`render`]) and the RED metrics middleware
//! ([`HttpMetricsLayer`]).
//!
//! ```no_run
//! # async fn run() {
//! let app: axum::Router = axum::Router::new().route("/metrics", promenade::axum::metrics());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await.unwrap();
//! axum::serve(listener, app).await.unwrap();
//! # }
//! ```
//!
//! # RED metrics: [`HttpMetricsLayer`]
//!
//! A tower [`Layer`](tower_layer::Layer) that records, for every request of an axum app:
//! - `http_requests_total{method, route, status}` (counter);
//! - `http_request_duration_seconds{method, route}` (histogram, seconds from the call of
//!   the service until its response head is ready);
//! - `http_requests_in_flight` (gauge, no labels): requests whose response is not ready yet.
//!
//! ```
//! use axum::{routing::get, Router};
//! use promenade::axum::HttpMetricsLayer;
//!
//! let http = HttpMetricsLayer::new().expect("the names are free in the default registry");
//! let app: Router = Router::new()
//!     .route("/users/{id}", get(|| async { "a user" }))
//!     .layer(http) // every route above, and the fallback (unmatched requests)
//!     .route("/metrics", promenade::axum::metrics()); // added after: scrapes are not counted
//! ```
//!
//! ## Labels, and why they stay bounded
//! - `route` is axum's [`MatchedPath`](axum::extract::MatchedPath): the route *template*
//!   (`/users/{id}`), never the raw URI, so `/users/1` and `/users/2` share a series. Requests no route matched (the
//!   fallback: 404s, scanners) all get one fixed value, [`UNMATCHED_ROUTE`] by default.
//!   Apply the layer with [`Router::layer`](axum::Router::layer) (or `route_layer`, which
//!   leaves unmatched requests out): a layer wrapped around the whole router from outside
//!   runs before routing and sees no matched path, so every request would be "unmatched".
//! - `method` is an [`HttpMethod`]: the nine methods of RFC 9110 + PATCH by name
//!   (`GET`, `POST`, …), anything else `other`.
//! - `status` is the response's code (`200`) or class (`2xx`), see [`StatusGrouping`];
//!   a request whose future was dropped before a response existed (the client went away)
//!   is counted with `status="cancelled"`, and an error from the inner service with
//!   `status="error"`, so that `sum(http_requests_total)` always equals the histogram's
//!   `_count`.
//!
//! Routes are an open set, bounded in practice by the routes the app declares. The two
//! families still carry a series limit ([`HttpMetricsBuilder::max_series`], default
//! [`DEFAULT_MAX_SERIES`]): the counter has one series per (route, method, status) seen,
//! the histogram one per (route, method). Past the limit new combinations share one
//! overflow series (every label `__overflow__`), counted in
//! `promenade_family_overflow_total{family="…"}`; existing series keep counting.
//!
//! ## Cost per request
//! A read-locked lookup of the route's interned `Arc<str>` (created once per route), two
//! family lookups (hash + read lock), one in-flight increment and decrement, one
//! histogram observation and one counter increment. Nothing is allocated per request once
//! a route's series exist.
//!
//! ## Cancellation
//! The in-flight gauge is held by a guard inside the response future, and the duration by
//! a [`HistogramTimer`](crate::HistogramTimer): when hyper drops the future because the
//! client disconnected mid-request, the gauge goes back down and the duration and the
//! `cancelled` count are recorded.

use std::sync::Arc;

use axum::extract::RawQuery;
use axum::http::header::{ACCEPT, ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_TYPE, VARY};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};

pub use super::middleware::*;
use crate::encoding::negotiate;
use crate::{default_registry, Registry};

/// A `GET` route serving the [default registry](crate::default_registry), in the format
/// the scraper asks for (see [`render`]): what the Python client's `make_wsgi_app()` /
/// `make_asgi_app()` are to a WSGI or ASGI app.
#[doc(alias = "make_wsgi_app", alias = "make_asgi_app")]
pub fn metrics<S: Clone + Send + Sync + 'static>() -> MethodRouter<S> {
    get(handler)
}

/// A `GET` route serving `registry`, in the format the scraper asks for (see [`render`]):
/// the Python client's `make_wsgi_app(registry)` / `make_asgi_app(registry)`.
#[doc(alias = "make_wsgi_app", alias = "make_asgi_app")]
pub fn metrics_for<S: Clone + Send + Sync + 'static>(registry: Arc<Registry>) -> MethodRouter<S> {
    get(move |headers: HeaderMap, RawQuery(query): RawQuery| {
        let registry = registry.clone();
        off_the_async_workers(move || render(&registry, &headers, query.as_deref()))
    })
}

/// A handler serving the default registry, for use with your own routing
/// (`.route("/metrics", get(promenade::axum::handler))`).
///
/// Like [`metrics`] and [`metrics_for`], it collects on tokio's blocking pool
/// ([`tokio::task::spawn_blocking`]), never on the async worker that polls it: a
/// collector that blocks (a callback gauge waiting on a lock, a collector asking a
/// service) delays that scrape — by at most the registry's [collector
/// timeout](Registry::set_collector_timeout) — and nothing else the app serves.
pub async fn handler(headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    off_the_async_workers(move || render(default_registry(), &headers, query.as_deref())).await
}

/// Runs `render` on tokio's blocking pool; a panic in it is a `500`.
async fn off_the_async_workers(render: impl FnOnce() -> Response + Send + 'static) -> Response {
    match tokio::task::spawn_blocking(render).await {
        Ok(response) => response,
        Err(_) => (
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "the scrape failed\n",
        )
            .into_response(),
    }
}

/// The exposition of `registry` as a response negotiated from the request's headers and
/// query string ([`negotiate::respond_until`]): OpenMetrics 1.0 when `Accept` prefers it (as
/// Prometheus does), text 0.0.4 otherwise; gzipped when `Accept-Encoding` allows it;
/// only the families named by `name[]=…` parameters when there are any. Blocking
/// collectors are waited for until the [scrape deadline](negotiate::scrape_deadline),
/// which Prometheus' `X-Prometheus-Scrape-Timeout-Seconds` header can shorten.
///
/// It collects on the calling thread: from async code, call it in
/// [`spawn_blocking`](tokio::task::spawn_blocking) as the routes of this module do.
pub fn render(registry: &Registry, headers: &HeaderMap, query: Option<&str>) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let deadline = negotiate::scrape_deadline(registry, header(negotiate::SCRAPE_TIMEOUT_HEADER));
    let r = negotiate::respond_until(
        registry,
        header(ACCEPT.as_str()),
        header(ACCEPT_ENCODING.as_str()),
        query,
        deadline,
    );
    let mut response = (
        [
            (CONTENT_TYPE, r.content_type),
            (VARY, "Accept, Accept-Encoding"),
        ],
        r.body,
    )
        .into_response();
    if let Some(encoding) = r.content_encoding {
        response.headers_mut().insert(
            CONTENT_ENCODING,
            axum::http::HeaderValue::from_static(encoding),
        );
    }
    response
}
