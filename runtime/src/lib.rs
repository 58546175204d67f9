//! # promenade
//!
//! Typed, compiler-checked Prometheus instrumentation. Declare metrics with derives and
//! attributes; the compiler checks names, labels and cardinality; the metrics register
//! themselves; one line serves them.
//!
//! See the README for a tour and `ARCHITECTURE.md` for the map of the code.
#![warn(missing_docs)]

pub mod encoding;
mod error;
pub mod exporters;
mod family;
pub mod labels;
pub mod metrics;
mod number;
pub mod registry;
pub mod validate;

#[doc(hidden)]
#[path = "private/mod.rs"]
pub mod __private;

pub use error::Error;
pub use family::{Family, Series, OVERFLOW_LABEL_VALUE};
pub use labels::{LabelSet, LabelValue};
pub use metrics::{
    Buckets, CallbackGauge, Counter, FloatCounter, Gauge, Histogram, HistogramTimer, InProgress,
    IntGauge, Metric, MetricType, DEFAULT_BUCKETS,
};
pub use registry::{default_registry, Collector, Registry};

#[cfg(feature = "axum")]
pub use exporters::axum;
pub use exporters::serve::{serve, serve_registry, ServerHandle};

pub use promenade_macros::{timed, LabelSet, LabelValue, Metrics};
