//! The name grammar: metric names `[a-zA-Z_:][a-zA-Z0-9_:]*`, label names
//! `[a-zA-Z_][a-zA-Z0-9_]*`, neither starting with `__` (reserved for Prometheus' own use).
//!
//! Names outside the legacy set (`http.server.duration`, OpenTelemetry style) are valid
//! UTF-8 names ([`utf8_metric_name_error`], [`utf8_label_name_error`]): what the run time
//! accepts, and what the macros accept where a name is marked `utf8`.
//!
//! Each check answers with the reason a name is refused; [`InvalidName`] is the one way
//! that reason is shown (`invalid metric name "9x": a metric name must start with a
//! letter, `_` or `:``), whether at compile time, at registration or at scrape time.

use core::fmt;

use crate::MetricType;

/// Whether `c` may appear in a metric name (after its first character).
pub const fn is_metric_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == ':'
}

/// Whether `c` may appear in a label name (after its first character).
pub const fn is_label_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Why `name` is not a valid metric name, or `None` if it is.
///
/// ```
/// use promenade_rules::names::metric_name_error;
/// assert_eq!(metric_name_error("http_requests"), None);
/// assert_eq!(metric_name_error("2xx"), Some("a metric name must start with a letter, `_` or `:`"));
/// ```
pub const fn metric_name_error(name: &str) -> Option<&'static str> {
    let bytes = name.as_bytes();
    if bytes.is_empty() {
        return Some("a metric name cannot be empty");
    }
    // Bytes, not chars: every allowed character is ASCII, and a non-ASCII character's
    // bytes are all outside ASCII, so the answer is the same.
    let first = bytes[0] as char;
    if !(first.is_ascii_alphabetic() || first == '_' || first == ':') {
        return Some("a metric name must start with a letter, `_` or `:`");
    }
    let mut i = 1;
    while i < bytes.len() {
        if !is_metric_name_char(bytes[i] as char) {
            return Some("a metric name may only contain ASCII letters, digits, `_` and `:`");
        }
        i += 1;
    }
    if reserved_prefix(bytes) {
        return Some("names starting with `__` are reserved for Prometheus' own use");
    }
    None
}

/// Why `name` is not a valid label name, or `None` if it is.
///
/// ```
/// use promenade_rules::names::label_name_error;
/// assert_eq!(label_name_error("method"), None);
/// assert!(label_name_error("__name__").is_some());
/// ```
pub const fn label_name_error(name: &str) -> Option<&'static str> {
    let bytes = name.as_bytes();
    if bytes.is_empty() {
        return Some("a label name cannot be empty");
    }
    let first = bytes[0] as char;
    if !(first.is_ascii_alphabetic() || first == '_') {
        return Some("a label name must start with a letter or `_`");
    }
    let mut i = 1;
    while i < bytes.len() {
        if !is_label_name_char(bytes[i] as char) {
            return Some("a label name may only contain ASCII letters, digits and `_`");
        }
        i += 1;
    }
    if reserved_prefix(bytes) {
        return Some("label names starting with `__` are reserved for Prometheus' own use");
    }
    None
}

/// Why a family of type `ty` cannot be named `name`, or `None` if it can: a name ending in
/// `_total` is a counter's to Prometheus (`promtool check metrics` flags any other typed
/// family with it), so a gauge, histogram, summary or state set cannot have one. A
/// counter's `_total` is its own, and an `unknown` family's name says nothing of its type.
/// The derive checks it at compile time, registration and the family builders at run
/// time, with these words (`invalid metric name "jobs_total": <reason>`).
///
/// ```
/// use promenade_rules::{names::type_suffix_error, MetricType};
/// assert_eq!(type_suffix_error(MetricType::Gauge, "queue_depth"), None);
/// assert_eq!(type_suffix_error(MetricType::Counter, "jobs_total"), None);
/// assert_eq!(
///     type_suffix_error(MetricType::Gauge, "jobs_total"),
///     Some("a gauge cannot end in `_total` (that suffix means a counter to Prometheus): rename it, or make it a `Counter`")
/// );
/// ```
pub const fn type_suffix_error(ty: MetricType, name: &str) -> Option<&'static str> {
    if !ends_with(name, "_total") {
        return None;
    }
    match ty {
        MetricType::Gauge => Some("a gauge cannot end in `_total` (that suffix means a counter to Prometheus): rename it, or make it a `Counter`"),
        MetricType::Histogram => Some("a histogram cannot end in `_total` (that suffix means a counter to Prometheus): rename it"),
        MetricType::Summary => Some("a summary cannot end in `_total` (that suffix means a counter to Prometheus): rename it"),
        MetricType::StateSet => Some("a state set cannot end in `_total` (that suffix means a counter to Prometheus): rename it"),
        MetricType::Counter | MetricType::Unknown | MetricType::Info | MetricType::GaugeHistogram => None,
    }
}

/// `str::ends_with`, usable in const context.
const fn ends_with(s: &str, suffix: &str) -> bool {
    let (s, suffix) = (s.as_bytes(), suffix.as_bytes());
    if s.len() < suffix.len() {
        return false;
    }
    let start = s.len() - suffix.len();
    let mut i = 0;
    while i < suffix.len() {
        if s[start + i] != suffix[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Why `name` cannot prefix the four metrics of a function (`<name>_calls_total`,
/// `<name>_in_progress`, `<name>_errors_total`, `<name>_duration_seconds`):
/// `Some((suffix, stem))` when it ends like one of them or a sample (`backup_seconds`
/// would give `backup_seconds_duration_seconds`), with the stem it likely meant
/// (`backup_duration_seconds` → `backup`; empty when nothing is left).
///
/// ```
/// use promenade_rules::names::function_prefix_mistake;
/// assert_eq!(function_prefix_mistake("backup"), None);
/// assert_eq!(function_prefix_mistake("backup_duration_seconds"), Some(("_seconds", "backup")));
/// ```
pub fn function_prefix_mistake(name: &str) -> Option<(&'static str, &str)> {
    const SUFFIXES: [&str; 8] = [
        "_total", "_seconds", "_count", "_sum", "_bucket", "_created", "_info", "_",
    ];
    let suffix = SUFFIXES.into_iter().find(|s| name.ends_with(s))?;
    let stem = name.trim_end_matches(suffix).trim_end_matches('_');
    let stem = ["_duration", "_calls", "_errors", "_in_progress"]
        .iter()
        .find_map(|part| stem.strip_suffix(part))
        .unwrap_or(stem);
    Some((suffix, stem))
}

/// Why `name` is not a valid UTF-8 metric name (what Prometheus 3 and OpenMetrics 2.0
/// allow, `http.server.duration`), or `None` if it is: any name but an empty one, one
/// starting with `__` (reserved for Prometheus' own use) or one with a control character
/// (no format can write it readably). Legacy names are UTF-8 names too.
///
/// ```
/// use promenade_rules::names::utf8_metric_name_error;
/// assert_eq!(utf8_metric_name_error("http.server.duration"), None);
/// assert_eq!(utf8_metric_name_error("http_requests"), None);
/// assert_eq!(utf8_metric_name_error(""), Some("a metric name cannot be empty"));
/// ```
pub const fn utf8_metric_name_error(name: &str) -> Option<&'static str> {
    let bytes = name.as_bytes();
    if bytes.is_empty() {
        return Some("a metric name cannot be empty");
    }
    if reserved_prefix(bytes) {
        return Some("names starting with `__` are reserved for Prometheus' own use");
    }
    if has_control(bytes) {
        return Some("a name cannot contain control characters (newline, tab, NUL, …)");
    }
    None
}

/// Why `name` is not a valid UTF-8 label name, or `None` if it is: the rule of
/// [`utf8_metric_name_error`] for label names.
///
/// ```
/// use promenade_rules::names::utf8_label_name_error;
/// assert_eq!(utf8_label_name_error("url.scheme"), None);
/// assert!(utf8_label_name_error("__name__").is_some());
/// ```
pub const fn utf8_label_name_error(name: &str) -> Option<&'static str> {
    let bytes = name.as_bytes();
    if bytes.is_empty() {
        return Some("a label name cannot be empty");
    }
    if reserved_prefix(bytes) {
        return Some("label names starting with `__` are reserved for Prometheus' own use");
    }
    if has_control(bytes) {
        return Some("a name cannot contain control characters (newline, tab, NUL, …)");
    }
    None
}

/// Whether a byte is an ASCII control character (every byte of a multi-byte character is
/// above ASCII, so bytes answer for characters; C1 controls are not refused).
const fn has_control(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] < 0x20 || bytes[i] == 0x7f {
            return true;
        }
        i += 1;
    }
    false
}

const fn reserved_prefix(bytes: &[u8]) -> bool {
    bytes.len() >= 2 && bytes[0] == b'_' && bytes[1] == b'_'
}

/// What kind of name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// A metric (family) name.
    Metric,
    /// A label name.
    Label,
}

impl NameKind {
    /// The start of every message about such a name: `invalid metric name`.
    pub const fn invalid(self) -> &'static str {
        match self {
            NameKind::Metric => "invalid metric name",
            NameKind::Label => "invalid label name",
        }
    }
}

/// A refused name with its reason, shown as `invalid metric name "9x": <reason>` (the
/// name quoted as a Rust string literal, so an empty or odd name stays visible). Callers
/// may add a fix after it (`; choose another name`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidName<'a> {
    /// What kind of name it is.
    pub kind: NameKind,
    /// The name as given.
    pub name: &'a str,
    /// Why it is refused (one of this module's reasons, or another rule's).
    pub reason: &'a str,
}

impl<'a> InvalidName<'a> {
    /// A refused metric name.
    pub const fn metric(name: &'a str, reason: &'a str) -> Self {
        InvalidName {
            kind: NameKind::Metric,
            name,
            reason,
        }
    }

    /// A refused label name.
    pub const fn label(name: &'a str, reason: &'a str) -> Self {
        InvalidName {
            kind: NameKind::Label,
            name,
            reason,
        }
    }
}

impl fmt::Display for InvalidName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:?}: {}",
            self.kind.invalid(),
            self.name,
            self.reason
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_names() {
        for ok in ["a", "_a", ":a", "a:b_c9", "http_requests_total"] {
            assert_eq!(metric_name_error(ok), None, "{ok}");
        }
        for bad in ["", "9a", "a-b", "a b", "é", "aé", "__a", "a{b}", "a\"b"] {
            assert!(metric_name_error(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn label_names() {
        for ok in ["a", "_a", "le", "method_2"] {
            assert_eq!(label_name_error(ok), None, "{ok}");
        }
        for bad in ["", "9a", "a:b", "__name__", "a-b", "ü", "aü"] {
            assert!(label_name_error(bad).is_some(), "{bad}");
        }
    }
}
