//! Ways to get metrics out of the process. Each knows the encoders and the registry, and
//! no other exporter.

#[cfg(feature = "axum")]
pub mod axum;
mod base64;
#[cfg(feature = "graphite")]
pub mod graphite;
#[cfg(feature = "axum")]
pub mod middleware;
#[cfg(feature = "push")]
pub mod push;
pub mod serve;
#[cfg(feature = "textfile")]
pub mod textfile;
