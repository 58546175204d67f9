use std::fmt;
use std::sync::RwLock;

use super::Metric;
use crate::labels::{encode_label_pairs, LabelSet, LabelWriter};
use crate::Error;

/// Constant facts about the target exposed as labels of a sample whose value is 1
/// (`build_info{version="1.2.3",commit="abc"} 1`; the Python client's `Info`).
///
/// Exposed as type `info` in OpenMetrics and as a gauge named `<name>_info` in the text
/// format. The labels can be replaced at any time; a scrape sees either the old set or
/// the new one.
///
/// In a [`Family`](crate::Family) (or sent by a collector with labels of its own) an info
/// label may repeat one of the series' labels, which no format allows (`x_info{env="a",
/// env="b"} 1`). [`set`](Self::set) cannot know the family's labels, so the clash is
/// settled at every scrape: the info label is left out and the series' own label wins.
/// A typed [`InfoFamily`](crate::registry::families::InfoFamily) refuses it instead.
///
/// ```
/// use promenade::{Info, Registry};
/// use std::sync::Arc;
/// let build = Arc::new(Info::new());
/// build.set([("version", "1.2.3"), ("commit", "abc")]).unwrap();
/// let registry = Registry::new();
/// registry.register_metric("build", "Build facts.", build.clone()).unwrap();
/// assert_eq!(
///     registry.get_sample_value("build_info", &[("version", "1.2.3"), ("commit", "abc")]),
///     Some(1.0)
/// );
/// ```
#[derive(Default)]
pub struct Info {
    /// `name="value",…`, escaped.
    encoded: RwLock<String>,
}

impl Info {
    /// An info metric with no labels yet (`x_info 1`).
    pub fn new() -> Self {
        Info::default()
    }

    /// Replaces the labels with `pairs`, whose names must be valid, distinct and not
    /// reserved.
    pub fn set<'a>(
        &self,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<(), Error> {
        let (encoded, _) = encode_label_pairs(pairs, "an info metric")?;
        *self.encoded.write().unwrap_or_else(|e| e.into_inner()) = encoded;
        Ok(())
    }

    /// Replaces the labels with a typed label set (its names were checked when it was
    /// derived).
    pub fn set_labels<T: LabelSet>(&self, labels: &T) {
        let mut encoded = String::new();
        labels.encode(&mut LabelWriter::new(&mut encoded));
        *self.encoded.write().unwrap_or_else(|e| e.into_inner()) = encoded;
    }

    /// Copies the encoded labels into `out`.
    pub(crate) fn read_into(&self, out: &mut String) {
        out.clear();
        out.push_str(&self.encoded.read().unwrap_or_else(|e| e.into_inner()));
    }

    /// The labels as the exposition writes them, without braces.
    pub fn encoded_labels(&self) -> String {
        self.encoded
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl fmt::Debug for Info {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Info").field(&self.encoded_labels()).finish()
    }
}

impl Metric for Info {
    type Config = ();
    fn with_config(_: &()) -> Self {
        Info::new()
    }
    /// Removes every label.
    fn reset(&self) {
        self.encoded
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}
