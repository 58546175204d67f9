//! The metrics of the function attributes: [`#[timed]`](crate::timed),
//! [`#[counted]`](crate::counted), [`#[counted_exceptions]`](crate::counted_exceptions),
//! [`#[in_progress]`](crate::in_progress) and [`#[instrumented]`](crate::instrumented).
//!
//! A bare attribute records into a family shared by every function, labelled `function`
//! and `module` (`module_path!()`), registered in the
//! [default registry](crate::default_registry) with each annotated function's series at
//! zero from the first scrape:
//!
//! | family | type | extra label | recorded by |
//! |---|---|---|---|
//! | `function_calls_total` | counter | | `#[counted]`, `#[instrumented]` |
//! | `function_errors_total` | counter | `kind` | `#[counted_exceptions]`, `#[instrumented]` |
//! | `function_in_progress` | gauge | | `#[in_progress]`, `#[instrumented]` |
//! | `function_duration_seconds` | histogram | | `#[timed]` |
//! | `function_outcome_duration_seconds` | histogram | `outcome` ([`Outcome`]) | `#[timed(outcome)]`, `#[instrumented]` |
//!
//! The named forms (`name = "..."`) create a metric of their own; `metric = EXPR` records
//! into one you have: a [`FunctionMetrics`] for `#[instrumented]`, a
//! `Family<`[`ErrorKindLabels<E>`]`, Counter>` to count errors by kind, a
//! `Family<`[`Outcome`]`, Histogram>` to time by outcome. The three types are also at the
//! crate root.

// What generated code calls lives in these modules and is reached through `__private`.
pub(crate) mod error_kind;
pub(crate) mod function_metrics;
pub(crate) mod guard;
pub(crate) mod outcome;
pub(crate) mod own;
pub(crate) mod returned;
pub(crate) mod shared;
pub(crate) mod site;
pub(crate) mod target;

pub use error_kind::ErrorKindLabels;
pub use function_metrics::FunctionMetrics;
pub use outcome::Outcome;
