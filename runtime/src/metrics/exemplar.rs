//! Exemplars: a trace (or any labels) attached to a counter increment or a histogram
//! observation, exposed in OpenMetrics only.

use std::sync::Mutex;

use crate::labels::encode_label_pairs;
use crate::Error;

/// The most code points the names and values of an exemplar's labels may have together
/// (OpenMetrics 1.0).
pub const EXEMPLAR_MAX_CODE_POINTS: usize = 128;

/// Validated labels for an exemplar: valid, distinct label names, and at most
/// [`EXEMPLAR_MAX_CODE_POINTS`] code points of names and values together.
///
/// Build them once and pass them to `inc_with_exemplar` / `observe_with_exemplar`; the
/// recording path then cannot fail.
///
/// ```
/// use promenade::metrics::ExemplarLabels;
/// assert!(ExemplarLabels::new([("trace_id", "4bf92f3577b34da6")]).is_ok());
/// let long = "x".repeat(121);
/// let err = ExemplarLabels::new([("trace_id", long.as_str())]).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "invalid value: exemplar labels have 129 code points (names and values together); OpenMetrics allows at most 128"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExemplarLabels {
    /// `name="value",…`, escaped as in the exposition.
    encoded: String,
}

impl ExemplarLabels {
    /// Validates `pairs` of `(name, value)`.
    pub fn new<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, Error> {
        let (encoded, code_points) = encode_label_pairs(pairs, "an exemplar")?;
        if code_points > EXEMPLAR_MAX_CODE_POINTS {
            return Err(Error::InvalidValue(
                format!(
                    "exemplar labels have {code_points} code points (names and values \
                     together); OpenMetrics allows at most {EXEMPLAR_MAX_CODE_POINTS}"
                )
                .into(),
            ));
        }
        Ok(ExemplarLabels { encoded })
    }

    /// The labels as the exposition writes them (`trace_id="abc"`), without braces.
    pub fn encoded(&self) -> &str {
        &self.encoded
    }
}

/// One exemplar: its labels, the value it was recorded with, and when (seconds since
/// the epoch).
#[derive(Debug, Clone, PartialEq)]
pub struct Exemplar {
    labels: String,
    value: f64,
    timestamp: Option<f64>,
}

impl Exemplar {
    /// An exemplar for a collector to expose; `value` and `timestamp` must be finite.
    pub fn new(labels: &ExemplarLabels, value: f64, timestamp: Option<f64>) -> Result<Self, Error> {
        if !value.is_finite() {
            return Err(Error::InvalidValue(
                format!("an exemplar value must be finite, got {value}").into(),
            ));
        }
        if let Some(ts) = timestamp.filter(|t| !t.is_finite()) {
            return Err(Error::InvalidValue(
                format!("an exemplar timestamp must be finite, got {ts}").into(),
            ));
        }
        Ok(Exemplar {
            labels: labels.encoded.clone(),
            value,
            timestamp,
        })
    }

    /// The labels as the exposition writes them, without braces.
    pub fn encoded_labels(&self) -> &str {
        &self.labels
    }

    /// The recorded value.
    pub fn value(&self) -> f64 {
        self.value
    }

    /// When it was recorded, in seconds since the epoch.
    pub fn timestamp(&self) -> Option<f64> {
        self.timestamp
    }

    /// Copies `self` into `slot`, reusing the string already there.
    pub(crate) fn copy_into(&self, slot: &mut Option<Exemplar>) {
        match slot {
            Some(e) => {
                e.labels.clear();
                e.labels.push_str(&self.labels);
                e.value = self.value;
                e.timestamp = self.timestamp;
            }
            None => *slot = Some(self.clone()),
        }
    }
}

/// The latest exemplar of a counter or a bucket. The lock is held only to copy a few
/// bytes in or out, never while other code runs.
#[derive(Debug, Default)]
pub(crate) struct ExemplarCell(Mutex<Option<Exemplar>>);

impl ExemplarCell {
    pub(crate) fn store(&self, labels: &ExemplarLabels, value: f64) {
        let now = super::unix_now();
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match &mut *slot {
            Some(e) => {
                e.labels.clear();
                e.labels.push_str(&labels.encoded);
                e.value = value;
                e.timestamp = Some(now);
            }
            None => {
                *slot = Some(Exemplar {
                    labels: labels.encoded.clone(),
                    value,
                    timestamp: Some(now),
                })
            }
        }
    }

    /// Copies the exemplar into `out` (or clears `out`).
    pub(crate) fn read_into(&self, out: &mut Option<Exemplar>) {
        let slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match &*slot {
            Some(e) => e.copy_into(out),
            None => *out = None,
        }
    }

    pub(crate) fn get(&self) -> Option<Exemplar> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(crate) fn clear(&self) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_points_not_bytes() {
        let ok = "é".repeat(128 - 1);
        assert!(ExemplarLabels::new([("a", ok.as_str())]).is_ok());
        let too_long = "é".repeat(128);
        assert!(ExemplarLabels::new([("a", too_long.as_str())]).is_err());
        assert!(ExemplarLabels::new([("a", "1"), ("a", "2")]).is_err());
        assert!(ExemplarLabels::new([("__a", "1")]).is_err());
        let l = ExemplarLabels::new([("a", "x\"y"), ("b", "")]).unwrap();
        assert_eq!(l.encoded(), "a=\"x\\\"y\",b=\"\"");
    }
}
