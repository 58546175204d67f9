//! Ways to get metrics out of the process. Each knows the encoders and the registry, and
//! no other exporter. Not public itself: each exporter is a module of the crate root
//! (`promenade::serve`, `promenade::axum`, `promenade::push`, `promenade::textfile`,
//! `promenade::graphite`).

#[cfg(feature = "axum")]
pub mod axum;
mod base64;
#[cfg(feature = "graphite")]
pub mod graphite;
// Public through `axum` only (`promenade::axum::HttpMetricsLayer`).
#[cfg(feature = "axum")]
mod middleware;
#[cfg(feature = "push")]
pub mod push;
pub mod serve;
#[cfg(feature = "textfile")]
pub mod textfile;
