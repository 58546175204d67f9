//! Serving metrics from an axum app.
//!
//! ```no_run
//! # async fn run() {
//! let app: axum::Router = axum::Router::new().route("/metrics", promenade::axum::metrics());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await.unwrap();
//! axum::serve(listener, app).await.unwrap();
//! # }
//! ```

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
/// the scraper asks for (see [`render`]).
pub fn metrics<S: Clone + Send + Sync + 'static>() -> MethodRouter<S> {
    get(handler)
}

/// A `GET` route serving `registry`, in the format the scraper asks for (see [`render`]).
pub fn metrics_for<S: Clone + Send + Sync + 'static>(registry: Arc<Registry>) -> MethodRouter<S> {
    get(move |headers: HeaderMap, RawQuery(query): RawQuery| {
        let registry = registry.clone();
        async move { render(&registry, &headers, query.as_deref()) }
    })
}

/// A handler serving the default registry, for use with your own routing
/// (`.route("/metrics", get(promenade::axum::handler))`).
pub async fn handler(headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    render(default_registry(), &headers, query.as_deref())
}

/// The exposition of `registry` as a response negotiated from the request's headers and
/// query string ([`negotiate::respond`]): OpenMetrics 1.0 when `Accept` prefers it (as
/// Prometheus does), text 0.0.4 otherwise; gzipped when `Accept-Encoding` allows it;
/// only the families named by `name[]=…` parameters when there are any.
pub fn render(registry: &Registry, headers: &HeaderMap, query: Option<&str>) -> Response {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let r = negotiate::respond(registry, header(ACCEPT), header(ACCEPT_ENCODING), query);
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
