//! Assembling samples into families and checking what spans more than one line:
//! metadata order, grouping, clashing names, duplicate series, histogram consistency.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::fmt;

use super::cursor::{parse_float, At};
use super::{Exemplar, Format, MetricFamily, MetricType, ParseError, Sample, Timestamp};

/// A metadata line's content.
pub(super) enum Metadata {
    Help(String),
    Type(MetricType),
    Unit(String),
}

/// Where a family's lines are, for messages about it.
struct State {
    first: At,
    type_at: Option<At>,
    help_at: Option<At>,
    unit_at: Option<At>,
    sample_at: Vec<At>,
}

pub(super) struct Builder {
    format: Format,
    /// Text 0.0.4 read as Prometheus reads it.
    lenient: bool,
    families: Vec<MetricFamily>,
    states: Vec<State>,
    by_name: HashMap<String, usize>,
    /// Every sample name a finished family can expose, with the family's index.
    reserved: HashMap<String, usize>,
    current: Option<usize>,
}

/// The suffixes of the samples a family of `metric_type` has.
fn suffixes(metric_type: MetricType, openmetrics: bool) -> &'static [&'static str] {
    match (metric_type, openmetrics) {
        (MetricType::Counter, true) => &["_total", "_created"],
        (MetricType::Histogram, true) => &["_bucket", "_sum", "_count", "_created"],
        (MetricType::Histogram, false) => &["_bucket", "_sum", "_count"],
        (MetricType::GaugeHistogram, _) => &["_bucket", "_gsum", "_gcount"],
        (MetricType::Summary, true) => &["", "_sum", "_count", "_created"],
        (MetricType::Summary, false) => &["", "_sum", "_count"],
        (MetricType::Info, _) => &["_info"],
        (MetricType::Counter, false)
        | (MetricType::Gauge, _)
        | (MetricType::StateSet, _)
        | (MetricType::Unknown, _) => &[""],
    }
}

/// Every suffix any family can give a sample, for finding a sample's family by name.
const ALL_SUFFIXES: &[&str] = &[
    "", "_total", "_created", "_bucket", "_sum", "_count", "_gsum", "_gcount", "_info",
];

/// The part of `sample` after the family name, if `sample` is a sample name of `family`.
fn suffix_in<'s>(family: &MetricFamily, sample: &'s str, openmetrics: bool) -> Option<&'s str> {
    let suffix = sample.strip_prefix(family.name.as_str())?;
    suffixes(family.metric_type, openmetrics)
        .contains(&suffix)
        .then_some(suffix)
}

/// `name{a="1",b="2"}` for messages, written out only when a message is.
struct Series<'a, S>(&'a str, &'a [(S, S)]);

impl<S: AsRef<str>> fmt::Display for Series<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)?;
        if self.1.is_empty() {
            return Ok(());
        }
        f.write_str("{")?;
        for (i, (n, v)) in self.1.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{}={:?}", n.as_ref(), v.as_ref())?;
        }
        f.write_str("}")
    }
}

/// A label set, sorted so that order does not matter, borrowed from its sample.
type LabelKey<'a> = Vec<(&'a str, &'a str)>;

fn sorted<'a>(labels: &'a [(String, String)], without: Option<&str>) -> LabelKey<'a> {
    let mut v: LabelKey<'a> = labels
        .iter()
        .filter(|(n, _)| Some(n.as_str()) != without)
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    // Label names are unique, so no two entries are equal and the order is total.
    v.sort_unstable();
    v
}

impl Builder {
    pub(super) fn new(format: Format, lenient: bool) -> Self {
        Builder {
            format,
            lenient,
            families: Vec::new(),
            states: Vec::new(),
            by_name: HashMap::new(),
            reserved: HashMap::new(),
            current: None,
        }
    }

    fn om(&self) -> bool {
        self.format == Format::OpenMetrics
    }

    fn lenient(&self) -> bool {
        self.lenient
    }

    pub(super) fn metadata(&mut self, name: &str, m: Metadata, at: At) -> Result<(), ParseError> {
        let i = self.family_named(name, at)?;
        let (om, lenient) = (self.om(), self.lenient());
        let (family, state) = (&mut self.families[i], &mut self.states[i]);
        let has_samples = !family.samples.is_empty();
        let (kind, earlier) = match &m {
            Metadata::Help(_) => ("HELP", state.help_at),
            Metadata::Type(_) => ("TYPE", state.type_at),
            Metadata::Unit(_) => ("UNIT", state.unit_at),
        };
        if let Some(earlier) = earlier {
            let same_type = matches!(m, Metadata::Type(t) if t == family.metric_type);
            if lenient && (kind == "HELP" || same_type) {
                return Ok(()); // Prometheus keeps going; the first one stands
            }
            return Err(at.error(format!(
                "second {kind} line for `{name}` (the first is on line {})",
                earlier.line
            )));
        }
        if has_samples && (om || kind == "TYPE") {
            return Err(at.error(format!("{kind} for `{name}` must come before its samples")));
        }
        match m {
            Metadata::Help(help) => {
                state.help_at = Some(at);
                family.help = (!(om && help.is_empty())).then_some(help);
            }
            Metadata::Type(t) => {
                state.type_at = Some(at);
                family.metric_type = t;
            }
            Metadata::Unit(unit) => {
                state.unit_at = Some(at);
                family.unit = (!unit.is_empty()).then_some(unit);
            }
        }
        Ok(())
    }

    pub(super) fn sample(&mut self, sample: Sample, at: At) -> Result<(), ParseError> {
        let om = self.om();
        let i = match self.current {
            Some(i) if suffix_in(&self.families[i], &sample.name, om).is_some() => i,
            Some(i) if self.families[i].name == sample.name => {
                let f = &self.families[i];
                let names: Vec<String> = suffixes(f.metric_type, om)
                    .iter()
                    .map(|s| format!("`{}{s}`", f.name))
                    .collect();
                return Err(at.error(format!(
                    "`{}` is not a sample of the {} `{}`: its samples are named {}",
                    sample.name,
                    f.metric_type,
                    f.name,
                    names.join(", ")
                )));
            }
            _ => match self.owner(&sample.name) {
                Some(i) if self.lenient() => {
                    self.close_current()?;
                    self.current = Some(i);
                    i
                }
                Some(i) if self.families[i].name == sample.name => {
                    return Err(at.error(format!(
                        "the family `{}` already appeared (line {}); the lines of one family must be grouped together",
                        sample.name, self.states[i].first.line
                    )))
                }
                Some(i) => {
                    return Err(at.error(format!(
                        "`{}` belongs to the family `{}` (line {}), whose lines ended before; the lines of one family must be grouped together",
                        sample.name, self.families[i].name, self.states[i].first.line
                    )))
                }
                None => self.family_named(&sample.name, at)?,
            },
        };
        self.check_sample(i, &sample, at)?;
        self.families[i].samples.push(sample);
        self.states[i].sample_at.push(at);
        Ok(())
    }

    /// The earlier family `sample` is a sample of, if any.
    fn owner(&self, sample: &str) -> Option<usize> {
        ALL_SUFFIXES.iter().find_map(|suffix| {
            let base = sample.strip_suffix(suffix)?;
            let &i = self.by_name.get(base)?;
            suffix_in(&self.families[i], sample, self.om()).map(|_| i)
        })
    }

    /// The family named `name`: the current one, or a new one (closing the current).
    fn family_named(&mut self, name: &str, at: At) -> Result<usize, ParseError> {
        if let Some(i) = self.current {
            if self.families[i].name == name {
                return Ok(i);
            }
        }
        self.close_current()?;
        if let Some(&i) = self.by_name.get(name) {
            if self.lenient() {
                self.current = Some(i);
                return Ok(i);
            }
            return Err(at.error(format!(
                "the family `{name}` already appeared (line {}); the lines of one family must be grouped together",
                self.states[i].first.line
            )));
        }
        let i = self.families.len();
        self.families.push(MetricFamily {
            name: name.to_owned(),
            metric_type: MetricType::Unknown,
            help: None,
            unit: None,
            samples: Vec::new(),
        });
        self.states.push(State {
            first: at,
            type_at: None,
            help_at: None,
            unit_at: None,
            sample_at: Vec::new(),
        });
        self.by_name.insert(name.to_owned(), i);
        self.current = Some(i);
        Ok(i)
    }

    fn close_current(&mut self) -> Result<(), ParseError> {
        match self.current.take() {
            Some(i) if !self.lenient() => self.check_family(i),
            _ => Ok(()),
        }
    }

    pub(super) fn finish(mut self) -> Result<Vec<MetricFamily>, ParseError> {
        self.close_current()?;
        Ok(self.families)
    }

    /// Checks one sample against its family's type.
    fn check_sample(&self, i: usize, s: &Sample, at: At) -> Result<(), ParseError> {
        if self.lenient() {
            return Ok(());
        }
        let om = self.om();
        let f = &self.families[i];
        let t = f.metric_type;
        let suffix = &s.name[f.name.len().min(s.name.len())..];
        let histogram = matches!(t, MetricType::Histogram | MetricType::GaugeHistogram);
        let what = Series(&s.name, &s.labels);

        if histogram {
            match (suffix, s.label("le")) {
                ("_bucket", None) => {
                    return Err(at.error(format!("the histogram bucket `{what}` has no `le` label")))
                }
                ("_bucket", Some(le)) => {
                    bound(le, "le").map_err(|m| at.error(m))?;
                }
                (_, Some(_)) => {
                    return Err(at.error(format!(
                        "`{what}`: the `le` label is only allowed on `_bucket` samples"
                    )))
                }
                _ => {}
            }
        }
        if t == MetricType::Summary && suffix.is_empty() {
            let Some(q) = s.label("quantile") else {
                return Err(at.error(format!(
                    "the summary sample `{what}` has no `quantile` label"
                )));
            };
            let q = bound(q, "quantile").map_err(|m| at.error(m))?;
            if !(0.0..=1.0).contains(&q) {
                return Err(at.error(format!("`{what}`: a quantile must be between 0 and 1")));
            }
        }
        if !om {
            return Ok(());
        }

        if s.exemplar.is_some()
            && !((t == MetricType::Counter && suffix == "_total")
                || (histogram && suffix == "_bucket"))
        {
            return Err(at.error(format!(
                "`{what}` cannot have an exemplar: only counter `_total` and histogram `_bucket` samples can"
            )));
        }
        let counter_like = match t {
            MetricType::Counter => suffix == "_total",
            MetricType::Histogram => matches!(suffix, "_bucket" | "_sum" | "_count"),
            MetricType::GaugeHistogram => matches!(suffix, "_bucket" | "_gcount"),
            MetricType::Summary => matches!(suffix, "_sum" | "_count"),
            _ => false,
        };
        if counter_like && (s.value.is_nan() || s.value < 0.0) {
            return Err(at.error(format!(
                "`{what}` is {}, but a {t}'s `{suffix}` can be neither negative nor NaN",
                s.value
            )));
        }
        if t == MetricType::GaugeHistogram && suffix == "_gsum" && s.value.is_nan() {
            return Err(at.error(format!("`{what}`: `_gsum` cannot be NaN")));
        }
        let integer = match t {
            MetricType::Histogram | MetricType::GaugeHistogram => {
                matches!(suffix, "_bucket" | "_count" | "_gcount")
            }
            MetricType::Summary => suffix == "_count",
            _ => false,
        };
        if integer && !(s.value.is_finite() && s.value.fract() == 0.0) {
            return Err(at.error(format!(
                "`{what}` is {}, but counts must be integers",
                s.value
            )));
        }
        match t {
            MetricType::Summary if suffix.is_empty() && s.value < 0.0 => {
                Err(at.error(format!("`{what}`: quantile values cannot be negative")))
            }
            MetricType::StateSet if s.label(&f.name).is_none() => Err(at.error(format!(
                "the stateset sample `{what}` needs a label named after its family, `{}`",
                f.name
            ))),
            MetricType::StateSet if s.value != 0.0 && s.value != 1.0 => Err(at.error(format!(
                "`{what}` is {}, but a stateset's values are 0 or 1",
                s.value
            ))),
            MetricType::Info if s.value != 1.0 => Err(at.error(format!(
                "`{what}` is {}, but an info sample's value is always 1",
                s.value
            ))),
            _ => Ok(()),
        }
    }

    /// The checks that need the whole family.
    fn check_family(&mut self, i: usize) -> Result<(), ParseError> {
        let om = self.om();
        let (f, state) = (&self.families[i], &self.states[i]);

        if let (Some(unit), Some(at)) = (&f.unit, state.unit_at) {
            if matches!(f.metric_type, MetricType::Info | MetricType::StateSet) {
                return Err(at.error(format!(
                    "the {} `{}` cannot have a unit",
                    f.metric_type, f.name
                )));
            }
            if !f.name.ends_with(&format!("_{unit}")) {
                return Err(at.error(format!(
                    "the name `{}` must end with its unit: `_{unit}`",
                    f.name
                )));
            }
        }

        let own: Vec<String> = std::iter::once(f.name.clone())
            .chain(
                suffixes(f.metric_type, om)
                    .iter()
                    .map(|s| format!("{}{s}", f.name)),
            )
            .collect();
        for name in &own {
            if let Some(&j) = self.reserved.get(name) {
                if j != i {
                    let other = &self.families[j];
                    return Err(state.first.error(format!(
                        "the {} `{}` clashes with the {} `{}` (line {}): both would have samples named `{name}`",
                        f.metric_type, f.name, other.metric_type, other.name, self.states[j].first.line
                    )));
                }
            }
        }

        check_series(f, state, om)?;
        if matches!(
            f.metric_type,
            MetricType::Histogram | MetricType::GaugeHistogram
        ) {
            check_histograms(f, state, om)?;
        }
        for name in own {
            self.reserved.insert(name, i);
        }
        Ok(())
    }
}

/// A bucket bound or quantile written as a label value.
fn bound(spelled: &str, label: &str) -> Result<f64, String> {
    let v = parse_float(spelled).map_err(|m| format!("invalid `{label}` label: {m}"))?;
    if v.is_nan() {
        return Err(format!("the `{label}` label cannot be NaN"));
    }
    if v.is_infinite() && spelled != "+Inf" && spelled != "-Inf" {
        return Err(format!(
            "the `{label}` label `{spelled}` must be spelled `+Inf` or `-Inf`"
        ));
    }
    Ok(v)
}

/// The label that tells a metric's samples apart, and is left out of its identity.
fn point_label(f: &MetricFamily) -> Option<&str> {
    match f.metric_type {
        MetricType::Histogram | MetricType::GaugeHistogram => Some("le"),
        MetricType::Summary => Some("quantile"),
        MetricType::StateSet => Some(f.name.as_str()),
        _ => None,
    }
}

/// What [`check_series`] knows of one metric (a label set without its point label).
#[derive(Default)]
struct MetricSeen {
    /// Whether its samples carry timestamps (`None` until one says).
    timestamped: Option<bool>,
    /// Its latest timestamp so far in seconds, and where (OpenMetrics).
    latest: Option<(f64, At)>,
}

/// Grouping of metrics (OpenMetrics), timestamps on all samples of a metric or none, and
/// no duplicate series. In OpenMetrics the timestamps of a metric never decrease: the
/// samples of one MetricPoint share one, a later point has a later one. In both formats
/// a series repeated at the same timestamp (or without timestamps) is a duplicate.
fn check_series(f: &MetricFamily, state: &State, om: bool) -> Result<(), ParseError> {
    let without = point_label(f);
    // OpenMetrics: the metric being read, and the finished ones (which cannot come back).
    let mut current: Option<(LabelKey<'_>, MetricSeen)> = None;
    let mut finished: HashSet<LabelKey<'_>> = HashSet::new();
    let mut seen: HashMap<(&str, LabelKey<'_>), (Option<Timestamp>, At)> = HashMap::new();
    for (s, &at) in f.samples.iter().zip(&state.sample_at) {
        // The series (every label), sorted once; its metric leaves out the point label.
        let all = sorted(&s.labels, None);
        let what = Series(&s.name, &s.labels);
        if om {
            let key: LabelKey<'_> = match without {
                Some(w) => all.iter().copied().filter(|(n, _)| *n != w).collect(),
                None => all.clone(),
            };
            if !matches!(&current, Some((k, _)) if *k == key) {
                if finished.contains(&key) {
                    return Err(at.error(format!(
                        "`{what}` continues a metric that another one interrupted; the samples of one metric must be grouped together"
                    )));
                }
                if let Some((done, _)) = current.take() {
                    finished.insert(done);
                }
                current = Some((key, MetricSeen::default()));
            }
            if let Some((_, metric)) = current.as_mut() {
                check_metric_timestamps(metric, s, at, &what)?;
            }
        }
        match seen.entry((s.name.as_str(), all)) {
            Entry::Vacant(v) => {
                v.insert((s.timestamp, at));
            }
            Entry::Occupied(mut o) => {
                let (earlier, first_at) = *o.get();
                match (earlier, s.timestamp) {
                    (Some(a), Some(b)) if a == b => {
                        return Err(at.error(format!(
                            "duplicate sample `{what}` at the same timestamp (first on line {})",
                            first_at.line
                        )))
                    }
                    (Some(_), Some(_)) => {}
                    _ => {
                        return Err(at.error(format!(
                            "duplicate sample `{what}` (first on line {})",
                            first_at.line
                        )))
                    }
                }
                o.insert((s.timestamp, at));
            }
        }
    }
    Ok(())
}

/// OpenMetrics: timestamps on every sample of a metric or none, never decreasing.
fn check_metric_timestamps(
    metric: &mut MetricSeen,
    s: &Sample,
    at: At,
    what: &dyn fmt::Display,
) -> Result<(), ParseError> {
    // `_created` is a timestamp itself; whether it carries one says nothing.
    if !s.name.ends_with("_created") {
        match metric.timestamped {
            Some(t) if t != s.timestamp.is_some() => {
                return Err(at.error(format!(
                    "`{what}`: either every sample of a metric has a timestamp or none does"
                )))
            }
            Some(_) => {}
            None => metric.timestamped = Some(s.timestamp.is_some()),
        }
    }
    if let Some(t) = s.timestamp {
        let t = t.as_seconds();
        if let Some((latest, latest_at)) = metric.latest {
            if t < latest {
                return Err(at.error(format!(
                    "`{what}`: the timestamps of a metric must not decrease ({t} after {latest} on line {})",
                    latest_at.line
                )));
            }
        }
        metric.latest = Some((t, at));
    }
    Ok(())
}

/// A histogram's metric point: its labels without `le`, and its timestamp.
type Point<'a> = (LabelKey<'a>, Option<u64>);

struct Bucket<'a> {
    le: f64,
    spelled: &'a str,
    value: f64,
    at: At,
    exemplar: Option<&'a Exemplar>,
}

/// Every metric point of a histogram: buckets ascending and cumulative, ending at `+Inf`,
/// equal to `_count`; `_count` exactly when `_sum`; in OpenMetrics no `_sum` beside negative
/// buckets, and bucket exemplars at most their `le`.
fn check_histograms<'f>(f: &'f MetricFamily, state: &State, om: bool) -> Result<(), ParseError> {
    let gauge = f.metric_type == MetricType::GaugeHistogram;
    let (sum_suffix, count_suffix) = if gauge {
        ("_gsum", "_gcount")
    } else {
        ("_sum", "_count")
    };
    // Metric points in order of appearance: labels without `le`, and the timestamp.
    // `_created` is not checked here and need not carry its point's timestamp: it only makes
    // a point of its own when its metric has no other samples (which then lacks buckets).
    let is_created = |s: &Sample| s.name.strip_prefix(f.name.as_str()) == Some("_created");
    let point = |s: &'f Sample| {
        (
            sorted(&s.labels, Some("le")),
            s.timestamp.map(|t| t.as_seconds().to_bits()),
        )
    };
    let mut order: Vec<Point<'f>> = Vec::new();
    let mut points: HashMap<Point<'f>, Vec<usize>> = HashMap::new();
    let mut metrics: HashSet<LabelKey<'f>> = HashSet::new();
    for created in [false, true] {
        for (k, s) in f.samples.iter().enumerate() {
            if is_created(s) != created {
                continue;
            }
            let key = point(s);
            if created && metrics.contains(&key.0) && !points.contains_key(&key) {
                continue;
            }
            match points.entry(key) {
                Entry::Occupied(mut o) => o.get_mut().push(k),
                Entry::Vacant(v) => {
                    metrics.insert(v.key().0.clone());
                    order.push(v.key().clone());
                    v.insert(vec![k]);
                }
            }
        }
    }
    for key in &order {
        let samples = &points[key];
        let mut buckets: Vec<Bucket<'_>> = Vec::new();
        let mut sum: Option<(f64, At)> = None;
        let mut count: Option<(f64, At)> = None;
        for &k in samples {
            let (s, at) = (&f.samples[k], state.sample_at[k]);
            let suffix = &s.name[f.name.len()..];
            if suffix == "_bucket" {
                let spelled = s.label("le").unwrap_or_default();
                buckets.push(Bucket {
                    le: parse_float(spelled).unwrap_or(f64::NAN),
                    spelled,
                    value: s.value,
                    at,
                    exemplar: s.exemplar.as_ref(),
                });
            } else if suffix == sum_suffix {
                sum = Some((s.value, at));
            } else if suffix == count_suffix {
                count = Some((s.value, at));
            }
        }
        let first_at = state.sample_at[samples[0]];
        let what = Series(&f.name, &key.0);
        let Some(last) = buckets.last() else {
            return Err(first_at.error(format!(
                "the histogram `{what}` has no buckets; `{}_bucket{{le=\"+Inf\"}}` is required",
                f.name
            )));
        };
        for w in buckets.windows(2) {
            if w[1].le <= w[0].le {
                return Err(w[1].at.error(format!(
                    "`{what}`: buckets must be in increasing order of `le` (`{}` after `{}`)",
                    w[1].spelled, w[0].spelled
                )));
            }
            if w[1].value < w[0].value {
                return Err(w[1].at.error(format!(
                    "`{what}`: bucket counts are cumulative, but `le=\"{}\"` has {} after {} at `le=\"{}\"`",
                    w[1].spelled, w[1].value, w[0].value, w[0].spelled
                )));
            }
        }
        if last.le != f64::INFINITY {
            return Err(last
                .at
                .error(format!("`{what}`: the last bucket must be `le=\"+Inf\"`")));
        }
        match (sum, count) {
            (Some((_, at)), None) => {
                return Err(at.error(format!(
                    "`{what}` has `{sum_suffix}` but no `{count_suffix}`; they come together"
                )))
            }
            (None, Some((_, at))) => {
                return Err(at.error(format!(
                    "`{what}` has `{count_suffix}` but no `{sum_suffix}`; they come together"
                )))
            }
            _ => {}
        }
        if let Some((c, at)) = count {
            if c != last.value {
                return Err(at.error(format!(
                    "`{what}`: `{count_suffix}` is {c} but the `+Inf` bucket is {}; they must be equal",
                    last.value
                )));
            }
        }
        if !om {
            continue;
        }
        let negative = buckets.iter().any(|b| b.le < 0.0);
        if let Some((s, at)) = sum {
            if !gauge && negative {
                return Err(at.error(format!(
                    "`{what}`: a histogram with negative buckets cannot have `_sum`"
                )));
            }
            if gauge && s < 0.0 && !negative {
                return Err(at.error(format!(
                    "`{what}`: `_gsum` can only be negative when there are negative buckets"
                )));
            }
        }
        // A bucket counts the values at most its `le`, so must its exemplar (which may also
        // be at or below the previous bound; NaN is within no bucket).
        for b in &buckets {
            if let Some(e) = b.exemplar {
                if e.value().is_nan() || e.value() > b.le {
                    return Err(b.at.error(format!(
                        "`{what}`: the exemplar value {} is above its bucket's `le=\"{}\"`; a bucket's exemplar is at most its bound",
                        e.value(), b.spelled
                    )));
                }
            }
        }
    }
    Ok(())
}
