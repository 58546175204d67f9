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

use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};

use crate::encoding::text;
use crate::{default_registry, Registry};

/// A `GET` route serving the [default registry](crate::default_registry).
pub fn metrics<S: Clone + Send + Sync + 'static>() -> MethodRouter<S> {
    get(|| async { render(default_registry()) })
}

/// A `GET` route serving `registry`.
pub fn metrics_for<S: Clone + Send + Sync + 'static>(registry: Arc<Registry>) -> MethodRouter<S> {
    get(move || {
        let registry = registry.clone();
        async move { render(&registry) }
    })
}

/// A handler serving the default registry, for use with your own routing
/// (`.route("/metrics", get(promenade::axum::handler))`).
pub async fn handler() -> Response {
    render(default_registry())
}

/// The exposition of `registry` as a response, with the text format's content type.
pub fn render(registry: &Registry) -> Response {
    let body = text::encode_to_string(registry);
    ([(CONTENT_TYPE, text::CONTENT_TYPE)], body).into_response()
}
