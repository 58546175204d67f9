//! Everything generated code touches. Not public API: names and signatures here change
//! with the macros, which are pinned to this exact crate version. Apart from the derives'
//! helpers (`derive.rs`) and `str_eq`, this is a list of re-exports; the logic lives in
//! the concern's own module.

mod derive;

pub use derive::*;

pub use ::core;
pub use ::inventory;

// The function attributes (`crate::function`).
pub use crate::function::error_kind::KindCounter;
pub use crate::function::function_metrics::{
    function_errors, function_metrics, InstrumentedMetrics, OwnFunctionMetrics,
};
pub use crate::function::guard::{ErrorGuard, OutcomeTimer};
pub use crate::function::own::{OwnKind, OwnMetric};
pub use crate::function::returned::{
    ClassifyLabelled, ClassifyOther, ClassifyResult, DynLabelValue, ErrorKind, Probe, Returned,
};
pub use crate::function::shared::{SharedFamily, SharedSite, SiteRef};
pub use crate::function::site::{ErrorSite, OutcomeSite, Site};
pub use crate::function::target::{
    call_once, count_call, enter, start_outcome_timer, start_timer, watch_errors, CallCounter,
    DurationMetric, DurationRef, ErrorCounter, InFlightGauge, OutcomeHistograms,
};
pub use crate::function::FunctionMetrics;

pub use crate::labels::{cardinality_add, cardinality_mul};
pub use crate::multiprocess::GaugeMode;
pub use crate::registry::AutoRegistration;

/// String equality usable in const context (for checks the macros generate).
pub use promenade_rules::str_eq;
