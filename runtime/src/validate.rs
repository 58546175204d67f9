//! Name rules of the Prometheus data model, checked at run time.
//!
//! Two grammars: the legacy one ([`metric_name`], [`label_name`]:
//! `[a-zA-Z_:][a-zA-Z0-9_:]*`, labels without `:`), which the macros, `BuildInfo`,
//! `FunctionMetrics::named`, the process collector's namespace and Pushgateway grouping
//! keys keep; and UTF-8 names ([`utf8_metric_name`], [`utf8_label_name`]), as Prometheus 3
//! and OpenMetrics 2.0 have them (`http.server.duration`, `url.scheme`), which
//! registration (`Registry::register_metric`, `Named`, a collector's descriptors), the
//! family builders and [`Labels`] of custom collectors, and the scrape-time checking sink
//! accept. Each scrape writes a UTF-8 name as its `escaping` asks (see
//! [`Escaping`](crate::encoding::Escaping)): quoted, verbatim in protobuf, or made legacy.
//! Two names that escape to one with underscores (`a.b` and `a_b`) are one name to the
//! registry.
//!
//! [`Labels`]: crate::registry::families::Labels
//!
//! The rules themselves live in `promenade-rules`, which the macros check at compile time
//! too: a name refused here is refused by `#[derive(Metrics)]` and the function
//! attributes with the same reason, and by the registry's checking sink at scrape time.

use promenade_rules::names;

use crate::Error;

/// Checks a metric name against `[a-zA-Z_:][a-zA-Z0-9_:]*` (not starting with `__`).
///
/// ```
/// assert!(promenade::validate::metric_name("http_requests").is_ok());
/// assert_eq!(
///     promenade::validate::metric_name("2xx").unwrap_err().to_string(),
///     "invalid metric name \"2xx\": a metric name must start with a letter, `_` or `:`"
/// );
/// ```
pub fn metric_name(name: &str) -> Result<(), Error> {
    refuse(names::metric_name_error(name), name, true)
}

/// Checks a label name against `[a-zA-Z_][a-zA-Z0-9_]*`, without the reserved `__` prefix.
///
/// ```
/// assert!(promenade::validate::label_name("method").is_ok());
/// assert!(promenade::validate::label_name("__name__").is_err());
/// ```
pub fn label_name(name: &str) -> Result<(), Error> {
    refuse(names::label_name_error(name), name, false)
}

/// Checks a UTF-8 metric name: any name but an empty one, one starting with `__` or one
/// with a control character.
///
/// ```
/// assert!(promenade::validate::utf8_metric_name("http.server.duration").is_ok());
/// assert_eq!(
///     promenade::validate::utf8_metric_name("__up").unwrap_err().to_string(),
///     "invalid metric name \"__up\": names starting with `__` are reserved for Prometheus' own use"
/// );
/// ```
pub fn utf8_metric_name(name: &str) -> Result<(), Error> {
    refuse(names::utf8_metric_name_error(name), name, true)
}

/// Checks a UTF-8 label name: any name but an empty one, one starting with `__` or one
/// with a control character.
///
/// ```
/// assert!(promenade::validate::utf8_label_name("url.scheme").is_ok());
/// assert!(promenade::validate::utf8_label_name("__name__").is_err());
/// ```
pub fn utf8_label_name(name: &str) -> Result<(), Error> {
    refuse(names::utf8_label_name_error(name), name, false)
}

/// The error for a refused name (`metric`: a metric name, else a label name).
fn refuse(reason: Option<&'static str>, name: &str, metric: bool) -> Result<(), Error> {
    let Some(reason) = reason else {
        return Ok(());
    };
    let (name, reason) = (name.to_owned(), reason.into());
    Err(if metric {
        Error::InvalidMetricName { name, reason }
    } else {
        Error::InvalidLabelName { name, reason }
    })
}

/// Checks a help text: any UTF-8 is fine (the encoders escape it), so this only exists to
/// keep the door open; it never fails today.
pub(crate) fn help(_help: &str) -> Result<(), Error> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_names() {
        for ok in ["a", "_a", ":a", "a:b_c9", "http_requests_total"] {
            assert!(metric_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "9a", "a-b", "a b", "é", "__a", "a{b}", "a\"b"] {
            let e = metric_name(bad).unwrap_err();
            assert!(matches!(e, Error::InvalidMetricName { .. }), "{bad}: {e}");
        }
    }

    #[test]
    fn label_names() {
        for ok in ["a", "_a", "le", "method_2"] {
            assert!(label_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "9a", "a:b", "__name__", "a-b", "ü"] {
            assert!(label_name(bad).is_err(), "{bad}");
        }
    }
}
