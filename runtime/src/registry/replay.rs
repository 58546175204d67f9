//! A [`MetricFamily`] sent back into a [`Sink`]: what a collector proxying another
//! target's metrics does with what it parsed. The flat samples are gathered back into the
//! points the encoders consume, so parse → collect → encode gives the families that were
//! parsed.

use std::collections::HashMap;

use super::families::Labels;
use super::point::{DataValue, PointData};
use super::{Descriptor, MetricFamily, Number, Point, Sample, Sink};
use crate::metrics::{Exemplar, MetricType};
use crate::Error;

/// One series being gathered from its samples.
#[derive(Default)]
struct Series {
    labels: Vec<(String, String)>,
    timestamp: Option<f64>,
    value: Option<f64>,
    created: Option<f64>,
    exemplar: Option<Exemplar>,
    sum: Option<f64>,
    count: Option<f64>,
    /// `(le, cumulative count, exemplar)`, or `(quantile, value, None)`.
    items: Vec<(f64, f64, Option<Exemplar>)>,
    states: Vec<(String, bool)>,
    /// An info series' labels.
    info: Vec<(String, String)>,
}

impl MetricFamily {
    /// The descriptor an encoder needs for this family: its name (without the `_total`
    /// a text 0.0.4 or protobuf counter family is named with), help, type and unit.
    ///
    /// ```
    /// use promenade::{parse, MetricType};
    /// let families = parse::text("# TYPE jobs_total counter\njobs_total 3\n").unwrap();
    /// let d = families[0].descriptor();
    /// assert_eq!((&*d.name, d.metric_type), ("jobs", MetricType::Counter));
    /// ```
    pub fn descriptor(&self) -> Descriptor {
        let mut d = Descriptor::new(
            self.name.clone(),
            self.help.clone().unwrap_or_default(),
            self.metric_type,
            format!("parsed family `{}`", self.name),
        );
        d.unit = self.unit.clone().map(Into::into);
        d
    }

    /// Sends this family and its series to `sink`, as a live family would send them: the
    /// samples of each series (its buckets, quantiles, `_sum`, `_count`, `_created`,
    /// states, exemplars) are gathered back into one point. This is how a
    /// [`Collector`](crate::Collector) exposes metrics it read from elsewhere (the Python
    /// client's collectors yield parsed families the same way).
    ///
    /// An error says which sample cannot belong to its family (a bucket without `le`, a
    /// counter sample without `_total`); nothing is sent then.
    ///
    /// ```
    /// use promenade::registry::{CollectError, Collector, Descriptor, Sink};
    /// use promenade::{parse, Registry};
    ///
    /// /// Re-exposes what another process wrote, as it wrote it.
    /// struct Proxy(String);
    ///
    /// impl Collector for Proxy {
    ///     fn describe(&self) -> Vec<Descriptor> {
    ///         parse::text(&self.0).map(|f| f.iter().map(|f| f.descriptor()).collect()).unwrap_or_default()
    ///     }
    ///     fn collect(&self, sink: &mut dyn Sink) {
    ///         let _ = self.try_collect(sink);
    ///     }
    ///     fn try_collect(&self, sink: &mut dyn Sink) -> Result<(), CollectError> {
    ///         for family in parse::text(&self.0)? {
    ///             family.collect_into(sink)?;
    ///         }
    ///         Ok(())
    ///     }
    /// }
    ///
    /// let text = "\
    /// ## HELP rpc_seconds RPC latency.
    /// ## TYPE rpc_seconds histogram
    /// rpc_seconds_bucket{le=\"0.5\"} 1
    /// rpc_seconds_bucket{le=\"+Inf\"} 2
    /// rpc_seconds_sum 1.5
    /// rpc_seconds_count 2
    /// ";
    /// let registry = Registry::new();
    /// registry.register(Proxy(text.to_owned())).unwrap();
    /// assert_eq!(promenade::encoding::text::encode_to_string(&registry), text);
    /// ```
    pub fn collect_into(&self, sink: &mut dyn Sink) -> Result<(), Error> {
        let series = self.gather_series()?;
        sink.family(&self.descriptor());
        for mut s in series {
            let labels = Labels::from_parsed(std::mem::take(&mut s.labels));
            let data = PointData {
                timestamp: s.timestamp,
                value: self.data_value(s),
            };
            sink.point(&labels, Point::Data(&data));
        }
        Ok(())
    }

    fn gather_series(&self) -> Result<Vec<Series>, Error> {
        let mut series: Vec<Series> = Vec::new();
        let mut index: HashMap<Vec<(String, String)>, usize> = HashMap::new();
        for sample in &self.samples {
            let err = |what: &str| {
                Error::InvalidValue(
                    format!("sample `{}` of family `{}`: {what}", sample.name, self.name).into(),
                )
            };
            // The label that tells a sample's place in its series, if any.
            let special: Option<&str> = match self.metric_type {
                MetricType::Histogram | MetricType::GaugeHistogram
                    if sample.name.ends_with("_bucket") =>
                {
                    Some("le")
                }
                MetricType::Summary if sample.name == self.name => Some("quantile"),
                MetricType::StateSet => Some(&self.name),
                _ => None,
            };
            let mut labels = sample.labels.clone();
            let mut special_value = None;
            if let Some(name) = special {
                let at = labels
                    .iter()
                    .position(|(n, _)| n == name)
                    .ok_or_else(|| err(&format!("no `{name}` label")))?;
                special_value = Some(labels.remove(at).1);
            }
            let s = if self.metric_type == MetricType::Info {
                // Every label of an info sample is an info label; each sample is a series.
                series.push(Series {
                    info: std::mem::take(&mut labels),
                    ..Series::default()
                });
                series.last_mut()
            } else {
                let i = *index.entry(labels.clone()).or_insert_with(|| {
                    series.push(Series {
                        labels,
                        ..Series::default()
                    });
                    series.len() - 1
                });
                series.get_mut(i)
            };
            let Some(s) = s else { continue };
            s.timestamp = s.timestamp.or(sample.timestamp.map(|t| t.as_seconds()));
            self.place(s, sample, special_value).map_err(|m| err(&m))?;
        }
        Ok(series)
    }

    /// Puts `sample` into its series `s`; `special` is the value of its `le`, `quantile`
    /// or state label.
    fn place(
        &self,
        s: &mut Series,
        sample: &Sample,
        special: Option<String>,
    ) -> Result<(), String> {
        let suffix = match sample.name.strip_prefix(&*self.name) {
            Some(suffix) => suffix,
            // A text 0.0.4 or protobuf counter family is named `x_total`, its creation
            // time `x_created`.
            None => self
                .name
                .strip_suffix("_total")
                .filter(|_| self.metric_type == MetricType::Counter)
                .and_then(|base| sample.name.strip_prefix(base))
                .unwrap_or(&sample.name),
        };
        let float = |spelled: Option<String>| -> Result<f64, String> {
            let spelled = spelled.unwrap_or_default();
            crate::parse::parse_label_float(&spelled).map_err(|m| format!("`{spelled}`: {m}"))
        };
        match (self.metric_type, suffix) {
            (_, "_created") => s.created = Some(sample.value),
            (MetricType::Counter, "_total" | "") => {
                s.value = Some(sample.value);
                s.exemplar = sample.exemplar.clone();
            }
            (MetricType::Histogram | MetricType::GaugeHistogram, "_bucket") => {
                s.items
                    .push((float(special)?, sample.value, sample.exemplar.clone()));
            }
            (MetricType::Histogram | MetricType::Summary, "_sum")
            | (MetricType::GaugeHistogram, "_gsum") => s.sum = Some(sample.value),
            (MetricType::Histogram | MetricType::Summary, "_count")
            | (MetricType::GaugeHistogram, "_gcount") => s.count = Some(sample.value),
            (MetricType::Summary, "") => s.items.push((float(special)?, sample.value, None)),
            (MetricType::StateSet, "") => s
                .states
                .push((special.unwrap_or_default(), sample.value != 0.0)),
            (MetricType::Info, _) | (MetricType::Gauge | MetricType::Unknown, "") => {
                s.value = Some(sample.value)
            }
            (t, _) => return Err(format!("not a sample a {t} family has")),
        }
        Ok(())
    }

    fn data_value(&self, s: Series) -> DataValue {
        let value = s.value.unwrap_or(0.0);
        let count_of = |v: f64| {
            if v.is_finite() && v > 0.0 {
                v as u64
            } else {
                0
            }
        };
        match self.metric_type {
            MetricType::Counter => DataValue::Counter {
                value: if value.fract() == 0.0 && (0.0..9.007_199_254_740_992e15).contains(&value) {
                    Number::Int(value as u64)
                } else {
                    Number::Float(value)
                },
                created: s.created,
                exemplar: s.exemplar,
            },
            MetricType::Gauge => DataValue::Gauge(Number::Float(value)),
            MetricType::Histogram | MetricType::GaugeHistogram => {
                let mut bounds = Vec::new();
                let mut cumulative = Vec::new();
                let mut exemplars = Vec::new();
                for (le, c, e) in s.items {
                    if le != f64::INFINITY {
                        bounds.push(le);
                    }
                    cumulative.push(count_of(c));
                    exemplars.push(e);
                }
                if self.metric_type == MetricType::Histogram {
                    DataValue::Histogram {
                        bounds,
                        cumulative,
                        sum: s.sum,
                        created: s.created,
                        exemplars,
                    }
                } else {
                    DataValue::GaugeHistogram {
                        bounds,
                        cumulative,
                        gsum: s.sum,
                    }
                }
            }
            MetricType::Summary => DataValue::Summary {
                count: count_of(s.count.unwrap_or(0.0)),
                // An OpenMetrics summary without `_sum` (left out over negative
                // observations) stays without: NaN is left out again.
                sum: s.sum.unwrap_or(f64::NAN),
                quantiles: s.items.into_iter().map(|(q, v, _)| (q, v)).collect(),
                created: s.created,
            },
            MetricType::Info => DataValue::Info(s.info),
            MetricType::StateSet => DataValue::StateSet(s.states),
            _ => DataValue::Unknown(Number::Float(value)),
        }
    }
}
