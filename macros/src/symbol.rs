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

// The derives' newer keywords.
pub(crate) const UNIT: &str = "unit";
pub(crate) const MULTIPROCESS: &str = "multiprocess";
pub(crate) const CONST_LABELS: &str = "const_labels";
pub(crate) const NESTED: &str = "nested";
pub(crate) const PREFIX: &str = "prefix";
pub(crate) const UTF8: &str = "utf8";
pub(crate) const LABELS: &str = "labels";
pub(crate) const FLATTEN: &str = "flatten";
pub(crate) const UNBOUNDED: &str = "unbounded";
pub(crate) const RANGE: &str = "range";
pub(crate) const CALLBACK: &str = "callback";
pub(crate) const SELF_REGISTER: &str = "self_register";

/// `#[promenade::families]`, the attribute that turns `labels = T` fields into families.
pub(crate) const FAMILIES: &str = "families";

// The function attributes' keywords (`#[timed(...)]`, `#[counted(...)]`, ...). `name`,
// `help`, `buckets`, `metric` and `crate` are shared with the derives above.
pub(crate) const OUTCOME: &str = "outcome";
pub(crate) const ONLY: &str = "only";
pub(crate) const SKIP: &str = "skip";
