//! Exemplars: a trace (or any labels) attached to a counter increment or a histogram
//! observation, exposed in OpenMetrics only.

use std::sync::{Arc, Mutex};

use crate::labels::validated_pairs;
use crate::Error;

/// The most code points the names and values of an exemplar's labels may have together
/// (OpenMetrics 1.0).
pub const EXEMPLAR_MAX_CODE_POINTS: usize = 128;

/// Validated labels for an exemplar: valid, distinct label names, and at most
/// [`EXEMPLAR_MAX_CODE_POINTS`] code points of names and values together.
///
/// Build them once and pass them to `inc_with_exemplar` / `observe_with_exemplar`; the
/// recording path then cannot fail, and records them without copying (they are shared).
///
/// ```
/// use promenade::metrics::ExemplarLabels;
/// let labels = ExemplarLabels::new([("trace_id", "4bf92f3577b34da6")]).unwrap();
/// assert_eq!(labels.iter().collect::<Vec<_>>(), [("trace_id", "4bf92f3577b34da6")]);
/// let long = "x".repeat(121);
/// let err = ExemplarLabels::new([("trace_id", long.as_str())]).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "invalid value: exemplar labels have 129 code points (names and values together); OpenMetrics allows at most 128"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExemplarLabels {
    /// The pairs, unescaped, in the order given.
    pairs: Arc<[(Box<str>, Box<str>)]>,
}

impl Default for ExemplarLabels {
    fn default() -> Self {
        ExemplarLabels {
            pairs: Arc::from(Vec::new()),
        }
    }
}

impl ExemplarLabels {
    /// Validates `pairs` of `(name, value)`.
    pub fn new<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, Error> {
        let (pairs, code_points) = validated_pairs(pairs, "an exemplar", false)?;
        if code_points > EXEMPLAR_MAX_CODE_POINTS {
            return Err(Error::InvalidValue(
                format!(
                    "exemplar labels have {code_points} code points (names and values \
                     together); OpenMetrics allows at most {EXEMPLAR_MAX_CODE_POINTS}"
                )
                .into(),
            ));
        }
        let pairs: Vec<(Box<str>, Box<str>)> = pairs
            .into_iter()
            .map(|(n, v)| (n.into_boxed_str(), v.into_boxed_str()))
            .collect();
        Ok(ExemplarLabels {
            pairs: Arc::from(pairs),
        })
    }

    /// The `(name, value)` pairs, unescaped, in the order given.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.pairs.iter().map(|(n, v)| (&**n, &**v))
    }

    /// Whether there are no labels.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// One exemplar: its labels, the value it was recorded with, and when (seconds since
/// the epoch).
#[derive(Debug, Clone, PartialEq)]
pub struct Exemplar {
    labels: ExemplarLabels,
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
            labels: labels.clone(),
            value,
            timestamp,
        })
    }

    /// An exemplar as a parser read it: the labels as written (the parser checked their
    /// names), any value (OpenMetrics allows `NaN` there).
    pub(crate) fn parsed(
        labels: Vec<(String, String)>,
        value: f64,
        timestamp: Option<f64>,
    ) -> Self {
        let pairs: Vec<(Box<str>, Box<str>)> = labels
            .into_iter()
            .map(|(n, v)| (n.into_boxed_str(), v.into_boxed_str()))
            .collect();
        Exemplar {
            labels: ExemplarLabels {
                pairs: Arc::from(pairs),
            },
            value,
            timestamp,
        }
    }

    /// The labels.
    pub fn labels(&self) -> &ExemplarLabels {
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
}

/// The latest exemplar of a counter or a bucket. The lock is held only to copy a few
/// bytes in or out, never while other code runs.
#[derive(Debug, Default)]
pub(crate) struct ExemplarCell(Mutex<Option<Exemplar>>);

impl ExemplarCell {
    pub(crate) fn store(&self, labels: &ExemplarLabels, value: f64) {
        let exemplar = Exemplar {
            labels: labels.clone(),
            value,
            timestamp: Some(super::unix_now()),
        };
        // The old labels are dropped after the lock is released.
        let _old = self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .replace(exemplar);
    }

    /// Copies the exemplar into `out` (or clears `out`).
    pub(crate) fn read_into(&self, out: &mut Option<Exemplar>) {
        *out = self.get();
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
        let nul = ExemplarLabels::new([("trace_id", "a\0b")]).unwrap_err();
        assert!(
            nul.to_string().contains("contains a NUL character"),
            "{nul}"
        );
        let l = ExemplarLabels::new([("a", "x\"y"), ("b", "")]).unwrap();
        assert_eq!(l.iter().collect::<Vec<_>>(), [("a", "x\"y"), ("b", "")]);
    }
}

/// Multiprocess mode: where a bound counter's or histogram's exemplars go in this
/// process' file, so the aggregate can show the most recent one across processes. The
/// slots (one per bucket, one for a counter) are a record of their own, written at the
/// first exemplar after binding: a histogram that never gets one takes no room.
#[cfg(feature = "multiprocess")]
#[derive(Debug, Default)]
pub(crate) struct SharedExemplars {
    /// The series record's offset and the number of slots, once bound.
    series: std::sync::OnceLock<(u64, usize)>,
    slots: std::sync::OnceLock<Option<&'static [std::sync::atomic::AtomicU64]>>,
}

#[cfg(feature = "multiprocess")]
impl SharedExemplars {
    /// The metric was bound to the series record at `offset`, with `n` exemplar slots.
    pub(crate) fn bind(&self, offset: u64, n: usize) {
        let _ = self.series.set((offset, n));
    }

    /// Stores the exemplar of slot `i` (if bound, and the labels fit a slot).
    pub(crate) fn store(&self, i: usize, labels: &ExemplarLabels, value: f64) {
        use crate::multiprocess::format::{write_slot, ExemplarData, SLOT_WORDS};
        let Some(&(offset, n)) = self.series.get() else {
            return;
        };
        let slots = self.slots.get_or_init(|| {
            crate::multiprocess::active()?
                .file()
                .exemplar_slots(offset, n)
                .ok()
        });
        let Some(slot) = slots.and_then(|s| s.get(i * SLOT_WORDS..(i + 1) * SLOT_WORDS)) else {
            return;
        };
        let data = ExemplarData {
            value,
            timestamp: super::unix_now(),
            labels: labels
                .iter()
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .collect(),
        };
        // One writer per slot at a time: the slot's sequence word is not a lock.
        static WRITING: Mutex<()> = Mutex::new(());
        let _g = WRITING.lock().unwrap_or_else(|e| e.into_inner());
        write_slot(slot, &data);
    }
}
