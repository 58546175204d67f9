use std::fmt;
use std::sync::RwLock;

use super::Metric;
use crate::labels::{pairs, validated_pairs, LabelSet};
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
    /// The labels, unescaped, in the order given.
    labels: RwLock<Vec<(String, String)>>,
    /// Multiprocess mode: the family, the series' own labels and the record of the
    /// current info labels (a new record at each `set`, the old one marked removed).
    #[cfg(feature = "multiprocess")]
    shared: std::sync::Mutex<Option<Shared>>,
}

#[cfg(feature = "multiprocess")]
struct Shared {
    family: std::sync::Arc<crate::multiprocess::FamilyBinding>,
    series: Vec<(String, String)>,
    record: Option<crate::multiprocess::SeriesCells>,
}

#[cfg(feature = "multiprocess")]
struct Pairs<'a>(&'a [(String, String)]);

#[cfg(feature = "multiprocess")]
impl crate::labels::EncodeLabels for Pairs<'_> {
    fn encode_labels(&self, out: &mut crate::labels::LabelWriter<'_>) {
        for (n, v) in self.0 {
            out.label_str(n, v);
        }
    }
}

#[cfg(feature = "multiprocess")]
impl Shared {
    /// A record of the current labels replaces the previous one.
    fn store(&mut self, info: &[(String, String)]) -> Option<crate::multiprocess::SeriesCells> {
        use crate::multiprocess::{bind::Shape, format::ValueKind};
        let extra: Vec<String> = info
            .iter()
            .flat_map(|(n, v)| [n.clone(), v.clone()])
            .collect();
        let shape = Shape {
            value_kind: ValueKind::Int,
            bounds: &[],
            extra: &extra,
        };
        let record = self.family.series(&Pairs(&self.series), shape, &[1]);
        if let Some(old) = std::mem::replace(&mut self.record, record) {
            old.mark_removed();
        }
        self.record
    }
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
        let (labels, _) = validated_pairs(pairs, "an info metric", false)?;
        self.replace(labels);
        Ok(())
    }

    /// Replaces the labels with a typed label set (its names were checked when it was
    /// derived).
    pub fn set_labels<T: LabelSet>(&self, labels: &T) {
        self.replace(pairs(labels));
    }

    fn replace(&self, labels: Vec<(String, String)>) {
        let mut current = self.labels.write().unwrap_or_else(|e| e.into_inner());
        #[cfg(feature = "multiprocess")]
        if let Some(shared) = self
            .shared
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
        {
            shared.store(&labels);
        }
        *current = labels;
    }

    /// Copies the labels into `out`, reusing the strings already there.
    pub(crate) fn read_into(&self, out: &mut Vec<(String, String)>) {
        let labels = self.labels.read().unwrap_or_else(|e| e.into_inner());
        copy_pairs(&labels, out);
    }

    /// The labels, unescaped, in the order they were set.
    ///
    /// ```
    /// let info = promenade::Info::new();
    /// info.set([("version", "1.2\"3")]).unwrap();
    /// assert_eq!(info.labels(), [("version".to_owned(), "1.2\"3".to_owned())]);
    /// ```
    pub fn labels(&self) -> Vec<(String, String)> {
        self.labels
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Makes `out` a copy of `from`, reusing the strings `out` already holds.
pub(crate) fn copy_pairs(from: &[(String, String)], out: &mut Vec<(String, String)>) {
    out.truncate(from.len());
    for (i, (name, value)) in from.iter().enumerate() {
        match out.get_mut(i) {
            Some((n, v)) => {
                n.clear();
                n.push_str(name);
                v.clear();
                v.push_str(value);
            }
            None => out.push((name.clone(), value.clone())),
        }
    }
}

impl fmt::Debug for Info {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Info").field(&self.labels()).finish()
    }
}

impl Metric for Info {
    type Config = ();
    fn with_config(_: &()) -> Self {
        Info::new()
    }
    /// Removes every label.
    fn reset(&self) {
        self.replace(Vec::new());
    }
    #[cfg(feature = "multiprocess")]
    fn bind_series(
        &self,
        family: &std::sync::Arc<crate::multiprocess::FamilyBinding>,
        labels: &dyn crate::labels::EncodeLabels,
    ) -> Option<crate::multiprocess::SeriesCells> {
        let current = self.labels.read().unwrap_or_else(|e| e.into_inner());
        let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        if shared.is_some() {
            return None;
        }
        let family = family.clone();
        let mut s = Shared {
            family,
            series: pairs(labels),
            record: None,
        };
        let record = s.store(&current);
        *shared = Some(s);
        record
    }
}
