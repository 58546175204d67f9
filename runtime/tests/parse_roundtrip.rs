//! Round trip: whatever promenade's text 0.0.4 and OpenMetrics encoders write,
//! `promenade::parse` reads back (strictly) as the same families, help texts, labels and
//! values. Registries are
//! generated with adversarial label values and help texts: quotes, backslashes, newlines,
//! `#`, braces, commas, `=`, unicode, control characters, empty strings.

use std::collections::BTreeMap;
use std::sync::Arc;

use promenade::labels::LabelWriter;
use promenade::parse::{self, MetricType};
use promenade::{Buckets, Counter, Family, Gauge, Histogram, LabelSet, Registry};
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

/// Observations that are exact in binary, so their sum does not depend on order.
const OBSERVATIONS: &[f64] = &[0.25, 0.5, 0.75, 3.0, 100.0, -2.0];
const BOUNDS: [f64; 3] = [0.5, 1.0, 10.0];
const BOUND_LABELS: [&str; 4] = ["0.5", "1.0", "10.0", "+Inf"];

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
    /// The value each series is set to.
    Gauge(Vec<(Pair, usize)>),
    /// Observations per series.
    Histogram(Vec<(Pair, Vec<usize>)>),
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

impl Arbitrary for Case {
    fn arbitrary(g: &mut Gen) -> Self {
        let families = (0..1 + usize::arbitrary(g) % 4)
            .map(|i| {
                let suffix = *g
                    .choose(&["", "_total", "_bucket", "_sum", "_count", ":x", "_seconds"])
                    .unwrap_or(&"");
                let series = usize::arbitrary(g) % 5;
                let kind = match u8::arbitrary(g) % 3 {
                    0 => Kind::Counter((0..series).map(|_| (pair(g), u32::arbitrary(g))).collect()),
                    1 => Kind::Gauge(
                        (0..series)
                            .map(|_| (pair(g), usize::arbitrary(g) % GAUGE_VALUES.len()))
                            .collect(),
                    ),
                    _ => Kind::Histogram(
                        (0..series)
                            .map(|_| {
                                let n = usize::arbitrary(g) % 6;
                                let obs = (0..n)
                                    .map(|_| usize::arbitrary(g) % OBSERVATIONS.len())
                                    .collect();
                                (pair(g), obs)
                            })
                            .collect(),
                    ),
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

struct ExpectedFamily {
    name: String,
    metric_type: MetricType,
    help: Option<String>,
    samples: Expected,
}

/// Registers the case into a registry and works out, independently of the encoder,
/// what the text format (or OpenMetrics, without its `_created` samples) must show.
fn build(case: &Case, om: bool) -> (Registry, Vec<ExpectedFamily>) {
    let registry = Registry::new();
    let mut expected = Vec::new();
    let labels = |p: &Pair| vec![("a".to_owned(), p.a.clone()), ("b".to_owned(), p.b.clone())];
    for f in &case.0 {
        // Text 0.0.4 cannot carry leading blanks in HELP: every parser (expfmt, the
        // Python client, this one) reads the blanks after the name as one separator.
        // OpenMetrics has exactly one space there, so it keeps them.
        let help = (!f.help.is_empty()).then(|| match om {
            true => f.help.clone(),
            false => f.help.trim_start_matches([' ', '\t']).to_owned(),
        });
        let mut samples = Expected::new();
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
                for (p, obs) in series {
                    let h = family.labels(p.clone());
                    for &o in obs {
                        h.observe(OBSERVATIONS[o]);
                        all.entry(p.clone()).or_default().push(OBSERVATIONS[o]);
                    }
                    all.entry(p.clone()).or_default();
                }
                for (p, obs) in all {
                    let bounds = BOUNDS.iter().copied().chain([f64::INFINITY]);
                    for (le, spelled) in bounds.zip(BOUND_LABELS) {
                        let count = obs.iter().filter(|&&o| o <= le).count();
                        let mut l = labels(&p);
                        l.push(("le".to_owned(), spelled.to_owned()));
                        samples.insert((format!("{}_bucket", f.name), l), (count as f64).to_bits());
                    }
                    let sum = obs.iter().fold(0.0, |s, o| s + o);
                    // OpenMetrics forbids a negative `_sum`; the encoder then leaves out
                    // `_sum` and `_count` together (the `+Inf` bucket keeps the count).
                    if !(om && sum < 0.0) {
                        samples.insert((format!("{}_sum", f.name), labels(&p)), sum.to_bits());
                        let count = obs.len() as f64;
                        samples.insert((format!("{}_count", f.name), labels(&p)), count.to_bits());
                    }
                }
                (f.name.clone(), MetricType::Histogram)
            }
        };
        expected.push(ExpectedFamily {
            name,
            metric_type,
            help,
            samples,
        });
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
        // OpenMetrics: `_created` (seconds, now-ish) where the metric keeps one (plain
        // `Counter` does not), at most one per counter or histogram series.
        let (created, rest): (Vec<_>, Vec<_>) = got
            .samples
            .iter()
            .partition(|s| om && s.name.ends_with("_created"));
        // A series' labels are those of its `_total` or `_bucket` samples, `le` aside
        // (`_count` may be absent: see `build`).
        let series: Vec<Vec<_>> = rest
            .iter()
            .filter(|s| s.name.ends_with("_total") || s.name.ends_with("_bucket"))
            .map(|s| s.labels.iter().filter(|(k, _)| k != "le").collect())
            .collect();
        let mut with_created: Vec<Vec<_>> =
            created.iter().map(|s| s.labels.iter().collect()).collect();
        with_created.sort();
        with_created.dedup();
        assert_eq!(with_created.len(), created.len(), "{text}");
        assert!(with_created.iter().all(|l| series.contains(l)), "{text}");
        assert!(created.iter().all(|s| s.value > 1.6e9), "{text}");
        assert!(created.is_empty() || om);
        let samples: Expected = rest
            .iter()
            .map(|s| {
                assert_eq!(s.timestamp, None);
                assert_eq!(s.exemplar, None);
                ((s.name.clone(), s.labels.clone()), s.value.to_bits())
            })
            .collect();
        assert_eq!(samples.len(), rest.len(), "duplicate series\n{text}");
        if samples != want.samples {
            panic!(
                "family {}: parsed {samples:?}\nexpected {:?}\n{text}",
                want.name, want.samples
            );
        }
    }
    true
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
                vec![0, 3, 4, 5],
            )]),
        },
    ]);
    assert!(round_trip(case.clone()));
    assert!(round_trip_openmetrics(case));
}
