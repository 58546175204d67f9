//! Name rules of the Prometheus data model, checked at run time.
//!
//! The macros check the same rules at compile time; this module is for names that only
//! exist at run time (registries, builders, custom collectors).

use crate::Error;

/// Checks a metric name against `[a-zA-Z_:][a-zA-Z0-9_:]*`.
///
/// ```
/// assert!(promenade::validate::metric_name("http_requests").is_ok());
/// assert!(promenade::validate::metric_name("2xx").is_err());
/// ```
pub fn metric_name(name: &str) -> Result<(), Error> {
    let err = |reason: &'static str| {
        Err(Error::InvalidMetricName {
            name: name.to_owned(),
            reason: reason.into(),
        })
    };
    let mut chars = name.chars();
    match chars.next() {
        None => return err("a metric name cannot be empty"),
        Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':' => {}
        Some(_) => return err("a metric name must start with a letter, `_` or `:`"),
    }
    if !chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
        return err("a metric name may only contain ASCII letters, digits, `_` and `:`");
    }
    if name.starts_with("__") {
        return err("names starting with `__` are reserved for Prometheus' own use");
    }
    Ok(())
}

/// Checks a label name against `[a-zA-Z_][a-zA-Z0-9_]*`, without the reserved `__` prefix.
///
/// ```
/// assert!(promenade::validate::label_name("method").is_ok());
/// assert!(promenade::validate::label_name("__name__").is_err());
/// ```
pub fn label_name(name: &str) -> Result<(), Error> {
    let err = |reason: &'static str| {
        Err(Error::InvalidLabelName {
            name: name.to_owned(),
            reason: reason.into(),
        })
    };
    let mut chars = name.chars();
    match chars.next() {
        None => return err("a label name cannot be empty"),
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        Some(_) => return err("a label name must start with a letter or `_`"),
    }
    if !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return err("a label name may only contain ASCII letters, digits and `_`");
    }
    if name.starts_with("__") {
        return err("label names starting with `__` are reserved for Prometheus' own use");
    }
    Ok(())
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
