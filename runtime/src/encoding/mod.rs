//! Exposition formats. Encoders implement [`Sink`](crate::registry::Sink) and write into a
//! buffer the caller owns, so a server can reuse one allocation across scrapes.

pub mod text;
