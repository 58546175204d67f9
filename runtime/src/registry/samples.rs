//! The flat view of a collection: sample names, labels and values (for tests and tools).

use super::{Descriptor, ExtraLabel, Point, Scratch, Sink};
use crate::format::Format;
use crate::labels::{EncodeLabels, LabelWriter};

/// One sample: a full sample name, its labels and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The sample name with its suffix (`x_total`, `x_bucket`, …).
    pub name: String,
    /// Label pairs in exposition order (`le` last for buckets), unescaped.
    pub labels: Vec<(String, String)>,
    /// The value.
    pub value: f64,
}

impl Sample {
    /// Whether the sample has exactly these labels, in any order.
    pub fn has_labels(&self, labels: &[(&str, &str)]) -> bool {
        self.labels.len() == labels.len()
            && labels
                .iter()
                .all(|(k, v)| self.labels.iter().any(|(sk, sv)| sk == k && sv == v))
    }
}

/// One family with its samples.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilySamples {
    /// The family's descriptor.
    pub descriptor: Descriptor,
    /// Its samples, in exposition order.
    pub samples: Vec<Sample>,
}

/// Collects the samples the text format shows (no `_created`, no exemplars; a gauge
/// histogram's `_gcount` and `_gsum` stay in its family).
#[derive(Default)]
pub(super) struct SampleSink {
    pub(super) families: Vec<FamilySamples>,
    scratch: Scratch,
    values: String,
    /// How many families existed when the current collector began.
    mark: usize,
}

impl Sink for SampleSink {
    fn family(&mut self, descriptor: &Descriptor) {
        self.families.push(FamilySamples {
            descriptor: descriptor.clone(),
            samples: Vec::new(),
        });
    }

    fn point(&mut self, labels: &dyn EncodeLabels, point: Point<'_>) {
        let Some(family) = self.families.last_mut() else {
            return;
        };
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut visitor = |name: &str, value: &str| pairs.push((name.to_owned(), value.to_owned()));
        labels.encode_labels(&mut LabelWriter::new(&mut visitor, &mut self.values));
        let name = &family.descriptor.name;
        point.for_each_sample(&mut self.scratch, Format::Text, |sample| {
            let mut labels = pairs.clone();
            let mut float_label = |label: &str, v: f64| {
                let mut s = String::new();
                crate::number::write_canonical_f64(&mut s, v);
                labels.push((label.to_owned(), s));
            };
            match sample.extra {
                ExtraLabel::None => {}
                ExtraLabel::Le(le) => float_label("le", le),
                ExtraLabel::Quantile(q) => float_label("quantile", q),
                ExtraLabel::State(state) => labels.push((name.to_string(), state.to_owned())),
                ExtraLabel::Labels(info) => labels.extend(info.iter().cloned()),
            }
            family.samples.push(Sample {
                name: format!("{name}{}", sample.suffix),
                labels,
                value: sample.value.as_f64(),
            });
        });
    }

    fn begin_collector(&mut self) {
        self.mark = self.families.len();
    }

    fn abort_collector(&mut self) {
        self.families.truncate(self.mark);
    }
}
