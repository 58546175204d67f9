//! Name rules of the Prometheus data model, checked at run time.
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
    match names::metric_name_error(name) {
        None => Ok(()),
        Some(reason) => Err(Error::InvalidMetricName {
            name: name.to_owned(),
            reason: reason.into(),
        }),
    }
}

/// Checks a label name against `[a-zA-Z_][a-zA-Z0-9_]*`, without the reserved `__` prefix.
///
/// ```
/// assert!(promenade::validate::label_name("method").is_ok());
/// assert!(promenade::validate::label_name("__name__").is_err());
/// ```
pub fn label_name(name: &str) -> Result<(), Error> {
    match names::label_name_error(name) {
        None => Ok(()),
        Some(reason) => Err(Error::InvalidLabelName {
            name: name.to_owned(),
            reason: reason.into(),
        }),
    }
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
