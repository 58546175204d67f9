//! Round trip: whatever promenade's text 0.0.4 and OpenMetrics encoders write,
//! `promenade::parse` reads back (strictly) as the same families, help texts, labels and
//! values. Registries are
//! generated with adversarial label values and help texts: quotes, backslashes, newlines,
//! `#`, braces, commas, `=`, unicode, control characters, empty strings; over every metric
//! type (counters with and without exemplars, gauges, histograms with exemplars, summaries
//! with quantiles, gauge histograms, info, state sets) and observations that include
//! negative values and NaN, which OpenMetrics restricts.

use std::collections::BTreeMap;
use std::sync::Arc;

use promenade::labels::LabelWriter;
use promenade::metrics::{ExemplarLabels, Quantiles};
use promenade::parse::{self, MetricType};
use promenade::{
    Buckets, Counter, CounterWithExemplar, Family, Gauge, GaugeHistogram, Histogram, Info,
    LabelSet, LabelValue, Registry, StateSet, Summary,
};
use quickcheck::{Arbitrary, Gen, QuickCheck};

/// Pieces of label values and help texts that have broken exposition formats before.
const AWKWARD: &[&str] = &[
    "",
    "\"",
    "\\",
    "\n",
    "\\n",
    "\\\"",
    "#",
    "# ",
    "}",
    "{",
    ",",
    "=",
    "=\"",
    "\"}",
    " ",
    "\t",
    "\r",
    "é",
    "😀",
    "日本",
    "\u{0}",
    "\u{7f}",
    "a",
    "0",
    "le",
    "+Inf",
    "NaN",
    "# {x=\"1\"} 1",
    "# EOF",
    "\n# TYPE x counter\n",
];

const GAUGE_VALUES: &[f64] = &[
    0.0,
    -0.0,
    -1.5,
    0.1,
    1.0 / 3.0,
    123456789.125,
    1e300,
    -1e-300,
    5e-324,
    f64::MAX,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
];

/// Observations that are exact in binary, so their sum does not depend on order (NaN
/// makes it NaN whatever the order).
const OBSERVATIONS: &[f64] = &[0.25, 0.5, 0.75, 3.0, 100.0, -2.0, -0.5, f64::NAN];
const BOUNDS: [f64; 3] = [0.5, 1.0, 10.0];
const BOUND_LABELS: [&str; 4] = ["0.5", "1.0", "10.0", "+Inf"];
const QUANTILES: [f64; 3] = [0.0, 0.5, 1.0];
const QUANTILE_LABELS: [&str; 3] = ["0.0", "0.5", "1.0"];
/// Info label names; `a` repeats a series label, so it is left out of the exposition.
const INFO_NAMES: [&str; 3] = ["a", "version", "zone"];

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum Color {
    Red,
    Green,
    Blue,
}
const COLORS: [Color; 3] = [Color::Red, Color::Green, Color::Blue];
const COLOR_NAMES: [&str; 3] = ["red", "green", "blue"];

/// One observation: which value, and the exemplar's `trace` label if it carries one.
type Obs = (usize, Option<String>);

fn awkward(g: &mut Gen) -> String {
    let n = usize::arbitrary(g) % 4;
    (0..n).map(|_| *g.choose(AWKWARD).unwrap_or(&"")).collect()
}

/// A label set of two open labels.
#[derive(Clone, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
struct Pair {
    a: String,
    b: String,
}

impl LabelSet for Pair {
    const NAMES: &'static [&'static str] = &["a", "b"];
    const CARDINALITY: Option<usize> = None;
    fn index(&self) -> usize {
        0
    }
    fn from_index(_: usize) -> Option<Self> {
        None
    }
    fn encode(&self, out: &mut LabelWriter<'_>) {
        out.label("a", &self.a);
        out.label("b", &self.b);
    }
}

#[derive(Clone, Debug)]
enum Kind {
    /// Increments per series.
    Counter(Vec<(Pair, u32)>),
    /// Increments per series, some with an exemplar.
    ExemplarCounter(Vec<(Pair, u32, Option<String>)>),
    /// The value each series is set to.
    Gauge(Vec<(Pair, usize)>),
    /// Observations per series, some with an exemplar.
    Histogram(Vec<(Pair, Vec<Obs>)>),
    /// Observations per series, quantiles 0, 0.5 and 1.
    Summary(Vec<(Pair, Vec<usize>)>),
    /// Values added per series.
    GaugeHistogram(Vec<(Pair, Vec<usize>)>),
    /// The info labels each series is set to (names from `INFO_NAMES`).
    Info(Vec<(Pair, Vec<(usize, String)>)>),
    /// States set per series.
    StateSet(Vec<(Pair, Vec<(usize, bool)>)>),
}

#[derive(Clone, Debug)]
struct FamilyCase {
    name: String,
    help: String,
    kind: Kind,
}

#[derive(Clone, Debug)]
struct Case(Vec<FamilyCase>);

fn pair(g: &mut Gen) -> Pair {
    Pair {
        a: awkward(g),
        b: awkward(g),
    }
}

fn observations(g: &mut Gen) -> Vec<usize> {
    let n = usize::arbitrary(g) % 6;
    (0..n)
        .map(|_| usize::arbitrary(g) % OBSERVATIONS.len())
        .collect()
}

/// An awkward value without NUL, which exemplar and info labels refuse where they are
/// set (no format can carry it).
fn carriable(g: &mut Gen) -> String {
    awkward(g).replace('\0', "")
}

fn maybe_trace(g: &mut Gen) -> Option<String> {
    bool::arbitrary(g).then(|| carriable(g))
}

fn series_of<T>(g: &mut Gen, mut value: impl FnMut(&mut Gen) -> T) -> Vec<(Pair, T)> {
    let series = usize::arbitrary(g) % 5;
    (0..series).map(|_| (pair(g), value(g))).collect()
}

impl Arbitrary for Case {
    fn arbitrary(g: &mut Gen) -> Self {
        let families = (0..1 + usize::arbitrary(g) % 4)
            .map(|i| {
                let kind = match u8::arbitrary(g) % 8 {
                    0 => Kind::Counter(series_of(g, u32::arbitrary)),
                    1 => Kind::ExemplarCounter(
                        series_of(g, |g| (u32::arbitrary(g), maybe_trace(g)))
                            .into_iter()
                            .map(|(p, (n, t))| (p, n, t))
                            .collect(),
                    ),
                    2 => Kind::Gauge(series_of(g, |g| usize::arbitrary(g) % GAUGE_VALUES.len())),
                    3 => Kind::Histogram(series_of(g, |g| {
                        observations(g)
                            .into_iter()
                            .map(|o| (o, maybe_trace(g)))
                            .collect()
                    })),
                    4 => Kind::Summary(series_of(g, observations)),
                    5 => Kind::GaugeHistogram(series_of(g, observations)),
                    6 => Kind::Info(series_of(g, |g| {
                        let n = usize::arbitrary(g) % 4;
                        (0..n)
                            .map(|_| (usize::arbitrary(g) % INFO_NAMES.len(), carriable(g)))
                            .collect()
                    })),
                    _ => Kind::StateSet(series_of(g, |g| {
                        let n = usize::arbitrary(g) % 4;
                        (0..n)
                            .map(|_| (usize::arbitrary(g) % COLORS.len(), bool::arbitrary(g)))
                            .collect()
                    })),
                };
                // A state set's name is also its states' label name: no `:`.
                let suffixes: &[&str] = match kind {
                    Kind::StateSet(_) => &["", "_total", "_bucket", "_sum", "_count", "_seconds"],
                    _ => &["", "_total", "_bucket", "_sum", "_count", ":x", "_seconds"],
                };
                let suffix = *g.choose(suffixes).unwrap_or(&"");
                // `_total` is a counter's: registration refuses it on other types.
                let suffix = match kind {
                    Kind::Gauge(_) | Kind::Histogram(_) | Kind::Summary(_) | Kind::StateSet(_)
                        if suffix == "_total" =>
                    {
                        ""
                    }
                    _ => suffix,
                };
                FamilyCase {
                    name: format!("f{i}{suffix}"),
                    help: awkward(g),
                    kind,
                }
            })
            .collect();
        Case(families)
    }
}

/// Values compare by bits, so NaN equals NaN and the sign of zero counts.
type Expected = BTreeMap<(String, Vec<(String, String)>), u64>;
/// Exemplars by sample: labels and value bits.
type ExpectedExemplars = BTreeMap<(String, Vec<(String, String)>), (Vec<(String, String)>, u64)>;

struct ExpectedFamily {
    name: String,
    metric_type: MetricType,
    help: Option<String>,
    samples: Expected,
    exemplars: ExpectedExemplars,
    /// The series that have a `_created` sample in OpenMetrics.
    created: Vec<Vec<(String, String)>>,
}

/// NaN spelled `NaN` parses back as `f64::NAN`, whatever bits the arithmetic left.
fn bits(v: f64) -> u64 {
    if v.is_nan() {
        f64::NAN.to_bits()
    } else {
        v.to_bits()
    }
}

/// The index of the bucket (one per bound, then `+Inf`) a value lands in; NaN in `+Inf`.
fn bucket_of(v: f64) -> usize {
    BOUNDS.iter().position(|b| v <= *b).unwrap_or(BOUNDS.len())
}

/// Cumulative `_bucket` samples of `values` under `name`.
fn expect_buckets(samples: &mut Expected, name: &str, labels: &[(String, String)], values: &[f64]) {
    let mut cumulative = 0;
    for (i, spelled) in BOUND_LABELS.iter().enumerate() {
        cumulative += values.iter().filter(|v| bucket_of(**v) == i).count();
        let mut l = labels.to_vec();
        l.push(("le".to_owned(), (*spelled).to_owned()));
        samples.insert((format!("{name}_bucket"), l), bits(cumulative as f64));
    }
}

/// The nearest-rank quantile of `values` (sorted as the summary sorts them: NaN last).
fn quantile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        return f64::NAN;
    }
    let target = q * sorted.len() as f64;
    let rank = (1..=sorted.len())
        .find(|r| *r as f64 >= target)
        .unwrap_or(sorted.len());
    sorted[rank - 1]
}

/// Registers the case into a registry and works out, independently of the encoder,
/// what the text format (or OpenMetrics, without its `_created` samples) must show.
fn build(case: &Case, om: bool) -> (Registry, Vec<ExpectedFamily>) {
    let registry = Registry::new();
    let mut expected = Vec::new();
    let labels = |p: &Pair| vec![("a".to_owned(), p.a.clone()), ("b".to_owned(), p.b.clone())];
    let trace = |t: &str| ExemplarLabels::new([("trace", t)]).unwrap();
    let trace_labels = |t: &str| vec![("trace".to_owned(), t.to_owned())];
    for f in &case.0 {
        // Text 0.0.4 cannot carry leading blanks in HELP: every parser (expfmt, the
        // Python client, this one) reads the blanks after the name as one separator.
        // OpenMetrics has exactly one space there, so it keeps them.
        let help = (!f.help.is_empty()).then(|| match om {
            true => f.help.clone(),
            false => f.help.trim_start_matches([' ', '\t']).to_owned(),
        });
        let mut samples = Expected::new();
        let mut exemplars = ExpectedExemplars::new();
        let mut created = Vec::new();
        // Text 0.0.4 shows a gauge histogram's `_gcount` and `_gsum` as gauge families
        // after it.
        let mut text_gauges: Vec<(String, Expected)> = Vec::new();
        let (name, metric_type) = match &f.kind {
            Kind::Counter(series) => {
                let family = Arc::new(Family::<Pair, Counter>::with_limit(64));
                registry
                    .register_metric(f.name.clone(), f.help.clone(), family.clone())
                    .unwrap();
                let base = f.name.strip_suffix("_total").unwrap_or(&f.name);
                let name = format!("{base}_total");
                let family_name = if om { base.to_owned() } else { name.clone() };
                let mut totals: BTreeMap<Pair, u64> = BTreeMap::new();
                for (p, n) in series {
                    family.labels(p.clone()).inc_by(u64::from(*n));
                    *totals.entry(p.clone()).or_default() += u64::from(*n);
                }
                for (p, total) in totals {
                    samples.insert((name.clone(), labels(&p)), (total as f64).to_bits());
                    created.push(labels(&p));
                }
                (family_name, MetricType::Counter)
            }
            Kind::Gauge(series) => {
                let family = Arc::new(Family::<Pair, Gauge>::with_limit(64));
                registry
                    .register_metric(f.name.clone(), f.help.clone(), family.clone())
                    .unwrap();
                for (p, v) in series {
                    family.labels(p.clone()).set(GAUGE_VALUES[*v]);
                    samples.insert((f.name.clone(), labels(p)), GAUGE_VALUES[*v].to_bits());
                }
                (f.name.clone(), MetricType::Gauge)
            }
            Kind::Histogram(series) => {
                let family = Arc::new(Family::<Pair, Histogram>::with_limit_and_config(
                    64,
                    Buckets::new(BOUNDS).unwrap(),
                ));
                registry
                    .register_metric(f.name.clone(), f.help.clone(), family.clone())
                    .unwrap();
                let mut all: BTreeMap<Pair, Vec<f64>> = BTreeMap::new();
                // The latest exemplar per series and bucket.
                let mut latest: BTreeMap<(Pair, usize), (String, f64)> = BTreeMap::new();
                for (p, obs) in series {
                    let h = family.labels(p.clone());
                    for (o, t) in obs {
                        let v = OBSERVATIONS[*o];
                        match t {
                            Some(t) => {
                                h.observe_with_exemplar(v, &trace(t));
                                // A NaN observation keeps no exemplar.
                                if !v.is_nan() {
                                    latest.insert((p.clone(), bucket_of(v)), (t.clone(), v));
                                }
                            }
                            None => h.observe(v),
                        }
                        all.entry(p.clone()).or_default().push(v);
                    }
                    all.entry(p.clone()).or_default();
                }
                for (p, obs) in all {
                    expect_buckets(&mut samples, &f.name, &labels(&p), &obs);
                    let sum = obs.iter().fold(0.0, |s, o| s + o);
                    // OpenMetrics forbids a negative or NaN `_sum`; the encoder then leaves
                    // out `_sum` and `_count` together (the `+Inf` bucket keeps the count).
                    if !om || sum >= 0.0 {
                        samples.insert((format!("{}_sum", f.name), labels(&p)), bits(sum));
                        let count = obs.len() as f64;
                        samples.insert((format!("{}_count", f.name), labels(&p)), count.to_bits());
                    }
                    created.push(labels(&p));
                }
                if om {
                    for ((p, i), (t, v)) in latest {
                        let mut l = labels(&p);
                        l.push(("le".to_owned(), BOUND_LABELS[i].to_owned()));
                        exemplars.insert(
                            (format!("{}_bucket", f.name), l),
                            (trace_labels(&t), bits(v)),
                        );
                    }
                }
                (f.name.clone(), MetricType::Histogram)
            }
            Kind::ExemplarCounter(series) => {
                let family = Arc::new(Family::<Pair, CounterWithExemplar>::with_limit(64));
                registry
                    .register_metric(f.name.clone(), f.help.clone(), family.clone())
                    .unwrap();
                let base = f.name.strip_suffix("_total").unwrap_or(&f.name);
                let name = format!("{base}_total");
                let family_name = if om { base.to_owned() } else { name.clone() };
                let mut totals: BTreeMap<Pair, u64> = BTreeMap::new();
                let mut latest: BTreeMap<Pair, (String, u32)> = BTreeMap::new();
                for (p, n, t) in series {
                    let c = family.labels(p.clone());
                    match t {
                        Some(t) => {
                            c.inc_with_exemplar(u64::from(*n), &trace(t));
                            latest.insert(p.clone(), (t.clone(), *n));
                        }
                        None => c.inc_by(u64::from(*n)),
                    }
                    *totals.entry(p.clone()).or_default() += u64::from(*n);
                }
                for (p, total) in totals {
                    samples.insert((name.clone(), labels(&p)), (total as f64).to_bits());
                    created.push(labels(&p));
                }
                if om {
                    for (p, (t, n)) in latest {
                        exemplars.insert(
                            (name.clone(), labels(&p)),
                            (trace_labels(&t), f64::from(n).to_bits()),
                        );
                    }
                }
                (family_name, MetricType::Counter)
            }
            Kind::Summary(series) => {
                let q = Quantiles::new(QUANTILES).unwrap();
                let family = Arc::new(Family::<Pair, Summary>::with_limit_and_config(64, Some(q)));
                registry
                    .register_metric(f.name.clone(), f.help.clone(), family.clone())
                    .unwrap();
                let mut all: BTreeMap<Pair, Vec<f64>> = BTreeMap::new();
                for (p, obs) in series {
                    let s = family.labels(p.clone());
                    let values = all.entry(p.clone()).or_default();
                    for &o in obs {
                        s.observe(OBSERVATIONS[o]);
                        values.push(OBSERVATIONS[o]);
                    }
                }
                for (p, obs) in all {
                    for (q, spelled) in QUANTILES.iter().zip(QUANTILE_LABELS) {
                        let v = quantile(&obs, *q);
                        // OpenMetrics forbids negative quantile values (NaN: no data).
                        if om && v < 0.0 {
                            continue;
                        }
                        let mut l = labels(&p);
                        l.push(("quantile".to_owned(), spelled.to_owned()));
                        samples.insert((f.name.clone(), l), bits(v));
                    }
                    let sum = obs.iter().fold(0.0, |s, o| s + o);
                    if !om || sum >= 0.0 {
                        samples.insert((format!("{}_sum", f.name), labels(&p)), bits(sum));
                        let count = obs.len() as f64;
                        samples.insert((format!("{}_count", f.name), labels(&p)), count.to_bits());
                    }
                    created.push(labels(&p));
                }
                (f.name.clone(), MetricType::Summary)
            }
            Kind::GaugeHistogram(series) => {
                let family = Arc::new(Family::<Pair, GaugeHistogram>::with_limit_and_config(
                    64,
                    Buckets::new(BOUNDS).unwrap(),
                ));
                registry
                    .register_metric(f.name.clone(), f.help.clone(), family.clone())
                    .unwrap();
                let mut all: BTreeMap<Pair, Vec<f64>> = BTreeMap::new();
                for (p, obs) in series {
                    let g = family.labels(p.clone());
                    let values = all.entry(p.clone()).or_default();
                    for &o in obs {
                        g.add(OBSERVATIONS[o]);
                        values.push(OBSERVATIONS[o]);
                    }
                }
                let (mut gcount, mut gsum) = (Expected::new(), Expected::new());
                for (p, obs) in &all {
                    expect_buckets(&mut samples, &f.name, &labels(p), obs);
                    let sum = obs.iter().fold(0.0, |s, o| s + o);
                    let count = (obs.len() as f64).to_bits();
                    let gcount_name = format!("{}_gcount", f.name);
                    let gsum_name = format!("{}_gsum", f.name);
                    if !om {
                        gcount.insert((gcount_name, labels(p)), count);
                        gsum.insert((gsum_name, labels(p)), bits(sum));
                    } else if sum >= 0.0 {
                        // The bounds are not negative: a negative or NaN `_gsum` is left
                        // out, with `_gcount`.
                        samples.insert((gcount_name, labels(p)), count);
                        samples.insert((gsum_name, labels(p)), bits(sum));
                    }
                }
                if !all.is_empty() && !om {
                    text_gauges.push((format!("{}_gcount", f.name), gcount));
                    text_gauges.push((format!("{}_gsum", f.name), gsum));
                }
                let ty = if om {
                    MetricType::GaugeHistogram
                } else {
                    MetricType::Histogram
                };
                (f.name.clone(), ty)
            }
            Kind::Info(series) => {
                let family = Arc::new(Family::<Pair, Info>::with_limit(64));
                registry
                    .register_metric(f.name.clone(), f.help.clone(), family.clone())
                    .unwrap();
                let mut last: BTreeMap<Pair, Vec<(String, String)>> = BTreeMap::new();
                for (p, pairs) in series {
                    let mut set: Vec<(&str, &str)> = Vec::new();
                    for (n, v) in pairs {
                        if !set.iter().any(|(name, _)| *name == INFO_NAMES[*n]) {
                            set.push((INFO_NAMES[*n], v));
                        }
                    }
                    family.labels(p.clone()).set(set.iter().copied()).unwrap();
                    let owned = set
                        .iter()
                        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                        .collect();
                    last.insert(p.clone(), owned);
                }
                let sample = format!("{}_info", f.name);
                for (p, info) in last {
                    // `a` repeats the series' label `a`: the series' own label wins.
                    let mut l = labels(&p);
                    l.extend(info.into_iter().filter(|(n, _)| n != "a" && n != "b"));
                    samples.insert((sample.clone(), l), 1f64.to_bits());
                }
                let name = if om { f.name.clone() } else { sample };
                let ty = if om {
                    MetricType::Info
                } else {
                    MetricType::Gauge
                };
                (name, ty)
            }
            Kind::StateSet(series) => {
                let family = Arc::new(Family::<Pair, StateSet<Color>>::with_limit(64));
                registry
                    .register_metric(f.name.clone(), f.help.clone(), family.clone())
                    .unwrap();
                let mut states: BTreeMap<Pair, [bool; 3]> = BTreeMap::new();
                for (p, sets) in series {
                    let s = family.labels(p.clone());
                    let held = states.entry(p.clone()).or_default();
                    for (i, on) in sets {
                        s.set(COLORS[*i], *on);
                        held[*i] = *on;
                    }
                }
                for (p, held) in states {
                    for (state, on) in COLOR_NAMES.iter().zip(held) {
                        let mut l = labels(&p);
                        l.push((f.name.clone(), (*state).to_owned()));
                        samples.insert((f.name.clone(), l), f64::from(u8::from(on)).to_bits());
                    }
                }
                let ty = if om {
                    MetricType::StateSet
                } else {
                    MetricType::Gauge
                };
                (f.name.clone(), ty)
            }
        };
        created.sort();
        expected.push(ExpectedFamily {
            name,
            metric_type,
            help: help.clone(),
            samples,
            exemplars,
            created: if om { created } else { Vec::new() },
        });
        for (name, samples) in text_gauges {
            expected.push(ExpectedFamily {
                name,
                metric_type: MetricType::Gauge,
                help: help.clone(),
                samples,
                exemplars: ExpectedExemplars::new(),
                created: Vec::new(),
            });
        }
    }
    (registry, expected)
}

fn round_trip(case: Case) -> bool {
    check(case, false)
}

fn round_trip_openmetrics(case: Case) -> bool {
    check(case, true)
}

fn check(case: Case, om: bool) -> bool {
    let (registry, expected) = build(&case, om);
    let mut text = String::new();
    if om {
        promenade::encoding::openmetrics::encode(&registry, &mut text);
    } else {
        promenade::encoding::text::encode(&registry, &mut text);
    }
    let parsed = match if om {
        parse::openmetrics(&text)
    } else {
        parse::text(&text)
    } {
        Ok(parsed) => parsed,
        Err(e) => panic!("the encoder's output was refused: {e}\n{text}"),
    };
    // Families of promenade's own (the overflow self-metric) may follow ours.
    let (ours, own) = parsed.split_at(expected.len().min(parsed.len()));
    assert!(
        own.iter().all(|f| f.name.starts_with("promenade_")),
        "unexpected families {own:?}\n{text}"
    );
    assert_eq!(ours.len(), expected.len(), "{text}");
    for (got, want) in ours.iter().zip(&expected) {
        assert_eq!(got.name, want.name, "{text}");
        assert_eq!(got.metric_type, want.metric_type, "{text}");
        assert_eq!(got.help, want.help, "{text}");
        assert_eq!(got.unit, None);
        // OpenMetrics: `_created` (seconds, now-ish), exactly one per counter, histogram
        // or summary series.
        let (created, rest): (Vec<_>, Vec<_>) = got
            .samples
            .iter()
            .partition(|s| om && s.name.ends_with("_created"));
        let mut with_created: Vec<Vec<(String, String)>> =
            created.iter().map(|s| s.labels.clone()).collect();
        with_created.sort();
        assert_eq!(with_created, want.created, "family {}\n{text}", want.name);
        assert!(created.iter().all(|s| s.value > 1.6e9), "{text}");
        let mut exemplars = ExpectedExemplars::new();
        let samples: Expected = rest
            .iter()
            .map(|s| {
                assert_eq!(s.timestamp, None);
                let key = (s.name.clone(), s.labels.clone());
                if let Some(e) = &s.exemplar {
                    // Live exemplars carry the time they were recorded.
                    assert!(e.timestamp().is_some_and(|t| t > 1.6e9), "{text}");
                    exemplars.insert(
                        key.clone(),
                        (
                            e.labels()
                                .iter()
                                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                                .collect::<Vec<_>>(),
                            e.value().to_bits(),
                        ),
                    );
                }
                (key, s.value.to_bits())
            })
            .collect();
        assert_eq!(samples.len(), rest.len(), "duplicate series\n{text}");
        if samples != want.samples {
            panic!(
                "family {}: parsed {samples:?}\nexpected {:?}\n{text}",
                want.name, want.samples
            );
        }
        assert_eq!(exemplars, want.exemplars, "family {}\n{text}", want.name);
    }
    true
}

/// Protobuf: the bytes decode with prost and re-encode to the same bytes; parsed back,
/// the series are those of the text exposition of the same registry (same names, labels
/// and values), and the help texts, `_created` samples and exemplars those of its
/// OpenMetrics exposition.
#[cfg(feature = "protobuf")]
fn round_trip_protobuf(case: Case) -> bool {
    use promenade::encoding::protobuf::{self, proto};
    use promenade::encoding::Format;
    use std::collections::BTreeSet;

    let (registry, _) = build(&case, false);
    let bytes = protobuf::encode_to_vec(&registry);
    let decoded = proto::decode_delimited(&bytes).expect("prost decodes the exposition");
    let mut again = Vec::new();
    for family in &decoded {
        prost::Message::encode_length_delimited(family, &mut again).unwrap();
    }
    assert!(
        again == bytes,
        "prost re-encodes different bytes: {decoded:?}"
    );

    let mut text = String::new();
    promenade::encoding::text::encode(&registry, &mut text);
    let mut om = String::new();
    promenade::encoding::openmetrics::encode(&registry, &mut om);
    let from_pb = parse::parse_bytes(&bytes, Format::Protobuf).expect("parses back");
    let from_text = parse::text(&text).unwrap();
    let from_om = parse::openmetrics(&om).unwrap();

    type Key = (String, Vec<(String, String)>);
    let series = |families: &[parse::MetricFamily]| -> BTreeSet<(Key, u64)> {
        families
            .iter()
            .flat_map(|f| &f.samples)
            .filter(|s| !s.name.ends_with("_created"))
            .map(|s| ((s.name.clone(), s.labels.clone()), bits(s.value)))
            .collect()
    };
    assert_eq!(series(&from_pb), series(&from_text), "{text}");

    // `_created` and exemplars as OpenMetrics has them, value for value.
    let extras = |families: &[parse::MetricFamily]| {
        let mut created = BTreeSet::new();
        let mut exemplars = BTreeSet::new();
        for s in families.iter().flat_map(|f| &f.samples) {
            if s.name.ends_with("_created") {
                created.insert(((s.name.clone(), s.labels.clone()), bits(s.value)));
            }
            if let Some(e) = &s.exemplar {
                let ts = e.timestamp().map(f64::to_bits);
                exemplars.insert((
                    (s.name.clone(), s.labels.clone()),
                    e.labels()
                        .iter()
                        .map(|(n, v)| (n.to_owned(), v.to_owned()))
                        .collect::<Vec<_>>(),
                    bits(e.value()),
                    ts,
                ));
            }
        }
        (created, exemplars)
    };
    let (pb_created, pb_exemplars) = extras(&from_pb);
    let (om_created, om_exemplars) = extras(&from_om);
    assert_eq!(pb_created, om_created, "{om}");
    // Timestamps of exemplars survive to the nanosecond in protobuf, to the shortest
    // round-trip float in OpenMetrics: compare them to the microsecond.
    type Exemplars = BTreeSet<(Key, Vec<(String, String)>, u64, Option<u64>)>;
    let coarse = |set: Exemplars| {
        set.into_iter()
            .map(|(k, l, v, t)| (k, l, v, t.map(|t| (f64::from_bits(t) * 1e6).round() as i64)))
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(coarse(pb_exemplars), coarse(om_exemplars), "{om}");

    // Help verbatim (OpenMetrics keeps it verbatim too); families in the same order,
    // but for those without series, which protobuf leaves out.
    let om_helps: Vec<Option<String>> = from_om
        .iter()
        .filter(|f| !f.samples.is_empty())
        .map(|f| f.help.clone())
        .collect();
    let pb_helps: Vec<Option<String>> = from_pb
        .iter()
        // A gauge histogram is three families in protobuf, one in OpenMetrics.
        .filter(|f| !f.name.ends_with("_gcount") && !f.name.ends_with("_gsum"))
        .map(|f| f.help.clone())
        .collect();
    assert_eq!(pb_helps, om_helps);
    true
}

#[cfg(feature = "protobuf")]
#[test]
fn protobuf_encoding_parses_back_to_the_text_series() {
    QuickCheck::new()
        .tests(300)
        .quickcheck(round_trip_protobuf as fn(Case) -> bool);
}

/// Re-exposes parsed families (what a proxying collector does), but for the registry's
/// own (`promenade_…`), which a registry sends itself and no collector may.
struct Replay(Vec<parse::MetricFamily>);

/// `exposition` without the registry's own families (which come last).
fn without_own_families(exposition: Vec<u8>, format: promenade::encoding::Format) -> Vec<u8> {
    use promenade::encoding::Format;
    match format {
        #[cfg(feature = "protobuf")]
        Format::Protobuf => {
            let mut out = Vec::new();
            for f in promenade::encoding::protobuf::proto::decode_delimited(&exposition).unwrap() {
                if !f.name().starts_with("promenade_") {
                    prost::Message::encode_length_delimited(&f, &mut out).unwrap();
                }
            }
            out
        }
        _ => {
            let text = String::from_utf8(exposition).unwrap();
            let own = ["# HELP promenade_", "# TYPE promenade_"]
                .iter()
                .filter_map(|m| text.find(m))
                .min();
            match own {
                Some(at) => {
                    let eof = if format == Format::OpenMetrics {
                        "# EOF\n"
                    } else {
                        ""
                    };
                    format!("{}{eof}", &text[..at]).into_bytes()
                }
                None => text.into_bytes(),
            }
        }
    }
}

impl promenade::Collector for Replay {
    fn describe(&self) -> Vec<promenade::registry::Descriptor> {
        Vec::new()
    }
    fn collect(&self, sink: &mut dyn promenade::registry::Sink) {
        for family in &self.0 {
            family.collect_into(sink).expect("a parsed family collects");
        }
    }
}

/// A family as data, floats by their bits (so NaN equals NaN).
type FlatSample = (
    String,
    Vec<(String, String)>,
    u64,
    Option<u64>,
    Option<(Vec<(String, String)>, u64, Option<u64>)>,
);
type FlatFamily = (
    String,
    MetricType,
    Option<String>,
    Option<String>,
    Vec<FlatSample>,
);

fn flat(families: &[parse::MetricFamily]) -> Vec<FlatFamily> {
    families
        .iter()
        .map(|f| {
            let samples = f
                .samples
                .iter()
                .map(|s| {
                    let exemplar = s.exemplar.as_ref().map(|e| {
                        let labels = e
                            .labels()
                            .iter()
                            .map(|(n, v)| (n.to_owned(), v.to_owned()))
                            .collect();
                        (labels, bits(e.value()), e.timestamp().map(f64::to_bits))
                    });
                    let ts = s.timestamp.map(|t| t.as_seconds().to_bits());
                    (
                        s.name.clone(),
                        s.labels.clone(),
                        bits(s.value),
                        ts,
                        exemplar,
                    )
                })
                .collect();
            // The data model has no empty help: an empty HELP line is no HELP line.
            let help = f.help.clone().filter(|h| !h.is_empty());
            (f.name.clone(), f.metric_type, help, f.unit.clone(), samples)
        })
        .collect()
}

/// encode → parse → collect → encode is the identity in every format: the same bytes in
/// protobuf, the same families in the text formats.
fn encode_parse_encode(case: Case) -> bool {
    use promenade::encoding::Format;
    let (registry, _) = build(&case, false);
    let formats: &[Format] = if cfg!(feature = "protobuf") {
        &[Format::Text, Format::OpenMetrics, Format::Protobuf]
    } else {
        &[Format::Text, Format::OpenMetrics]
    };
    for format in formats {
        let encode = |r: &Registry| -> Vec<u8> {
            let mut out = String::new();
            match format {
                Format::Text => promenade::encoding::text::encode(r, &mut out),
                Format::OpenMetrics => promenade::encoding::openmetrics::encode(r, &mut out),
                #[cfg(feature = "protobuf")]
                _ => return promenade::encoding::protobuf::encode_to_vec(r),
                #[cfg(not(feature = "protobuf"))]
                _ => unreachable!(),
            }
            out.into_bytes()
        };
        let first = without_own_families(encode(&registry), *format);
        let mut parsed = parse::parse_bytes(&first, *format).expect("parses");
        parsed.retain(|f| !f.name.starts_with("promenade_"));
        let replayed = Registry::new();
        replayed.register(Replay(parsed)).unwrap();
        let second = encode(&replayed);
        // Protobuf carries doubles: the bytes are the same. The text formats spell a value
        // written as an integer (`1`) and one written as a float (`1.0`) differently, which
        // a parsed `f64` does not remember: the families read back are the same.
        let same = if cfg!(feature = "protobuf") && *format == Format::Protobuf {
            first == second
        } else {
            let second_parsed = parse::parse_bytes(&second, *format).expect("parses");
            flat(&parse::parse_bytes(&first, *format).unwrap()) == flat(&second_parsed)
        };
        if !same {
            panic!(
                "{format}: encode → parse → encode differs:\n{}\n---\n{}",
                String::from_utf8_lossy(&first),
                String::from_utf8_lossy(&second)
            );
        }
    }
    true
}

#[test]
fn encode_parse_encode_is_the_identity_in_every_format() {
    QuickCheck::new()
        .tests(300)
        .quickcheck(encode_parse_encode as fn(Case) -> bool);
}

#[test]
fn text_encoding_parses_back_to_the_same_families() {
    QuickCheck::new()
        .tests(500)
        .quickcheck(round_trip as fn(Case) -> bool);
}

#[test]
fn openmetrics_encoding_parses_back_to_the_same_families() {
    QuickCheck::new()
        .tests(500)
        .quickcheck(round_trip_openmetrics as fn(Case) -> bool);
}

#[test]
fn the_most_awkward_case_by_hand() {
    let every: String = AWKWARD.concat();
    let case = Case(vec![
        FamilyCase {
            name: "jobs".into(),
            help: every.clone(),
            kind: Kind::Counter(vec![
                (
                    Pair {
                        a: every.clone(),
                        b: String::new(),
                    },
                    3,
                ),
                (
                    Pair {
                        a: String::new(),
                        b: every.clone(),
                    },
                    0,
                ),
            ]),
        },
        FamilyCase {
            name: "temperature".into(),
            help: "\\n is not a newline; \n is".into(),
            kind: Kind::Gauge(vec![(
                Pair {
                    a: "}\"{".into(),
                    b: "\\\\".into(),
                },
                12,
            )]),
        },
        FamilyCase {
            name: "latency_seconds".into(),
            help: String::new(),
            kind: Kind::Histogram(vec![(
                Pair {
                    a: "le=\"1\"".into(),
                    b: "\n\n".into(),
                },
                vec![
                    (0, Some("\"} # {".into())),
                    (3, None),
                    (4, None),
                    (5, Some("x".into())),
                ],
            )]),
        },
        FamilyCase {
            name: "delta".into(),
            help: "Negative and NaN observations.".into(),
            kind: Kind::Summary(vec![
                (
                    Pair {
                        a: "neg".into(),
                        b: String::new(),
                    },
                    vec![5, 6, 1],
                ),
                (
                    Pair {
                        a: "nan".into(),
                        b: String::new(),
                    },
                    vec![7],
                ),
            ]),
        },
        FamilyCase {
            name: "backlog".into(),
            help: String::new(),
            kind: Kind::GaugeHistogram(vec![(
                Pair {
                    a: String::new(),
                    b: "\\".into(),
                },
                vec![5, 0],
            )]),
        },
        FamilyCase {
            name: "release".into(),
            help: String::new(),
            kind: Kind::Info(vec![(
                Pair {
                    a: "prod".into(),
                    b: every.clone(),
                },
                vec![(0, "clash".into()), (1, every.replace('\0', ""))],
            )]),
        },
        FamilyCase {
            name: "light".into(),
            help: String::new(),
            kind: Kind::StateSet(vec![(
                Pair {
                    a: "\n".into(),
                    b: String::new(),
                },
                vec![(1, true), (2, false)],
            )]),
        },
    ]);
    assert!(round_trip(case.clone()));
    assert!(round_trip_openmetrics(case));
}
