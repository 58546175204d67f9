//! Every attribute keyword the macros accept, in one place.

/// `#[label(...)]`, `#[metrics(...)]`, `#[metric(...)]`.
pub(crate) const LABEL: &str = "label";
pub(crate) const METRICS: &str = "metrics";
pub(crate) const METRIC: &str = "metric";

pub(crate) const RENAME: &str = "rename";
pub(crate) const RENAME_ALL: &str = "rename_all";
pub(crate) const CRATE: &str = "crate";
pub(crate) const NAMESPACE: &str = "namespace";
pub(crate) const SUBSYSTEM: &str = "subsystem";
pub(crate) const NAME: &str = "name";
pub(crate) const HELP: &str = "help";
pub(crate) const BUCKETS: &str = "buckets";
pub(crate) const MAX_SERIES: &str = "max_series";
pub(crate) const LIMIT: &str = "limit";
